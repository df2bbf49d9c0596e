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

/** What `--name` may be: a function name every supported shell accepts (coinbase's `assume-role` included). */
const FUNCTION_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export function checkFunctionName(name: string): string {
  if (FUNCTION_NAME.test(name)) return name;
  throw new RolecallError('USAGE', `rolecall shell-init --name "${name}" is not a function name the shells accept`, {
    hint: 'Use letters, digits, _ and -, starting with a letter: --name assume-role, --name rc-assume.',
  });
}

/**
 * The shell function `name` (default `assume`): `NAME PROFILE`, `NAME ACCOUNT ROLE [MFA]` (coinbase's
 * sourced assume-role), `NAME` alone asks; `NAME --unset` clears. It runs `rolecall assume` with
 * the shell's own --format. `invocation`: the argv that runs this rolecall (node and the script),
 * so the function works without PATH changes.
 */
export function shellInit(shell: InitShell, invocation: string[], name = 'assume'): string {
  const about = `# rolecall: ${name} PROFILE, or ${name} ACCOUNT ROLE [MFA], sets credentials in this shell; ${name} --unset clears them.`;
  switch (shell) {
    case 'bash':
    case 'zsh': {
      const rc = invocation.map(posixQuote).join(' ');
      return `${about}
${name}() {
  if [ "$1" = "--unset" ]; then
    eval "$(${rc} unset --format ${shell})"
    return
  fi
  local __rolecall_out
  __rolecall_out="$(${rc} assume "$@" --format ${shell})" || return $?
  eval "$__rolecall_out"
}
`;
    }
    case 'fish': {
      const rc = invocation.map((a) => `'${a.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`).join(' ');
      return `${about}
function ${name}
  if test "$argv[1]" = "--unset"
    ${rc} unset --format fish | source
    return
  end
  set -l __rolecall_out (${rc} assume $argv --format fish)
  or return $status
  printf '%s\n' $__rolecall_out | source
end
`;
    }
    case 'powershell': {
      const [exe, ...rest] = invocation.map((a) => `'${a.replace(/'/g, "''")}'`);
      return `${about}
function ${name} {
  if ($args[0] -eq '--unset') { & ${exe} ${rest.join(' ')} unset --format powershell | Out-String | Invoke-Expression; return }
  $out = & ${exe} ${rest.join(' ')} assume @args --format powershell | Out-String
  if ($LASTEXITCODE -ne 0) { return }
  Invoke-Expression $out
}
`;
    }
  }
}
