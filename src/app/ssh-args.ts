// Reads an OpenSSH command line the way ssh(1) does, to find where the remote command starts:
// options (clustered or not, with their values), the destination, options after it, then the
// command. Only what `rolecall ssh` needs: the command, and the flags it must know about.

/** ssh's getopt string (OpenSSH 9.x): a letter followed by ":" takes a value */
const OPTIONS = '1246ab:c:e:fgi:kl:m:no:p:qstvxAB:CD:E:F:GI:J:KL:MNO:P:Q:R:S:TVw:W:XYy';

const TAKES_VALUE = new Set([...OPTIONS.matchAll(/(\w):/g)].map((m) => m[1]!));

export interface SshCommandLine {
  /** the arguments before the remote command (options and destination), as given */
  head: string[];
  destination?: string;
  /** the remote command's words (ssh joins them with spaces for the remote shell) */
  command: string[];
  /** how often each flag letter was given (-tt: t twice) */
  flags: Map<string, number>;
}

export function parseSshArgs(args: readonly string[]): SshCommandLine {
  const flags = new Map<string, number>();
  let destination: string | undefined;
  let i = 0;
  let terminated = false;
  while (i < args.length) {
    const arg = args[i]!;
    if (!terminated && arg === '--') {
      terminated = true;
      i += 1;
      continue;
    }
    if (!terminated && arg.startsWith('-') && arg.length > 1) {
      // a cluster: -tt, -vN, -p22, -p 22
      for (let j = 1; j < arg.length; j += 1) {
        const letter = arg[j]!;
        flags.set(letter, (flags.get(letter) ?? 0) + 1);
        if (TAKES_VALUE.has(letter)) {
          if (j === arg.length - 1) i += 1;
          break;
        }
      }
      i += 1;
      continue;
    }
    if (destination !== undefined) break;
    destination = arg;
    i += 1;
    // ssh reads options after the destination too, until `--` or the first word of the command
    if (terminated) break;
  }
  return { head: args.slice(0, i), destination, command: args.slice(i), flags };
}
