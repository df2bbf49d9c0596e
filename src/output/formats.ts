// The output formats of export, from-sts, assume and unset, and how the default is chosen.
import { RolecallError } from '../errors';
import { didYouMean } from '../platform/suggest';

export type Format = 'process' | 'env' | 'bash' | 'zsh' | 'sh' | 'fish' | 'powershell' | 'json' | 'dotenv';

export const FORMATS: readonly Format[] = ['process', 'env', 'bash', 'zsh', 'sh', 'fish', 'powershell', 'json', 'dotenv'];

/** The formats that are shell code: they can unset variables as well as set them. */
export type ShellFormat = Extract<Format, 'bash' | 'zsh' | 'sh' | 'fish' | 'powershell'>;

export const SHELL_FORMATS: readonly ShellFormat[] = ['bash', 'zsh', 'sh', 'fish', 'powershell'];

// Names people type for a shell whose syntax is one of ours.
const ALIASES: Record<string, Format> = { pwsh: 'powershell', dash: 'sh', ksh: 'sh', mksh: 'sh', ash: 'sh' };

export function isShellFormat(format: Format): format is ShellFormat {
  return (SHELL_FORMATS as readonly Format[]).includes(format);
}

/** `value` as a format (case-insensitive, shell aliases accepted); `source` names where it came from, e.g. "flag --format". */
export function parseFormat(value: string, source: string): Format {
  const wanted = value.trim().toLowerCase();
  const found = (FORMATS as readonly string[]).includes(wanted) ? (wanted as Format) : ALIASES[wanted];
  if (found) return found;
  throw new RolecallError('USAGE', `unknown output format "${value}" (from ${source}).${didYouMean(wanted, FORMATS)}`, {
    hint: `Use one of: ${FORMATS.join(', ')}.`,
  });
}

/**
 * Output meant for `eval`/`source` when --format names no shell: POSIX `export` lines, as every
 * tool rolecall replaces printed them. They work in bash, zsh, dash and ksh whatever $SHELL says
 * (a fish user's `bash -c 'eval "$(...)"'` included); the shell-init functions ask for their own
 * shell's syntax with --format.
 */
export const EVAL_FORMAT: ShellFormat = 'sh';

/** credential_process JSON when stdout is captured (the AWS CLI, a pipe), POSIX exports on a terminal. */
export function defaultFormat(stdoutIsTTY: boolean): Format {
  return stdoutIsTTY ? EVAL_FORMAT : 'process';
}
