// Runs the built rolecall binary (dist/bin.cjs) the way a user's shell or the AWS CLI would.
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';

export const BIN = new URL('../../dist/bin.cjs', import.meta.url).pathname;
/** the key tempHome's secrets file is encrypted with (ROLECALL_SECRETS_KEY) */
export const TEST_SECRETS_KEY = '0f'.repeat(32);

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A throwaway HOME with its own ~/.aws and cache dir; `env` is a clean environment pointing at it. */
export interface Home {
  dir: string;
  env: NodeJS.ProcessEnv;
  write(relative: string, text: string, mode?: number): string;
  remove(): void;
}

export function tempHome(): Home {
  const dir = mkdtempSync(join(tmpdir(), 'rolecall-home-'));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: dir,
    LANG: 'C.UTF-8',
    AWS_CONFIG_FILE: join(dir, '.aws', 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, '.aws', 'credentials'),
    ROLECALL_CACHE_DIR: join(dir, '.cache', 'rolecall'),
    // the encrypted secrets file, with a key of the test's: no test depends on this machine's keyrings
    ROLECALL_KEYRING: 'file',
    ROLECALL_SECRETS_KEY: TEST_SECRETS_KEY,
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  return {
    dir,
    env,
    write(relative, text, mode = 0o600) {
      const path = join(dir, relative);
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      writeFileSync(path, text, { mode });
      return path;
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * `rolecall` on the home's PATH as `npm install -g` puts it there (a symlink to dist/bin.cjs in
 * HOME/bin), so that a seed's own lines (`credential_process = rolecall ...`, `eval $(rolecall ...)`)
 * run as written. Returns the bin directory.
 */
export function installRolecall(home: Home): string {
  const bin = join(home.dir, 'bin');
  mkdirSync(bin, { recursive: true });
  symlinkSync(BIN, join(bin, 'rolecall'));
  home.env.PATH = `${bin}:${home.env.PATH ?? ''}`;
  return bin;
}

export function runRolecall(args: string[], options: { env: NodeJS.ProcessEnv; input?: string; timeoutMs?: number }): Promise<RunResult> {
  return runProcess(process.execPath, [BIN, ...args], options);
}

export function runProcess(
  command: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; input?: string; timeoutMs?: number; cwd?: string },
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: options.env, cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'], detached: false });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    // a child that exits without reading its input (mkdir, ln) closes the pipe first: not an error
    child.stdin.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') reject(error);
    });
    child.stdin.end(options.input ?? '');
  });
}
