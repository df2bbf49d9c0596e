// One line of shell code to set or unset a variable, per shell. Lines end with `;` because the
// seeds' habit is an unquoted `eval $(...)`, which joins all lines into one.
import type { ShellFormat } from './formats';
import { quoteFish, quotePosix, quotePowerShell } from './quote';

interface ShellSyntax {
  set(name: string, value: string): string;
  unset(name: string): string;
}

const posix: ShellSyntax = {
  set: (name, value) => `export ${name}=${quotePosix(value)};`,
  // -v: plain `unset` in bash falls back to removing a function of that name
  unset: (name) => `unset -v ${name};`,
};

export const SHELL_SYNTAX: Record<ShellFormat, ShellSyntax> = {
  bash: posix,
  zsh: posix,
  sh: posix,
  fish: {
    set: (name, value) => `set -gx ${name} ${quoteFish(value)};`,
    // `set -e` of a variable that is not set fails with status 4; the guard keeps `| source` at 0
    unset: (name) => `if set -q ${name}; set -e ${name}; end;`,
  },
  powershell: {
    set: (name, value) => `$Env:${name} = ${quotePowerShell(value)}`,
    unset: (name) => `Remove-Item Env:${name} -ErrorAction SilentlyContinue`,
  },
};
