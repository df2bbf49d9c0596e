// The device flow's unhappy paths that the real IdP does not produce on demand: slow_down, a code
// that expires, a denial; and a token response without an ID token. Against the hostile OP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { signIn } from '../../src/idp/oidc/sign-in';
import { startHostileOp } from '../helpers/oidc-hostile-op';
import { harness, isError, testSettings } from '../helpers/oidc-harness';

test('slow_down makes rolecall poll more slowly and the login still completes', async () => {
  const op = await startHostileOp({ device: 'slow-down-then-approve' });
  try {
    const h = harness();
    const started = Date.now();
    const tokens = await signIn(testSettings(op.issuer, { flow: 'device' }), h.deps);
    assert.equal(tokens.claims.sub, 'mallory-0666');
    const grant = 'urn:ietf:params:oauth:grant-type:device_code';
    assert.deepEqual(op.requests, [grant, grant]);
    // interval 1 s, then 1 + 5 s after slow_down (RFC 8628 3.5)
    assert.ok(Date.now() - started >= 6000, `polled again after ${Date.now() - started} ms`);
    assert.match(h.stderr(), /open http:\/\/127\.0\.0\.1:\d+\/activate and enter the code WDJB-MJHT/);
  } finally {
    await op.close();
  }
});

test('the device code expires: OIDC_DEVICE_EXPIRED', async () => {
  const op = await startHostileOp({ device: 'expire' });
  try {
    await assert.rejects(signIn(testSettings(op.issuer, { flow: 'device' }), harness().deps), isError('OIDC_DEVICE_EXPIRED', /expire/));
  } finally {
    await op.close();
  }
});

test('the user denies the device: OIDC_DENIED with the IdP\'s words', async () => {
  const op = await startHostileOp({ device: 'deny' });
  try {
    await assert.rejects(signIn(testSettings(op.issuer, { flow: 'device' }), harness().deps), isError('OIDC_DENIED', /access_denied: End-User aborted interaction/));
  } finally {
    await op.close();
  }
});

test('rolecall gives up waiting before the code expires: OIDC_TIMEOUT', async () => {
  const op = await startHostileOp({ device: 'expire' });
  try {
    // the hostile OP's code lives 2 s; with a 1 s timeout rolecall's own limit comes first
    await assert.rejects(signIn(testSettings(op.issuer, { flow: 'device', timeoutSeconds: 1 }), harness().deps), isError('OIDC_TIMEOUT', /within 1s/));
  } finally {
    await op.close();
  }
});

test('a token response without an ID token is refused', async () => {
  const op = await startHostileOp({ attack: 'no-id-token' });
  try {
    await assert.rejects(signIn(testSettings(op.issuer, { flow: 'device' }), harness().deps), isError('OIDC_TOKEN_INVALID', /without an ID token/));
  } finally {
    await op.close();
  }
});
