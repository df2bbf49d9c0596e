// Faults in the local state rolecall keeps: a corrupt or truncated cache and fast-path index, a lock
// left by a dead process, rolecall killed (SIGKILL) at every write point of runs that write the cache
// and of `setup` writing ~/.aws/config (stopped there by the kill-point hook, then killed), and a
// full disk under the cache. Afterwards every file is
// either the old or the new one, parses, and has mode 0600 (directories 0700); the user still gets
// credentials.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { startTestbed, type Testbed } from '../../testbed/index';
import { runRolecall, type Home } from '../helpers/cli';
import { describeKill, killAt, killPointsOf } from '../helpers/kill-points';
import { bastionHome } from '../helpers/bastion';
import { parseIni } from '../../src/config/ini';
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

function home(): Home {
  const h = bastionHome(testbed);
  homes.push(h);
  return h;
}

const cacheOf = (h: Home) => h.env.ROLECALL_CACHE_DIR!;

async function exportRead(h: Home, extra: string[] = []) {
  return runRolecall(['export', 'read', '--format', 'process', ...extra], { env: h.env, timeoutMs: 30_000 });
}

function assertCredentials(result: { code: number | null; stdout: string; stderr: string }) {
  assert.equal(result.code, 0, result.stderr);
  const json = JSON.parse(result.stdout) as { Version: number; AccessKeyId: string };
  assert.equal(json.Version, 1);
  assert.match(json.AccessKeyId, /^ASIA/);
  return json;
}

/** Every file under the cache is whole JSON with mode 0600 and every directory 0700; returns the files checked. */
function assertStoreIntact(dir: string): number {
  let files = 0;
  const walk = (path: string) => {
    const stats = statSync(path);
    if (stats.isDirectory()) {
      assert.equal(stats.mode & 0o777, 0o700, `${path} is 0700`);
      for (const name of readdirSync(path)) walk(join(path, name));
      return;
    }
    assert.equal(stats.mode & 0o777, 0o600, `${path} is 0600`);
    // a killed atomic writer may leave its temp file; readers never look at *.tmp
    if (path.endsWith('.tmp')) return;
    files++;
    const text = readFileSync(path, 'utf8');
    // a lock killed between its creation and its pid is empty: taken over after a second (checked by the caller)
    if (path.endsWith('.lock') && text === '') return;
    assert.doesNotThrow(() => JSON.parse(text), `${path} is whole JSON: ${JSON.stringify(text.slice(0, 80))}`);
  };
  if (existsSync(dir)) walk(dir);
  return files;
}

function filesUnder(dir: string, sub: string): string[] {
  const path = join(dir, sub);
  return existsSync(path) ? readdirSync(path).filter((n) => !n.endsWith('.tmp')).map((n) => join(path, n)) : [];
}

test('a truncated, then a garbage cache and fast-path index: ignored, new credentials printed, files rewritten whole', async () => {
  const h = home();
  assertCredentials(await exportRead(h));
  for (const damage of [(t: string) => t.slice(0, Math.floor(t.length / 2)), () => '\u0000\u00ff{"Version":1,', () => '']) {
    const files = [...filesUnder(cacheOf(h), 'credentials'), ...filesUnder(cacheOf(h), 'fast')];
    assert.ok(files.length >= 2, 'the run cached credentials and a fast-path index');
    for (const file of files) writeFileSync(file, damage(readFileSync(file, 'utf8')), { mode: 0o600 });
    testbed.aws.resetCalls();
    assertCredentials(await exportRead(h));
    assert.ok(testbed.aws.calls('AssumeRole') >= 1, 'damaged credentials are not served');
    assertStoreIntact(cacheOf(h));
  }
  recordFault('truncated cache and index', 'credentials');
  recordFault('garbage cache and index', 'credentials');
  recordFault('empty cache and index', 'credentials');
});

