// The SSO OIDC API (oidc.REGION.amazonaws.com): RegisterClient, StartDeviceAuthorization and
// CreateToken with the device code, authorization code (PKCE S256 checked) and refresh token grants,
// with AWS's exception names. Registrations, codes and tokens are checked as AWS checks them: the
// client's secret and expiry, the grant types it registered, the redirect URI, single use.
import { createHash, timingSafeEqual } from 'node:crypto';
import { invalidClient, invalidGrant, invalidRequest, oidcFault } from './fault';
import { DEVICE_CODE_TTL_SECONDS, IdentityCenterState, opaque, userCode, type Client } from './state';

export const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const GRANT_TYPES = ['authorization_code', 'refresh_token', DEVICE_GRANT];
/** the scopes Identity Center knows (the AWS access portal's, and those of AWS's own tools) */
const KNOWN_SCOPE = /^(sso:account:access|sso-portal:\*|codewhisperer:(completions|analysis|conversations|transformations|taskassist)|codecatalyst:read_write)$/;
/** registrations without grantTypes may use these */
const DEFAULT_GRANTS = [DEVICE_GRANT, 'refresh_token'];

export type Body = Record<string, unknown>;

function str(body: Body, name: string, required = true): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) {
    if (required) throw invalidRequest(`${name} is required`);
    return undefined;
  }
  if (typeof value !== 'string' || value === '') throw invalidRequest(`${name} must be a non-empty string`);
  return value;
}

function strings(body: Body, name: string): string[] | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((v): v is string => typeof v === 'string')) throw invalidRequest(`${name} must be a list of strings`);
  return value;
}

const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** http://127.0.0.1 or localhost (any port, RFC 8252 7.3), or https */
function redirectAllowed(uri: string): boolean {
  if (!URL.canParse(uri)) return false;
  const u = new URL(uri);
  return u.protocol === 'https:' || (u.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname));
}

/** a registered loopback redirect URI matches the same URI on any port */
export function redirectRegistered(client: Client, uri: string): boolean {
  if (!URL.canParse(uri)) return false;
  const asked = new URL(uri);
  return client.redirectUris.some((registered) => {
    const r = new URL(registered);
    const loopback = r.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(r.hostname);
    if (!loopback) return registered === uri;
    return asked.protocol === r.protocol && asked.hostname === r.hostname && asked.pathname === r.pathname && asked.search === r.search;
  });
}

export function grantsOf(client: Client): string[] {
  return client.grantTypes ?? DEFAULT_GRANTS;
}

/** the client named by clientId whose secret matches and whose registration has not expired */
export function authenticateClient(state: IdentityCenterState, body: Body): Client {
  const clientId = str(body, 'clientId')!;
  const clientSecret = str(body, 'clientSecret')!;
  const client = state.clients.get(clientId);
  if (!client || !same(client.clientSecret, clientSecret)) throw invalidClient('Invalid client credentials');
  if (client.expiresAt <= Date.now()) throw invalidClient('The client registration has expired');
  return client;
}

export function registerClient(state: IdentityCenterState, body: Body): Body {
  const name = str(body, 'clientName')!;
  const type = str(body, 'clientType')!;
  if (type !== 'public') throw oidcFault('InvalidClientMetadataException', 'invalid_client_metadata', `Invalid client type: ${type}`);
  const scopes = strings(body, 'scopes') ?? [];
  const unknown = scopes.find((s) => !KNOWN_SCOPE.test(s));
  if (unknown !== undefined) throw oidcFault('InvalidScopeException', 'invalid_scope', `Invalid scope: ${unknown}`);
  const grantTypes = strings(body, 'grantTypes');
  const unsupported = grantTypes?.find((g) => !GRANT_TYPES.includes(g));
  if (unsupported !== undefined) throw oidcFault('UnsupportedGrantTypeException', 'unsupported_grant_type', `Unsupported grant type: ${unsupported}`);
  const redirectUris = strings(body, 'redirectUris') ?? [];
  const badRedirect = redirectUris.find((u) => !redirectAllowed(u));
  if (badRedirect !== undefined) throw oidcFault('InvalidRedirectUriException', 'invalid_redirect_uri', `Invalid redirect URI: ${badRedirect}`);
  const issuerUrl = str(body, 'issuerUrl', false);
  if (grantTypes?.includes('authorization_code')) {
    if (redirectUris.length === 0) throw invalidRequest('redirectUris are required for the authorization_code grant');
    if (issuerUrl === undefined) throw invalidRequest('issuerUrl is required for the authorization_code grant');
    if (issuerUrl !== state.center.startUrl) throw invalidRequest(`Invalid issuer URL: ${issuerUrl}`);
  }
  const now = Math.floor(Date.now() / 1000);
  const client: Client = {
    clientId: opaque('', 16),
    clientSecret: `eyJraWQiOiJrZXktMTU2NDAyODA5OSIsImFsZyI6IkhTMzg0In0.${opaque('', 180)}`,
    name,
    scopes,
    grantTypes,
    redirectUris,
    issuerUrl,
    expiresAt: (now + state.center.registrationTtlSeconds) * 1000,
  };
  state.clients.set(client.clientId, client);
  return { clientId: client.clientId, clientSecret: client.clientSecret, clientIdIssuedAt: now, clientSecretExpiresAt: now + state.center.registrationTtlSeconds };
}

