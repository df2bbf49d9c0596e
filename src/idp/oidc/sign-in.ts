// Sign in at the IdP and return validated tokens: first with the stored refresh token (no browser),
// then interactively with the configured flow (browser, device or password). The refresh token is
// kept in the secret store under "refresh:ISSUER:CLIENT_ID", with the subject and email of the last
// ID token validated for it; tokens never reach a log line.
//
// A refresh answer may leave the ID token out (OIDC Core 12.2). When the next step needs only the
// access token (web_identity_token_type = access_token, or a token exchange of the access token),
// the identity of the last validated ID token stands; when AWS needs an ID token, the user signs in
// again, keeping the new refresh token. An ID token a refresh brings must name the same subject.
import * as oidc from 'openid-client';
import { RolecallError } from '../../errors';
import { describeSource } from '../../config/source';
import type { Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logger';
import { connect, type OidcClient } from './client';
import { browserLogin } from './browser-flow';
import { deviceLogin } from './device-flow';
import { oidcError } from './errors';
import { validateIdToken } from './id-token';
import { passwordLogin, type PasswordDeps } from './password-flow';
import { oktaLogin } from './okta-flow';
import { refreshSecretName } from '../../store/secret-names';
import type { ClientAuthMethod } from './client-auth';
import type { SignInSettings } from './settings';

export { sessionNameFromClaims } from './session-name';

export interface OidcTokens {
  /** absent only when a refresh answered without one and the step needs the access token */
  idToken?: string;
  accessToken: string;
  refreshToken?: string;
  claims: { sub: string; email?: string; [k: string]: unknown };
  tokenEndpoint: string;
  /** how the client authenticated, and the fetch (mTLS, private CA): a token exchange does the same */
  authMethod: ClientAuthMethod;
  fetch?: oidc.CustomFetch;
}

/** the token a step presents; the sign-in made sure the one it asked for is there */
export function tokenOfType(tokens: OidcTokens, type: 'id_token' | 'access_token'): string {
  const token = type === 'access_token' ? tokens.accessToken : tokens.idToken;
  if (!token) throw new RolecallError('INTERNAL', `the sign-in returned no ${type}`);
  return token;
}

/** what is kept for an issuer and client: the refresh token and who its last ID token named */
interface StoredRefresh {
  refreshToken: string;
  identity?: { sub: string; email?: string };
}

/** the stored value: JSON, or (from rolecall before 0.2) the bare refresh token */
function readStored(value: string): StoredRefresh {
  if (!value.startsWith('{')) return { refreshToken: value };
  try {
    const parsed = JSON.parse(value) as { refresh_token?: unknown; sub?: unknown; email?: unknown };
    if (typeof parsed.refresh_token !== 'string') return { refreshToken: value };
    const identity = typeof parsed.sub === 'string' ? { sub: parsed.sub, ...(typeof parsed.email === 'string' ? { email: parsed.email } : {}) } : undefined;
    return { refreshToken: parsed.refresh_token, identity };
  } catch {
    return { refreshToken: value };
  }
}

function writeStored(refreshToken: string, claims: OidcTokens['claims']): string {
  return JSON.stringify({ refresh_token: refreshToken, sub: claims.sub, ...(typeof claims.email === 'string' ? { email: claims.email } : {}) });
}



export interface SignInDeps extends PasswordDeps {
  clock: Clock;
}

/** the IdP's scopes_supported, when it lists them, drops offline_access it would refuse */
function scopesFor(client: OidcClient, settings: SignInSettings): string[] {
  const supported = client.config.serverMetadata().scopes_supported;
  return supported ? settings.scopes.filter((s) => s !== 'offline_access' || supported.includes(s)) : settings.scopes;
}

function redactAll(response: oidc.TokenEndpointResponse, log: Logger): void {
  log.redact(response.access_token);
  log.redact(response.id_token);
  log.redact(response.refresh_token);
}

function tokensOf(client: OidcClient, response: oidc.TokenEndpointResponse, claims: OidcTokens['claims'], idToken: string | undefined): OidcTokens {
  return {
    ...(idToken ? { idToken } : {}),
    accessToken: response.access_token,
    refreshToken: response.refresh_token,
    claims,
    tokenEndpoint: client.config.serverMetadata().token_endpoint ?? client.issuer,
    authMethod: client.authMethod,
    fetch: client.fetch,
  };
}

async function toTokens(client: OidcClient, response: oidc.TokenEndpointResponse, deps: SignInDeps, nonce?: string): Promise<OidcTokens> {
  redactAll(response, deps.log);
  if (!response.id_token) throw new RolecallError('OIDC_TOKEN_INVALID', `${client.issuer} answered without an ID token: is "openid" among the scopes?`);
  const claims = await validateIdToken(response.id_token, client, { clock: deps.clock, nonce });
  return tokensOf(client, response, claims, response.id_token);
}

/** undefined when there is no stored refresh token, the IdP no longer accepts it, or it cannot give what the step needs */
async function tryRefresh(client: OidcClient, settings: SignInSettings, name: string, deps: SignInDeps): Promise<OidcTokens | undefined> {
  let raw: string | undefined;
  try {
    raw = await deps.secrets.get(name);
  } catch (error) {
    deps.log.debug(`cannot read the stored refresh token: ${(error as Error).message}`);
    return undefined;
  }
  if (!raw) return undefined;
  const stored = readStored(raw);
  deps.log.redact(raw);
  deps.log.redact(stored.refreshToken);
  deps.log.debug(`signing in at ${client.issuer} with the stored refresh token`);
  let response: oidc.TokenEndpointResponse;
  try {
    response = await oidc.refreshTokenGrant(client.config, stored.refreshToken);
  } catch (error) {
    const mapped = oidcError(error, 'the stored refresh token', client.issuer);
    // only the IdP refusing the token says it is spent; a network or server failure keeps it
    if (!(error instanceof oidc.ResponseBodyError) || error.status >= 500) throw mapped;
    await deps.secrets.delete(name).catch(() => false);
    deps.log.info(`${mapped.message}. Signing in again interactively.`);
    return undefined;
  }
  redactAll(response, deps.log);
  // IdPs that do not rotate refresh tokens answer without one: the stored one stays valid
  const refreshToken = response.refresh_token ?? stored.refreshToken;
  if (response.id_token) {
    const claims = await validateIdToken(response.id_token, client, { clock: deps.clock });
    // OIDC Core 12.2: the refreshed ID token is about the same person
    if (stored.identity && claims.sub !== stored.identity.sub) {
      await deps.secrets.delete(name).catch(() => false);
      throw new RolecallError('OIDC_TOKEN_INVALID', `the ID token from ${client.issuer}'s refresh names subject "${claims.sub}", not "${stored.identity.sub}" whose refresh token it was; the stored refresh token is forgotten`, {
        hint: 'Run the command again to sign in anew; if it happens again, report it to the identity provider administrator.',
      });
    }
    return { ...tokensOf(client, response, claims, response.id_token), refreshToken };
  }
  // OIDC Core 12.2: no ID token in a refresh answer
  if (settings.requiredToken === 'access_token' && stored.identity) {
    deps.log.debug(`${client.issuer} refreshed without an ID token; the access token is what the next step needs`);
    return { ...tokensOf(client, response, stored.identity, undefined), refreshToken };
  }
  // keep the new refresh token, then sign in for the ID token that AWS needs
  await deps.secrets.set(name, stored.identity ? writeStored(refreshToken, stored.identity) : refreshToken).catch(() => undefined);
  deps.log.info(`${client.issuer} refreshed the sign-in without an ID token, which AWS needs here: signing in again.`);
  return undefined;
}

/**
 * Google gives a refresh token only to access_type=offline, and after the first grant only with
 * prompt=consent: asked for when no refresh token is kept (developers.google.com/identity/protocols/oauth2)
 */
function providerParameters(client: OidcClient, firstGrant: boolean): Record<string, string> {
  if (client.provider !== 'google') return {};
  return { access_type: 'offline', ...(firstGrant ? { prompt: 'consent' } : {}) };
}

async function interactive(client: OidcClient, settings: SignInSettings, deps: SignInDeps, firstGrant: boolean): Promise<OidcTokens> {
  const scopes = scopesFor(client, settings);
  switch (settings.flow) {
    case 'browser':
      return browserLogin(client, settings, scopes, deps, (response, nonce) => toTokens(client, response, deps, nonce), providerParameters(client, firstGrant));
    case 'device':
      return toTokens(client, await deviceLogin(client, settings, scopes, deps.log), deps);
    case 'password':
      if (client.provider === 'okta') {
        const { response, nonce } = await oktaLogin(client, settings, scopes, deps);
        return toTokens(client, response, deps, nonce);
      }
      return toTokens(client, await passwordLogin(client, settings, scopes, deps), deps);
  }
}

export async function signIn(settings: SignInSettings, deps: SignInDeps): Promise<OidcTokens> {
  const client = await connect(settings, deps.log);
  deps.log.debug(`OIDC: issuer ${client.issuer} (${describeSource(settings.issuer.source)}), client ${settings.clientId.value}, ${settings.flow} login if no refresh token is stored`);
  const name = refreshSecretName(client.issuer, settings.clientId.value);
  const refreshed = await tryRefresh(client, settings, name, deps);
  const kept = refreshed ? undefined : await deps.secrets.get(name).catch(() => undefined);
  const tokens = refreshed ?? (await interactive(client, settings, deps, kept === undefined));
  if (tokens.refreshToken) {
    await deps.secrets.set(name, writeStored(tokens.refreshToken, tokens.claims)).catch((error: unknown) => {
      deps.log.warn(`could not keep the refresh token, so the next sign-in will be interactive: ${(error as Error).message}`);
    });
  }
  return tokens;
}
