// The credential cache as a user meets it: what is reused, what is refreshed, what is never served,
// and how it treats a corrupt file or a cache directory with the wrong owner or modes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { frozenClock } from '../../src/platform/clock';
import { createLogger } from '../../src/platform/logger';
import { openCredentialCache } from '../../src/store/credential-cache';
import { RolecallError } from '../../src/errors';
import type { Credentials } from '../../src/sts/credentials';

const NOW = new Date('2026-11-23T10:00:00Z');
const minutes = (m: number) => new Date(NOW.getTime() + m * 60_000);

function setup(options: { refreshWindowSeconds?: number; at?: Date } = {}) {
  const home = mkdtempSync(join(tmpdir(), 'rolecall-cache-'));
  const dir = join(home, 'cache');
  const lines: string[] = [];
  const log = createLogger({ write: (t) => lines.push(t) });
  const env = { ROLECALL_CACHE_DIR: dir };
  const cache = openCredentialCache({ env, home, clock: frozenClock(options.at ?? NOW), log }, options);
  return { home, dir, cache, lines, env, log, done: () => rmSync(home, { recursive: true, force: true }) };
}

function creds(expiration: Date | undefined, id = 'ASIAEXAMPLE0000001'): Credentials {
  return { accessKeyId: id, secretAccessKey: 'secret/abc+123', sessionToken: 'token==', expiration, accountId: '111111111111', chain: ['AssumeRole x'] };
}

/** the same cache directory, read at another time */
function readAt(s: ReturnType<typeof setup>, at: Date, options: { refreshWindowSeconds?: number } = {}) {
  return openCredentialCache({ env: s.env, home: s.home, clock: frozenClock(at), log: s.log }, options);
}

test('credentials of a one-hour session are reused until 15 minutes before they expire, then refreshed', async () => {
  const s = setup();
  await s.cache.write('k', creds(minutes(60)), { profile: 'prod' });
  assert.deepEqual(await readAt(s, minutes(44)).read('k'), creds(minutes(60)));
  assert.equal(await readAt(s, minutes(46)).read('k'), undefined, 'inside the refresh window');
  s.done();
});

test('a short session is reused until a third of its life is left (a 15-minute window would never serve it)', async () => {
  const s = setup();
  await s.cache.write('k', creds(minutes(15)), { profile: 'prod' });
  assert.ok(await readAt(s, minutes(9)).read('k'), '6 minutes left of 15');
  assert.equal(await readAt(s, minutes(11)).read('k'), undefined, '4 minutes left of 15');
  s.done();
});

test('expired credentials are never served, even with a zero refresh window', async () => {
  const s = setup({ refreshWindowSeconds: 0 });
  await s.cache.write('fresh', creds(minutes(1)), { profile: 'p' });
  await s.cache.write('expired', creds(minutes(-1)), { profile: 'p' });
  await s.cache.write('now', creds(NOW), { profile: 'p' });
  assert.ok(await s.cache.read('fresh'));
  assert.equal(await s.cache.read('expired'), undefined);
  assert.equal(await s.cache.read('now'), undefined);
  s.done();
});

test('the configured refresh window applies', async () => {
  const s = setup({ refreshWindowSeconds: 3600 });
  // a 12-hour session: a third of it is more than the window
  await s.cache.write('k', creds(minutes(720)), { profile: 'p' });
  assert.equal(await readAt(s, minutes(670), { refreshWindowSeconds: 3600 }).read('k'), undefined, '50 minutes left');
  assert.ok(await readAt(s, minutes(659), { refreshWindowSeconds: 3600 }).read('k'), '61 minutes left');
  s.done();
});

test('long-lived keys (no expiration) are never written', async () => {
  const s = setup();
  await s.cache.write('k', creds(undefined), { profile: 'p' });
  assert.equal(existsSync(join(s.dir, 'credentials', 'k.json')), false);
  assert.equal(await s.cache.read('k'), undefined);
  s.done();
});

