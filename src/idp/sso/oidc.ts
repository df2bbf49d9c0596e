// The SSO OIDC operations rolecall calls, with the parameters the AWS CLI sends: RegisterClient
// (device flow: no grant types; browser sign-in: authorization_code + refresh_token, the loopback
// redirect URI without a port, the start URL as issuer), StartDeviceAuthorization, and CreateToken
// for each grant.
import type { Logger } from '../../platform/logger';
import { ssoCall } from './api';
import type { Registration } from './token-file';

export const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
/** the AWS CLI's loopback redirect URI, registered without a port (any port is then accepted) */
export const REGISTERED_REDIRECT = 'http://127.0.0.1/oauth/callback';

export interface TokenAnswer {
  accessToken: string;
  expiresIn: number;
  refreshToken?: string;
}

export interface DeviceAuthorization {
  deviceCode: string;
  userCode: string;
  verificationUri: string;
  verificationUriComplete?: string;
  expiresIn: number;
  interval?: number;
}

function post(endpoint: string, operation: string, path: string, body: Record<string, unknown>, log: Logger) {
  return ssoCall({ operation, service: 'oidc', endpoint, method: 'POST', path, body }, log);
}

const str = (v: unknown) => (typeof v === 'string' ? v : '');
const num = (v: unknown) => (typeof v === 'number' ? v : Number.NaN);

export async function registerClient(
  endpoint: string,
  input: { clientName: string; scopes?: string[]; authorizationCode?: { issuerUrl: string } },
  log: Logger,
): Promise<Registration> {
  const grantTypes = input.authorizationCode ? ['authorization_code', 'refresh_token'] : undefined;
  const answer = await post(
    endpoint,
    'RegisterClient',
    'client/register',
    {
      clientName: input.clientName,
      clientType: 'public',
      ...(input.scopes?.length ? { scopes: input.scopes } : {}),
      ...(input.authorizationCode ? { grantTypes, redirectUris: [REGISTERED_REDIRECT], issuerUrl: input.authorizationCode.issuerUrl } : {}),
    },
    log,
  );
  log.redact(str(answer.clientSecret));
  return {
    clientId: str(answer.clientId),
    clientSecret: str(answer.clientSecret),
    expiresAt: new Date(num(answer.clientSecretExpiresAt) * 1000),
    ...(input.scopes?.length ? { scopes: input.scopes } : {}),
    ...(grantTypes ? { grantTypes } : {}),
  };
}

export async function startDeviceAuthorization(endpoint: string, registration: Registration, startUrl: string, log: Logger): Promise<DeviceAuthorization> {
  const answer = await post(endpoint, 'StartDeviceAuthorization', 'device_authorization', { clientId: registration.clientId, clientSecret: registration.clientSecret, startUrl }, log);
  log.redact(str(answer.deviceCode));
  return {
    deviceCode: str(answer.deviceCode),
    userCode: str(answer.userCode),
    verificationUri: str(answer.verificationUri),
    verificationUriComplete: str(answer.verificationUriComplete) || undefined,
    expiresIn: num(answer.expiresIn),
    interval: typeof answer.interval === 'number' ? answer.interval : undefined,
  };
}

/** CreateToken with one grant's parameters (deviceCode; code + redirectUri + codeVerifier; refreshToken) */
export async function createToken(endpoint: string, client: { clientId: string; clientSecret: string }, grant: Record<string, string>, log: Logger): Promise<TokenAnswer> {
  const answer = await post(endpoint, 'CreateToken', 'token', { clientId: client.clientId, clientSecret: client.clientSecret, ...grant }, log);
  const accessToken = str(answer.accessToken);
  log.redact(accessToken);
  log.redact(str(answer.refreshToken));
  return { accessToken, expiresIn: num(answer.expiresIn), ...(typeof answer.refreshToken === 'string' ? { refreshToken: answer.refreshToken } : {}) };
}

/** the authorization page, as the AWS CLI builds it (its `scopes`, space-separated, is Identity Center's spelling) */
export function authorizeUrl(endpoint: string, input: { clientId: string; redirectUri: string; state: string; codeChallenge: string; scopes: string[] }): string {
  const url = new URL('authorize', endpoint.endsWith('/') ? endpoint : `${endpoint}/`);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: input.clientId,
    redirect_uri: input.redirectUri,
    state: input.state,
    code_challenge_method: 'S256',
    scopes: input.scopes.join(' '),
    code_challenge: input.codeChallenge,
  }).toString();
  return url.href;
}
