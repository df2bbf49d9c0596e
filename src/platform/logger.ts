// Everything for humans goes to stderr through this logger. Secrets registered with
// `redact` are masked in every line it writes, including --debug output, and control characters
// from outside (a provider's error text) are shown, never sent to the terminal (printable.ts).
import { printable } from './printable';

export interface Logger {
  /** progress and results for the human: "Login successful!" */
  info(message: string): void;
  warn(message: string): void;
  /** only with --debug or ROLECALL_DEBUG=1 */
  debug(message: string): void;
  /** register a secret so that it never appears in anything this logger writes */
  redact(secret: string | undefined): void;
  /** mask the registered secrets in a string (for error messages rendered elsewhere) */
  mask(text: string): string;
  readonly debugEnabled: boolean;
}

export interface LoggerOptions {
  write?: (text: string) => void;
  debug?: boolean;
  color?: boolean;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const write = options.write ?? ((text: string) => void process.stderr.write(text));
  const secrets = new Set<string>();
  const color = options.color ?? false;
  // longest first: a secret that contains another must be masked whole, not around the shorter one
  let longestFirst: string[] = [];
  const mask = (text: string) => {
    let out = text;
    for (const secret of longestFirst) out = out.split(secret).join('****');
    return out;
  };
  return {
    debugEnabled: options.debug ?? false,
    info: (message) => write(`${printable(mask(message))}\n`),
    warn: (message) => write(`${paint(color, '33', 'warning:')} ${printable(mask(message))}\n`),
    debug: (message) => {
      if (options.debug) write(`${paint(color, '2', 'debug:')} ${printable(mask(message))}\n`);
    },
    redact: (secret) => {
      // very short values would mask ordinary words; secrets are never that short
      if (!secret || secret.length < 6 || secrets.has(secret)) return;
      // and as it travels in URLs, form bodies and JSON: a server echoing it may send any of these
      for (const form of [secret, encodeURIComponent(secret), new URLSearchParams({ s: secret }).toString().slice(2), JSON.stringify(secret).slice(1, -1)]) secrets.add(form);
      longestFirst = [...secrets].sort((a, b) => b.length - a.length);
    },
    mask,
  };
}

/** `text` in an SGR colour (`code`, e.g. '33' yellow) when colour is on */
export function paint(color: boolean, code: string, text: string): string {
  return color ? `\u001b[${code}m${text}\u001b[0m` : text;
}

/** Colour on a terminal, unless NO_COLOR is set to something (no-color.org: an empty value does not count) or TERM=dumb. */
export function shouldColor(env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  return isTTY && !env.NO_COLOR && env.TERM !== 'dumb';
}
