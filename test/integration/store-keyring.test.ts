// Secrets in a real Linux keyring (kernel keyutils, and the Secret Service of gnome-keyring on a
// private D-Bus), across processes; the store chosen on its own when none is forced, said once with
// the reason; the clear error when none can keep a secret; and the encrypted secrets file.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { randomBytes } from 'node:crypto';
import { inKeyring, keyringAvailable, type KeyringKind } from '../helpers/keyring';
import { runProcess, TEST_SECRETS_KEY } from '../helpers/cli';
import { decryptSecretsFile, readEnvelope } from '../helpers/secrets-file';

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

/** true when this process runs without a session keyring of its own (a container, a service) */
const noSessionKeyring = spawnSync('keyctl', ['rdescribe', '@s'], { encoding: 'utf8' }).stdout?.includes(';_uid_ses.') ?? false;
const NO_BUS = { DBUS_SESSION_BUS_ADDRESS: '' };

for (const kind of ['keyutils', 'secret-service'] as const) {
  test(`round trip through the ${kind} keyring, one process per operation`, { skip: !keyringAvailable(kind) && `${kind} tools are not installed`, timeout: 120_000 }, async () => {
    const s = sandbox({ ROLECALL_KEYRING: kind });
    const r = await roundTrip(kind, s.env);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines[0], `stored in ${kind}`);
    assert.equal(lines[2], SECRET);
    assert.equal(lines[3], TOKEN);
    assert.deepEqual(lines.slice(4), ['true', 'false', '(none)', 'true']);
    assert.ok(!r.stderr.includes('s3cr3t'), 'the secret never reaches stderr');
    s.done();
  });
}

test('without ROLECALL_KEYRING a Secret Service is preferred when one runs, and nothing is said', { skip: !keyringAvailable('secret-service'), timeout: 120_000 }, async () => {
  const s = sandbox();
  const r = await inKeyring('secret-service', `printf x | ${secretCmd('set', 'password:a')} && ${secretCmd('get', 'password:a')} && ${secretCmd('delete', 'password:a')}`, s.env);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'stored in secret-service\nx\ntrue\n');
  assert.doesNotMatch(r.stderr, /kept in/);
  s.done();
});

test('no D-Bus session, a session keyring: the kernel keyring, said once with the reason', { skip: !keyringAvailable('keyutils'), timeout: 120_000 }, async () => {
  const s = sandbox(NO_BUS);
  const r = await inKeyring('keyutils', `printf x | ${secretCmd('set', `password:${RUN}`)} && ${secretCmd('get', `password:${RUN}`)} && ${secretCmd('delete', `password:${RUN}`)}`, s.env);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'stored in keyutils\nx\ntrue\n');
  const said = r.stderr.split('\n').filter((line) => line.includes('are kept in'));
  assert.deepEqual(said, [
    'warning: secrets (refresh tokens, passwords, keys) are kept in the kernel keyring (keyutils), session keyring: there is no D-Bus session (DBUS_SESSION_BUS_ADDRESS is not set). Protection: kept in kernel memory for your user only, never written to disk, lost at reboot. rolecall says this once; `rolecall doctor` shows it again.',
  ]);
  s.done();
});

test('no D-Bus session and no session keyring (a container, a service): the user keyring through keyctl', { skip: (!keyringAvailable('keyutils') && 'keyctl is not installed') || (!noSessionKeyring && 'this process has a session keyring, which the library uses'), timeout: 120_000 }, async () => {
  const s = sandbox(NO_BUS);
  const run = (op: string, arg: string, input?: string) => runProcess(process.execPath, [CHILD, op, arg], { env: s.env, input });
  const set = await run('set', `password:${RUN}`, 'in-the-user-keyring');
  assert.equal(set.code, 0, set.stderr);
  assert.equal(set.stdout, 'stored in keyutils\n');
  assert.match(set.stderr, /are kept in the kernel keyring \(keyutils\), user keyring, through keyctl: there is no D-Bus session/);
  // another process, another session: the user keyring is the user's, not the session's
  const got = await run('get', `password:${RUN}`);
  assert.equal(got.stdout, 'in-the-user-keyring\n');
  assert.equal(got.stderr, '', 'said once');
  assert.ok((await run('list', 'password:')).stdout.trim().split(',').includes(`password:${RUN}`), 'listed (for clear --all)');
  assert.equal((await run('delete', `password:${RUN}`)).stdout, 'true\n');
  assert.equal((await run('get', `password:${RUN}`)).stdout, '(none)\n');
  s.done();
});

