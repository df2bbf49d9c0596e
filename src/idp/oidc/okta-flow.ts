// Okta's sign-in without a browser, as aws-runas does it, following Okta's Authentication API
// (developer.okta.com/docs/reference/api/authn): the username and password to /api/v1/authn; the
// MFA factor mfa_type asks for (auto: Okta Verify push when the account has it, else a code; code
// or totp: a TOTP code from mfa_process, --mfa-code or the terminal; push: Okta Verify, polled until
// the phone answers, its number challenge shown on the terminal; none: no MFA); then the one-time
// sessionToken at the authorization endpoint (with PKCE, state and nonce) instead of Okta's sign-in
// page, and the code it redirects with exchanged for the tokens. Nothing is opened or listened on:
// the redirect URI (web_identity_redirect_uri, e.g. aws-runas's app:/callback) is only compared.
import * as oidc from 'openid-client';
import { RolecallError } from '../../errors';
import type { Logger } from '../../platform/logger';
import type { OidcClient } from './client';
import { oidcError } from './errors';
import { credentialsRefused, userCredentials, type PasswordDeps, type UserCredentials } from './password-flow';
import { showProgress, tellUser } from './progress';
import type { SignInSettings } from './settings';

const POLL_MS = 1500;
const CODE_FACTORS = ['token:software:totp', 'token:hotp', 'token'];
/** codes typed at the terminal before giving up */
const CODE_ATTEMPTS = 3;

interface Factor {
  id?: string;
  factorType?: string;
  provider?: string;
  _links?: { verify?: { href?: string } };
}

interface AuthnAnswer {
  status?: string;
  stateToken?: string;
  sessionToken?: string;
  factorResult?: string;
  errorCode?: string;
  errorSummary?: string;
  errorCauses?: { errorSummary?: string }[];
  _embedded?: { factors?: Factor[]; factor?: { _embedded?: { challenge?: { correctAnswer?: number } } } };
  _links?: { next?: { href?: string } };
}

type Deps = PasswordDeps;

export async function oktaLogin(client: OidcClient, settings: SignInSettings, scopes: string[], deps: Deps): Promise<{ response: oidc.TokenEndpointResponse; nonce: string }> {
  if (!settings.redirectUri) {
    throw new RolecallError('CONFIG_INVALID', `Okta's sign-in without a browser needs web_identity_redirect_uri: a redirect URI registered for client ${settings.clientId.value} (aws-runas's app:/callback, for one)`, {
      hint: 'Set web_identity_redirect_uri to the redirect URI of the Okta app, or sign in through the browser (web_identity_flow = browser).',
    });
  }
  const user = await userCredentials(client, settings, deps);
  const api = new URL('/api/v1/authn', client.issuer).href;
  const first = await call(client, api, { username: user.username, password: user.password }, 'the sign-in');
  if (first.status === 401 || first.body.errorCode === 'E0000004') throw credentialsRefused(`${client.issuer} refused the sign-in of ${user.username} (${describe(first.body)})`, user, undefined);
  const done = await completeMfa(client, settings, first.body, user, deps);
  return authorizeWithSession(client, settings, scopes, done, deps);
}

async function call(client: OidcClient, url: string, body: Record<string, string>, what: string): Promise<{ status: number; body: AuthnAnswer }> {
  let response: Response;
  try {
    response = await client.fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
      redirect: 'manual',
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    throw oidcError(error, what, client.issuer);
  }
  const answer = (await response.json().catch(() => undefined)) as AuthnAnswer | undefined;
  if (!answer || typeof answer !== 'object') {
    throw new RolecallError('OIDC_ERROR', `${client.issuer} answered ${what} with HTTP ${response.status} and no JSON: is this Okta's Authentication API (${url})?`, {
      hint: 'Check web_identity_auth_url and web_identity_provider: only Okta answers /api/v1/authn.',
    });
  }
  return { status: response.status, body: answer };
}

function describe(answer: AuthnAnswer): string {
  const causes = (answer.errorCauses ?? []).map((c) => c.errorSummary).filter(Boolean);
  return `${answer.errorCode ?? answer.status ?? 'no status'}: ${answer.errorSummary ?? ''}${causes.length ? ` ${causes.join('; ')}` : ''}`.trim();
}

