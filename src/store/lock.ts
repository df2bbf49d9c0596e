// One lock per cache key so that any number of processes asking at once cause one login and one
// STS call. The lock is a file created with O_EXCL holding the owner's pid, host and start time.
// Waiters poll, sleeping between tries; a lock whose owner is dead (same host, pid gone) or older
// than staleAfterMs is taken over; nobody waits longer than the bound. Anything but a regular file
// at the lock path (a directory, a symbolic link) is an error: rolecall never made it, and could
// neither read nor remove it. Callers re-read the cache once they hold it.
import { hostname } from 'node:os';
import { closeSync, linkSync, lstatSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { RolecallError } from '../errors';
import { cacheError, ensureCacheDir, type StoreDeps } from './cache-dir';
import { killPoint } from './kill-point';
import { lockFile } from './layout';

export interface LockOptions {
  /** a lock older than this is abandoned and taken over; also the longest anyone waits (default 10 min: a login can take that long) */
  staleAfterMs?: number;
  /** called once, when this process starts waiting for another */
  onWait?: (ownerPid: number) => void;
}

interface Owner {
  pid: number;
  host: string;
  startedAt: number;
  /** tells this holder's lock from a later one with a reused pid */
  token: string;
}

const DEFAULT_STALE_MS = 10 * 60 * 1000;
// a takeover marker lives for a few file operations; one older than this was left by a killed process
const TAKEOVER_STALE_MS = 5000;
// locks are linked into place whole (tryCreate); an empty or unreadable one was left by an older
// rolecall that wrote its pid after creating the file, or by hand: one older than this is taken over
const EMPTY_LOCK_STALE_MS = 1000;

function readOwner(path: string): Owner | undefined {
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as Partial<Owner>;
    if (typeof value.pid === 'number' && typeof value.host === 'string' && typeof value.startedAt === 'number' && typeof value.token === 'string') {
      return value as Owner;
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
  }
  // empty or unreadable (not written by tryCreate): judge it by the file's age
  try {
    const { mtimeMs } = statSync(path);
    return { pid: 0, host: '', startedAt: mtimeMs, token: '' };
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isStale(owner: Owner, now: number, staleAfterMs: number): boolean {
  if (now - owner.startedAt > staleAfterMs) return true;
  // an empty or unreadable lock file: no owner to ask
  if (owner.pid === 0) return now - owner.startedAt > EMPTY_LOCK_STALE_MS;
  return owner.host === hostname() && !alive(owner.pid);
}

/**
 * Creates `path` holding `owner`, or returns false when it exists. The owner is written to a temporary
 * file first and linked into place (link fails on an existing name, as O_EXCL does), so a process
 * killed half way leaves a stray temporary file, never an empty lock for others to judge.
 */
function tryCreate(path: string, owner: Owner): boolean {
  const temp = `${path}.${owner.token}.${randomBytes(4).toString('hex')}.tmp`;
  let fd: number;
  try {
    fd = openSync(temp, 'wx', 0o600);
  } catch (error) {
    throw cacheError(temp, error);
  }
  try {
    killPoint('lock-created', path);
    try {
      writeSync(fd, JSON.stringify(owner));
    } finally {
      closeSync(fd);
    }
    linkSync(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    // a full disk: nothing is left for others to wait on
    throw cacheError(path, error);
  } finally {
    try {
      unlinkSync(temp);
    } catch {
      // already gone
    }
  }
}

function removeIfOurs(path: string, token: string): void {
  if (readOwner(path)?.token !== token) return;
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

/**
 * Removes `path` if it still holds the stale `seen` owner. Serialised through a takeover marker so
 * that two waiters judging the same stale lock cannot remove a fresh lock created in between.
 */
function takeOver(path: string, seen: Owner, me: Owner): void {
  const marker = `${path}.takeover`;
  if (!tryCreate(marker, me)) {
    const holder = readOwner(marker);
    if (holder && isStale(holder, Date.now(), TAKEOVER_STALE_MS)) removeIfOurs(marker, holder.token);
    return;
  }
  try {
    const current = readOwner(path);
    if (current && current.token === seen.token && current.startedAt === seen.startedAt) {
      try {
        unlinkSync(path);
      } catch {
        // removed by its owner meanwhile
      }
    }
  } finally {
    removeIfOurs(marker, me.token);
  }
}

/** Refuses what rolecall cannot have made at the lock path; nothing there is fine (the owner let go). */
function checkRegular(path: string): void {
  let stats;
  try {
    stats = lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw cacheError(path, error);
  }
  if (stats.isFile()) return;
  const what = stats.isDirectory() ? 'a directory' : stats.isSymbolicLink() ? 'a symbolic link' : 'not a regular file';
  throw new RolecallError('CACHE_ERROR', `the lock ${path} is ${what}, not a lock file rolecall made`, {
    hint: `Remove it (rm -r ${path}): rolecall creates its lock files itself.`,
  });
}

export async function withLock<T>(key: string, deps: StoreDeps, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const staleAfterMs = options.staleAfterMs ?? DEFAULT_STALE_MS;
  const path = lockFile(ensureCacheDir(deps), key);
  const me: Owner = { pid: process.pid, host: hostname(), startedAt: Date.now(), token: randomBytes(8).toString('hex') };
  const deadline = Date.now() + staleAfterMs;
  let waitingFor: number | undefined;
  let delay = 20;
  // one takeover per turn: a takeover that did not free the lock goes round with the sleep
  let tookOver = false;
  for (;;) {
    me.startedAt = Date.now();
    let created: boolean;
    try {
      created = tryCreate(path, me);
    } catch (error) {
      // the lock only spares duplicate work: a cache that cannot take one (full, read-only) does not stop the run
      deps.log.warn(`${(error as Error).message}; going on without the lock`);
      return fn();
    }
    if (created) break;
    checkRegular(path);
    // every way round the loop but the one right after a takeover checks the deadline and sleeps:
    // nothing at the lock path can make it spin
    const owner = readOwner(path);
    const stale = owner !== undefined && isStale(owner, Date.now(), staleAfterMs);
    if (owner && stale && !tookOver) {
      deps.log.debug(`taking over the lock ${path} left by pid ${owner.pid}`);
      takeOver(path, owner, me);
      // the lock is free now: try it at once, before the deadline (which a lock stale by age has reached too)
      tookOver = true;
      continue;
    }
    tookOver = false;
    if (owner && !stale && waitingFor === undefined) {
      waitingFor = owner.pid;
      options.onWait?.(owner.pid);
    }
    if (Date.now() > deadline) {
      throw new RolecallError('LOCK_TIMEOUT', `gave up waiting after ${Math.round(staleAfterMs / 1000)}s for rolecall pid ${owner?.pid ?? waitingFor ?? 'unknown'}, which holds ${path}`);
    }
    // jitter spreads the waiters out once the owner lets go; a lock just freed or taken over is tried again soon
    await sleep(delay + Math.random() * delay);
    if (owner && !stale) delay = Math.min(delay * 1.5, 250);
  }
  // a process that exits while holding the lock (Ctrl-C, process.exit) leaves no lock behind
  const release = () => removeIfOurs(path, me.token);
  process.once('exit', release);
  try {
    return await fn();
  } finally {
    process.off('exit', release);
    release();
  }
}
