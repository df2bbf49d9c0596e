// Access tokens are JWTs (RFC 9068) with aud = the client id, as Keycloak, Okta or Entra ID issue
// them, so that AssumeRoleWithWebIdentity can take an access token as well as an ID token. In
// oidc-provider a JWT access token is one for a resource server: every request is given this
// IdP's one resource (RFC 8707 resource indicator), whether the client names it or not.
import { errors } from 'oidc-provider';
import type { World } from '../world';

export const API_RESOURCE = 'urn:rolecall:testbed:api';

export function resourceServerInfo(world: World, indicator: string, clientId: string) {
  if (indicator !== API_RESOURCE) throw new errors.InvalidTarget(`unknown resource ${indicator} (this IdP serves ${API_RESOURCE})`);
  return {
    scope: 'openid email profile',
    audience: clientId,
    accessTokenFormat: 'jwt',
    accessTokenTTL: world.settings.idTokenTtlSeconds,
    jwt: { sign: { alg: 'RS256' } },
  };
}
