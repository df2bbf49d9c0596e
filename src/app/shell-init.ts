// The `assume` shell function that `rolecall shell-init SHELL` prints for the user's rc file.
import { RolecallError } from '../errors';

export const INIT_SHELLS = ['bash', 'zsh', 'fish', 'powershell'] as const;
export type InitShell = (typeof INIT_SHELLS)[number];

/** The shell named, else the login shell ($SHELL) when it is one of INIT_SHELLS. */
export function parseInitShell(value: string | undefined, env: NodeJS.ProcessEnv = {}): InitShell {
  const login = env.SHELL?.split('/').pop()?.replace(/^pwsh$/, 'powershell');
  const shell = value ?? login;
  if (shell && (INIT_SHELLS as readonly string[]).includes(shell)) return shell as InitShell;
  throw new RolecallError('USAGE', value ? `rolecall shell-init does not know the shell "${value}"` : 'rolecall shell-init needs a shell name ($SHELL names none it knows)', {
    hint: `Use one of: ${INIT_SHELLS.join(', ')}, e.g. eval "$(rolecall shell-init bash)" in ~/.bashrc.`,
  });
}

function posixQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** `invocation`: the argv that runs this rolecall (node and the script), so the function works without PATH changes */
export function shellInit(shell: InitShell, invocation: string[]): string {
  switch (shell) {
    case 'bash':
    case 'zsh': {
      const rc = invocation.map(posixQuote).join(' ');
      return `# rolecall: assume PROFILE sets credentials in this shell; assume --unset clears them.
assume() {
  if [ "$1" = "--unset" ]; then
    eval "$(${rc} unset --format ${shell})"
    return
  fi
  local __rolecall_out
  __rolecall_out="$(${rc} export "$@" --format ${shell} --prompt-vars)" || return $?
  eval "$__rolecall_out"
}
`;
    }
    case 'fish': {
      const rc = invocation.map((a) => `'${a.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`).join(' ');
      return `# rolecall: assume PROFILE sets credentials in this shell; assume --unset clears them.
function assume
  if test "$argv[1]" = "--unset"
    ${rc} unset --format fish | source
    return
  end
  set -l __rolecall_out (${rc} export $argv --format fish --prompt-vars)
  or return $status
  printf '%s\n' $__rolecall_out | source
end
`;
    }
    case 'powershell': {
      const [exe, ...rest] = invocation.map((a) => `'${a.replace(/'/g, "''")}'`);
      return `# rolecall: assume PROFILE sets credentials in this session; assume --unset clears them.
function assume {
  if ($args[0] -eq '--unset') { & ${exe} ${rest.join(' ')} unset --format powershell | Out-String | Invoke-Expression; return }
  $out = & ${exe} ${rest.join(' ')} export @args --format powershell --prompt-vars | Out-String
  if ($LASTEXITCODE -ne 0) { return }
  Invoke-Expression $out
}
`;
    }
  }
}
