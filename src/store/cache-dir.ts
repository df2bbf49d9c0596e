// The cache directory and the files in it, and the data directory (the SAML browser's profile with
// the identity provider's session): directories 0700, files 0600, looser modes fixed with a
// warning, a directory owned by someone else refused (they could read or plant credentials). Either
// may live under a shared directory (/tmp, XDG_CACHE_HOME or XDG_DATA_HOME on a shared disk), where
// another user can plant the name first: a symbolic link there is never followed unless it is the
// user's own, every check is made on the opened directory (fstat, fchmod), and a parent that anyone
// may write to without the sticky bit is refused (anyone could swap the directory after the checks).
import { closeSync, constants, fchmodSync, fstatSync, lstatSync, mkdirSync, openSync, readFileSync, statSync, type Stats } from 'node:fs';
import { dirname, join } from 'node:path';
import { RolecallError } from '../errors';
import type { Logger } from '../platform/logger';
import { cacheDir, dataDir, SUBDIRS } from './layout';

export interface StoreDeps {
  env: NodeJS.ProcessEnv;
  home: string;
  log: Logger;
}

const STICKY = 0o1000;

/** A private directory of rolecall's: what to call it, and the variable that moves it elsewhere. */
interface Place {
  what: 'cache directory' | 'data directory';
  variable: 'ROLECALL_CACHE_DIR' | 'ROLECALL_DATA_DIR';
}
const CACHE: Place = { what: 'cache directory', variable: 'ROLECALL_CACHE_DIR' };
const DATA: Place = { what: 'data directory', variable: 'ROLECALL_DATA_DIR' };

const ownUid = () => (typeof process.getuid === 'function' ? process.getuid() : undefined);

function checkOwner(path: string, stats: Stats, { what, variable }: Place): void {
  const uid = ownUid();
  if (uid !== undefined && stats.uid !== uid) {
    throw new RolecallError('CACHE_ERROR', `the ${what} ${path} belongs to uid ${stats.uid}, not to you (uid ${uid}); rolecall will not keep credentials there`, {
      hint: `Remove it, or point ${variable} at a directory of your own (created with mode 0700).`,
    });
  }
}

/** Fixes group/other permission bits on an open file or directory of ours, with a warning. */
export function tightenMode(path: string, fd: number, stats: Stats, wanted: 0o700 | 0o600, log: Logger): void {
  if (process.platform === 'win32' || (stats.mode & 0o777) === wanted) return;
  if ((stats.mode & 0o077) !== 0) {
    log.warn(`${path} had mode ${(stats.mode & 0o777).toString(8).padStart(4, '0')}, readable by others; changed it to ${wanted.toString(8).padStart(4, '0')}.`);
  }
  fchmodSync(fd, wanted);
}

function lstatIfAny(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw cacheError(path, error);
    return undefined;
  }
}

/** A directory that anyone may write to without the sticky bit lets anyone rename ours away. */
function checkParent(path: string, { what, variable }: Place): void {
  const parent = dirname(path);
  let stats: Stats;
  try {
    stats = statSync(parent);
  } catch {
    return; // created below, by us
  }
  if ((stats.mode & 0o002) !== 0 && (stats.mode & STICKY) === 0) {
    throw new RolecallError('CACHE_ERROR', `the ${what} ${path} is in ${parent}, which every user may write to (mode ${(stats.mode & 0o7777).toString(8).padStart(4, '0')}, no sticky bit): anyone could replace it`, {
      hint: `Point ${variable} at a directory of your own, or fix ${parent} (chmod +t or o-w).`,
    });
  }
}

function ensureDir(path: string, log: Logger, place: Place): void {
  const { what, variable } = place;
  if (process.platform === 'win32') {
    ensureDirWindows(path, place);
    return;
  }
  checkParent(path, place);
  let link = lstatIfAny(path);
  if (!link) {
    try {
      mkdirSync(path, { recursive: true, mode: 0o700 });
    } catch (error) {
      throw cacheError(path, error);
    }
    link = lstatIfAny(path);
  }
  const uid = ownUid();
  if (link?.isSymbolicLink() && link.uid !== uid) {
    throw new RolecallError('CACHE_ERROR', `the ${what} ${path} is a symbolic link made by uid ${link.uid}, not by you; rolecall will not follow it`, {
      hint: `Someone else may have planted it to make rolecall write elsewhere: remove it, or point ${variable} at a directory of your own.`,
    });
  }
  // your own link is followed; nobody else's: a link swapped in after the lstat fails to open
  const follow = link?.isSymbolicLink() ? 0 : constants.O_NOFOLLOW;
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_DIRECTORY | follow);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') throw notADirectory(path, place);
    if (code === 'ELOOP') throw new RolecallError('CACHE_ERROR', `the ${what} ${path} was replaced by a symbolic link while rolecall checked it`);
    throw cacheError(path, error);
  }
  try {
    const stats = fstatSync(fd);
    checkOwner(path, stats, place);
    tightenMode(path, fd, stats, 0o700, log);
  } finally {
    closeSync(fd);
  }
}

/** Windows has no modes or symbolic-link flags here; the directory must only exist and be one. */
function ensureDirWindows(path: string, place: Place): void {
  try {
    mkdirSync(path, { recursive: true });
  } catch (error) {
    throw cacheError(path, error);
  }
  if (!statSync(path).isDirectory()) throw notADirectory(path, place);
}

function notADirectory(path: string, { what, variable }: Place): RolecallError {
  return new RolecallError('CACHE_ERROR', `the ${what} ${path} is not a directory`, { hint: `Remove it, or set ${variable} to a directory of your own.` });
}

export function cacheError(path: string, error: unknown): RolecallError {
  return new RolecallError('CACHE_ERROR', `cannot use the rolecall cache at ${path}: ${(error as Error).message}`);
}

/** The cache directory with its subdirectories, created and checked. */
export function ensureCacheDir(deps: StoreDeps): string {
  const dir = cacheDir(deps.env, deps.home);
  ensureDir(dir, deps.log, CACHE);
  for (const sub of SUBDIRS) ensureDir(join(dir, sub), deps.log, CACHE);
  return dir;
}

/** The data directory (the SAML browser's profile lives there), created and checked as the cache is. */
export function ensureDataDir(deps: StoreDeps): string {
  const dir = dataDir(deps.env, deps.home);
  ensureDir(dir, deps.log, DATA);
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
    tightenMode(path, fd, fstatSync(fd), 0o600, deps.log);
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}
