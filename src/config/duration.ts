// Durations as seeds write them: plain seconds (aws-oidc, aws-cli-oidc, AWS_ROLE_SESSION_TIMEOUT) or
// Go time.Duration strings (aws-runas credentials_duration: `1h`, `90m`, `1h30m`, `1.5h`).
import { RolecallError } from '../errors';
import { describeSource, type Setting } from './source';

const UNIT_SECONDS: Record<string, number> = { ns: 1e-9, us: 1e-6, 'µs': 1e-6, 'μs': 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
const GO_DURATION = /^(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h)(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))*$/;
const PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g;

/** Seconds, or undefined when the text is neither plain seconds nor a Go duration. */
function toSeconds(text: string): number | undefined {
  if (/^\d+$/.test(text)) return Number(text);
  if (!GO_DURATION.test(text)) return undefined;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(PART)) total += Number(amount) * UNIT_SECONDS[unit!]!;
  // STS takes whole seconds; a fraction left by `1.0001h` is dropped, never rounded past a bound
  return Math.floor(total + 1e-9);
}

export interface DurationBounds {
  min: number;
  max: number;
}

/** what STS grants a role session: 15 minutes to 12 hours */
export const SESSION_BOUNDS: DurationBounds = { min: 900, max: 43200 };

/**
 * The session bounds in force: ROLECALL_MIN_SESSION_SECONDS lowers the minimum for tests against the
 * testbed, whose sessions can be seconds long (real STS refuses anything under 900).
 */
export function sessionBounds(env: NodeJS.ProcessEnv): DurationBounds {
  const min = Number(env.ROLECALL_MIN_SESSION_SECONDS);
  return Number.isInteger(min) && min >= 1 && min < SESSION_BOUNDS.min ? { ...SESSION_BOUNDS, min } : SESSION_BOUNDS;
}

/**
 * The value as an error shows it: `duration_seconds = "10"` for a key of a file or the environment
 * (as the file writes it: aws-oidc's `duration` is rolecall's duration_seconds), `"10"` alone for
 * a flag, which its source names already.
 */
function shown(s: Setting<unknown>, key: string | undefined): string {
  const value = JSON.stringify(String(s.value));
  if (key === undefined || s.source.kind === 'flag' || s.source.kind === 'argument') return value;
  return `${s.source.kind === 'file' && s.source.key ? s.source.key : key} = ${value}`;
}

/** `key`: the setting's name, for the error (none for a flag's value) */
export function parseDuration(s: Setting<string>, bounds: DurationBounds = SESSION_BOUNDS, key?: string): number {
  const seconds = toSeconds(s.value.trim());
  if (seconds === undefined) {
    throw new RolecallError('DURATION_INVALID', `${shown(s, key)} (${describeSource(s.source)}) is not a duration`);
  }
  return checkDurationBounds(s, seconds, bounds, key);
}

/** `seconds` (the value of `s`, the setting `key`) when within the bounds; else DURATION_INVALID naming the key and where it came from. */
export function checkDurationBounds(s: Setting<unknown>, seconds: number, bounds: DurationBounds, key?: string): number {
  if (seconds < bounds.min || seconds > bounds.max) {
    // "5m" is 5m already: say it once; "300" is worth translating
    const length = formatDuration(seconds) === String(s.value).trim() ? '' : ` ${formatDuration(seconds)},`;
    throw new RolecallError(
      'DURATION_INVALID',
      `${shown(s, key)} (${describeSource(s.source)}) is${length} outside ${formatDuration(bounds.min)}..${formatDuration(bounds.max)}`,
      { hint: `Use seconds or a Go duration (1h, 90m, 1h30m) between ${formatDuration(bounds.min)} and ${formatDuration(bounds.max)}.` },
    );
  }
  return seconds;
}

/** 5400 -> "1h30m", 900 -> "15m", 0 -> "0s". */
export function formatDuration(seconds: number): string {
  const whole = Math.max(0, Math.floor(seconds));
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  const text = `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}`;
  return text || '0s';
}
