// The cross-process lock with real processes: 32 at once cause one "login"; a lock whose owner was
// killed with -9 is recovered at once; a live owner past the bound is taken over; and a file
// rewritten atomically is whole whenever its writer is killed.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { once } from 'node:events';
import { buildSync } from 'esbuild';
import { runProcess } from '../helpers/cli';

// bundled once: 32 children starting tsx each would spend the test's time compiling
const CHILD = join(mkdtempSync(join(tmpdir(), 'rolecall-child-')), 'store-child.cjs');
buildSync({ entryPoints: [new URL('../helpers/store-child.ts', import.meta.url).pathname], outfile: CHILD, bundle: true, platform: 'node', format: 'cjs', logLevel: 'warning' });
after(() => rmSync(dirname(CHILD), { recursive: true, force: true }));

function sandbox() {
  const dir = mkdtempSync(join(tmpdir(), 'rolecall-lock-'));
  const env = { PATH: process.env.PATH, HOME: dir, ROLECALL_CACHE_DIR: join(dir, 'cache') };
  return { dir, env, done: () => rmSync(dir, { recursive: true, force: true }) };
}

function child(args: string[], env: NodeJS.ProcessEnv) {
  return runProcess(process.execPath, [CHILD, ...args], { env, timeoutMs: 60_000 });
}

/** a child that prints `word` once it is ready, killed by the caller */
async function started(args: string[], env: NodeJS.ProcessEnv, word: string): Promise<ChildProcess> {
  const proc = spawn(process.execPath, [CHILD, ...args], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  proc.stdout!.setEncoding('utf8');
  while (!out.includes(word)) {
    const [chunk] = (await once(proc.stdout!, 'data')) as [string];
    out += chunk;
  }
  return proc;
}

async function kill9(proc: ChildProcess): Promise<void> {
  const exited = once(proc, 'exit');
  proc.kill('SIGKILL');
  await exited;
}

for (const count of [32, 100]) {
  test(`${count} concurrent processes: exactly one runs the login, the others wait and find its result`, { timeout: 180_000 }, async () => {
    const s = sandbox();
    // the owner holds the lock until one of the others waits for it, however slowly they start
    const results = await Promise.all(Array.from({ length: count }, () => child(['login', 'k', s.dir], { ...s.env, HOLD_UNTIL_WAITED: '1' })));
    for (const r of results) assert.equal(r.code, 0, r.stderr);
    const outcomes = results.map((r) => r.stdout.trim());
    assert.equal(outcomes.filter((o) => o === 'login').length, 1, outcomes.join(','));
    assert.equal(outcomes.filter((o) => o === 'hit').length, count - 1);
    const owner = readFileSync(join(s.dir, 'result'), 'utf8');
    const waited = results.filter((r) => r.stderr.includes('waiting for rolecall pid'));
    assert.ok(waited.length > 0, 'some processes waited');
    for (const r of waited) assert.equal(r.stderr.match(/waiting for rolecall pid/g)!.length, 1, 'the wait is announced once');
    assert.ok(waited.some((r) => r.stderr.includes(`pid ${owner}`)), 'waiters name the owner');
    assert.deepEqual(readdirSync(join(s.dir, 'cache', 'locks')), [], 'no lock left behind');
    s.done();
  });
}

test('kill -9 of the lock owner: the next caller takes over at once and succeeds', { timeout: 60_000 }, async () => {
  const s = sandbox();
  const owner = await started(['hold', 'k'], s.env, 'locked');
  await kill9(owner);
  const began = Date.now();
  const next = await child(['login', 'k', s.dir], s.env);
  assert.equal(next.code, 0, next.stderr);
  assert.equal(next.stdout.trim(), 'login');
  assert.ok(Date.now() - began < 10_000, 'recovered without waiting for the age bound');
  s.done();
});

test('a live owner holding the lock past the bound is taken over; nobody waits forever', { timeout: 60_000 }, async () => {
  const s = sandbox();
  const owner = await started(['hold', 'k'], s.env, 'locked');
  const began = Date.now();
  const next = await child(['login', 'k', s.dir], { ...s.env, STALE_MS: '1500' });
  const waited = Date.now() - began;
  await kill9(owner);
  assert.equal(next.code, 0, next.stderr);
  assert.equal(next.stdout.trim(), 'login');
  assert.match(next.stderr, new RegExp(`waiting for rolecall pid ${owner.pid}`));
  assert.ok(waited >= 1000 && waited < 15_000, `waited ${waited} ms`);
  s.done();
});

test('kill -9 of a writer in the middle of atomic rewrites leaves the old or the new file, never half', { timeout: 60_000 }, async () => {
  const s = sandbox();
  const file = join(s.dir, 'entry');
  for (let round = 0; round < 5; round++) {
    const writer = await started(['write', file], s.env, 'ready');
    await new Promise((r) => setTimeout(r, 50 + round * 37));
    await kill9(writer);
    const text = readFileSync(file, 'utf8');
    assert.equal(text.length, 256 * 1024);
    assert.ok(text === 'a'.repeat(text.length) || text === 'b'.repeat(text.length), 'one whole version');
  }
  // killed writers leave only temp files, which readers never open
  for (const name of readdirSync(s.dir)) assert.ok(name === 'entry' || name === 'cache' || /^entry\.\d+\.[0-9a-f]+\.tmp$/.test(name), name);
  s.done();
});
