// How rolecall authenticates its OAuth client at the token endpoint: client_secret_basic,
// client_secret_post or none, chosen from what the provider's discovery document lists
// (token_endpoint_auth_methods_supported) unless web_identity_client_auth_method forces one. Every
// request to the token endpoint (code, refresh, device, password, token exchange) uses the one
// method and the one encoding: RFC 6749 2.3.1's form encoding as browsers and URLSearchParams do
// it, which leaves letters, digits and "*-._" alone, so `my-client` is `my-client` in a Basic
// header and in a form body alike (openid-client's own encoder sends `my%2Dclient`, which providers
// that do not decode the header take for another client).
import type * as oidc from 'openid-client';
import { RolecallError } from '../../errors';
import type { ClientAuthMethod } from '../../config/keys';

export type { ClientAuthMethod } from '../../config/keys';

export interface ClientCredentials {
  clientId: string;
  clientSecret?: string;
}

/** application/x-www-form-urlencoded, as URLSearchParams writes it */
export function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}

/**
 * The method to use. `forced`: web_identity_client_auth_method. Without a secret there is nothing
 * to send but the client id. Discovery without the list means client_secret_basic (OIDC Discovery
 * 1.0, section 3), which every OAuth server must take (RFC 6749 2.3.1).
 */
export function chooseClientAuth(credentials: ClientCredentials, supported: readonly string[] | undefined, issuer: string, forced?: ClientAuthMethod): ClientAuthMethod {
  if (forced) {
    if (forced !== 'none' && !credentials.clientSecret) {
      throw new RolecallError('CONFIG_INVALID', `web_identity_client_auth_method = ${forced} needs a client secret, and the profile has no web_identity_client_secret`, {
        hint: 'Set web_identity_client_secret, or web_identity_client_auth_method = none for a public client.',
      });
    }
    return forced;
  }
  if (!credentials.clientSecret) return 'none';
  if (!supported || supported.includes('client_secret_basic')) return 'client_secret_basic';
  if (supported.includes('client_secret_post')) return 'client_secret_post';
  if (supported.includes('none')) return 'none';
  throw new RolecallError('OIDC_ERROR', `${issuer} takes only ${supported.join(', ')} at its token endpoint; rolecall authenticates with client_secret_basic, client_secret_post or none`, {
    hint: 'Ask the administrator to let the client use client_secret_basic or client_secret_post, or set web_identity_client_auth_method if the discovery document is wrong.',
  });
}

/** the Authorization header of client_secret_basic */
export function basicAuthorization(credentials: ClientCredentials): string {
  return `Basic ${Buffer.from(`${formEncode(credentials.clientId)}:${formEncode(credentials.clientSecret ?? '')}`).toString('base64')}`;
}

/** puts the client's authentication on a token request */
export function applyClientAuth(method: ClientAuthMethod, credentials: ClientCredentials, body: URLSearchParams, headers: Headers | Record<string, string>): void {
  const setHeader = (name: string, value: string) => (headers instanceof Headers ? headers.set(name, value) : (headers[name] = value));
  if (method === 'client_secret_basic') {
    setHeader('authorization', basicAuthorization(credentials));
    return;
  }
  body.set('client_id', credentials.clientId);
  if (method === 'client_secret_post') body.set('client_secret', credentials.clientSecret ?? '');
}

/** the same, as openid-client's ClientAuth for its grants */
export function openidClientAuth(method: ClientAuthMethod, credentials: ClientCredentials): oidc.ClientAuth {
  return (_as, _client, body, headers) => applyClientAuth(method, credentials, body, headers);
}
