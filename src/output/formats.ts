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

/** The export lines for the user's login shell ($SHELL), or POSIX sh when it is unknown. */
export function shellFormat(env: NodeJS.ProcessEnv): ShellFormat {
  const name = (env.SHELL ?? '').split(/[\\/]/).pop()?.replace(/\.exe$/i, '').toLowerCase() ?? '';
  if (name === 'bash' || name === 'zsh' || name === 'fish') return name;
  if (name === 'pwsh' || name === 'powershell') return 'powershell';
  return 'sh';
}

/** credential_process JSON when stdout is captured (the AWS CLI, a pipe), the user's shell exports on a terminal. */
export function defaultFormat(stdoutIsTTY: boolean, env: NodeJS.ProcessEnv): Format {
  return stdoutIsTTY ? shellFormat(env) : 'process';
}
