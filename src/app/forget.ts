// What `rolecall clear` (and aws-cli-oidc's `clear-secret`) forget: the cached credentials of a
// profile, or of every profile together with the stored IdP sign-ins, saying what was removed.
import { RolecallError } from '../errors';
import type { Context } from '../platform/context';
import { openCredentialCache } from '../store/credential-cache';
import { REFRESH_TOKEN_PREFIX } from '../store/secret-names';
import { openSecretStore } from '../store/secrets';

/** Removes the cached credentials of `profile`, or of every profile and the stored IdP sign-ins. */
export async function forget(profile: string | undefined, ctx: Context): Promise<void> {
  const all = profile === undefined;
  const cache = openCredentialCache({ env: ctx.env, home: ctx.home, clock: ctx.clock, log: ctx.log });
  const removed = await cache.clear(profile);
  const credentials = removed.filter((path) => /[\\/]credentials[\\/][^\\/]+\.json$/.test(path)).length;
  const whose = all ? 'of any profile' : `for profile ${profile}`;
  ctx.log.info(credentials ? `Removed ${credentials} cached credential ${credentials === 1 ? 'set' : 'sets'}${all ? '' : ` ${whose}`}.` : `No cached credentials ${whose}.`);
  for (const path of removed) ctx.log.debug(`removed ${path}`);
  if (!all) return;
  const secrets = openSecretStore({ env: ctx.env, home: ctx.home, log: ctx.log });
  let names: string[];
  try {
    names = await secrets.list(REFRESH_TOKEN_PREFIX);
  } catch (error) {
    if (!(error instanceof RolecallError)) throw error;
    ctx.log.warn(`the stored identity provider sign-ins could not be listed, so they were kept: ${error.message}`);
    return;
  }
  let forgotten = 0;
  for (const name of names) {
    try {
      if (await secrets.delete(name)) forgotten++;
    } catch (error) {
      if (!(error instanceof RolecallError)) throw error;
      ctx.log.warn(`a stored identity provider sign-in could not be removed, so it was kept: ${error.message}`);
    }
  }
  if (names.length === 0) ctx.log.info('No identity provider sign-ins were stored.');
  else if (forgotten) ctx.log.info(`Forgot ${forgotten} identity provider sign-in${forgotten === 1 ? '' : 's'} (refresh tokens).`);
}
