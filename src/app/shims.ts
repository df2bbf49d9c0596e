// The opt-in old command names: small sh scripts named aws-oidc, aws-cli-oidc, aws-runas and
// assume-role that run rolecall with those tools' command lines, so that credential_process lines,
// scripts and habits keep working once the old tools are gone. Each carries a marker line, so that
// rolecall only ever overwrites or removes its own; doctor says which of a shim and an old tool
// comes first on PATH.
import { accessSync, constants, existsSync, mkdirSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { RolecallError } from '../errors';
import { writeFileAtomic } from '../store/atomic-write';
import type { Finding } from './doctor-finding';

export const SHIM_TOOLS = ['aws-oidc', 'aws-cli-oidc', 'aws-runas', 'assume-role'] as const;
export type ShimTool = (typeof SHIM_TOOLS)[number];

const MARKER = '# rolecall shim for ';

const ABOUT: Record<ShimTool, string> = {
  'aws-oidc': "aws-oidc's command lines (auth, exec, login, list) are rolecall's",
  'aws-cli-oidc': "aws-cli-oidc's get-cred, clear-secret and completion are rolecall's; setup writes ~/.aws-cli-oidc/config.yaml",
  'aws-runas': "aws-runas's command line, through rolecall runas",
  'assume-role': "coinbase's assume-role: run, it prints exports for eval; sourced, it defines the assume-role function",
};

function quote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/** The shim's text: `rolecall` is the argv that runs this rolecall (`rolecall` on PATH, or node and the script). */
export function shimScript(tool: ShimTool, rolecall: string[]): string {
  const run = rolecall.map(quote).join(' ');
  const head = `#!/bin/sh\n${MARKER}${tool}: ${ABOUT[tool]}.\n# Written by \`rolecall shims install\`; \`rolecall shims uninstall\` removes it.\n`;
  switch (tool) {
    case 'aws-oidc':
      return `${head}exec ${run} "$@"\n`;
    case 'aws-cli-oidc':
      return `${head}if [ "$1" = setup ]; then shift; exec ${run} setup --kind aws-cli-oidc "$@"; fi\nexec ${run} "$@"\n`;
    case 'aws-runas':
      return `${head}exec ${run} runas "$@"\n`;
    case 'assume-role':
      // sourced by bash or zsh (coinbase: `source $(which assume-role)` in ~/.zshrc): define the
      // function and return; run (eval $(assume-role ...)): print the exports
      return `${head}if [ -n "$ZSH_VERSION" ] && case "$ZSH_EVAL_CONTEXT" in *:file*) true;; *) false;; esac; then
  eval "$(${run} shell-init zsh --name assume-role)"
  return 0
fi
if [ -n "$BASH_VERSION" ] && eval '[ "\${BASH_SOURCE[0]}" != "$0" ]'; then
  eval "$(${run} shell-init bash --name assume-role)"
  return 0
fi
# sourced by another shell (dash, ksh: $0 is the shell's name), exec would replace that shell
case "\${0##*/}" in
  assume-role) ;;
  *) echo 'assume-role: sourced, it defines the assume-role function in bash and zsh only; here use eval "$(assume-role ACCOUNT ROLE [MFA])"' >&2; return 1 ;;
esac
exec ${run} assume "$@"
`;
  }
}

/** Whether the file at `path` is one of rolecall's shims (only those are overwritten or removed). */
export function isShim(path: string): boolean {
  try {
    return readFileSync(path, 'utf8').slice(0, 512).includes(`\n${MARKER}`);
  } catch {
    return false;
  }
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function pathDirs(env: NodeJS.ProcessEnv): string[] {
  return [...new Set((env.PATH ?? '').split(delimiter).filter((dir) => dir !== '').map((dir) => resolve(dir)))];
}

/** Every `tool` on PATH, in the order the shell finds them, and whether each is rolecall's shim. */
export function findOnPath(tool: string, env: NodeJS.ProcessEnv): { path: string; shim: boolean }[] {
  return pathDirs(env)
    .map((dir) => join(dir, tool))
    .filter(isExecutableFile)
    .map((path) => ({ path, shim: isShim(path) }));
}

function writable(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Where `shims install` writes without a DIR: ~/.local/bin when it is on PATH (created if need be),
 * else the first directory on PATH under HOME that rolecall can write.
 */
export function defaultShimDir(env: NodeJS.ProcessEnv, home: string): string {
  const dirs = pathDirs(env);
  const local = join(home, '.local', 'bin');
  if (dirs.includes(local) && (!existsSync(local) || writable(local))) return local;
  const under = dirs.find((dir) => dir.startsWith(`${resolve(home)}/`) && existsSync(dir) && writable(dir));
  if (under) return under;
  throw new RolecallError('USAGE', 'rolecall shims install found no directory on your PATH that it can write under your home directory', {
    hint: `Name one: rolecall shims install DIR (and put DIR on PATH), e.g. mkdir -p ${local} and add it to PATH in your shell's rc file.`,
  });
}

export interface ShimReport {
  dir: string;
  written: string[];
  /** not on PATH: the shims will not be found by name */
  onPath: boolean;
}

/** Writes the four shims into `dir` (0755, atomically); refuses, before writing any, when a file there is not a rolecall shim. */
export function installShims(dir: string, rolecall: string[], env: NodeJS.ProcessEnv): ShimReport {
  const target = resolve(dir);
  const foreign = SHIM_TOOLS.map((tool) => join(target, tool)).filter((path) => existsSync(path) && !isShim(path));
  if (foreign.length) {
    throw new RolecallError('USAGE', `rolecall shims install will not overwrite ${foreign.join(', ')}: ${foreign.length === 1 ? 'it is' : 'they are'} not rolecall's`, {
      hint: 'Those are the old tools (or other programs): uninstall them first, or install the shims into another directory on PATH: rolecall shims install DIR.',
    });
  }
  mkdirSync(target, { recursive: true, mode: 0o755 });
  const written = SHIM_TOOLS.map((tool) => {
    const path = join(target, tool);
    writeFileAtomic(path, shimScript(tool, rolecall), 0o755);
    return path;
  });
  return { dir: target, written, onPath: pathDirs(env).includes(target) };
}

/** Removes rolecall's shims from `dir`, or from every directory on PATH; other files stay. */
export function uninstallShims(dir: string | undefined, env: NodeJS.ProcessEnv): string[] {
  const dirs = dir === undefined ? pathDirs(env) : [resolve(dir)];
  const removed: string[] = [];
  for (const d of dirs) {
    for (const tool of SHIM_TOOLS) {
      const path = join(d, tool);
      if (existsSync(path) && isShim(path)) {
        unlinkSync(path);
        removed.push(path);
      }
    }
  }
  return removed;
}

/**
 * doctor: for each old command name, which runs when it is typed. A shim first on PATH shadows an
 * old tool further on (info); an old tool first shadows rolecall's shim (warn: the old tool runs).
 */
export function shimFindings(env: NodeJS.ProcessEnv): Finding[] {
  const findings: Finding[] = [];
  for (const tool of SHIM_TOOLS) {
    const found = findOnPath(tool, env);
    const shim = found.find((f) => f.shim);
    const old = found.find((f) => !f.shim);
    if (!shim || !old) continue;
    if (found[0]!.shim) {
      findings.push({ check: 'shims', level: 'info', message: `rolecall's ${tool} shim (${shim.path}) comes first on PATH, before the old ${tool} at ${old.path}: \`${tool}\` runs rolecall` });
    } else {
      findings.push({
        check: 'shims',
        level: 'warn',
        message: `the old ${tool} at ${old.path} comes first on PATH, before rolecall's shim at ${shim.path}: \`${tool}\` still runs the old tool`,
        hint: `Uninstall the old ${tool}, or put ${join(shim.path, '..')} before ${join(old.path, '..')} in PATH.`,
      });
    }
  }
  return findings;
}
