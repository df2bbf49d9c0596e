// ID token validation with jose, on top of openid-client's claim checks: the signature against the
// IdP's JWKS (openid-client trusts the TLS channel and skips it), asymmetric algorithms only (no
// `none`, no HMAC with a public key), iss, aud/azp, exp/iat with the injected clock, and the nonce.
import { createLocalJWKSet, errors, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import { RolecallError } from '../../errors';
import type { Clock } from '../../platform/clock';
import type { OidcClient } from './client';

const ASYMMETRIC = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];
const CLOCK_TOLERANCE_SECONDS = 60;

export interface IdTokenClaims extends JWTPayload {
  sub: string;
  email?: string;
}

function invalid(issuer: string, why: string, cause?: unknown): RolecallError {
  return new RolecallError('OIDC_TOKEN_INVALID', `the ID token from ${issuer} was refused: ${why}`, { cause });
}

async function fetchJwks(client: OidcClient): Promise<JSONWebKeySet> {
  const uri = client.config.serverMetadata().jwks_uri;
  if (!uri) throw invalid(client.issuer, 'the discovery document has no jwks_uri, so the signature cannot be checked');
  let response: Response;
  try {
    response = await client.fetch(uri, { method: 'GET', headers: { accept: 'application/json' }, redirect: 'manual', body: undefined, signal: AbortSignal.timeout(30_000) });
  } catch (error) {
    if (error instanceof RolecallError) throw error;
    throw new RolecallError('NETWORK', `could not fetch the signing keys of ${client.issuer} from ${uri}: ${(error as Error).message}`, { cause: error });
  }
  const body = (await response.json().catch(() => undefined)) as JSONWebKeySet | undefined;
  if (!response.ok || !body || !Array.isArray(body.keys)) {
    throw new RolecallError('OIDC_DISCOVERY', `the signing keys at ${uri} are not a JWK set (HTTP ${response.status})`);
  }
  return body;
}

export async function validateIdToken(
  idToken: string,
  client: OidcClient,
  checks: { clock: Clock; nonce?: string },
): Promise<IdTokenClaims> {
  const clientId = client.config.clientMetadata().client_id;
  const keys = createLocalJWKSet(await fetchJwks(client));
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(idToken, keys, {
      issuer: client.issuer,
      audience: clientId,
      algorithms: ASYMMETRIC,
      currentDate: checks.clock.now(),
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      requiredClaims: ['iat', 'exp', 'sub'],
    }));
  } catch (error) {
    if (error instanceof errors.JWTExpired) throw invalid(client.issuer, `it expired at ${new Date(Number(error.payload.exp) * 1000).toISOString()} (check the clock)`, error);
    if (error instanceof errors.JWTClaimValidationFailed) throw invalid(client.issuer, `claim "${error.claim}" ${error.reason === 'check_failed' ? 'has the wrong value' : error.reason}: ${error.message}`, error);
    if (error instanceof errors.JOSEAlgNotAllowed) throw invalid(client.issuer, 'it is not signed with an asymmetric algorithm (alg "none" and HMAC are refused)', error);
    if (error instanceof errors.JWSSignatureVerificationFailed) throw invalid(client.issuer, 'its signature does not match the keys the IdP publishes', error);
    if (error instanceof errors.JWKSNoMatchingKey) throw invalid(client.issuer, 'no key in the IdP\'s JWKS matches its signature', error);
    throw invalid(client.issuer, (error as Error).message, error);
  }
  // jose checks iat only against a maximum age: a token "issued" a year ahead would pass
  const nowSeconds = checks.clock.now().getTime() / 1000;
  if (typeof payload.iat === 'number' && payload.iat > nowSeconds + CLOCK_TOLERANCE_SECONDS) {
    throw invalid(client.issuer, `it says it was issued at ${new Date(payload.iat * 1000).toISOString()}, more than ${CLOCK_TOLERANCE_SECONDS} s ahead of this machine's clock (check the clock)`);
  }
  const aud = payload.aud;
  if (Array.isArray(aud) && aud.length > 1 && payload.azp !== clientId) {
    throw invalid(client.issuer, `it has several audiences and its "azp" is not ${clientId}`);
  }
  if (checks.nonce !== undefined && payload.nonce !== checks.nonce) {
    throw invalid(client.issuer, 'its "nonce" does not match the one this login sent (a replayed or injected token)');
  }
  if (typeof payload.sub !== 'string' || payload.sub === '') throw invalid(client.issuer, 'it has no "sub" claim');
  return payload as IdTokenClaims;
}
