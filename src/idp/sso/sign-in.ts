// The access token of an Identity Center session, shared with the AWS CLI through its cache:
// the cached token while it has more than 15 minutes left; else a refresh (the refresh_token grant,
// while the registration lasts), as botocore's SSOTokenProvider does; else the cached token while it
// still works; else a sign-in (browser or device). All of it under one cross-process lock per
// session, so that any number of rolecall processes sign in once, and every profile of the session
// shares that sign-in.
import { createHash } from 'node:crypto';
import type { Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logger';
import { withLock } from '../../store/lock';
import { SsoApiError, ssoError } from './api';
import { browserSignIn } from './browser-flow';
import { deviceSignIn } from './device-flow';
import { createToken, type TokenAnswer } from './oidc';
import { withRegistration } from './registration';
import { describeSession, type SsoEndpoints, type SsoSession } from '../../plan/identity-center';
import type { SsoLogin } from './session';
import { readToken, tokenFile, writeToken, type Registration, type SsoToken } from './token-file';

/** botocore refreshes a token with less than this left (SSOTokenProvider._REFRESH_WINDOW) */
const REFRESH_WINDOW_MS = 15 * 60 * 1000;
/** a token closer to its end than this is not sent: it could expire on the way */
const MIN_LIFETIME_MS = 60 * 1000;

export interface SsoTokenDeps {
  env: NodeJS.ProcessEnv;
  home: string;
  clock: Clock;
  log: Logger;
}

export interface TokenRequest {
  /** an access token Identity Center refused (UnauthorizedException): never hand it out again */
  refused?: string;
}

function remainingMs(token: SsoToken, clock: Clock): number {
  return token.expiresAt.getTime() - clock.now().getTime();
}

function toToken(session: SsoSession, answer: TokenAnswer, client: { clientId: string; clientSecret: string; registrationExpiresAt?: Date }, clock: Clock): SsoToken {
  return {
    startUrl: session.startUrl,
    region: session.region,
    accessToken: answer.accessToken,
    expiresAt: new Date(clock.now().getTime() + answer.expiresIn * 1000),
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    registrationExpiresAt: client.registrationExpiresAt,
    refreshToken: answer.refreshToken,
  };
}

/** the refresh_token grant with the token's own registration; undefined when it cannot or Identity Center refuses */
async function refresh(endpoints: SsoEndpoints, session: SsoSession, token: SsoToken, deps: SsoTokenDeps): Promise<SsoToken | undefined> {
  const { clientId, clientSecret, refreshToken, registrationExpiresAt } = token;
  if (!refreshToken || !clientId || !clientSecret || !registrationExpiresAt) return undefined;
  if (registrationExpiresAt.getTime() <= deps.clock.now().getTime()) {
    deps.log.debug(`the client registration of ${describeSession(session)} expired at ${registrationExpiresAt.toISOString()}: signing in again`);
    return undefined;
  }
  try {
    const answer = await createToken(endpoints.oidc, { clientId, clientSecret }, { grantType: 'refresh_token', refreshToken }, deps.log);
    deps.log.debug(`refreshed the Identity Center token of ${describeSession(session)}`);
    // botocore keeps the registration with the token, and drops a refresh token the answer does not renew
    return toToken(session, answer, { clientId, clientSecret, registrationExpiresAt }, deps.clock);
  } catch (error) {
    if (!(error instanceof SsoApiError) || error.status >= 500) throw ssoError(error, 'CreateToken', `refreshing the token of ${describeSession(session)}`);
    deps.log.info(`Identity Center refused to refresh the token of ${describeSession(session)} (${error.message}); signing in again.`);
    return undefined;
  }
}

async function signIn(endpoints: SsoEndpoints, session: SsoSession, login: SsoLogin, deps: SsoTokenDeps): Promise<SsoToken> {
  const flowDeps = { env: deps.env, log: deps.log };
  const grant = login.flow === 'browser' ? 'authorization_code' : 'device_code';
  try {
    return await withRegistration(endpoints.oidc, session, grant, session.registrationScopes, deps, async (registration: Registration) => {
      const answer = login.flow === 'browser'
        ? await browserSignIn(endpoints.oidc, session, login, registration, flowDeps)
        : await deviceSignIn(endpoints.oidc, session, login, registration, flowDeps);
      return toToken(session, answer, { ...registration, registrationExpiresAt: registration.expiresAt }, deps.clock);
    });
  } catch (error) {
    throw ssoError(error, login.flow === 'browser' ? 'sign-in' : 'device sign-in', describeSession(session));
  }
}

/** the token of this session the cache holds, if it is for this start URL */
function cached(session: SsoSession, deps: SsoTokenDeps): SsoToken | undefined {
  const token = readToken(deps.home, session, deps.log);
  if (!token) return undefined;
  if (token.startUrl !== session.startUrl) {
    deps.log.info(`the cached Identity Center token ${tokenFile(deps.home, session)} is for ${token.startUrl}, not ${session.startUrl}: signing in again.`);
    return undefined;
  }
  return token;
}

/** the access token to call the portal with: cached, refreshed, or from a new sign-in */
export async function ssoAccessToken(session: SsoSession, endpoints: SsoEndpoints, login: SsoLogin, deps: SsoTokenDeps, request: TokenRequest = {}): Promise<string> {
  const lockName = `sso-${createHash('sha1').update(session.name ?? session.startUrl).digest('hex')}`;
  return withLock(
    lockName,
    deps,
    async () => {
      const token = cached(session, deps);
      const refused = token !== undefined && token.accessToken === request.refused;
      if (token && !refused && remainingMs(token, deps.clock) > REFRESH_WINDOW_MS) {
        deps.log.debug(`using the Identity Center token in ${tokenFile(deps.home, session)}, valid until ${token.expiresAt.toISOString()}`);
        return token.accessToken;
      }
      let next = token ? await refresh(endpoints, session, token, deps) : undefined;
      if (!next && token && !refused && remainingMs(token, deps.clock) > MIN_LIFETIME_MS) return token.accessToken;
      if (!next) {
        if (refused) deps.log.info(`Identity Center no longer accepts the token of ${describeSession(session)}: signing in again.`);
        next = await signIn(endpoints, session, login, deps);
      }
      const path = writeToken(deps.home, session, next);
      deps.log.debug(`kept the Identity Center token in ${path}, valid until ${next.expiresAt.toISOString()}`);
      return next.accessToken;
    },
    { onWait: (pid) => deps.log.info(`waiting for rolecall pid ${pid}, which is signing in to ${describeSession(session)}`) },
  );
}

/**
 * Runs `use` with the session's access token; when the portal refuses it (UnauthorizedException:
 * logged out, revoked by an administrator, expired early), once more with a refreshed or new one.
 */
export async function withSsoToken<T>(session: SsoSession, endpoints: SsoEndpoints, login: SsoLogin, deps: SsoTokenDeps, use: (token: string) => Promise<T>): Promise<T> {
  const token = await ssoAccessToken(session, endpoints, login, deps);
  try {
    return await use(token);
  } catch (error) {
    if (!(error instanceof SsoApiError && error.type === 'UnauthorizedException')) throw error;
    deps.log.debug(`the portal refused the token (${error.message})`);
  }
  return use(await ssoAccessToken(session, endpoints, login, deps, { refused: token }));
}
