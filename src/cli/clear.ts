// rolecall clear [PROFILE|--all]: forget cached credentials (and, with --all, the stored IdP
// sign-ins), saying what was removed.
import { RolecallError } from '../errors';
import { openCredentialCache } from '../store/credential-cache';
import { openSecretStore } from '../store/secrets';
import { booleanFlag } from './args';
import type { Command } from './command';

// refresh tokens are stored as refresh:ISSUER:CLIENT_ID (src/idp/oidc/sign-in.ts)
const REFRESH_TOKENS = 'refresh:';

export const command: Command = {
  name: 'clear',
  usage: 'rolecall clear [PROFILE | --all]',
  options: { all: { type: 'boolean' } },
  help: `Forgets the cached short-lived credentials of PROFILE (every step of its chain), so the next call
logs in or calls STS again. With --all, forgets every cached credential and every stored identity
provider sign-in (OIDC refresh tokens). Passwords (\`rolecall password\`) and keys
(\`rolecall keys add\`) are kept; remove those with \`rolecall password P --delete\` and \`rolecall keys rm P\`.

  --all   every profile, and the stored IdP sign-ins

Examples:
  rolecall clear prod
  rolecall clear --all`,
  async run(parsed, ctx) {
    const all = booleanFlag(parsed, 'all');
    const profile = parsed.positionals[0] ?? parsed.globals.profile;
    if (all === (profile !== undefined) || parsed.positionals.length > 1) {
      throw new RolecallError('USAGE', all ? 'rolecall clear takes either a PROFILE or --all, not both' : 'rolecall clear needs a PROFILE, or --all', {
        hint: `Usage: ${command.usage}`,
      });
    }
    const cache = openCredentialCache({ env: ctx.env, home: ctx.home, clock: ctx.clock, log: ctx.log });
    const removed = await cache.clear(profile);
    const credentials = removed.filter((path) => /[\\/]credentials[\\/][^\\/]+\.json$/.test(path)).length;
    const whose = all ? 'of any profile' : `for profile ${profile}`;
    ctx.log.info(credentials ? `Removed ${credentials} cached credential ${credentials === 1 ? 'set' : 'sets'}${all ? '' : ` ${whose}`}.` : `No cached credentials ${whose}.`);
    for (const path of removed) ctx.log.debug(`removed ${path}`);
    if (!all) return 0;
    const secrets = openSecretStore({ env: ctx.env, home: ctx.home, log: ctx.log });
    try {
      const names = await secrets.list(REFRESH_TOKENS);
      for (const name of names) await secrets.delete(name);
      ctx.log.info(names.length ? `Forgot ${names.length} identity provider sign-in${names.length === 1 ? '' : 's'} (refresh tokens).` : 'No identity provider sign-ins were stored.');
    } catch (error) {
      if (!(error instanceof RolecallError)) throw error;
      ctx.log.warn(`the stored identity provider sign-ins could not be listed, so they were kept: ${error.message}`);
    }
    return 0;
  },
};
