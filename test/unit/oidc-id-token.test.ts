// rolecall's own ID-token checks, called directly (the flows also pass the nonce to openid-client,
// so a login test alone would stay green without them): the nonce, azp with several audiences, an
// iat in the future, and the signature against the published keys only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { validateIdToken } from '../../src/idp/oidc/id-token';
import type { OidcClient } from '../../src/idp/oidc/client';

const issuer = 'https://idp.example.com';
const NOW = new Date('2026-11-23T09:00:00Z');
const now = Math.floor(NOW.getTime() / 1000);
const clock = { now: () => NOW };
const keys = generateKeyPair('ES256');
const other = generateKeyPair('ES256');

async function client(): Promise<OidcClient> {
  const jwks = JSON.stringify({ keys: [{ ...(await exportJWK((await keys).publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }] });
  const config = new oidc.Configuration({ issuer, jwks_uri: `${issuer}/jwks` }, 'rolecall-cli');
  return {
    config,
    issuer,
    fetch: async () => new Response(jwks, { headers: { 'content-type': 'application/json' } }),
    authMethod: 'none',
    credentials: { clientId: 'rolecall-cli' },
    provider: 'generic',
  };
}

async function token(claims: JWTPayload & { aud?: string | string[] } = {}, signWith?: CryptoKey): Promise<string> {
  const { aud = 'rolecall-cli', iat = now - 10, exp = now + 3600, ...rest } = claims;
  return new SignJWT({ sub: 'alice', nonce: 'n-1', ...rest })
    .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
    .setIssuer(issuer)
    .setAudience(aud)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(signWith ?? (await keys).privateKey);
}

const refused = (why: RegExp) => (error: unknown) => {
  assert.equal((error as { code?: string }).code, 'OIDC_TOKEN_INVALID');
  assert.match((error as Error).message, why);
  return true;
};

test('the nonce of this login is required: another login\'s, an empty one or none is refused', async () => {
  const c = await client();
  assert.equal((await validateIdToken(await token(), c, { clock, nonce: 'n-1' })).sub, 'alice');
  for (const nonce of ['n-2', '', undefined]) {
    await assert.rejects(validateIdToken(await token({ nonce }), c, { clock, nonce: 'n-1' }), refused(/its "nonce" does not match the one this login sent/), String(nonce));
  }
});

test('with several audiences, azp must name this client', async () => {
  const c = await client();
  assert.equal((await validateIdToken(await token({ aud: ['rolecall-cli', 'api'], azp: 'rolecall-cli' }), c, { clock, nonce: 'n-1' })).sub, 'alice');
  await assert.rejects(validateIdToken(await token({ aud: ['rolecall-cli', 'api'], azp: 'api' }), c, { clock, nonce: 'n-1' }), refused(/several audiences and its "azp" is not rolecall-cli/));
  await assert.rejects(validateIdToken(await token({ aud: ['rolecall-cli', 'api'] }), c, { clock, nonce: 'n-1' }), refused(/several audiences/));
});

test('issued in the future beyond 60 s of skew is refused; within it, accepted', async () => {
  const c = await client();
  assert.equal((await validateIdToken(await token({ iat: now + 30 }), c, { clock, nonce: 'n-1' })).sub, 'alice');
  await assert.rejects(validateIdToken(await token({ iat: now + 365 * 86400, exp: now + 365 * 86400 + 3600 }), c, { clock, nonce: 'n-1' }), refused(/more than 60 s ahead of this machine's clock/));
});

test('a token signed with a key the IdP does not publish is refused', async () => {
  const c = await client();
  await assert.rejects(validateIdToken(await token({}, (await other).privateKey), c, { clock, nonce: 'n-1' }), refused(/signature does not match/));
});
