// rolecall clear [PROFILE|--all]: forget cached credentials (and, with --all, the stored IdP
// sign-ins), saying what was removed.
import { RolecallError } from '../errors';
import { forget } from '../app/forget';
import { booleanFlag } from './args';
import type { Command } from './command';

export const command: Command = {
  name: 'clear',
  usage: 'rolecall clear [PROFILE [--sso] | --all]',
  options: { all: { type: 'boolean' }, sso: { type: 'boolean' } },
  help: `Forgets the cached short-lived credentials of PROFILE (every step of its chain), so the next call
logs in or calls STS again. With --all, forgets every cached credential and every stored identity
provider sign-in (OIDC refresh tokens, and the sessions of the browser that signs in to SAML
providers for saml_sso_url profiles), and signs out of every AWS IAM Identity Center session as
\`aws sso logout\` does (sso:Logout, and the token files in ~/.aws/sso/cache removed). Passwords
(\`rolecall password\`) and keys (\`rolecall keys add\`) are kept; remove those with
\`rolecall password P --delete\` and \`rolecall keys rm P\`.

  --all   every profile, the stored IdP sign-ins and the Identity Center sessions
  --sso   with PROFILE: also sign out of its Identity Center session (every profile of it signs in again)

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
    const sso = booleanFlag(parsed, 'sso');
    if (sso && all) throw new RolecallError('USAGE', 'rolecall clear --all signs out of every Identity Center session already; --sso goes with a PROFILE', { hint: `Usage: ${command.usage}` });
    await forget(all ? undefined : profile, ctx, { sso: all || sso });
    return 0;
  },
};
