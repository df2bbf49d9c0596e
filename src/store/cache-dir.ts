// The cache directory and the files in it: directories 0700, files 0600, looser modes fixed with a
// warning, a directory owned by someone else refused (they could read or plant credentials).
import { chmodSync, closeSync, constants, fstatSync, mkdirSync, openSync, readFileSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { RolecallError } from '../errors';
import type { Logger } from '../platform/logger';
import { cacheDir, SUBDIRS } from './layout';

export interface StoreDeps {
  env: NodeJS.ProcessEnv;
  home: string;
  log: Logger;
}

const ownUid = () => (typeof process.getuid === 'function' ? process.getuid() : undefined);

function checkOwner(path: string, stats: Stats, what: string): void {
  const uid = ownUid();
  if (uid !== undefined && stats.uid !== uid) {
    throw new RolecallError('CACHE_ERROR', `the ${what} ${path} belongs to uid ${stats.uid}, not to you (uid ${uid}); rolecall will not keep credentials there`, {
      hint: 'Remove it, or point ROLECALL_CACHE_DIR at a directory of your own (created with mode 0700).',
    });
  }
}

/** Fixes group/other permission bits on a file or directory of ours, with a warning. */
export function tightenMode(path: string, stats: Stats, wanted: 0o700 | 0o600, log: Logger): void {
  if (process.platform === 'win32' || (stats.mode & 0o777) === wanted) return;
  if ((stats.mode & 0o077) !== 0) {
    log.warn(`${path} had mode ${(stats.mode & 0o777).toString(8).padStart(4, '0')}, readable by others; changed it to ${wanted.toString(8).padStart(4, '0')}.`);
  }
  chmodSync(path, wanted);
}

function ensureDir(path: string, log: Logger, what: string): void {
  let stats: Stats | undefined;
  try {
    stats = statSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw cacheError(path, error);
  }
  if (!stats) {
    try {
      mkdirSync(path, { recursive: true, mode: 0o700 });
      stats = statSync(path);
    } catch (error) {
      throw cacheError(path, error);
    }
  }
  if (!stats.isDirectory()) {
    throw new RolecallError('CACHE_ERROR', `the ${what} ${path} is not a directory`, { hint: 'Remove it, or set ROLECALL_CACHE_DIR to a directory of your own.' });
  }
  checkOwner(path, stats, what);
  tightenMode(path, stats, 0o700, log);
}

export function cacheError(path: string, error: unknown): RolecallError {
  return new RolecallError('CACHE_ERROR', `cannot use the rolecall cache at ${path}: ${(error as Error).message}`);
}

/** The cache directory with its subdirectories, created and checked. */
export function ensureCacheDir(deps: StoreDeps): string {
  const dir = cacheDir(deps.env, deps.home);
  ensureDir(dir, deps.log, 'cache directory');
  for (const sub of SUBDIRS) ensureDir(join(dir, sub), deps.log, 'cache directory');
  return dir;
}

/** The text of a cache file of ours, or undefined when there is none; modes too open are fixed. */
export function readPrivateFile(path: string, deps: StoreDeps): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP') {
      deps.log.warn(`${path} is a symbolic link; rolecall ignores it.`);
      return undefined;
    }
    throw cacheError(path, error);
  }
  try {
    tightenMode(path, fstatSync(fd), 0o600, deps.log);
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}
