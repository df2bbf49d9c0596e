// The file cache of short-lived AWS credentials: one 0600 file per cache key, written atomically,
// reused until the refresh window before expiry, never served once expired. Long-lived keys (no
// expiration) are never written. A file that cannot be parsed is a miss with a warning; the next
// write replaces it.
import { readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../platform/clock';
import type { Credentials } from '../sts/credentials';
import { writeFileAtomic } from './atomic-write';
import { cacheError, ensureCacheDir, readPrivateFile, type StoreDeps } from './cache-dir';
import { credentialFile, DEFAULT_REFRESH_WINDOW_SECONDS, isFresh, parseCacheEntry, type CacheEntry, type IndexEntry } from './layout';

export interface CredentialCache {
  /** fresh credentials for the key, or undefined (miss, expired, inside the refresh window, corrupt: warning + miss) */
  read(key: string): Promise<Credentials | undefined>;
  /** atomic (temp + fsync + rename), 0600 in a 0700 directory; credentials without expiration are not written */
  write(key: string, credentials: Credentials, meta: { profile: string }): Promise<void>;
  /** removes cached credentials and fast-path index entries for one profile (or all); returns one line per removed file */
  clear(profile?: string): Promise<string[]>;
}

export interface CacheDeps extends StoreDeps {
  clock: Clock;
}

function toCredentials(entry: CacheEntry): Credentials {
  const { accessKeyId, secretAccessKey, sessionToken, accountId, arn, principalArn, chain } = entry;
  return {
    accessKeyId,
    secretAccessKey,
    ...(sessionToken === undefined ? {} : { sessionToken }),
    expiration: new Date(entry.expiration),
    ...(accountId === undefined ? {} : { accountId }),
    ...(arn === undefined ? {} : { arn }),
    ...(principalArn === undefined ? {} : { principalArn }),
    chain,
  };
}

function toEntry(credentials: Credentials, expiration: Date, profile: string, issued: Date): CacheEntry {
  return {
    version: 1,
    profile,
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    sessionToken: credentials.sessionToken,
    expiration: expiration.toISOString(),
    issued: issued.toISOString(),
    accountId: credentials.accountId,
    arn: credentials.arn,
    principalArn: credentials.principalArn,
    chain: credentials.chain,
  };
}

/** The profile a cache or index file belongs to, or undefined when it cannot be read. */
function profileOf(path: string): string | undefined {
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as Partial<CacheEntry | IndexEntry>;
    return typeof value.profile === 'string' ? value.profile : undefined;
  } catch {
    return undefined;
  }
}

export function openCredentialCache(deps: CacheDeps, options: { refreshWindowSeconds?: number } = {}): CredentialCache {
  const window = options.refreshWindowSeconds ?? DEFAULT_REFRESH_WINDOW_SECONDS;
  let dir: string | undefined;
  const ready = () => (dir ??= ensureCacheDir(deps));
  // a key is read before the lock and again under it: one warning per corrupt file is enough
  const warned = new Set<string>();

  return {
    async read(key) {
      const path = credentialFile(ready(), key);
      const text = readPrivateFile(path, deps);
      if (text === undefined) return undefined;
      const entry = parseCacheEntry(text);
      if (!entry) {
        if (!warned.has(path)) deps.log.warn(`ignoring the corrupt cache file ${path}; new credentials will replace it.`);
        warned.add(path);
        return undefined;
      }
      if (!isFresh(entry, deps.clock.now().getTime(), window)) {
        deps.log.debug(`cached credentials in ${path} expire at ${entry.expiration}, within the ${window}s refresh window: getting new ones`);
        return undefined;
      }
      deps.log.redact(entry.secretAccessKey);
      deps.log.redact(entry.sessionToken);
      deps.log.debug(`using the cached credentials in ${path}, valid until ${entry.expiration}`);
      return toCredentials(entry);
    },

    async write(key, credentials, meta) {
      if (!credentials.expiration) return;
      const path = credentialFile(ready(), key);
      try {
        writeFileAtomic(path, `${JSON.stringify(toEntry(credentials, credentials.expiration, meta.profile, deps.clock.now()))}\n`);
      } catch (error) {
        // the credentials are good: hand them out uncached rather than fail (a full disk, a read-only cache)
        deps.log.warn(`${cacheError(path, error).message}; the credentials are not cached`);
      }
    },

    async clear(profile) {
      const root = ready();
      const removed: string[] = [];
      for (const sub of ['credentials', 'fast']) {
        const folder = join(root, sub);
        for (const name of readdirSync(folder)) {
          const path = join(folder, name);
          // temp files of killed writers go with --all; a profile's own files are found by their content
          const belongs = profile === undefined || (name.endsWith('.json') && profileOf(path) === profile);
          if (!belongs) continue;
          try {
            unlinkSync(path);
            removed.push(path);
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw cacheError(path, error);
          }
        }
      }
      return removed;
    },
  };
}
