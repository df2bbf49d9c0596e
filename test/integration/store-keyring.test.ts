// Secrets in a real Linux keyring (kernel keyutils, and the Secret Service of gnome-keyring on a
// private D-Bus), across processes; the clear error when none answers; and the opt-in file backend.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { randomBytes } from 'node:crypto';
import { inKeyring, keyringAvailable, type KeyringKind } from '../helpers/keyring';
import { runProcess } from '../helpers/cli';

// bundled once (tsx per process would dominate the run); the native keyring addon is found through
// a node_modules link next to the bundle
const CHILD_DIR = mkdtempSync(join(tmpdir(), 'rolecall-child-'));
symlinkSync(new URL('../../node_modules', import.meta.url).pathname, join(CHILD_DIR, 'node_modules'));
const CHILD = join(CHILD_DIR, 'secret-child.cjs');
buildSync({
  entryPoints: [new URL('../helpers/secret-child.ts', import.meta.url).pathname],
  outfile: CHILD,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  external: ['@napi-rs/keyring'],
  logLevel: 'warning',
});
after(() => rmSync(CHILD_DIR, { recursive: true, force: true }));
const secretCmd = (op: string, arg: string) => `"${process.execPath}" "${CHILD}" ${op} '${arg}'`;

function sandbox(extra: NodeJS.ProcessEnv = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'rolecall-keyring-'));
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: dir, ROLECALL_CACHE_DIR: join(dir, 'cache'), ...extra };
  return { dir, env, done: () => rmSync(dir, { recursive: true, force: true }) };
}

// a secret with characters shells and JSON care about
const SECRET = `s3cr3t "quoted" $HOME \\ 'single' ü`;

// names unique to the run: the kernel keyring may still hold keys of an interrupted earlier run
const RUN = randomBytes(4).toString('hex');
const TOKEN = `refresh:https://idp-${RUN}:cli`;

function roundTrip(kind: KeyringKind, env: NodeJS.ProcessEnv) {
  const script = [
    `printf '%s' "$SECRET" | ${secretCmd('set', TOKEN)}`,
    `printf '%s' other | ${secretCmd('set', `password:${RUN}`)}`,
    secretCmd('get', TOKEN),
    secretCmd('list', `refresh:https://idp-${RUN}`),
    secretCmd('delete', TOKEN),
    secretCmd('delete', TOKEN),
    secretCmd('get', TOKEN),
    secretCmd('delete', `password:${RUN}`),
  ].join(' && ');
  return inKeyring(kind, script, { ...env, SECRET });
}

for (const kind of ['keyutils', 'secret-service'] as const) {
  test(`round trip through the ${kind} keyring, one process per operation`, { skip: !keyringAvailable(kind) && `${kind} tools are not installed`, timeout: 60_000 }, async () => {
    const s = sandbox({ ROLECALL_KEYRING: kind });
    const r = await roundTrip(kind, s.env);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines[0], 'stored in keyring');
    assert.equal(lines[2], SECRET);
    assert.equal(lines[3], TOKEN);
    assert.deepEqual(lines.slice(4), ['true', 'false', '(none)', 'true']);
    assert.ok(!r.stderr.includes('s3cr3t'), 'the secret never reaches stderr');
    s.done();
  });
}

test('without ROLECALL_KEYRING a Secret Service is preferred when one runs', { skip: !keyringAvailable('secret-service'), timeout: 60_000 }, async () => {
  const s = sandbox();
  const r = await inKeyring('secret-service', `printf x | ${secretCmd('set', 'password:a')} && ${secretCmd('get', 'password:a')}`, s.env);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'stored in keyring\nx\n');
  assert.doesNotMatch(r.stderr, /kernel keyring/);
  s.done();
});

test('without ROLECALL_KEYRING and no Secret Service, the kernel keyring is used with a warning', { skip: !keyringAvailable('keyutils'), timeout: 60_000 }, async () => {
  const s = sandbox({ DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(tmpdir(), 'no-such-bus')}` });
  const r = await inKeyring('keyutils', `printf x | ${secretCmd('set', `password:${RUN}`)} && ${secretCmd('get', `password:${RUN}`)} && ${secretCmd('delete', `password:${RUN}`)}`, s.env);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'stored in keyring\nx\ntrue\n');
  assert.match(r.stderr, /warning: no Secret Service is running, so the secret went to the kernel keyring: it stays in memory and is lost at reboot/);
  s.done();
});

test('no keyring answering: KEYRING_UNAVAILABLE with the ROLECALL_KEYRING=file hint', { timeout: 60_000 }, async () => {
  const s = sandbox({ ROLECALL_KEYRING: 'secret-service', DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(tmpdir(), 'no-such-bus')}` });
  const r = await runProcess(process.execPath, [CHILD, 'get', 'password:a'], { env: s.env });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^KEYRING_UNAVAILABLE: the OS keyring could not read "password:a"/);
  assert.match(r.stderr, /hint: .*ROLECALL_KEYRING=file/);
  s.done();
});

test('the file backend: 0600 file, loud warning, survives processes, no temp files left', { timeout: 60_000 }, async () => {
  const s = sandbox({ ROLECALL_KEYRING: 'file' });
  const run = (op: string, arg: string, input?: string) => runProcess(process.execPath, [CHILD, op, arg], { env: s.env, input });
  const set = await run('set', 'keys:bastion', SECRET);
  assert.equal(set.code, 0, set.stderr);
  assert.equal(set.stdout, 'stored in file\n');
  assert.match(set.stderr, /warning: ROLECALL_KEYRING=file: secrets are kept unencrypted in .*secrets\.json \(mode 0600\), not in the OS keyring/);
  const file = join(s.dir, 'cache', 'secrets.json');
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.equal(statSync(join(s.dir, 'cache')).mode & 0o777, 0o700);
  assert.equal((await run('get', 'keys:bastion')).stdout, `${SECRET}\n`);
  assert.equal((await run('list', 'keys:')).stdout, 'keys:bastion\n');
  assert.equal((await run('delete', 'keys:bastion')).stdout, 'true\n');
  assert.equal((await run('get', 'keys:bastion')).stdout, '(none)\n');
  assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), {});
  s.done();
});
