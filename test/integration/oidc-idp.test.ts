// The OIDC flows against the real testbed IdP (oidc-provider): the browser login through a real
// chromium started as rolecall's browser agent, refresh without a browser, the refused refresh
// falling back to a login, the device flow completed in the browser, consent denied, a user who
// closes the browser, and the IdP unreachable or with a broken discovery document.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type AddressInfo } from 'node:net';
import { DEFAULT_WORLD, loadWorld } from '../../testbed/world';
import { startIdp, type Idp } from '../../testbed/idp/index';
import { approveDevice, launchChromium } from '../../testbed/idp/browser-login';
import { signIn } from '../../src/idp/oidc/sign-in';
import { refreshSecretName } from '../../src/store/secret-names';
import { harness, isError, storedRefreshToken, testSettings } from '../helpers/oidc-harness';
import { startHostileOp } from '../helpers/oidc-hostile-op';
import { AGENT_ARGV, agentLog, agentSaid } from '../helpers/agent';

const world = loadWorld(DEFAULT_WORLD);
const alice = world.idpUsers.find((u) => u.username === 'alice')!;
let idp: Idp;

/** a port nothing listens on */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

before(async () => {
  idp = await startIdp(world);
});
after(async () => {
  await idp.close();
});

function agentEnv(consent = 'approve') {
  const dir = mkdtempSync(join(tmpdir(), 'rolecall-agent-'));
  const logFile = join(dir, 'agent.log');
  return { env: { ...process.env, TESTBED_USER: alice.username, TESTBED_PASSWORD: alice.password, TESTBED_CONSENT: consent, TESTBED_AGENT_LOG: logFile }, logFile };
}