/** the sessionToken once the password and the MFA are done */
async function completeMfa(client: OidcClient, settings: SignInSettings, answer: AuthnAnswer, user: UserCredentials, deps: Deps): Promise<string> {
  if (answer.status === 'SUCCESS' && answer.sessionToken) return answer.sessionToken;
  if (answer.status !== 'MFA_REQUIRED' || !answer.stateToken) {
    throw new RolecallError('OIDC_DENIED', `${client.issuer} did not sign ${user.username} in (${describe(answer)})`, {
      hint: answer.status === 'MFA_ENROLL' || answer.status === 'PASSWORD_EXPIRED' || answer.status === 'LOCKED_OUT' ? "Sign in once at the provider's own page to deal with it, then run the command again." : 'Sign in through the browser instead: set web_identity_flow = browser.',
    });
  }
  deps.log.redact(answer.stateToken);
  const factors = answer._embedded?.factors ?? [];
  const factor = chooseFactor(factors, settings.mfaType);
  if (!factor) {
    const offered = factors.map((f) => f.factorType).join(', ') || 'none';
    throw new RolecallError('OIDC_DENIED', `${client.issuer} asks ${user.username} for MFA, and ${settings.mfaType === 'none' ? 'mfa_type is none' : `none of the factors it offers (${offered}) is one rolecall can use with mfa_type = ${settings.mfaType}`}`, {
      hint: "rolecall answers Okta Verify push and TOTP codes (mfa_type = auto, push or code); for other factors sign in through the browser (web_identity_flow = browser).",
    });
  }
  const verify = factor._links?.verify?.href;
  if (!verify) throw new RolecallError('OIDC_ERROR', `${client.issuer} offered the ${factor.factorType} factor without a verify link`);
  if (factor.factorType === 'push') return push(client, settings, verify, answer.stateToken, user, deps.log);
  const who = `${user.username} at ${client.issuer} (${factor.provider === 'OKTA' ? 'Okta Verify' : 'authenticator app'})`;
  let code = await deps.mfaCode?.(who);
  if (!code) throw new RolecallError('NO_TTY', `${client.issuer} asks ${user.username} for a one-time code and there is no way to ask for one`);
  for (let attempt = 1; ; attempt++) {
    const checked = await call(client, verify, { stateToken: answer.stateToken, passCode: code }, 'the one-time code');
    if (checked.body.status === 'SUCCESS' && checked.body.sessionToken) return checked.body.sessionToken;
    if (checked.body.errorCode !== 'E0000068') throw new RolecallError('OIDC_DENIED', `${client.issuer} refused the one-time code of ${user.username} (${describe(checked.body)})`);
    const refused = new RolecallError('MFA_CODE_INVALID', `${client.issuer} refused the one-time code of ${user.username} (${describe(checked.body)})`, {
      hint: 'Enter the code your authenticator app shows now (codes change every 30 seconds), or check mfa_process.',
    });
    // a code typed at the terminal is asked for again, as aws-runas did (Okta keeps the transaction)
    const next = attempt < CODE_ATTEMPTS ? await deps.mfaCodeAgain?.(who, `Okta refused that code (try ${attempt + 1} of ${CODE_ATTEMPTS})`) : undefined;
    if (!next) throw refused;
    code = next;
  }
}

/** aws-runas's choice: push first for auto, a code for code/totp */
function chooseFactor(factors: Factor[], mfaType: SignInSettings['mfaType']): Factor | undefined {
  const pushFactor = factors.find((f) => f.factorType === 'push');
  const codeFactor = CODE_FACTORS.map((type) => factors.find((f) => f.factorType === type)).find(Boolean);
  switch (mfaType) {
    case 'none':
      return undefined;
    case 'push':
      return pushFactor;
    case 'code':
    case 'totp':
      return codeFactor;
    case 'auto':
      return pushFactor ?? codeFactor;
  }
}

