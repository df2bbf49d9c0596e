// The loopback listener's options: a configured redirect URI (host, port, path), aws-cli-oidc's
// successful/failure redirect URLs, the additional authorization query, and a port in use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { signIn } from '../../src/idp/oidc/sign-in';
import { startHostileOp } from '../helpers/oidc-hostile-op';
import { harness, isError, testSettings } from '../helpers/oidc-harness';

const source = { kind: 'flag' as const, name: 'test' };

function listen(): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => resolve(server));
  });
}

async function freePort(): Promise<number> {
  const server = await listen();
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

/** follows the IdP's redirect by hand and returns the loopback listener's raw answer */
async function callbackAnswer(loginUrl: string): Promise<Response> {
  const toCallback = await fetch(loginUrl, { redirect: 'manual' });
  return fetch(toCallback.headers.get('location')!, { redirect: 'manual' });
}

test('a configured loopback redirect URI is used exactly: host, port and path', async () => {
  const op = await startHostileOp();
  try {
    const port = await freePort();
    const h = harness();
    const signing = signIn(testSettings(op.issuer, { redirectUri: { value: `http://localhost:${port}/oidc/cb`, source } }), h.deps);
    const url = new URL(await h.loginUrl());
    assert.equal(url.searchParams.get('redirect_uri'), `http://localhost:${port}/oidc/cb`);
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
    assert.match(url.searchParams.get('code_challenge') ?? '', /^[\w-]{43}$/);
    assert.ok(url.searchParams.get('nonce'));
    const answer = await callbackAnswer(url.href);
    assert.equal(answer.status, 200);
    assert.match(await answer.text(), /Login successful/);
    await signing;
  } finally {
    await op.close();
  }
});

test('successful_redirect_url and failure_redirect_url send the browser on', async () => {
  const good = await startHostileOp();
  const bad = await startHostileOp({ attack: 'wrong-aud' });
  try {
    const redirects = { successRedirectUrl: 'https://intranet.example.com/ok', failureRedirectUrl: 'https://intranet.example.com/failed' };
    let h = harness();
    const ok = signIn(testSettings(good.issuer, redirects), h.deps);
    let answer = await callbackAnswer(await h.loginUrl());
    assert.equal(answer.status, 303);
    assert.equal(answer.headers.get('location'), 'https://intranet.example.com/ok');
    await ok;

    h = harness();
    const failing = signIn(testSettings(bad.issuer, redirects), h.deps);
    failing.catch(() => undefined);
    answer = await callbackAnswer(await h.loginUrl());
    assert.equal(answer.status, 303);
    assert.equal(answer.headers.get('location'), 'https://intranet.example.com/failed');
    await assert.rejects(failing, isError('OIDC_TOKEN_INVALID'));
  } finally {
    await good.close();
    await bad.close();
  }
});

test('the additional authorization query is appended, but cannot replace state or the PKCE challenge', async () => {
  const op = await startHostileOp();
  try {
    const h = harness();
    const signing = signIn(testSettings(op.issuer, { additionalQuery: 'kc_idp_hint=google&state=attacker&code_challenge=x' }), h.deps);
    const url = new URL(await h.loginUrl());
    assert.equal(url.searchParams.get('kc_idp_hint'), 'google');
    assert.notEqual(url.searchParams.get('state'), 'attacker');
    assert.notEqual(url.searchParams.get('code_challenge'), 'x');
    assert.match(h.stderr(), /ignoring "state" in the additional authorization query/);
    await fetch(url);
    await signing;
  } finally {
    await op.close();
  }
});

test('the port of the configured redirect URI is taken: OIDC_CALLBACK with a hint', async () => {
  const op = await startHostileOp();
  const busy = await listen();
  try {
    const { port } = busy.address() as AddressInfo;
    const h = harness();
    await assert.rejects(signIn(testSettings(op.issuer, { redirectUri: { value: `http://127.0.0.1:${port}/callback`, source } }), h.deps), (e: unknown) => {
      isError('OIDC_CALLBACK', new RegExp(`cannot listen on 127\\.0\\.0\\.1 port ${port} .*EADDRINUSE`))(e);
      assert.match((e as { hint: string }).hint, /Another program \(perhaps another user's\) holds that port: whoever holds it would receive the login code/);
      return true;
    });
  } finally {
    busy.close();
    await op.close();
  }
});

test('a browser command that cannot start: a warning, the URL printed, and the login still works', async () => {
  const op = await startHostileOp();
  try {
    const h = harness();
    const signing = signIn(testSettings(op.issuer, { agent: ['/nonexistent/browser', '{}'], noBrowser: false }), h.deps);
    const url = await h.loginUrl();
    assert.match(h.stderr(), /warning: could not start the browser command "\/nonexistent\/browser": .*ENOENT; open the URL below yourself\./);
    assert.equal((await fetch(url)).status, 200);
    await signing;
  } finally {
    await op.close();
  }
});

test('a browser command that starts and fails: said at once, with the URL but never its arguments, and the login still works', async () => {
  const op = await startHostileOp();
  try {
    const h = harness();
    // a browser command may carry a secret of its own (a profile's password-manager session)
    const agent = ['/bin/sh', '-c', 'exit 1', 'sh', '--session=vault-session-7f3a9c', '{}'];
    const signing = signIn(testSettings(op.issuer, { agent, noBrowser: false }), h.deps);
    const url = await h.loginUrl();
    assert.match(h.stderr(), /The browser command ended with status 1\. Open this URL in a browser to sign in at /);
    assert.doesNotMatch(h.stderr(), /vault-session|exit 1/);
    assert.equal((await fetch(url)).status, 200);
    await signing;
  } finally {
    await op.close();
  }
});

test('Linux with no display, no agent and no $BROWSER: the URL is printed and the login waits for it', async () => {
  const op = await startHostileOp();
  try {
    const h = harness({ env: { PATH: process.env.PATH } });
    const signing = signIn(testSettings(op.issuer, { noBrowser: false }), h.deps);
    const url = await h.loginUrl();
    assert.doesNotMatch(h.stderr(), /Opened the browser|warning/);
    assert.equal((await fetch(url)).status, 200);
    await signing;
  } finally {
    await op.close();
  }
});
