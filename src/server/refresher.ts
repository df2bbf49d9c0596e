// The credentials a server hands out: kept in memory, renewed through the provider shortly before
// they expire (one call at a time), and kept on while still valid when a renewal fails.
import { RolecallError } from '../errors';
import type { Clock } from '../platform/clock';
import type { Logger } from '../platform/logger';
import type { Credentials } from '../sts/credentials';

export type CredentialProvider = (options: { forceRefresh: boolean }) => Promise<Credentials>;

/** temporary credentials: what the container and instance protocols can carry */
export type ServedCredentials = Credentials & { sessionToken: string; expiration: Date };

export interface Refresher {
  /** valid credentials, renewed when due; rejects with the renewal's error once they have expired */
  current(): Promise<ServedCredentials>;
}

export interface RefresherOptions {
  /** renew this long before expiry (default `longestWindowSeconds`), or a third of the lifetime when that is shorter */
  refreshBeforeSeconds?: number;
  /** default 300 (5 minutes) */
  longestWindowSeconds?: number;
  /** how long a request waits for a renewal while the old credentials are still valid */
  waitMs?: number;
}

const FIRST_RETRY_MS = 1_000;
/** credentials this close to expiry are not handed out while a renewal runs: the caller would sign with them too late */
const LAST_MINUTE_MS = 60_000;
const MAX_RETRY_MS = 30_000;

export async function createRefresher(
  provider: CredentialProvider,
  deps: { clock: Clock; log: Logger },
  options: RefresherOptions = {},
): Promise<Refresher> {
  const { clock, log } = deps;
  const now = () => clock.now().getTime();
  const waitMs = options.waitMs ?? 500;
  const longestWindowMs = (options.longestWindowSeconds ?? 300) * 1000;

  // never more than a third of the lifetime: a window longer than the session would renew on every request
  const windowFor = (creds: ServedCredentials, fetchedAt: number) =>
    Math.min(options.refreshBeforeSeconds !== undefined ? options.refreshBeforeSeconds * 1000 : longestWindowMs, (creds.expiration.getTime() - fetchedAt) / 3);

  const fetch = async (forceRefresh: boolean): Promise<{ creds: ServedCredentials; refreshAt: number; lastMinuteAt: number }> => {
    const fetchedAt = now();
    const creds = servable(await provider({ forceRefresh }), fetchedAt);
    const refreshAt = creds.expiration.getTime() - windowFor(creds, fetchedAt);
    // a minute, or a tenth of the lifetime when that is shorter
    const lastMinuteAt = creds.expiration.getTime() - Math.min(LAST_MINUTE_MS, (creds.expiration.getTime() - fetchedAt) / 10);
    log.redact(creds.secretAccessKey);
    log.redact(creds.sessionToken);
    return { creds, refreshAt, lastMinuteAt };
  };

  let state = await fetch(false);
  let inflight: Promise<void> | undefined;
  let failures = 0;
  let retryAt = 0;
  let lastError: unknown;

  const renew = async () => {
    try {
      // the shared cache may already hold newer credentials (another process renewed them);
      // only when it hands back no newer ones than ours do we insist
      let next = await fetch(false);
      if (next.creds.expiration.getTime() <= state.creds.expiration.getTime()) next = await fetch(true);
      state = next;
      failures = 0;
      retryAt = 0;
    } catch (error) {
      failures += 1;
      lastError = error;
      retryAt = now() + Math.min(FIRST_RETRY_MS * 2 ** (failures - 1), MAX_RETRY_MS);
      const expired = state.creds.expiration.getTime() <= now();
      log.warn(
        `could not renew the credentials for the child process (attempt ${failures}): ${log.mask(messageOf(error))}; ` +
          (expired
            ? 'they have expired, requests fail until a renewal succeeds'
            : `serving the current ones until ${state.creds.expiration.toISOString()}`),
      );
    }
  };

  return {
    async current() {
      if (now() < state.refreshAt) return state.creds;
      if (inflight === undefined && now() >= retryAt) {
        inflight = renew().finally(() => {
          inflight = undefined;
        });
      }
      if (inflight !== undefined) {
        // in their last minute the current credentials would expire before a slow caller signs with them
        if (now() < state.lastMinuteAt) await Promise.race([inflight, delay(waitMs)]);
        else await inflight;
      }
      if (state.creds.expiration.getTime() > now()) return state.creds;
      throw new RolecallError(
        codeOf(lastError),
        `the credentials expired at ${state.creds.expiration.toISOString()} and renewing them failed: ${log.mask(messageOf(lastError))}`,
      );
    },
  };
}

function servable(creds: Credentials, at: number): ServedCredentials {
  const { sessionToken, expiration } = creds;
  if (sessionToken === undefined || expiration === undefined) {
    throw new RolecallError('SERVER_ERROR', 'the credential server hands out temporary credentials only, and this profile gives long-lived keys', {
      hint: 'Use `rolecall exec` without --server: long-lived keys do not expire, so there is nothing to renew.',
    });
  }
  if (expiration.getTime() <= at) {
    throw new RolecallError('SERVER_ERROR', `the credentials were already expired when they arrived (${expiration.toISOString()})`, {
      hint: 'Check the clock of this machine (`rolecall doctor` shows the skew).',
    });
  }
  return { ...creds, sessionToken, expiration };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function codeOf(error: unknown) {
  return error instanceof RolecallError ? error.code : 'SERVER_ERROR';
}
