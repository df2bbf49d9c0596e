// AssumeRoleWithWebIdentity: an OIDC token from a provider registered in the role's account,
// verified against the issuer's JWKS (discovered, then cached), then the role's trust policy.
import { createRemoteJWKSet, decodeJwt, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { accessDenied, expiredTokenException, invalidIdentityToken } from './fault';
import { accountOf, roleSessionPrincipal } from './identity';
import { duration, lengthBetween, MAX_ROLE_SESSION, required, sessionName, withinRoleLimit } from './params';
import { trustAllows } from './policy';
import { sessionPoliciesOf } from './permissions';
import { assumedRoleUserXml, credentialsXml, findRole, type Handler } from './state';

const NOT_VALIDATED =
  'The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request.';
const NO_KEYS = "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements";
const DENIED = 'Not authorized to perform sts:AssumeRoleWithWebIdentity';

const stripSlash = (url: string) => url.replace(/\/+$/, '');
const list = (value: string | string[] | undefined) => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** issuer -> its key set, per emulator; jose refetches on an unknown kid, so rotated keys still verify */
export type KeySets = Map<string, Promise<JWTVerifyGetKey>>;

async function discoverKeys(issuer: string): Promise<JWTVerifyGetKey> {
  const response = await fetch(`${stripSlash(issuer)}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(5000) });
  if (!response.ok) throw new Error(`discovery answered ${response.status}`);
  const { jwks_uri: jwksUri } = (await response.json()) as { jwks_uri?: string };
  if (!jwksUri) throw new Error('no jwks_uri');
  return createRemoteJWKSet(new URL(jwksUri));
}

function keysFor(keySets: KeySets, issuer: string): Promise<JWTVerifyGetKey> {
  let keys = keySets.get(issuer);
  if (!keys) {
    keys = discoverKeys(issuer);
    keySets.set(issuer, keys);
    keys.catch(() => keySets.delete(issuer)); // an IdP that was down may come back
  }
  return keys;
}

async function verify(keySets: KeySets, token: string, issuer: string): Promise<JWTPayload> {
  let keys: JWTVerifyGetKey;
  try {
    keys = await keysFor(keySets, issuer);
  } catch {
    throw invalidIdentityToken(NO_KEYS);
  }
  try {
    return (await jwtVerify(token, keys, { issuer })).payload;
  } catch (error) {
    if (error instanceof errors.JWTExpired) {
      const now = Math.floor(Date.now() / 1000);
      // sic: AWS's text has no space before the second time
      throw expiredTokenException(`Token expired: current date/time ${now} must be before the expiration date/time${String(error.payload.exp)}`);
    }
    if (error instanceof errors.JWKSTimeout || (error instanceof Error && error.name === 'TypeError')) throw invalidIdentityToken(NO_KEYS);
    throw invalidIdentityToken(NOT_VALIDATED);
  }
}

export const assumeRoleWithWebIdentity: Handler = async ({ world, sessions, keySets }, { params }) => {
  const roleArn = lengthBetween(required(params, 'RoleArn', 'roleArn'), 'roleArn', 20, 2048);
  const name = sessionName(params);
  const token = lengthBetween(required(params, 'WebIdentityToken', 'webIdentityToken'), 'webIdentityToken', 4, 20000);
  const requested = duration(params, 3600, world.settings.minSessionSeconds, MAX_ROLE_SESSION);
  const sessionPolicies = sessionPoliciesOf(world, params);

  let unverified: JWTPayload;
  try {
    unverified = decodeJwt(token);
  } catch {
    throw invalidIdentityToken(NOT_VALIDATED);
  }
  const issuer = unverified.iss ?? '';
  // IAM providers live in the role's account, registered by issuer URL
  const provider = world.oidcProviders.find((p) => accountOf(p.arn) === accountOf(roleArn) && stripSlash(p.url) === stripSlash(issuer));
  if (!provider) throw invalidIdentityToken(`No OpenIDConnect provider found in your account for ${issuer}`);

  const claims = await verify(keySets, token, issuer);
  const audience = list(claims.aud).find((a) => provider.clientIds.includes(a));
  if (!audience) throw invalidIdentityToken('Incorrect token audience');

  const host = provider.arn.slice(provider.arn.indexOf(':oidc-provider/') + ':oidc-provider/'.length);
  const claim = (key: string) => {
    const value = claims[key];
    return typeof value === 'string' ? value : Array.isArray(value) ? value.map(String) : undefined;
  };
  const role = findRole(world, roleArn);
  const allowed =
    role !== undefined &&
    trustAllows(role.trustPolicy, {
      action: 'sts:AssumeRoleWithWebIdentity',
      federated: provider.arn,
      context: {
        [`${host}:aud`]: audience,
        [`${host}:oaud`]: list(claims.aud).filter((a) => a !== audience),
        [`${host}:sub`]: claims.sub,
        [`${host}:amr`]: claim('amr'),
        [`${host}:email`]: claim('email'),
        'aws:federatedprovider': provider.arn,
        'aws:securetransport': 'true', // see principalContext in sts.ts
        'sts:rolesessionname': name,
      },
    });
  if (!role || !allowed) throw accessDenied(DENIED);
  const seconds = withinRoleLimit(requested, role.maxSessionDuration, false);
  const principal = roleSessionPrincipal(role.arn, name, undefined);
  const session = sessions.issue(principal, 'AssumeRoleWithWebIdentity', seconds, false, sessionPolicies);
  return {
    Credentials: credentialsXml(session),
    SubjectFromWebIdentityToken: claims.sub,
    AssumedRoleUser: assumedRoleUserXml(principal),
    Provider: host,
    Audience: audience,
  };
};
