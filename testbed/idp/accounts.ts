// The IdP's people (world.idpUsers): password checks for the login form, the password grant and
// the SAML POST API; OIDC claims; and the SAML Response each user gets.
import { timingSafeEqual } from 'node:crypto';
import type { IdpUser, World } from '../world';
import { AWS_SAML_AUDIENCE, buildSamlResponse } from './saml-response';

/** seconds an issued SAML assertion stays valid (Conditions NotOnOrAfter) */
export const SAML_ASSERTION_TTL_SECONDS = 300;
/** the SessionDuration attribute the IdP puts into assertions (AWS's maximum) */
export const SAML_SESSION_DURATION_SECONDS = 43200;

/** the user whose username or email is `login` and whose password matches, else undefined */
export function authenticate(world: World, login: string, password: string): IdpUser | undefined {
  const user = world.idpUsers.find((candidate) => candidate.username === login || candidate.email === login);
  if (!user) return undefined;
  const given = Buffer.from(password);
  const expected = Buffer.from(user.password);
  return given.length === expected.length && timingSafeEqual(given, expected) ? user : undefined;
}

export function userBySub(world: World, sub: string): IdpUser | undefined {
  return world.idpUsers.find((user) => user.sub === sub);
}

/** the claims behind the scopes openid, email and profile */
export function claimsOf(user: IdpUser): Record<string, unknown> {
  return { sub: user.sub, email: user.email, email_verified: true, name: user.username };
}

/** a signed SAML Response (XML text) listing the user's AWS roles, as a real IdP would send */
export function samlResponseFor(issuer: string, user: IdpUser): string {
  return buildSamlResponse({
    issuer,
    subject: user.email,
    roles: user.samlRoles,
    sessionName: user.email,
    sessionDuration: SAML_SESSION_DURATION_SECONDS,
    notOnOrAfter: new Date(Date.now() + SAML_ASSERTION_TTL_SECONDS * 1000),
    audience: AWS_SAML_AUDIENCE,
    sign: true,
  });
}

/**
 * the signed saml:Assertion alone (XML text), as Keycloak's token exchange issues it: the
 * signature covers the Assertion (exclusive c14n), so it still verifies once a client wraps it
 */
export function samlAssertionFor(issuer: string, user: IdpUser): string {
  const response = samlResponseFor(issuer, user);
  const start = response.indexOf('<saml:Assertion');
  const end = response.indexOf('</saml:Assertion>') + '</saml:Assertion>'.length;
  return response.slice(start, end);
}
