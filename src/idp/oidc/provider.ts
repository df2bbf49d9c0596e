// Which identity provider rolecall is talking to, where it matters: Okta and Keycloak sign in
// without a browser in their own ways (aws-runas's provider logins, with their MFA), Google gives
// refresh tokens only to access_type=offline, and OneLogin, Entra ID (Azure AD) and ForgeRock have
// no password sign-in rolecall speaks. web_identity_provider (WEB_IDENTITY_PROVIDER) names it;
// otherwise it is recognised, as aws-runas does, from the host name, then from what the discovery
// document and its answer look like (Okta's x-okta-request-id header and /oauth2/v1/ endpoints,
// Keycloak's /realms/NAME issuer with /protocol/openid-connect/ endpoints).
import type * as oidc from 'openid-client';
import type { WebIdentityProvider } from '../../config/keys';

export type ProviderKind = 'okta' | 'keycloak' | 'google' | 'onelogin' | 'azuread' | 'forgerock' | 'generic';

const BY_NAME: Record<WebIdentityProvider, ProviderKind> = {
  okta: 'okta',
  keycloak: 'keycloak',
  google: 'google',
  onelogin: 'onelogin',
  azuread: 'azuread',
  forgerock: 'forgerock',
  adfs: 'generic',
  auth0: 'generic',
  generic: 'generic',
};

/** how users know each one */
export const PROVIDER_NAMES: Record<ProviderKind, string> = {
  okta: 'Okta',
  keycloak: 'Keycloak',
  google: 'Google',
  onelogin: 'OneLogin',
  azuread: 'Entra ID (Azure AD)',
  forgerock: 'ForgeRock',
  generic: 'the identity provider',
};

const OKTA_HOST = /\.(okta|oktapreview|okta-emea|okta-gov|okta-mil)\.com$/i;

/** from the URL alone (aws-runas's first test), or undefined */
export function providerFromHost(url: URL): ProviderKind | undefined {
  const host = url.hostname.toLowerCase();
  if (OKTA_HOST.test(host)) return 'okta';
  if (host === 'accounts.google.com') return 'google';
  if (host.endsWith('.onelogin.com')) return 'onelogin';
  if (host === 'login.microsoftonline.com' || host.endsWith('.microsoft.com') || host.endsWith('.microsoftonline.us')) return 'azuread';
  return undefined;
}

export function detectProvider(named: WebIdentityProvider | undefined, issuer: URL, server: oidc.ServerMetadata, discoveryHeaders?: Headers): ProviderKind {
  if (named) return BY_NAME[named];
  const byHost = providerFromHost(issuer);
  if (byHost) return byHost;
  const path = (endpoint: string | undefined) => (endpoint ? new URL(endpoint).pathname : '');
  if (discoveryHeaders?.has('x-okta-request-id') || /\/oauth2(\/[^/]+)?\/v1\/authorize$/.test(path(server.authorization_endpoint))) return 'okta';
  if (/\/realms\/[^/]+$/.test(issuer.pathname) && /\/protocol\/openid-connect\/token$/.test(path(server.token_endpoint))) return 'keycloak';
  return 'generic';
}