async function push(client: OidcClient, settings: SignInSettings, verify: string, stateToken: string, user: UserCredentials, log: Logger): Promise<string> {
  let answer = (await call(client, verify, { stateToken }, 'the Okta Verify push')).body;
  const challenge = (a: AuthnAnswer) => a._embedded?.factor?._embedded?.challenge?.correctAnswer;
  // on the terminal itself too: the AWS CLI keeps a credential_process's stderr, and a phone that
  // buzzes while the terminal says nothing looks like someone else's sign-in
  const tell = (number: number | undefined) =>
    tellUser(number === undefined ? `Okta Verify: approve the sign-in of ${user.username} at ${client.issuer} on your phone.` : `Okta Verify: on your phone, tap ${number} to sign in ${user.username} at ${client.issuer}.`, log);
  if (answer.status === 'MFA_CHALLENGE' && answer.factorResult === 'WAITING') tell(challenge(answer));
  let shown = challenge(answer) !== undefined;
  const deadline = Date.now() + settings.timeoutSeconds * 1000;
  let progress = showProgress('Waiting for the answer in Okta Verify...', settings.timeoutSeconds);
  try {
    for (;;) {
      const number = challenge(answer);
      if (number !== undefined && !shown) {
        // a number that came with a later answer
        progress.stop();
        tell(number);
        progress = showProgress('Waiting for the answer in Okta Verify...', settings.timeoutSeconds);
        shown = true;
      }
      if (answer.status === 'SUCCESS' && answer.sessionToken) return answer.sessionToken;
      if (answer.factorResult === 'REJECTED') throw new RolecallError('OIDC_DENIED', `the Okta Verify push for ${user.username} was denied on the phone${number !== undefined ? ' (or the wrong number was tapped)' : ''}`, { hint: 'Run the command again and approve the push; if you did not start this sign-in, tell your administrator.' });
      if (answer.factorResult === 'TIMEOUT') throw new RolecallError('OIDC_TIMEOUT', `the Okta Verify push for ${user.username} was not answered in time (Okta gave up)`, { hint: 'Run the command again and answer the push on your phone sooner, or set mfa_type = code to type a code instead.' });
      if (answer.status !== 'MFA_CHALLENGE' || answer.factorResult !== 'WAITING') throw new RolecallError('OIDC_ERROR', `${client.issuer} answered the Okta Verify push with ${describe(answer)}`);
      if (Date.now() > deadline) throw new RolecallError('OIDC_TIMEOUT', `the Okta Verify push for ${user.username} was not answered within ${settings.timeoutSeconds}s`, { hint: 'Run the command again and answer the push on your phone sooner, or raise web_identity_timeout.' });
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      answer = (await call(client, answer._links?.next?.href ?? verify, { stateToken: answer.stateToken ?? stateToken }, 'the Okta Verify push')).body;
    }
  } finally {
    progress.stop();
  }
}

/** /authorize with the sessionToken: Okta redirects straight to the redirect URI with a code */
async function authorizeWithSession(client: OidcClient, settings: SignInSettings, scopes: string[], sessionToken: string, deps: Deps): Promise<{ response: oidc.TokenEndpointResponse; nonce: string }> {
  deps.log.redact(sessionToken);
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const redirectUri = settings.redirectUri!.value;
  const url = oidc.buildAuthorizationUrl(client.config, {
    redirect_uri: redirectUri,
    scope: scopes.join(' '),
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    sessionToken,
  });
  let location: string | null;
  try {
    const response = await client.fetch(url.href, { method: 'GET', headers: { accept: 'text/html' }, body: undefined, redirect: 'manual', signal: AbortSignal.timeout(30_000) });
    location = response.headers.get('location');
  } catch (error) {
    throw oidcError(error, 'the authorization request', client.issuer);
  }
  if (!location || !location.startsWith(redirectUri)) {
    throw new RolecallError('OIDC_ERROR', `${client.issuer} did not sign in with the session token: its authorization endpoint sent to ${location ? new URL(location, url).origin + new URL(location, url).pathname : 'no redirect'} instead of ${redirectUri}`, {
      hint: `Check that ${redirectUri} is a redirect URI of client ${settings.clientId.value} at Okta, and that the app is assigned to you.`,
    });
  }
  const callback = new URL(location);
  try {
    const response = await oidc.authorizationCodeGrant(client.config, callback, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true });
    return { response, nonce };
  } catch (error) {
    throw oidcError(error, 'the sign-in', client.issuer);
  }
}
