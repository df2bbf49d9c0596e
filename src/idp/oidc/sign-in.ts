// Sign in at the IdP and return validated tokens: first with the stored refresh token (no browser),
// then interactively with the configured flow (browser, device or password). The refresh token is
// kept in the secret store under "refresh:ISSUER:CLIENT_ID"; tokens never reach a log line.
import * as oidc from 'openid-client';
import { RolecallError } from '../../errors';
import { describeSource } from '../../config/source';
import type { Clock } from '../../platform/clock';
import { connect, type OidcClient } from './client';
import { browserLogin } from './browser-flow';
import { deviceLogin } from './device-flow';
import { oidcError } from './errors';
import { validateIdToken } from './id-token';
import { passwordLogin, type PasswordDeps } from './password-flow';
import { refreshSecretName } from '../../store/secret-names';
import type { SignInSettings } from './settings';

export { sessionNameFromClaims } from './session-name';

export interface OidcTokens {
  idToken: string;
  accessToken: string;
  refreshToken?: string;
  claims: { sub: string; email?: string; [k: string]: unknown };
  tokenEndpoint: string;
}

export interface SignInDeps extends PasswordDeps {
  clock: Clock;
}

/** the IdP's scopes_supported, when it lists them, drops offline_access it would refuse */
function scopesFor(client: OidcClient, settings: SignInSettings): string[] {
  const supported = client.config.serverMetadata().scopes_supported;
  return supported ? settings.scopes.filter((s) => s !== 'offline_access' || supported.includes(s)) : settings.scopes;
}

async function toTokens(client: OidcClient, response: oidc.TokenEndpointResponse, deps: SignInDeps, nonce?: string): Promise<OidcTokens> {
  deps.log.redact(response.access_token);
  deps.log.redact(response.id_token);
  deps.log.redact(response.refresh_token);
  if (!response.id_token) throw new RolecallError('OIDC_TOKEN_INVALID', `${client.issuer} answered without an ID token: is "openid" among the scopes?`);
  const claims = await validateIdToken(response.id_token, client, { clock: deps.clock, nonce });
  return {
    idToken: response.id_token,
    accessToken: response.access_token,
    refreshToken: response.refresh_token,
    claims,
    tokenEndpoint: client.config.serverMetadata().token_endpoint ?? client.issuer,
  };
}

/** undefined when there is no stored refresh token or the IdP no longer accepts it */
async function tryRefresh(client: OidcClient, name: string, deps: SignInDeps): Promise<OidcTokens | undefined> {
  let stored: string | undefined;
  try {
    stored = await deps.secrets.get(name);
  } catch (error) {
    deps.log.debug(`cannot read the stored refresh token: ${(error as Error).message}`);
    return undefined;
  }
  if (!stored) return undefined;
  deps.log.redact(stored);
  deps.log.debug(`signing in at ${client.issuer} with the stored refresh token`);
  let response: oidc.TokenEndpointResponse;
  try {
    response = await oidc.refreshTokenGrant(client.config, stored);
  } catch (error) {
    const mapped = oidcError(error, 'the stored refresh token', client.issuer);
    // only the IdP refusing the token says it is spent; a network or server failure keeps it
    if (!(error instanceof oidc.ResponseBodyError) || error.status >= 500) throw mapped;
    await deps.secrets.delete(name).catch(() => false);
    deps.log.info(`${mapped.message}. Signing in again interactively.`);
    return undefined;
  }
  const tokens = await toTokens(client, response, deps);
  // IdPs that do not rotate refresh tokens answer without one: the stored one stays valid
  return { ...tokens, refreshToken: tokens.refreshToken ?? stored };
}

async function interactive(client: OidcClient, settings: SignInSettings, deps: SignInDeps): Promise<OidcTokens> {
  const scopes = scopesFor(client, settings);
  switch (settings.flow) {
    case 'browser':
      return browserLogin(client, settings, scopes, deps, (response, nonce) => toTokens(client, response, deps, nonce));
    case 'device':
      return toTokens(client, await deviceLogin(client, settings, scopes, deps.log), deps);
    case 'password':
      return toTokens(client, await passwordLogin(client, settings, scopes, deps), deps);
  }
}

export async function signIn(settings: SignInSettings, deps: SignInDeps): Promise<OidcTokens> {
  const client = await connect(settings, deps.log);
  deps.log.debug(`OIDC: issuer ${client.issuer} (${describeSource(settings.issuer.source)}), client ${settings.clientId.value}, ${settings.flow} login if no refresh token is stored`);
  const name = refreshSecretName(client.issuer, settings.clientId.value);
  const tokens = (await tryRefresh(client, name, deps)) ?? (await interactive(client, settings, deps));
  if (tokens.refreshToken) {
    await deps.secrets.set(name, tokens.refreshToken).catch((error: unknown) => {
      deps.log.warn(`could not keep the refresh token, so the next sign-in will be interactive: ${(error as Error).message}`);
    });
  }
  return tokens;
}
