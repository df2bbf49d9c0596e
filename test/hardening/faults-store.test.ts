// Faults in the local state rolecall keeps: a corrupt or truncated cache and fast-path index, a lock
// left by a dead process, rolecall killed (SIGKILL) at spread-out points of runs that write the cache
// and of `setup` writing ~/.aws/config, and a full disk under the cache. Afterwards every file is
// either the old or the new one, parses, and has mode 0600 (directories 0700); the user still gets
// credentials.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestbed, type Testbed } from '../../testbed/index';
import { BIN, runRolecall, type Home } from '../helpers/cli';
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
});

/** Runs `args` and SIGKILLs it after `delayMs` (if it is still running). */
async function killAfter(args: string[], env: NodeJS.ProcessEnv, delayMs: number): Promise<void> {
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  await Promise.race([sleep(delayMs), exited]);
  child.kill('SIGKILL');
  await exited;
}

test('kill -9 at 16 points of runs that write the cache: the cache is always whole, 0600, and usable', async () => {
  const h = home();
  const started = Date.now();
  assertCredentials(await exportRead(h));
  const runMs = Date.now() - started;
  const points = 16;
  for (let i = 0; i < points; i++) {
    // spread over the whole run, from node's start-up to the last write
    await killAfter(['export', 'read', '--format', 'process', '--refresh'], h.env, Math.round((i * runMs * 1.2) / points));
    assertStoreIntact(cacheOf(h));
    recordFault(`kill -9 during a cache write (point ${i + 1}/${points})`, 'files intact');
  }
  assertCredentials(await exportRead(h));
});

test('kill -9 at 12 points of `setup` writing ~/.aws/config: the config is the old or the new one, parses, and keeps 0600', async () => {
  const h = home();
  const config = h.env.AWS_CONFIG_FILE!;
  const args = (name: string) => ['setup', '--kind', 'bastion', '--profile', name, '--source-profile', 'bastion', '--role-arn', 'arn:aws:iam::222222222222:role/read', '--yes', '--no-login'];
  const started = Date.now();
  const first = await runRolecall(args('measure'), { env: h.env, timeoutMs: 30_000 });
  assert.equal(first.code, 0, first.stderr);
  const runMs = Date.now() - started;
  const points = 12;
  for (let i = 0; i < points; i++) {
    const before = readFileSync(config, 'utf8');
    await killAfter(args(`killed-${i}`), h.env, Math.round((i * runMs * 1.2) / points));
    const after = readFileSync(config, 'utf8');
    assert.ok(after === before || (after.startsWith(before.trimEnd()) && after.includes(`[profile killed-${i}]`)), `config is the old or the new file after kill ${i}`);
    assert.doesNotThrow(() => parseIni(after, config));
    assert.equal(statSync(config).mode & 0o777, 0o600);
    const backup = `${config}.rolecall-backup`;
    if (existsSync(backup)) assert.doesNotThrow(() => parseIni(readFileSync(backup, 'utf8'), backup), 'the backup parses too');
    recordFault(`kill -9 during setup's config write (point ${i + 1}/${points})`, 'files intact');
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
