// Attacks on the login, each refused with a clear error: forged callbacks at the loopback
// listener, and ID tokens a hostile IdP (or a man in the middle) could send.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { signIn } from '../../src/idp/oidc/sign-in';
import { startHostileOp, type TokenAttack } from '../helpers/oidc-hostile-op';
import { harness, isError, testSettings } from '../helpers/oidc-harness';

function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const tokenAttacks: [TokenAttack, RegExp][] = [
  ['alg-none', /alg|signed|Unsupported/i],
  ['wrong-iss', /iss/],
  ['wrong-aud', /aud/],
  ['expired', /exp/],
  ['wrong-nonce', /nonce/],
  ['bad-signature', /signature/],
];

for (const [attack, pattern] of tokenAttacks) {
  test(`an ID token with ${attack} is refused and the browser is told the login failed`, async () => {
    const op = await startHostileOp({ attack });
    try {
      const h = harness();
      const signing = signIn(testSettings(op.issuer), h.deps);
      signing.catch(() => undefined); // asserted below, after the browser's answer
      const page = await fetch(await h.loginUrl());
      assert.equal(page.status, 400);
      assert.match(await page.text(), /Login failed/);
      await assert.rejects(signing, isError('OIDC_TOKEN_INVALID', pattern));
      assert.equal(h.secrets.size, 0, 'nothing is stored from a refused login');
      assert.doesNotMatch(h.stderr(), /hostile-access-token/);
    } finally {
      await op.close();
    }
  });
}

test('a callback with the wrong state is refused with 400 and the real one still completes the login', async () => {
  const op = await startHostileOp();
  try {
    const h = harness();
    const signing = signIn(testSettings(op.issuer), h.deps);
    const url = new URL(await h.loginUrl());
    const callback = new URL(url.searchParams.get('redirect_uri')!);
    assert.equal(callback.hostname, '127.0.0.1');
    const forged = await get(`${callback.href}?code=stolen&state=forged`);
    assert.equal(forged.status, 400);
    assert.match(forged.body, /does not belong to the login/);
    assert.match(h.stderr(), /refused a login callback: its state does not belong to this login/);
    const page = await fetch(url);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /Login successful/);
    const tokens = await signing;
    assert.equal(tokens.claims.sub, 'mallory-0666');
  } finally {
    await op.close();
  }
});

test('only forged callbacks until the timeout: OIDC_CALLBACK says what was refused', async () => {
  const op = await startHostileOp();
  try {
    const h = harness();
    const signing = signIn(testSettings(op.issuer, { timeoutSeconds: 2 }), h.deps);
    const callback = new URL(await h.loginUrl()).searchParams.get('redirect_uri')!;
    assert.equal((await get(`${callback}?code=x&state=wrong`)).status, 400);
    await assert.rejects(signing, isError('OIDC_CALLBACK', /no valid login callback within 2s; refused 1: its state does not belong/));
  } finally {
    await op.close();
  }
});

test('a second callback after the login finds the listener closed', async () => {
  const op = await startHostileOp();
  try {
    const h = harness();
    const signing = signIn(testSettings(op.issuer), h.deps);
    const page = await fetch(await h.loginUrl());
    assert.equal(page.status, 200);
    const replay = page.url;
    await signing;
    await assert.rejects(get(replay), (e: NodeJS.ErrnoException) => e.code === 'ECONNREFUSED');
  } finally {
    await op.close();
  }
});

test('a callback addressed to a non-loopback Host (DNS rebinding) is refused', async () => {
  const op = await startHostileOp();
  try {
    const h = harness();
    const signing = signIn(testSettings(op.issuer, { timeoutSeconds: 2 }), h.deps);
    const url = new URL(await h.loginUrl());
    const callback = new URL(url.searchParams.get('redirect_uri')!);
    const state = url.searchParams.get('state')!;
    const rebound = await get(`${callback.href}?code=x&state=${state}`, { host: `evil.example.com:${callback.port}` });
    assert.equal(rebound.status, 421);
    await assert.rejects(signing, isError('OIDC_CALLBACK', /addressed to host "evil.example.com:\d+", not the loopback address/));
  } finally {
    await op.close();
  }
});

test('an http issuer that is not loopback is refused before any request', async () => {
  const h = harness();
  await assert.rejects(signIn(testSettings('http://idp.example.com'), h.deps), isError('OIDC_INSECURE', /plain http .*http:\/\/idp\.example\.com/));
});

test('web_identity_allow_insecure lets an http issuer through with a loud warning', async () => {
  const h = harness();
  await assert.rejects(signIn(testSettings('http://idp.invalid', { allowInsecure: true }), h.deps), isError('NETWORK', /idp\.invalid.*ENOTFOUND/));
  assert.match(h.stderr(), /warning: web_identity_allow_insecure is set: talking to the identity provider http:\/\/idp\.invalid over plain http/);
});
