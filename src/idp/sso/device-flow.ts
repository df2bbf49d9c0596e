// Signing in to Identity Center with a device code, as the AWS CLI's device flow does: one token
// request at once (a pre-authorized client needs no person), then the code and URL on stderr (and
// the terminal), the browser opened on the URL that carries the code, and polling at the interval
// Identity Center gives (5 s more after each SlowDownException) until the person answers.
import { setTimeout as sleep } from 'node:timers/promises';
import { RolecallError } from '../../errors';
import type { Logger } from '../../platform/logger';
import { openBrowser } from '../../platform/browser';
import { showProgress, tellUser } from '../oidc/progress';
import { SsoApiError } from './api';
import { createToken, DEVICE_GRANT, startDeviceAuthorization, type TokenAnswer } from './oidc';
import type { SsoSession } from '../../plan/identity-center';
import type { SsoLogin } from './session';
import type { Registration } from './token-file';

const DEFAULT_INTERVAL_SECONDS = 5;
const SLOW_DOWN_SECONDS = 5;

export interface FlowDeps {
  env: NodeJS.ProcessEnv;
  log: Logger;
}

/** one CreateToken: the token, or undefined while the person has not answered */
async function attempt(endpoint: string, registration: Registration, deviceCode: string, log: Logger, onSlowDown: () => void): Promise<TokenAnswer | undefined> {
  try {
    return await createToken(endpoint, registration, { grantType: DEVICE_GRANT, deviceCode }, log);
  } catch (error) {
    if (!(error instanceof SsoApiError)) throw error;
    if (error.type === 'AuthorizationPendingException') return undefined;
    if (error.type === 'SlowDownException') {
      onSlowDown();
      return undefined;
    }
    throw error;
  }
}

export async function deviceSignIn(endpoint: string, session: SsoSession, login: SsoLogin, registration: Registration, deps: FlowDeps): Promise<TokenAnswer> {
  const { log } = deps;
  const device = await startDeviceAuthorization(endpoint, registration, session.startUrl, log);
  let interval = device.interval ?? DEFAULT_INTERVAL_SECONDS;
  const slowDown = () => (interval += SLOW_DOWN_SECONDS);
  const first = await attempt(endpoint, registration, device.deviceCode, log, slowDown);
  if (first) return first;

  const direct = device.verificationUriComplete;
  tellUser(
    `To sign in to AWS IAM Identity Center at ${session.startUrl}, open ${device.verificationUri} and enter the code ${device.userCode}` +
      (direct ? `\n(or open ${direct} and check that it shows that code)` : ''),
    log,
  );
  if (!login.noBrowser && direct) {
    await openBrowser(direct, login.agent, { env: deps.env, platform: process.platform }).catch((error: RolecallError) => {
      log.warn(`${error.message}; open the URL above yourself.`);
      return false;
    });
  }
  const deadline = Date.now() + Math.min(device.expiresIn, login.timeoutSeconds) * 1000;
  const expiresFirst = device.expiresIn <= login.timeoutSeconds;
  const progress = showProgress('Waiting for the sign-in to Identity Center...', Math.min(device.expiresIn, login.timeoutSeconds));
  try {
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) {
        throw expiresFirst
          ? new RolecallError('OIDC_DEVICE_EXPIRED', `the device code ${device.userCode} expired after ${device.expiresIn}s before the sign-in was finished`)
          : new RolecallError('OIDC_TIMEOUT', `the sign-in to Identity Center did not finish within ${login.timeoutSeconds}s (web_identity_timeout)`);
      }
      await sleep(Math.min(interval * 1000, left));
      const token = await attempt(endpoint, registration, device.deviceCode, log, slowDown);
      if (token) return token;
    }
  } catch (error) {
    if (error instanceof SsoApiError && error.type === 'ExpiredTokenException') {
      throw new RolecallError('OIDC_DEVICE_EXPIRED', `the device code ${device.userCode} expired before the sign-in was finished`);
    }
    if (error instanceof SsoApiError && error.type === 'AccessDeniedException') {
      throw new RolecallError('OIDC_DENIED', `the sign-in to Identity Center at ${session.startUrl} was denied: ${error.message}`);
    }
    throw error;
  } finally {
    progress.stop();
  }
}