export function startDeviceAuthorization(state: IdentityCenterState, body: Body, origin: string): Body {
  const client = authenticateClient(state, body);
  const startUrl = str(body, 'startUrl')!;
  if (!grantsOf(client).includes(DEVICE_GRANT)) throw oidcFault('UnauthorizedClientException', 'unauthorized_client', 'The client is not registered for the device code grant');
  if (startUrl !== state.center.startUrl) throw invalidRequest(`Invalid start URL: ${startUrl}`);
  const device = {
    deviceCode: opaque('', 64),
    userCode: userCode(),
    clientId: client.clientId,
    expiresAt: Date.now() + DEVICE_CODE_TTL_SECONDS * 1000,
    interval: 1,
    status: 'pending' as const,
  };
  state.devices.set(device.deviceCode, device);
  return {
    deviceCode: device.deviceCode,
    userCode: device.userCode,
    verificationUri: `${origin}/device`,
    verificationUriComplete: `${origin}/device?user_code=${device.userCode}`,
    expiresIn: DEVICE_CODE_TTL_SECONDS,
    interval: device.interval,
  };
}

function pkceMatches(verifier: string, challenge: string): boolean {
  return createHash('sha256').update(verifier).digest('base64url') === challenge;
}

function tokenAnswer(issued: { accessToken: string; refreshToken?: string; expiresIn: number }): Body {
  return { accessToken: issued.accessToken, tokenType: 'Bearer', expiresIn: issued.expiresIn, ...(issued.refreshToken ? { refreshToken: issued.refreshToken } : {}) };
}

function deviceCodeGrant(state: IdentityCenterState, client: Client, body: Body): Body {
  const deviceCode = str(body, 'deviceCode')!;
  const device = state.devices.get(deviceCode);
  if (!device || device.clientId !== client.clientId || device.status === 'used') throw invalidGrant('Invalid device code provided');
  if (device.expiresAt <= Date.now()) throw oidcFault('ExpiredTokenException', 'expired_token', 'Device code has expired');
  if (state.slowDowns > 0) {
    state.slowDowns--;
    throw oidcFault('SlowDownException', 'slow_down', 'Client is polling too quickly');
  }
  if (device.status === 'denied') throw oidcFault('AccessDeniedException', 'access_denied', 'The user denied the authorization request');
  if (device.status === 'pending') throw oidcFault('AuthorizationPendingException', 'authorization_pending', 'Authorization is still pending');
  device.status = 'used';
  return tokenAnswer(state.issue(device.user!, client.clientId, client.scopes));
}

function authorizationCodeGrant(state: IdentityCenterState, client: Client, body: Body): Body {
  const code = str(body, 'code')!;
  const redirectUri = str(body, 'redirectUri')!;
  const verifier = str(body, 'codeVerifier')!;
  const found = state.codes.get(code);
  if (!found || found.clientId !== client.clientId) throw invalidGrant('Invalid authorization code provided');
  if (found.used) {
    // a replayed code: end whatever the first redemption gave (RFC 6749 4.1.2)
    if (found.grant) state.revokeGrant(found.grant);
    throw invalidGrant('Invalid authorization code provided');
  }
  found.used = true;
  if (found.expiresAt <= Date.now()) throw invalidGrant('Authorization code has expired');
  if (found.redirectUri !== redirectUri) throw invalidGrant('Redirect URI does not match the authorization request');
  if (!pkceMatches(verifier, found.codeChallenge)) throw invalidGrant('Code verifier does not match the code challenge');
  const issued = state.issue(found.user, client.clientId, found.scopes);
  found.grant = state.accessTokens.get(issued.accessToken)!.grant;
  return tokenAnswer(issued);
}

function refreshTokenGrant(state: IdentityCenterState, client: Client, body: Body): Body {
  const token = str(body, 'refreshToken')!;
  const found = state.refreshTokens.get(token);
  if (!found || found.clientId !== client.clientId || found.spent || state.revokedGrants.has(found.grant)) throw invalidGrant('Invalid refresh token provided');
  // refresh tokens rotate: the one just used is spent
  found.spent = true;
  return tokenAnswer(state.issue(found.user, client.clientId, found.scopes, found.grant));
}

export function createToken(state: IdentityCenterState, body: Body): Body {
  const grantType = str(body, 'grantType')!;
  state.grantCounts.set(grantType, (state.grantCounts.get(grantType) ?? 0) + 1);
  const client = authenticateClient(state, body);
  if (!GRANT_TYPES.includes(grantType)) throw oidcFault('UnsupportedGrantTypeException', 'unsupported_grant_type', `Unsupported grant type: ${grantType}`);
  if (!grantsOf(client).includes(grantType)) throw oidcFault('UnauthorizedClientException', 'unauthorized_client', `The client is not registered for the ${grantType} grant`);
  switch (grantType) {
    case DEVICE_GRANT:
      return deviceCodeGrant(state, client, body);
    case 'authorization_code':
      return authorizationCodeGrant(state, client, body);
    default:
      return refreshTokenGrant(state, client, body);
  }
}
