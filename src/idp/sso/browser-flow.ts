// Signing in to Identity Center in the browser, as the AWS CLI does by default since 2.22:
// authorization code with PKCE (S256) and a loopback redirect to http://127.0.0.1:PORT/oauth/callback
// (registered without the port). The browser's page is answered only once the code has become a
// token, so it never says "Login successful" for a sign-in that failed.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { RolecallError } from '../../errors';
import { openBrowser } from '../../platform/browser';
import { startLoopback } from '../oidc/loopback';
import { showProgress, tellUser } from '../oidc/progress';
import { ssoError } from './api';
import type { FlowDeps } from './device-flow';
import { authorizeUrl, createToken, REGISTERED_REDIRECT, type TokenAnswer } from './oidc';
import type { SsoSession } from '../../plan/identity-center';
import { ACCOUNT_ACCESS_SCOPE, type SsoLogin } from './session';
import type { Registration } from './token-file';

export async function browserSignIn(endpoint: string, session: SsoSession, login: SsoLogin, registration: Registration, deps: FlowDeps): Promise<TokenAnswer> {
  const { log } = deps;
  // RFC 7636: 43..128 characters; the AWS CLI uses 64
  const verifier = randomBytes(48).toString('base64url');
  const state = randomUUID();
  const loopback = await startLoopback({ redirectUri: REGISTERED_REDIRECT, expectedState: state, timeoutMs: login.timeoutSeconds * 1000, log });
  try {
    const url = authorizeUrl(endpoint, {
      clientId: registration.clientId,
      redirectUri: loopback.redirectUri,
      state,
      codeChallenge: createHash('sha256').update(verifier).digest('base64url'),
      scopes: session.registrationScopes?.length ? session.registrationScopes : [ACCOUNT_ACCESS_SCOPE],
    });
    const where = `AWS IAM Identity Center at ${session.startUrl}`;
    const opened =
      !login.noBrowser &&
      (await openBrowser(url, login.agent, { env: deps.env, platform: process.platform }, (status) => {
        tellUser(`The browser command ended with status ${status}. Open this URL in a browser to sign in to ${where}:\n\n  ${url}\n`, log);
      }).catch((error: RolecallError) => {
        log.warn(`${error.message}; open the URL below yourself.`);
        return false;
      }));
    if (opened) log.info(`Opened the browser to sign in to ${where}. (On another machine? Use --device.)`);
    else tellUser(`Open this URL in a browser to sign in to ${where}:\n\n  ${url}\n\n(No browser on this machine? Use --device.)`, log);
    const progress = showProgress('Waiting for the sign-in in the browser...', login.timeoutSeconds);
    const callback = await loopback.callback.finally(() => progress.stop());
    const answered = callback.url.searchParams;
    let token: TokenAnswer;
    try {
      const error = answered.get('error');
      if (error) {
        const description = answered.get('error_description');
        throw new RolecallError(error === 'access_denied' ? 'OIDC_DENIED' : 'SSO_ERROR', `the sign-in to ${where} failed: ${error}${description ? `: ${description}` : ''}`);
      }
      const code = answered.get('code');
      if (!code) throw new RolecallError('OIDC_CALLBACK', 'the browser came back without an authorization code');
      token = await createToken(endpoint, registration, { grantType: 'authorization_code', code, redirectUri: loopback.redirectUri, codeVerifier: verifier }, log).catch((e: unknown) => {
        throw ssoError(e, 'CreateToken', `the sign-in to ${where}`);
      });
    } catch (error) {
      await callback.finish({ ok: false, message: error instanceof RolecallError ? log.mask(error.message) : 'the sign-in could not be completed' });
      throw error;
    }
    await callback.finish({ ok: true });
    return token;
  } finally {
    loopback.close();
  }
}