test('a lock left by a dead process is taken over at once', async () => {
  const h = home();
  assertCredentials(await exportRead(h));
  const dead = spawnSync('true').pid;
  const locks = join(cacheOf(h), 'locks');
  mkdirSync(locks, { recursive: true, mode: 0o700 });
  const keys = filesUnder(cacheOf(h), 'credentials').map((f) => f.replace(/^.*\//, '').replace(/\.json$/, ''));
  for (const key of keys) {
    writeFileSync(join(locks, `${key}.lock`), JSON.stringify({ pid: dead, host: hostname(), startedAt: Date.now(), token: 'dead0000' }), { mode: 0o600 });
  }
  const started = Date.now();
  assertCredentials(await exportRead(h, ['--refresh']));
  assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`);
  recordFault('stale lock from a dead pid', 'credentials');
});

// a lock file left empty (its owner killed between creating it and writing its pid) is judged by its
// age, and the pid is written microseconds after the file is made, so it is taken over after a second
test('an empty lock file (owner killed between create and write) does not block the next run for long', async () => {
  const h = home();
  assertCredentials(await exportRead(h));
  const locks = join(cacheOf(h), 'locks');
  mkdirSync(locks, { recursive: true, mode: 0o700 });
  for (const file of filesUnder(cacheOf(h), 'credentials')) {
    writeFileSync(join(locks, file.replace(/^.*\//, '').replace(/\.json$/, '.lock')), '', { mode: 0o600 });
  }
  const started = Date.now();
  const result = await runRolecall(['export', 'read', '--format', 'process', '--refresh'], { env: h.env, timeoutMs: 8_000 });
  assert.ok(Date.now() - started < 6_000, `waited ${Date.now() - started} ms for an empty lock file`);
  assertCredentials(result);
  recordFault('an empty lock file found at the start (its owner killed between creating and writing it)', 'credentials');
});

test('kill -9 at every write point of runs that write the cache: the cache is always whole, 0600, and usable', async () => {
  const h = home();
  assertCredentials(await exportRead(h));
  const args = ['export', 'read', '--format', 'process', '--refresh'];
  const points = await killPointsOf(args, h.env);
  assert.ok(points.length >= 12, `the run passes ${points.length} write points`);
  const missed: string[] = [];
  for (const { point, path, at } of points) {
    if (!(await killAt(args, h.env, at))) {
      missed.push(at); // not reached this time: not a fault that hit
      continue;
    }
    assertStoreIntact(cacheOf(h));
    recordFault(describeKill(point, path, cacheOf(h)), 'files intact');
    if (point === 'lock-created') {
      // only a temporary file is left, never a lock: the next run does not wait for anyone
      const started = Date.now();
      assertCredentials(await exportRead(h, ['--refresh']));
      assert.ok(Date.now() - started < 8_000, `a kill while creating the lock held the next run ${Date.now() - started} ms`);
      recordFault('a kill between creating the lock and linking it into place', 'credentials');
    }
  }
  assert.deepEqual(missed, [], 'every write point of the run was hit');
  assertCredentials(await exportRead(h));
});

test('kill -9 at every write point of `setup` writing ~/.aws/config: the config is the old or the new one, parses, and keeps 0600', async () => {
  const h = home();
  const config = h.env.AWS_CONFIG_FILE!;
  const args = (name: string) => ['setup', '--kind', 'bastion', '--profile', name, '--source-profile', 'bastion', '--role-arn', 'arn:aws:iam::222222222222:role/read', '--yes', '--no-login'];
  const points = await killPointsOf(args('measure'), h.env);
  assert.ok(points.some((p) => p.path === config), `setup writes ${config} through the atomic writer`);
  let i = 0;
  for (const { point, path, at } of points) {
    const name = `killed-${i++}`;
    const before = readFileSync(config, 'utf8');
    if (!(await killAt(args(name), h.env, at))) continue;
    const after = readFileSync(config, 'utf8');
    assert.ok(after === before || (after.startsWith(before.trimEnd()) && after.includes(`[profile ${name}]`)), `config is the old or the new file after ${at}`);
    assert.doesNotThrow(() => parseIni(after, config));
    assert.equal(statSync(config).mode & 0o777, 0o600);
    const backup = `${config}.rolecall-backup`;
    if (existsSync(backup)) assert.doesNotThrow(() => parseIni(readFileSync(backup, 'utf8'), backup), 'the backup parses too');
    recordFault(`${describeKill(point, path, h.dir)} by setup`, 'files intact');
  }
});

// a full disk (ENOSPC) on any cache write is a warning: the credentials are good and are printed
test('a full disk under the cache: credentials still printed, the cache left as it was', async (t) => {
  const h = home();
  const dir = cacheOf(h);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k,mode=0700', 'tmpfs', dir], { encoding: 'utf8' });
  if (mount.status !== 0) {
    t.skip(`cannot mount a small tmpfs here (${mount.stderr.trim() || `exit ${mount.status}`}); a full disk needs one`);
    return;
  }
  try {
    assertCredentials(await exportRead(h));
    // fill what is left of the 64 KiB
    spawnSync('sh', ['-c', `dd if=/dev/zero of=${join(dir, 'filler')} bs=1k count=128 2>/dev/null; chmod 600 ${join(dir, 'filler')}`]);
    const snapshot = (d: string) => [...filesUnder(d, 'credentials'), ...filesUnder(d, 'fast')].map((f) => `${f}\n${readFileSync(f, 'utf8')}`).sort();
    const before = snapshot(dir);
    const result = await exportRead(h, ['--refresh']);
    assertCredentials(result);
    assert.deepEqual(snapshot(dir), before, 'the cache is untouched');
    assert.deepEqual(readdirSync(join(dir, 'credentials')).filter((n) => n.endsWith('.tmp')), [], 'no temp file left behind');
    recordFault('full disk on cache write', 'credentials');
  } finally {
    spawnSync('umount', [dir]);
  }
});
