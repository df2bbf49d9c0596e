// What `rolecall clear` (and aws-cli-oidc's `clear-secret`) forget: the cached credentials of a
// profile, or of every profile together with the stored IdP sign-ins (OIDC refresh tokens and the
// SAML sign-in browser's sessions), saying what was removed; and, when asked, the IAM Identity
// Center sign-ins (sso:Logout and the token files, as `aws sso logout`).
import { RolecallError } from '../errors';
import { readConfigFiles } from '../config/files';
import { Profile } from '../config/profile';
import { envSettings } from '../config/env';
import { resolveProfile } from '../config/resolve';
import { logoutAll, logoutTokenFile } from '../idp/sso/logout';
import { tokenFile } from '../idp/sso/token-file';
import { describeSession, ssoEndpoints, ssoSessionOf } from '../plan/identity-center';
import type { Context } from '../platform/context';
import { openCredentialCache } from '../store/credential-cache';
import { REFRESH_TOKEN_PREFIX } from '../store/secret-names';
import { openSecretStore } from '../store/secrets';
import { forgetBrowserSessions } from '../idp/saml/browser/sign-in';

/** Signs out of every Identity Center session in the AWS CLI's cache, as `aws sso logout` does. */
async function ssoLogoutAll(ctx: Context): Promise<void> {
  // the portal of each token's region, with the endpoints of the environment (as `aws sso logout`)
  const environment = new Profile({ name: 'environment', nameSource: { kind: 'default' }, settings: envSettings(ctx.env) });
  const removed = await logoutAll(ctx.home, (region) => ssoEndpoints(environment, region).portal, ctx.log);
  ctx.log.info(removed.length ? `Signed out of ${removed.length} IAM Identity Center session${removed.length === 1 ? '' : 's'} (sso:Logout, token files removed).` : 'No IAM Identity Center sessions were signed in.');
  for (const path of removed) ctx.log.debug(`removed ${path}`);
}

/** The Identity Center session of `profile` and how to sign out of it; a profile without one is refused before anything is removed. */
function sessionLogout(profile: string, ctx: Context): () => Promise<void> {
  const resolved = resolveProfile(readConfigFiles(ctx.env, ctx.home), { name: { value: profile, source: { kind: 'argument', name: 'PROFILE' } }, env: ctx.env });
  const session = ssoSessionOf(resolved);
  if (!session) {
    throw new RolecallError('USAGE', `profile "${profile}" does not use IAM Identity Center, so --sso has no session to sign out of; nothing was removed`, { hint: 'Leave out --sso to forget its cached credentials.' });
  }
  return async () => {
    const signedOut = await logoutTokenFile(tokenFile(ctx.home, session), () => ssoEndpoints(resolved, session.region).portal, ctx.log);
    ctx.log.info(signedOut ? `Signed out of ${describeSession(session)} (sso:Logout, token file removed).` : `${describeSession(session)} was not signed in.`);
  };
}

/**
 * Removes the cached credentials of `profile`, or of every profile and the stored IdP sign-ins; with
 * `sso`, signs out of the profile's Identity Center session, or of every one.
 */
export async function forget(profile: string | undefined, ctx: Context, options: { sso?: boolean } = {}): Promise<void> {
  const all = profile === undefined;
  const logout = options.sso && profile !== undefined ? sessionLogout(profile, ctx) : undefined;
  const cache = openCredentialCache({ env: ctx.env, home: ctx.home, clock: ctx.clock, log: ctx.log });
  const removed = await cache.clear(profile);
  const credentials = removed.filter((path) => /[\\/]credentials[\\/][^\\/]+\.json$/.test(path)).length;
  const whose = all ? 'of any profile' : `for profile ${profile}`;
  ctx.log.info(credentials ? `Removed ${credentials} cached credential ${credentials === 1 ? 'set' : 'sets'}${all ? '' : ` ${whose}`}.` : `No cached credentials ${whose}.`);
  for (const path of removed) ctx.log.debug(`removed ${path}`);
  if (!all) {
    await logout?.();
    return;
  }
  if (await forgetBrowserSessions({ env: ctx.env, home: ctx.home, log: ctx.log })) {
    ctx.log.info("Forgot the identity provider sessions of rolecall's SAML sign-in browser.");
  }
  await forgetIdpSignIns(ctx);
  if (options.sso) await ssoLogoutAll(ctx);
}

/** every stored OIDC refresh token */
async function forgetIdpSignIns(ctx: Context): Promise<void> {
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
