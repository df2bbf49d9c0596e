// Runs a child process with credentials in its environment: exit status and signals passed through.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { RolecallError } from '../errors';
import type { Logger } from '../platform/logger';

export interface ExecInput {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  log: Logger;
  /** written to the child's stdin before rolecall's own stdin is passed on (ssh --via stdin) */
  stdinPrefix?: string;
}

const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGWINCH'];

/** Resolves with the exit status to use: the child's, or 128 + signal number when it was killed. */
export function runChild(input: ExecInput): Promise<number> {
  return new Promise((resolve, reject) => {
    const relay = input.stdinPrefix !== undefined;
    const child = spawn(input.command, input.args, { env: input.env, stdio: [relay ? 'pipe' : 'inherit', 'inherit', 'inherit'] });
    if (relay && child.stdin) {
      // a child that stops reading early closes the pipe: that is its business, not an error of ours
      child.stdin.on('error', () => undefined);
      child.stdin.write(input.stdinPrefix);
      process.stdin.pipe(child.stdin);
    }
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    for (const signal of FORWARDED) process.on(signal, forward);
    const cleanup = () => {
      for (const signal of FORWARDED) process.off(signal, forward);
      if (relay) {
        process.stdin.unpipe();
        process.stdin.destroy();
      }
    };
    child.on('error', (error: NodeJS.ErrnoException) => {
      cleanup();
      reject(
        error.code === 'ENOENT'
          ? new RolecallError('EXEC_FAILED', `cannot run "${input.command}": command not found`)
          : new RolecallError('EXEC_NOT_EXECUTABLE', `cannot run "${input.command}": ${error.code === 'EACCES' ? 'permission denied' : error.message}`),
      );
    });
    child.on('exit', (code, signal) => {
      cleanup();
      if (signal) {
        input.log.debug(`child ended by ${signal}`);
        const number = constants.signals[signal] ?? 1;
        resolve(128 + number);
      } else resolve(code ?? 1);
    });
  });
}
