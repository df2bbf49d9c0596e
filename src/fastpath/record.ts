// The full path's half of the fast path: after `rolecall export` (or `auth`, `get-cred -j`) printed credential_process JSON,
// remember which cache key answers this request (its fingerprint: argv, environment, config file
// identities), so the next identical call is answered by bin.ts without parsing any config.
import type { Profile } from '../config/profile';
import { namesPolicyFile } from '../config/session-policy';
import type { Credentials } from '../sts/credentials';
import { writeFileAtomic } from '../store/atomic-write';
import { ensureCacheDir, type StoreDeps } from '../store/cache-dir';
import { DEFAULT_REFRESH_WINDOW_SECONDS, indexFile, type IndexEntry } from '../store/layout';
import { fingerprint } from './fingerprint';
import { canonical, SPECS, type FastCommand, type FastRequest } from './request';

/** The profile's refresh_window in seconds (how long before expiry cached credentials are replaced). */
export function refreshWindowSeconds(profile: Profile): number {
  return profile.value('refresh_window') ?? DEFAULT_REFRESH_WINDOW_SECONDS;
}

/** What the recorder needs of a command's parsed arguments (cli/command.ts's Parsed). */
interface ParsedArgs {
  values: Record<string, unknown>;
  positionals: string[];
  globals: { noCache: boolean };
}

// global flags that do not change which cached credentials answer: --refresh still writes the same key
const NEUTRAL_GLOBALS = new Set(['refresh', 'debug']);

/** The FastRequest this parsed command is, when bin.ts could answer it the same way; else undefined. */
export function fastRequestOf(command: FastCommand, parsed: ParsedArgs): FastRequest | undefined {
  if (parsed.globals.noCache) return undefined;
  const spec = SPECS[command];
  const flags = new Map<string, string | true>();
  for (const [name, value] of Object.entries(parsed.values)) {
    if (NEUTRAL_GLOBALS.has(name)) continue;
    const known = (typeof value === 'string' && spec.strings.includes(name)) || (value === true && spec.booleans.includes(name));
    if (!known) return undefined;
    flags.set(name, value);
  }
  const { min, max } = spec.positionals;
  if (parsed.positionals.length < min || parsed.positionals.length > max) return undefined;
  return canonical(command, parsed.positionals, flags);
}

export type Recorder = (resolved: { cacheKey: string; credentials: Credentials; plan: { profile: Profile } }) => Promise<void>;

/**
 * Call before resolving, so the fingerprint describes the config files as they were read (an edit
 * made meanwhile then only causes a miss); call the recorder after credential_process JSON was
 * printed. It never fails the command: the fast path is an optimisation, a problem is a --debug line.
 */
export function fastPathRecorder(command: FastCommand, parsed: ParsedArgs, deps: StoreDeps): Recorder {
  const request = fastRequestOf(command, parsed);
  const print = request && fingerprint(request, deps.env, deps.home);
  return async (resolved) => {
    // long-lived keys are never cached, so there would be nothing for the fast path to find
    if (!print || !resolved.credentials.expiration) return;
    // the fingerprint knows the config files, not a policy file they name: an edit there must reach the cache key
    const policy = resolved.plan.profile.settings.get('session_policy')?.value;
    if (policy?.trim() && namesPolicyFile(policy)) {
      deps.log.debug('fast path index not written: session_policy names a file, which the fast path does not watch');
      return;
    }
    try {
      const entry: IndexEntry = {
        version: 1,
        fingerprint: print.text,
        key: resolved.cacheKey,
        profile: resolved.plan.profile.name,
        refreshWindowSeconds: refreshWindowSeconds(resolved.plan.profile),
      };
      writeFileAtomic(indexFile(ensureCacheDir(deps), print.name), `${JSON.stringify(entry)}\n`);
    } catch (error) {
      deps.log.debug(`fast path index not written: ${(error as Error).message}`);
    }
  };
}
