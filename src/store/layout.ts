// Where the store keeps things. Pure path arithmetic on node:path only, because the fast path in
// bin.ts needs the same answers without loading anything else.
import { join } from 'node:path';

/** $ROLECALL_CACHE_DIR, else $XDG_CACHE_HOME/rolecall, else ~/.cache/rolecall */
export function cacheDir(env: NodeJS.ProcessEnv, home: string): string {
  if (env.ROLECALL_CACHE_DIR) return env.ROLECALL_CACHE_DIR;
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'rolecall');
  return join(home, '.cache', 'rolecall');
}

/**
 * Where rolecall keeps what is not a cache: $ROLECALL_DATA_DIR, else $XDG_DATA_HOME/rolecall, else
 * ~/.local/share/rolecall. It holds the browser profile of SAML sign-ins (its cookies are the
 * identity provider's session).
 */
export function dataDir(env: NodeJS.ProcessEnv, home: string): string {
  if (env.ROLECALL_DATA_DIR) return env.ROLECALL_DATA_DIR;
  if (env.XDG_DATA_HOME) return join(env.XDG_DATA_HOME, 'rolecall');
  return join(home, '.local', 'share', 'rolecall');
}

/** the persistent profile of the browser that signs in to SAML identity providers (saml_sso_url) */
export const browserProfileDir = (data: string) => join(data, 'browser-profile');

/** one file per cache key: short-lived credentials */
export const credentialFile = (dir: string, key: string) => join(dir, 'credentials', `${key}.json`);
/** one file per request fingerprint: which cache key answers `rolecall export P` (see fastpath/) */
export const indexFile = (dir: string, fingerprint: string) => join(dir, 'fast', `${fingerprint}.json`);
export const lockFile = (dir: string, key: string) => join(dir, 'locks', `${key}.lock`);
/** the encrypted secrets file (where no keyring can keep secrets, or ROLECALL_KEYRING=file) */
export const secretsFile = (dir: string) => join(dir, 'secrets.json');

export const SUBDIRS = ['credentials', 'fast', 'locks'] as const;

/** A credentials file as written by the cache: the Credentials with the expiry as an ISO string. */
export interface CacheEntry {
  version: 1;
  profile: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration: string;
  /** when the credentials were cached: with the expiry, their lifetime (absent in older files) */
  issued?: string;
  accountId?: string;
  arn?: string;
  principalArn?: string;
  chain: string[];
}

/** A fast-path index file: the cache key that answers a request, and the refresh window it uses. */
export interface IndexEntry {
  version: 1;
  /** the whole fingerprint (fastpath/fingerprint.ts): the file name is only a hash of it */
  fingerprint: string;
  key: string;
  profile: string;
  refreshWindowSeconds: number;
}

export const DEFAULT_REFRESH_WINDOW_SECONDS = 15 * 60;

/** The entry if `text` is one, else undefined: corrupt files are never trusted. */
export function parseCacheEntry(text: string): CacheEntry | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const e = value as Record<string, unknown>;
  const optional = (k: string) => e[k] === undefined || typeof e[k] === 'string';
  const ok =
    e.version === 1 &&
    typeof e.profile === 'string' &&
    typeof e.accessKeyId === 'string' &&
    e.accessKeyId !== '' &&
    typeof e.secretAccessKey === 'string' &&
    e.secretAccessKey !== '' &&
    typeof e.expiration === 'string' &&
    !Number.isNaN(Date.parse(e.expiration)) &&
    optional('sessionToken') &&
    optional('issued') &&
    optional('accountId') &&
    optional('arn') &&
    optional('principalArn') &&
    Array.isArray(e.chain) &&
    e.chain.every((c) => typeof c === 'string');
  return ok ? (e as unknown as CacheEntry) : undefined;
}

/**
 * fresh: expires more than the refresh window after now (so never expired). The window is at most a
 * third of the credentials' lifetime, so that short sessions (900 s) are still served from the cache.
 */
export function isFresh(entry: Pick<CacheEntry, 'expiration' | 'issued'>, nowMs: number, refreshWindowSeconds: number): boolean {
  const expires = Date.parse(entry.expiration);
  const issued = entry.issued === undefined ? Number.NaN : Date.parse(entry.issued);
  const window = Math.max(0, refreshWindowSeconds) * 1000;
  return expires - nowMs > (Number.isNaN(issued) ? window : Math.max(0, Math.min(window, (expires - issued) / 3)));
}
