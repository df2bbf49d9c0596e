// The lock's bounds in one process: a lock that cannot be judged stale (another host's, with a
// start time ahead of our clock) makes the waiter give up with LOCK_TIMEOUT instead of hanging; a
// lock stale by age is taken over even when the waiter first looks at it past its own deadline.
import { mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../src/platform/logger';
import { withLock } from '../../src/store/lock';
import { RolecallError } from '../../src/errors';

function sandbox() {
  const dir = mkdtempSync(join(tmpdir(), 'rolecall-lock-unit-'));
  const deps = { env: { ROLECALL_CACHE_DIR: join(dir, 'cache') }, home: dir, log: createLogger({ write: () => {} }) };
  return { dir, deps, done: () => rmSync(dir, { recursive: true, force: true }) };
}

test('a lock nobody can prove abandoned ends in LOCK_TIMEOUT after the bound', async () => {
  const s = sandbox();
  mkdirSync(join(s.dir, 'cache', 'locks'), { recursive: true, mode: 0o700 });
  const owner = { pid: 4242, host: 'another-host', startedAt: Date.now() + 60_000, token: 'x' };
  writeFileSync(join(s.dir, 'cache', 'locks', 'k.lock'), JSON.stringify(owner));
  const waits: number[] = [];
  const began = Date.now();
  await assert.rejects(
    withLock('k', s.deps, async () => 'ran', { staleAfterMs: 400, onWait: (pid) => waits.push(pid) }),
    (error: unknown) => error instanceof RolecallError && error.code === 'LOCK_TIMEOUT' && /pid 4242/.test(error.message),
  );
  assert.ok(Date.now() - began >= 400);
  assert.deepEqual(waits, [4242]);
  s.done();
});

test('the lock is released after the critical section, also when it throws', async () => {
  const s = sandbox();
  assert.equal(await withLock('k', s.deps, async () => 'ran'), 'ran');
  await assert.rejects(withLock('k', s.deps, async () => Promise.reject(new Error('boom'))), /boom/);
  assert.equal(existsSync(join(s.dir, 'cache', 'locks', 'k.lock')), false);
  assert.equal(await withLock('k', s.deps, async () => 'again'), 'again');
  s.done();
});

test("a lock stale by age, first seen past the waiter's own deadline (a slow machine), is taken over, not given up on", async (t) => {
  const s = sandbox();
  t.after(() => s.done());
  mkdirSync(join(s.dir, 'cache', 'locks'), { recursive: true, mode: 0o700 });
  // a live owner (this process) that has held the lock for an hour
  const owner = { pid: process.pid, host: hostname(), startedAt: Date.now() - 3_600_000, token: 'old' };
  writeFileSync(join(s.dir, 'cache', 'locks', 'k.lock'), JSON.stringify(owner));
  // every look at the clock is 600 ms later, as on a machine too loaded to run the loop in time
  const start = Date.now();
  let calls = 0;
  mock.method(Date, 'now', () => start + 600 * calls++);
  t.after(() => mock.restoreAll());
  assert.equal(await withLock('k', s.deps, async () => 'ran', { staleAfterMs: 1000 }), 'ran');
});
