// The argv shapes the fast path answers, reduced to what decides the result: the command, its
// positionals and the flags that change the credentials. Anything else, or anything doubtful
// (unknown or repeated flags, bundled short flags, another output format), is not a FastRequest
// and goes through the full path. The full path reduces its parsed flags the same way
// (fastpath/record.ts), so both agree on the fingerprint.

export type FastCommand = 'export' | 'auth' | 'get-cred';

interface Spec {
  /** flags with a value, by long name */
  strings: readonly string[];
  booleans: readonly string[];
  short: Readonly<Record<string, string>>;
  positionals: { min: number; max: number };
  /** flags that only choose the output (checked here, left out of the request) */
  output: readonly string[];
}

// each command's own flags (src/cli/*.ts) that the fast path understands; --profile is global
// but only export uses it
export const SPECS: Readonly<Record<FastCommand, Spec>> = {
  export: { strings: ['profile', 'format'], booleans: [], short: { f: 'format' }, positionals: { min: 0, max: 1 }, output: ['format'] },
  auth: { strings: ['role_arn', 'role-arn', 'duration'], booleans: [], short: { d: 'duration' }, positionals: { min: 1, max: 1 }, output: [] },
  'get-cred': {
    // --max-duration and --use-secret: aws-cli-oidc's long names of -d and -s
    strings: ['provider', 'role', 'duration', 'max-duration'],
    booleans: ['json', 'secret', 'use-secret'],
    short: { p: 'provider', r: 'role', d: 'duration', j: 'json', s: 'secret' },
    positionals: { min: 0, max: 0 },
    // -s only asks for caching, which rolecall always does
    output: ['json', 'secret', 'use-secret'],
  },
};

export interface FastRequest {
  command: FastCommand;
  positionals: string[];
  /** the flags that change the credentials, sorted by name */
  flags: [string, string | true][];
}

const isFastCommand = (name: string | undefined): name is FastCommand => name === 'export' || name === 'auth' || name === 'get-cred';

/** true when the command prints credential_process JSON with these flags */
export function printsProcessJson(command: FastCommand, flags: ReadonlyMap<string, string | true>, stdoutIsTTY: boolean): boolean {
  if (command === 'auth') return true;
  if (command === 'get-cred') return flags.get('json') === true;
  const format = flags.get('format');
  // the full path prints credential_process JSON for --format process, and by default when stdout is not a terminal
  return format === undefined ? !stdoutIsTTY : format === 'process';
}

/** The request in canonical form; `flags` holds only what the spec knows. */
export function canonical(command: FastCommand, positionals: string[], flags: ReadonlyMap<string, string | true>): FastRequest {
  const output = SPECS[command].output;
  return {
    command,
    positionals,
    flags: [...flags].filter(([name]) => !output.includes(name)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  };
}

/** What `rolecall ARGV` asks for, when the fast path can answer it; `stdoutIsTTY` decides export's default format. */
export function fastRequest(argv: readonly string[], stdoutIsTTY: boolean): FastRequest | undefined {
  const [command, ...args] = argv;
  if (!isFastCommand(command)) return undefined;
  const spec = SPECS[command];
  const flags = new Map<string, string | true>();
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('-')) {
      if (arg === '') return undefined;
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const long = arg.startsWith('--');
    const written = long ? arg.slice(2, eq > 0 ? eq : undefined) : arg.slice(1);
    const name = long ? written : spec.short[written];
    if (name === undefined || flags.has(name)) return undefined;
    if (spec.booleans.includes(name)) {
      if (long && eq > 0) return undefined;
      flags.set(name, true);
    } else if (spec.strings.includes(name)) {
      const value = long && eq > 0 ? arg.slice(eq + 1) : args[++i];
      if (value === undefined || value === '' || value.startsWith('-')) return undefined;
      flags.set(name, value);
    } else {
      return undefined;
    }
  }
  if (positionals.length < spec.positionals.min || positionals.length > spec.positionals.max) return undefined;
  if (!printsProcessJson(command, flags, stdoutIsTTY)) return undefined;
  return canonical(command, positionals, flags);
}
