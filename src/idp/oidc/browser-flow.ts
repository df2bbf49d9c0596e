// Authorization code + PKCE (S256) through the user's browser and the loopback listener. The
// browser page is answered only after the code exchange and the token checks, so it never says
// "Login successful" for a login that failed.
import * as oidc from 'openid-client';
import { RolecallError } from '../../errors';
import type { Logger } from '../../platform/logger';
import { openBrowser } from '../../platform/browser';
import type { OidcClient } from './client';
import { oidcError } from './errors';
import { startLoopback } from './loopback';
import { showProgress, tellUser } from './progress';
import type { SignInSettings } from './settings';

/** parameters the login's security rests on: additional_query must not replace them */
const PROTECTED = new Set(['state', 'nonce', 'code_challenge', 'code_challenge_method', 'redirect_uri', 'client_id', 'response_type']);

export async function browserLogin<T>(
  client: OidcClient,
  settings: SignInSettings,
  scopes: string[],
  deps: { env: NodeJS.ProcessEnv; log: Logger },
  accept: (response: oidc.TokenEndpointResponse, nonce: string) => Promise<T>,
  /** what the provider needs besides the standard parameters (Google's access_type, prompt) */
  providerParameters: Record<string, string> = {},
): Promise<T> {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const loopback = await startLoopback({
    redirectUri: settings.redirectUri?.value,
    expectedState: state,
    timeoutMs: settings.timeoutSeconds * 1000,
    successRedirectUrl: settings.successRedirectUrl,
    failureRedirectUrl: settings.failureRedirectUrl,
    log: deps.log,
  });
  try {
    const params = new URLSearchParams({
      redirect_uri: loopback.redirectUri,
      scope: scopes.join(' '),
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    // OIDC Core 11: offline_access is only honoured together with prompt=consent
    if (scopes.includes('offline_access')) params.set('prompt', 'consent');
    for (const [key, value] of Object.entries(providerParameters)) params.set(key, value);
    for (const [key, value] of new URLSearchParams(settings.additionalQuery ?? '')) {
      if (PROTECTED.has(key)) deps.log.warn(`ignoring "${key}" in the additional authorization query: rolecall sets it itself.`);
      else params.set(key, value);
    }
    const url = oidc.buildAuthorizationUrl(client.config, params).href;
    // a browser that cannot start is not the end of the login: the user can still open the URL
    const opened =
      !settings.noBrowser &&
      (await openBrowser(url, settings.agent, { env: deps.env, platform: process.platform }, (status) => {
        tellUser(`The browser command ended with status ${status}. Open this URL in a browser to sign in at ${client.issuer}:\n\n  ${url}\n`, deps.log);
      }).catch((error: RolecallError) => {
        deps.log.warn(`${error.message}; open the URL below yourself.`);
        return false;
      }));
    if (opened) deps.log.info(`Opened the browser to sign in at ${client.issuer}.`);
    else tellUser(`Open this URL in a browser to sign in at ${client.issuer}:\n\n  ${url}\n`, deps.log);
    const progress = showProgress('Waiting for the login in the browser...', settings.timeoutSeconds);
    const callback = await loopback.callback.finally(() => progress.stop());
    let result: T;
    try {
      const response = await oidc
        .authorizationCodeGrant(client.config, callback.url, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true })
        .catch((error: unknown) => {
          throw oidcError(error, 'the login', client.issuer);
        });
      result = await accept(response, nonce);
    } catch (error) {
      const message = error instanceof RolecallError ? deps.log.mask(error.message) : 'the login could not be completed';
      await callback.finish({ ok: false, message });
      throw error;
    }
    await callback.finish({ ok: true });
    return result;
  } finally {
    loopback.close();
  }
}
