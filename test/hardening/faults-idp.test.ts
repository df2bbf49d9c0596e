// Faults at the identity provider: nobody listening, an IdP that accepts the connection and never
// answers, and a refresh token the IdP has revoked. The user gets credentials (a fresh login
// follows the refused refresh) or a clear error with a hint within a bounded time.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { startTestbed, type Testbed } from '../../testbed/index';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runRolecall, tempHome, type Home } from '../helpers/cli';
import { describeKill, killAt, killPointsOf } from '../helpers/kill-points';
import { decryptSecretsFile } from '../helpers/secrets-file';
import { recordFault } from './figures';

let testbed: Testbed;
const homes: Home[] = [];

before(async () => {
  testbed = await startTestbed();
});
after(async () => {
  for (const h of homes) h.remove();
  await testbed.close();
});

function runasHome(issuer: string): Home {
  const h = tempHome();
  homes.push(h);
  h.write(
    '.aws/config',
    `[profile runas]
region = us-east-1
web_identity_auth_url = ${issuer}
web_identity_client_id = rolecall-cli
web_identity_redirect_uri = app:/callback
web_identity_username = alice
role_arn = arn:aws:iam::222222222222:role/oidc-developer
`,
  );
  h.env.AWS_ENDPOINT_URL_STS = testbed.aws.url;
  h.env.WEB_IDENTITY_PASSWORD = testbed.world.idpUsers.find((u) => u.username === 'alice')!.password;
  return h;
}

async function exportRunas(h: Home, extra: string[] = []) {
  const started = Date.now();
  const run = await runRolecall(['export', 'runas', '--format', 'process', ...extra], { env: h.env, timeoutMs: 120_000 });
  return { ...run, seconds: (Date.now() - started) / 1000 };
}

function assertClearError(run: { code: number | null; stdout: string; stderr: string }) {
  assert.equal(run.code, 1, run.stderr);
  assert.equal(run.stdout, '');
  assert.match(run.stderr, /^rolecall: .*127\.0\.0\.1/m, 'the message names the IdP');
  assert.match(run.stderr, /\n {2}hint: \S/);
  assert.doesNotMatch(run.stderr, /bug in rolecall|\n\s+at /);
}

test('IdP down (connection refused): a clear error naming it, at once', async () => {
  const closed = net.createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const run = await exportRunas(runasHome(`http://127.0.0.1:${port}`));
  assertClearError(run);
  assert.ok(run.seconds < 10, `${run.seconds} s`);
  recordFault('IdP down', 'clear error');
});

test('IdP that accepts the connection and never answers: a clear error within a bounded time', async () => {
  const sockets: net.Socket[] = [];
  const silent = net.createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  try {
    const run = await exportRunas(runasHome(`http://127.0.0.1:${(silent.address() as AddressInfo).port}`));
    assertClearError(run);
    assert.ok(run.seconds < 65, `gave up after ${run.seconds} s`);
    recordFault('IdP silent', 'clear error');
  } finally {
    for (const s of sockets) s.destroy();
    silent.close();
  }
});

test('a revoked refresh token: refused, forgotten, and a fresh login follows', async () => {
  const h = runasHome(testbed.idp.issuer);
  const first = await exportRunas(h);
  assert.equal(first.code, 0, first.stderr);
  await testbed.idp.revokeRefreshTokens();
  testbed.idp.resetCounts();
  const again = await exportRunas(h, ['--refresh']);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(JSON.parse(again.stdout).Version, 1);
  assert.equal(testbed.idp.counts().tokens.refresh_token ?? 0, 1, 'the stored refresh token was tried');
  assert.equal(testbed.idp.counts().tokens.password, 1, 'then a fresh password login');
  recordFault('revoked refresh token', 'credentials');
});

test('kill -9 at every write point of the secrets file in OIDC logins that store the refresh token: secrets.json stays whole, encrypted and 0600', async () => {
  const h = runasHome(testbed.idp.issuer);
  assert.equal((await exportRunas(h)).code, 0);
  const cache = h.env.ROLECALL_CACHE_DIR!;
  const secretsFile = join(cache, 'secrets.json');
  const args = ['export', 'runas', '--format', 'process', '--refresh'];
  // --refresh with the stored token revoked: every run logs in again and rewrites the secrets file
  await testbed.idp.revokeRefreshTokens();
  const points = (await killPointsOf(args, h.env)).filter((p) => p.path === secretsFile || p.path.endsWith('/locks/secrets.lock'));
  assert.ok(points.length >= 5, `the login passes ${points.length} write points of the secrets file and its lock`);
  for (const { point, path, at } of points) {
    await testbed.idp.revokeRefreshTokens();
    if (!(await killAt(args, h.env, at))) continue; // not reached this time: not a fault that hit
    assert.equal(statSync(secretsFile).mode & 0o777, 0o600);
    assert.doesNotThrow(() => decryptSecretsFile(secretsFile), `secrets.json is whole and decrypts after ${at}`);
    assert.deepEqual(readdirSync(cache).filter((n) => n.startsWith('secrets.json') && !n.endsWith('.tmp') && n !== 'secrets.json'), []);
    recordFault(describeKill(point, path, cache), 'files intact');
  }
  const last = await exportRunas(h);
  assert.equal(last.code, 0, last.stderr);
});