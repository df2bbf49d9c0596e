// The argv shapes the fast path answers, reduced to what decides the result. Anything else, or
// anything doubtful, is not a FastRequest and goes through the full path.

export interface FastRequest {
  command: 'export';
  /** PROFILE as a positional argument */
  profileArg?: string;
  /** --profile P */
  profileFlag?: string;
}

/** What `rolecall ARGV` asks for, when the fast path can answer it; `stdoutIsTTY` decides export's default format. */
export function fastRequest(argv: readonly string[], stdoutIsTTY: boolean): FastRequest | undefined {
  const [command, ...args] = argv;
  if (command !== 'export') return undefined;
  const request: FastRequest = { command };
  let format: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const eq = arg.indexOf('=');
    const [flag, inline] = arg.startsWith('--') && eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
    if (flag === '--format' || flag === '-f' || flag === '--profile') {
      const value = inline ?? args[++i];
      if (value === undefined || value === '' || value.startsWith('-')) return undefined;
      if (flag === '--profile') {
        if (request.profileFlag !== undefined) return undefined;
        request.profileFlag = value;
      } else {
        if (format !== undefined) return undefined;
        format = value;
      }
    } else if (!arg.startsWith('-') && arg !== '' && request.profileArg === undefined) {
      request.profileArg = arg;
    } else {
      return undefined;
    }
  }
  // the full path prints credential_process JSON for --format process, and by default when stdout is not a terminal
  if (format === undefined ? stdoutIsTTY : format !== 'process') return undefined;
  return request;
}
