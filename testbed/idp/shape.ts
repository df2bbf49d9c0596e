// The way a real identity provider lays itself out and answers, so rolecall can be tested against
// each kind its users have, not only against the answers it expects:
//   generic   oidc-provider's own layout at the root (/auth, /token, /jwks)
//   keycloak  a realm: issuer /realms/rolecall, endpoints under /protocol/openid-connect/; the direct
//             grant asks users with an OTP device for `totp` (or `otp`) and answers 401
//             invalid_grant "Invalid user credentials" to a wrong password and a missing or wrong
//             code alike; the token exchange answers a bare saml:Assertion (./token-exchange-grant.ts)
//   google    Google's discovery (no offline_access among scopes_supported) and Google's rule for
//             refresh tokens: only for access_type=offline, and after the first grant only together
//             with prompt=consent (./google-offline.ts)
//   okta      Okta's org authorization server: /oauth2/v1/authorize, /token, /keys; every answer
//             carries x-okta-request-id; the Authentication API /api/v1/authn (./okta-authn.ts)
//             signs in without a browser and its sessionToken opens /oauth2/v1/authorize
// Every shape also answers Entra ID's multi-tenant discovery (/common/v2.0 and
// /organizations/v2.0), whose issuer is a template: https://HOST/{tenantid}/v2.0.
export type IdpShape = 'generic' | 'keycloak' | 'google' | 'okta';

export const KEYCLOAK_REALM = 'rolecall';

export interface ShapeLayout {
  /** the issuer's path under the host ('' or /realms/NAME) */
  issuerPath: string;
  /** oidc-provider's routes (relative to the issuer) */
  routes: Record<string, string>;
  scopes: string[];
  /** the direct grant asks for the user's one-time code */
  directGrantOtp: boolean;
}

const GENERIC_SCOPES = ['openid', 'offline_access', 'email', 'profile'];

export function layoutOf(shape: IdpShape): ShapeLayout {
  switch (shape) {
    case 'keycloak':
      return {
        issuerPath: `/realms/${KEYCLOAK_REALM}`,
        routes: {
          authorization: '/protocol/openid-connect/auth',
          token: '/protocol/openid-connect/token',
          jwks: '/protocol/openid-connect/certs',
          userinfo: '/protocol/openid-connect/userinfo',
          device_authorization: '/protocol/openid-connect/auth/device',
          code_verification: '/device',
          introspection: '/protocol/openid-connect/token/introspect',
          revocation: '/protocol/openid-connect/revoke',
        },
        scopes: GENERIC_SCOPES,
        directGrantOtp: true,
      };
    case 'okta':
      return {
        issuerPath: '',
        routes: {
          authorization: '/oauth2/v1/authorize',
          token: '/oauth2/v1/token',
          jwks: '/oauth2/v1/keys',
          userinfo: '/oauth2/v1/userinfo',
          device_authorization: '/oauth2/v1/device/authorize',
          code_verification: '/activate',
          introspection: '/oauth2/v1/introspect',
          revocation: '/oauth2/v1/revoke',
        },
        scopes: GENERIC_SCOPES,
        directGrantOtp: false,
      };
    case 'google':
      return { issuerPath: '', routes: {}, scopes: ['openid', 'email', 'profile'], directGrantOtp: false };
    case 'generic':
      return { issuerPath: '', routes: {}, scopes: GENERIC_SCOPES, directGrantOtp: false };
  }
}

/** Entra ID's multi-tenant discovery paths, answered with the templated issuer */
export const TEMPLATED_DISCOVERY = /^\/(common|organizations)\/v2\.0\/\.well-known\/openid-configuration$/;
