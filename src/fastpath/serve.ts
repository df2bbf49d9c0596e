// The cache-hit answer for `rolecall export P --format process`: request fingerprint -> index ->
// credentials file -> freshness check -> credential_process JSON. Any doubt returns undefined and
// the full path runs instead, which says what is wrong. Never writes, never warns.
import { lstatSync, readFileSync, statSync } from 'node:fs';
import { renderProcessJson } from '../output/json';
import { cacheDir, credentialFile, indexFile, isFresh, parseCacheEntry, type IndexEntry } from '../store/layout';
import { fingerprint } from './fingerprint';
import { fastRequest } from './request';

export interface FastInput {
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
  home: string;
  stdoutIsTTY: boolean;
  nowMs: number;
}

function readIndex(path: string, fingerprint: string): IndexEntry | undefined {
  const value = JSON.parse(readFileSync(path, 'utf8')) as Partial<IndexEntry>;
  const ok = value.version === 1 && value.fingerprint === fingerprint && typeof value.key === 'string' && /^[0-9a-f]+$/.test(value.key) && typeof value.refreshWindowSeconds === 'number';
  return ok ? (value as IndexEntry) : undefined;
}

/** stdout for a cache hit, or undefined to run the full path */
export function serveFromCache(input: FastInput): string | undefined {
  const { env } = input;
  if (env.ROLECALL_DEBUG) return undefined;
  const request = fastRequest(input.argv, input.stdoutIsTTY);
  if (!request) return undefined;
  try {
    const print = fingerprint(request, env, input.home);
    if (!print) return undefined;
    const dir = cacheDir(env, input.home);
    // the full path refuses a cache directory others could write to, or a link others planted; so does this one
    const uid = process.getuid?.();
    let stats = lstatSync(dir);
    if (stats.isSymbolicLink() && stats.uid === uid) stats = statSync(dir);
    if (!stats.isDirectory() || (stats.mode & 0o077) !== 0 || (uid !== undefined && stats.uid !== uid)) return undefined;
    const index = readIndex(indexFile(dir, print.name), print.text);
    if (!index) return undefined;
    const entry = parseCacheEntry(readFileSync(credentialFile(dir, index.key), 'utf8'));
    if (!entry || !isFresh(entry, input.nowMs, index.refreshWindowSeconds)) return undefined;
    return renderProcessJson({ ...entry, expiration: new Date(entry.expiration) });
  } catch {
    return undefined;
  }
}