/** what the device flow told the user on stderr */
async function deviceInstructions(stderr: () => string): Promise<{ uri: string; code: string; direct: string }> {
  for (let i = 0; i < 400; i++) {
    const m = /open (\S+) and enter the code (\S+)\n\(or open (\S+) and check that it shows that code\)/.exec(stderr());
    if (m) return { uri: m[1]!, code: m[2]!, direct: m[3]! };
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no device instructions on stderr:\n${stderr()}`);
}


test('browser login through the agent, then refresh without a browser, then a refused refresh falls back to a login', async () => {
  const { env, logFile } = agentEnv();
  const h = harness({ env });
  const settings = testSettings(idp.issuer, { agent: AGENT_ARGV, noBrowser: false, timeoutSeconds: 60 });
  idp.resetCounts();

  const first = await signIn(settings, h.deps).catch((e: unknown) => {
    throw new Error(`login failed: ${String(e)}\nagent log:\n${agentLog(logFile)}\nstderr:\n${h.stderr()}`);
  });
  assert.equal(first.claims.sub, alice.sub);
  assert.equal(first.claims.email, alice.email);
  assert.ok(first.refreshToken, 'offline_access gives a refresh token');
  assert.equal(first.tokenEndpoint, `${idp.issuer}/token`);
  assert.match(h.stderr(), /Opened the browser to sign in at http:\/\/127\.0\.0\.1:\d+\./);
  assert.doesNotMatch(h.stderr(), /state=|code_challenge=/, 'the URL is not printed when the browser opened');
  await agentSaid(logFile, /the loopback page says: Login successful/);
  const stored = storedRefreshToken(h.secrets, refreshSecretName(idp.issuer, 'rolecall-cli'));
  assert.equal(stored, first.refreshToken);
  assert.equal(idp.counts().authorizations, 1);

  // the second sign-in uses the refresh token: no browser (a failing agent would break it), no authorization
  const noBrowser = testSettings(idp.issuer, { agent: ['false'], noBrowser: false, timeoutSeconds: 5 });
  const second = await signIn(noBrowser, h.deps);
  assert.equal(second.claims.sub, alice.sub);
  assert.equal(idp.counts().authorizations, 1);
  assert.equal(idp.counts().tokens.refresh_token, 1);
  assert.notEqual(storedRefreshToken(h.secrets, refreshSecretName(idp.issuer, 'rolecall-cli')), stored, 'the rotated refresh token replaces the spent one');

  // the IdP forgets every refresh token: rolecall says so and logs in again in the browser
  await idp.revokeRefreshTokens();
  const third = await signIn(settings, h.deps);
  assert.equal(third.claims.sub, alice.sub);
  assert.match(h.stderr(), /refused the stored refresh token \(invalid_grant.*\)\. Signing in again interactively\./);
  assert.equal(idp.counts().authorizations, 2);
  assert.equal(storedRefreshToken(h.secrets, refreshSecretName(idp.issuer, 'rolecall-cli')), third.refreshToken);

  for (const secret of [first.idToken!, first.accessToken, first.refreshToken!, third.refreshToken!]) {
    assert.ok(!h.stderr().includes(secret), 'no token reaches stderr, not even with --debug');
  }
});

test('the confidential client logs in with its secret (client_secret_basic)', async () => {
  const { env } = agentEnv();
  const h = harness({ env });
  const confidential = world.idpClients.find((c) => c.client_id === 'rolecall-confidential')!;
  const source = { kind: 'flag' as const, name: 'test' };
  const tokens = await signIn(
    testSettings(idp.issuer, { agent: AGENT_ARGV, noBrowser: false, timeoutSeconds: 60, clientId: { value: confidential.client_id, source }, clientSecret: { value: confidential.client_secret!, source } }),
    h.deps,
  );
  assert.equal(tokens.claims.aud, 'rolecall-confidential');
  assert.ok(!h.stderr().includes(confidential.client_secret!));
});

test('consent denied in the browser: OIDC_DENIED and the page says the login failed', async () => {
  const { env, logFile } = agentEnv('deny');
  const h = harness({ env });
  await assert.rejects(signIn(testSettings(idp.issuer, { agent: AGENT_ARGV, noBrowser: false, timeoutSeconds: 60 }), h.deps), isError('OIDC_DENIED', /refused the login \(access_denied/));
  await agentSaid(logFile, /the loopback page says: Login failed/);
  assert.equal(h.secrets.size, 0);
});

test('the user closes the browser: OIDC_TIMEOUT after web_identity_timeout', async () => {
  const { env } = agentEnv('close');
  const h = harness({ env });
  const started = Date.now();
  await assert.rejects(signIn(testSettings(idp.issuer, { agent: AGENT_ARGV, noBrowser: false, timeoutSeconds: 4 }), h.deps), isError('OIDC_TIMEOUT', /did not finish within 4s/));
  assert.ok(Date.now() - started < 15_000);
});

test('device flow: the code and URL go to stderr, the browser completes it', async () => {
  const h = harness();
  const signing = signIn(testSettings(idp.issuer, { flow: 'device', timeoutSeconds: 60 }), h.deps);
  signing.catch(() => undefined);
  const { uri, code, direct } = await deviceInstructions(h.stderr);
  assert.equal(new URL(direct).searchParams.get('user_code'), code);
  const browser = await launchChromium();
  try {
    await approveDevice(await browser.newPage(), uri, { username: alice.username, password: alice.password }, code);
  } finally {
    await browser.close();
  }
  const tokens = await signing;
  assert.equal(tokens.claims.email, alice.email);
  assert.ok(tokens.refreshToken);
});

test('device flow aborted by the user: OIDC_DENIED', async () => {
  const h = harness();
  const signing = signIn(testSettings(idp.issuer, { flow: 'device', timeoutSeconds: 60 }), h.deps);
  signing.catch(() => undefined);
  const { uri, code } = await deviceInstructions(h.stderr);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(uri);
    await page.locator('#user-code').fill(code);
    await page.locator('#continue').click();
    await page.locator('#abort').click();
  } finally {
    await browser.close();
  }
  await assert.rejects(signing, isError('OIDC_DENIED', /access_denied/));
});

test('the IdP does not answer: NETWORK naming the issuer', async () => {
  const h = harness();
  const closed = await freePort();
  await assert.rejects(signIn(testSettings(`http://127.0.0.1:${closed}`), h.deps), isError('NETWORK', new RegExp(`could not reach the identity provider http://127\\.0\\.0\\.1:${closed} for discovery: ECONNREFUSED`)));
});

for (const discovery of ['html', 'not-json', '500', 'wrong-issuer'] as const) {
  test(`a broken discovery document (${discovery}): OIDC_DISCOVERY naming the issuer and its source`, async () => {
    const op = await startHostileOp({ discovery });
    try {
      const h = harness();
      await assert.rejects(signIn(testSettings(op.issuer), h.deps), isError('OIDC_DISCOVERY', new RegExp(`discovery document of ${op.issuer} \\(flag test\\): .+`)));
    } finally {
      await op.close();
    }
  });
}