test('files are 0600 in a 0700 directory, and hold no temp leftovers', async () => {
  const s = setup();
  await s.cache.write('k', creds(minutes(60)), { profile: 'p' });
  assert.equal(statSync(s.dir).mode & 0o777, 0o700);
  assert.equal(statSync(join(s.dir, 'credentials')).mode & 0o777, 0o700);
  assert.deepEqual(readdirSync(join(s.dir, 'credentials')), ['k.json']);
  assert.equal(statSync(join(s.dir, 'credentials', 'k.json')).mode & 0o777, 0o600);
  s.done();
});

test('a corrupt cache file is a miss with a warning, and the next write replaces it', async () => {
  const s = setup();
  await s.cache.write('k', creds(minutes(60)), { profile: 'p' });
  const file = join(s.dir, 'credentials', 'k.json');
  writeFileSync(file, '{"version":1,"accessKeyId":"ASIA', { mode: 0o600 });
  assert.equal(await s.cache.read('k'), undefined);
  assert.match(s.lines.join(''), /warning: ignoring the corrupt cache file .*k\.json; new credentials will replace it/);
  await s.cache.write('k', creds(minutes(60), 'ASIANEW00000000001'), { profile: 'p' });
  assert.equal((await s.cache.read('k'))?.accessKeyId, 'ASIANEW00000000001');
  assert.doesNotMatch(readFileSync(file, 'utf8'), /^\{"version":1,"accessKeyId":"ASIA$/);
  s.done();
});

test('looser modes on the directory and files are fixed with a warning', async () => {
  const s = setup();
  await s.cache.write('k', creds(minutes(60)), { profile: 'p' });
  chmodSync(s.dir, 0o755);
  chmodSync(join(s.dir, 'credentials', 'k.json'), 0o644);
  const again = openCredentialCache({ env: s.env, home: s.home, clock: frozenClock(NOW), log: s.log });
  assert.ok(await again.read('k'));
  assert.equal(statSync(s.dir).mode & 0o777, 0o700);
  assert.equal(statSync(join(s.dir, 'credentials', 'k.json')).mode & 0o777, 0o600);
  const out = s.lines.join('');
  assert.match(out, /cache had mode 0755, readable by others; changed it to 0700/);
  assert.match(out, /k\.json had mode 0644, readable by others; changed it to 0600/);
  s.done();
});

test('a cache directory owned by another user is refused with a hint', { skip: process.getuid?.() !== 0 && 'needs root to chown' }, async () => {
  const s = setup();
  await s.cache.write('k', creds(minutes(60)), { profile: 'p' });
  chownSync(s.dir, 65534, 65534);
  const again = openCredentialCache({ env: s.env, home: s.home, clock: frozenClock(NOW), log: s.log });
  await assert.rejects(again.read('k'), (error: unknown) => {
    assert.ok(error instanceof RolecallError);
    assert.equal(error.code, 'CACHE_ERROR');
    assert.match(error.message, /belongs to uid 65534, not to you/);
    assert.match(error.hint, /ROLECALL_CACHE_DIR/);
    return true;
  });
  s.done();
});

test('clear removes one profile\'s credentials, or all of them, and says which files went', async () => {
  const s = setup();
  await s.cache.write('a1', creds(minutes(60)), { profile: 'a' });
  await s.cache.write('a2', creds(minutes(60)), { profile: 'a' });
  await s.cache.write('b1', creds(minutes(60)), { profile: 'b' });
  const removed = await s.cache.clear('a');
  assert.deepEqual(removed.map((p) => p.slice(s.dir.length)).sort(), ['/credentials/a1.json', '/credentials/a2.json']);
  assert.equal(await s.cache.read('a1'), undefined);
  assert.ok(await s.cache.read('b1'));
  assert.deepEqual(await s.cache.clear('nobody'), []);
  assert.equal((await s.cache.clear()).length, 1);
  assert.equal(await s.cache.read('b1'), undefined);
  s.done();
});