test('no Secret Service and no kernel keyring at all: KEYRING_UNAVAILABLE saying what was tried, or the encrypted file with ROLECALL_SECRETS_KEY', { skip: !noSessionKeyring && 'this process has a session keyring', timeout: 120_000 }, async () => {
  // no keyctl on PATH: the library's kernel keyring needs a session keyring, keyctl is missing
  const s = sandbox({ ...NO_BUS, PATH: '/nonexistent' });
  const refused = await runProcess(process.execPath, [CHILD, 'set', 'password:a'], { env: s.env, input: 'pw' });
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /^KEYRING_UNAVAILABLE: no store can keep secrets here: there is no D-Bus session \(DBUS_SESSION_BUS_ADDRESS is not set\), and the kernel keyring refused a probe entry \(.*AccessDenied.*; through keyctl: .*keyctl is not installed\)/);
  assert.match(refused.stderr, /hint: Set ROLECALL_SECRETS_KEY/);

  const withKey = { ...s.env, ROLECALL_SECRETS_KEY: 'a passphrase of my own' };
  const set = await runProcess(process.execPath, [CHILD, 'set', 'password:a'], { env: withKey, input: 'pw-123' });
  assert.equal(set.code, 0, set.stderr);
  assert.equal(set.stdout, 'stored in file\n');
  assert.match(set.stderr, /are kept in the encrypted file \S+secrets\.json: there is no D-Bus session .*, and the kernel keyring refused a probe entry .*Protection: AES-256-GCM with the passphrase in ROLECALL_SECRETS_KEY \(scrypt\)/);
  const envelope = readEnvelope(join(s.dir, 'cache', 'secrets.json'));
  assert.equal(envelope.protection, 'passphrase');
  assert.ok(envelope.salt, 'the passphrase is stretched with a salt of the file');
  assert.ok(!readFileSync(join(s.dir, 'cache', 'secrets.json'), 'utf8').includes('pw-123'));
  assert.equal((await runProcess(process.execPath, [CHILD, 'get', 'password:a'], { env: withKey })).stdout, 'pw-123\n');
  // a wrong passphrase reads nothing, says why, and the next write sets the old file aside
  const wrong = { ...withKey, ROLECALL_SECRETS_KEY: 'not my passphrase' };
  const misread = await runProcess(process.execPath, [CHILD, 'get', 'password:a'], { env: wrong });
  assert.equal(misread.stdout, '(none)\n');
  assert.match(misread.stderr, /the secrets in \S+secrets\.json cannot be read: it was encrypted with another key than the passphrase in ROLECALL_SECRETS_KEY/);
  s.done();
});

test('the file store: encrypted with ROLECALL_SECRETS_KEY, 0600, survives processes, no temp files left', { timeout: 120_000 }, async () => {
  const s = sandbox({ ROLECALL_KEYRING: 'file', ROLECALL_SECRETS_KEY: TEST_SECRETS_KEY });
  const run = (op: string, arg: string, input?: string) => runProcess(process.execPath, [CHILD, op, arg], { env: s.env, input });
  const set = await run('set', 'keys:bastion', SECRET);
  assert.equal(set.code, 0, set.stderr);
  assert.equal(set.stdout, 'stored in file\n');
  assert.match(set.stderr, /warning: secrets \(refresh tokens, passwords, keys\) are kept in the encrypted file \S+secrets\.json: ROLECALL_KEYRING=file\. Protection: AES-256-GCM with the key in ROLECALL_SECRETS_KEY; the file is mode 0600 in a 0700 directory/);
  const file = join(s.dir, 'cache', 'secrets.json');
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.equal(statSync(join(s.dir, 'cache')).mode & 0o777, 0o700);
  assert.ok(!readFileSync(file, 'utf8').includes('s3cr3t'), 'nothing in clear text');
  assert.deepEqual(decryptSecretsFile(file), { 'keys:bastion': SECRET }, 'AES-256-GCM with the key given, readable by an independent reader');
  assert.equal((await run('get', 'keys:bastion')).stdout, `${SECRET}\n`);
  assert.equal((await run('list', 'keys:')).stdout, 'keys:bastion\n');
  assert.equal((await run('delete', 'keys:bastion')).stdout, 'true\n');
  assert.equal((await run('get', 'keys:bastion')).stdout, '(none)\n');
  assert.deepEqual(decryptSecretsFile(file), {});
  assert.deepEqual(readdirSync(join(s.dir, 'cache')).filter((n) => n.endsWith('.tmp')), []);
  s.done();
});

test('the file store without ROLECALL_SECRETS_KEY: its key in the kernel keyring; a lost key (a reboot) loses the secrets, said, and the file is set aside', { skip: !keyringAvailable('keyutils'), timeout: 120_000 }, async () => {
  const s = sandbox({ ...NO_BUS, ROLECALL_KEYRING: 'file' });
  const script = [
    `printf kept | ${secretCmd('set', 'password:a')}`,
    secretCmd('get', 'password:a'),
    // what a reboot does: the kernel keyring forgets the key
    'keyctl invalidate %user:keyring:secrets-file-key@rolecall',
    secretCmd('get', 'password:a'),
    `printf new | ${secretCmd('set', 'password:b')}`,
    secretCmd('get', 'password:b'),
  ].join(' && ');
  const r = await inKeyring('keyutils', script, s.env);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'stored in file\nkept\n(none)\nstored in file\nnew\n');
  assert.match(r.stderr, /Protection: AES-256-GCM with a random key kept in the kernel keyring \(lost at reboot\)/);
  assert.match(r.stderr, /the secrets in \S+secrets\.json cannot be read: its key is no longer in the kernel keyring \(the machine restarted\?\)/);
  assert.match(r.stderr, /moved the unreadable secrets file aside to \S+secrets\.json\.unreadable/);
  assert.equal(readEnvelope(join(s.dir, 'cache', 'secrets.json')).protection, 'kernel keyring');
  s.done();
});
