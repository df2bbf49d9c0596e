// The device authorization grant (RFC 8628) for SSH sessions and machines without a browser: show
// the code and the URL, then poll at the server's interval (openid-client handles slow_down).
import * as oidc from 'openid-client';
import { RolecallError } from '../../errors';
import type { Logger } from '../../platform/logger';
import type { OidcClient } from './client';
import { oidcError } from './errors';
import { showProgress, tellUser } from './progress';
import type { SignInSettings } from './settings';

export async function deviceLogin(client: OidcClient, settings: SignInSettings, scopes: string[], log: Logger): Promise<oidc.TokenEndpointResponse> {
  if (!client.config.serverMetadata().device_authorization_endpoint) {
    throw new RolecallError('OIDC_GRANT_UNSUPPORTED', `${client.issuer} has no device_authorization_endpoint: it does not offer the device login`, {
      hint: settings.flowFromFlag
        ? 'Sign in through the browser instead: run the command without --device (with --no-browser, rolecall prints the URL to open on any machine).'
        : 'Sign in through the browser instead: set web_identity_flow = browser (with --no-browser, rolecall prints the URL to open on any machine).',
    });
  }
  const authorization = await oidc.initiateDeviceAuthorization(client.config, { scope: scopes.join(' ') }).catch((error: unknown) => {
    throw oidcError(error, 'the device login', client.issuer);
  });
  const direct = authorization.verification_uri_complete;
  tellUser(
    `To sign in at ${client.issuer}, open ${authorization.verification_uri} and enter the code ${authorization.user_code}` +
      (direct ? `\n(or open ${direct} and check that it shows that code)` : ''),
    log,
  );
  const expiresFirst = authorization.expires_in <= settings.timeoutSeconds;
  const signal = AbortSignal.timeout(Math.min(authorization.expires_in, settings.timeoutSeconds) * 1000);
  const progress = showProgress('Waiting for the device login...', Math.min(authorization.expires_in, settings.timeoutSeconds));
  try {
    return await oidc.pollDeviceAuthorizationGrant(client.config, authorization, undefined, { signal });
  } catch (error) {
    if (signal.aborted) {
      throw expiresFirst
        ? new RolecallError('OIDC_DEVICE_EXPIRED', `the device code ${authorization.user_code} expired after ${authorization.expires_in}s before the login was finished`)
        : new RolecallError('OIDC_TIMEOUT', `the device login did not finish within ${settings.timeoutSeconds}s (web_identity_timeout)`);
    }
    throw oidcError(error, 'the device login', client.issuer);
  } finally {
    progress.stop();
  }
}
