// What happens to a stored refresh token the IdP does not take: refused (invalid_grant) -> it is
// forgotten and an interactive login follows, with a notice; the IdP unavailable -> it is kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { signIn } from '../../src/idp/oidc/sign-in';
import { refreshSecretName } from '../../src/store/secret-names';
import { startHostileOp } from '../helpers/oidc-hostile-op';
import { harness, isError, testSettings } from '../helpers/oidc-harness';

test('a refused refresh token is forgotten, the user is told, and the browser login follows', async () => {
  const op = await startHostileOp({ refresh: 'invalid_grant' });
  try {
    const h = harness();
    const name = refreshSecretName(op.issuer, 'rolecall-cli');
    h.secrets.set(name, 'an-old-refresh-token-0001');
    const signing = signIn(testSettings(op.issuer), h.deps);
    await fetch(await h.loginUrl());
    const tokens = await signing;
    assert.equal(tokens.claims.sub, 'mallory-0666');
    assert.deepEqual(op.requests, ['refresh_token', 'authorization_code']);
    assert.match(h.stderr(), /refused the stored refresh token \(invalid_grant: grant request is invalid\)\. Signing in again interactively\./);
    assert.equal(h.secrets.has(name), false, 'the spent token is gone (the IdP gave no new one)');
    assert.ok(!h.stderr().includes('an-old-refresh-token-0001'));
  } finally {
    await op.close();
  }
});

test('an IdP that is temporarily unavailable does not cost the user the stored refresh token', async () => {
  const op = await startHostileOp({ refresh: 'unavailable' });
  try {
    const h = harness();
    const name = refreshSecretName(op.issuer, 'rolecall-cli');
    h.secrets.set(name, 'a-good-refresh-token-0002');
    await assert.rejects(signIn(testSettings(op.issuer), h.deps), isError('OIDC_ERROR', /the stored refresh token at http:\/\/127\.0\.0\.1:\d+ failed: unexpected HTTP response status code \(HTTP 503 Service Unavailable\)/));
    assert.equal(h.secrets.get(name), 'a-good-refresh-token-0002');
  } finally {
    await op.close();
  }
});
