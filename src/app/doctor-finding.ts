// What one of doctor's checks finds (which check, how bad, what, and what to do about it), and what
// the checks may use.
import type { Clock } from '../platform/clock';
import type { Logger } from '../platform/logger';

export type Level = 'ok' | 'info' | 'warn' | 'fail';

export interface Finding {
  /** config, profile, plan, permissions, keyring, browser, idp, sso, sts, ... */
  check: string;
  level: Level;
  message: string;
  hint?: string;
}

export interface DoctorDeps {
  env: NodeJS.ProcessEnv;
  home: string;
  log: Logger;
  clock: Clock;
  fetch: typeof fetch;
  platform: NodeJS.Platform;
  /** how long to wait for each endpoint */
  timeoutMs: number;
}
