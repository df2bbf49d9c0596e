// Another local user, for the attacks a shared machine allows: the tests run as root in CI, and
// `setpriv` runs a command as uid/gid 65534 (nobody) with no supplementary groups.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { runProcess, type RunResult } from './cli';

export const NOBODY = 65534;

/** Why the other-user tests cannot run here, or false when they can. */
export const otherUserSkip: string | false = process.getuid?.() === 0 ? false : 'needs root to act as another local user (setpriv --reuid 65534)';

/** Runs `command` as nobody with a minimal environment. */
export function asNobody(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string } = {}): Promise<RunResult> {
  return runProcess('setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', '--', command, ...args], {
    env: { PATH: '/usr/bin:/bin', HOME: '/nonexistent', ...options.env },
    timeoutMs: options.timeoutMs,
    cwd: options.cwd ?? '/',
  });
}

/** Starts `command` as nobody and leaves it running: the caller stops it with kill(). */
export function spawnAsNobody(command: string, args: string[]): ChildProcessWithoutNullStreams {
  return spawn('setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', '--', command, ...args], {
    env: { PATH: '/usr/bin:/bin', HOME: '/nonexistent' },
    cwd: '/',
  });
}

/**
 * A listener held by nobody on HOST:PORT that records every request it receives (what a squatter
 * would steal). Resolves once it listens, or with the error that kept it from listening.
 */
export async function squatAsNobody(host: string, port: number): Promise<{ listening: boolean; error?: string; received(): string; stop(): void }> {
  const script = `const s = require('node:net').createServer((c) => c.on('data', (d) => process.stdout.write(d)).end('HTTP/1.1 200 OK\\r\\ncontent-length: 0\\r\\n\\r\\n'));
s.on('error', (e) => { console.error(e.code); process.exit(3); });
s.listen(${port}, ${JSON.stringify(host)}, () => console.error('listening'));`;
  const child = spawnAsNobody(process.execPath, ['-e', script]);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  const state = await new Promise<string>((resolve) => {
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      if (/listening|E[A-Z]+/.test(stderr)) resolve(stderr.trim());
    });
    child.once('exit', () => resolve(stderr.trim()));
  });
  return {
    listening: state === 'listening',
    error: state === 'listening' ? undefined : state,
    received: () => stdout,
    stop: () => void child.kill('SIGKILL'),
  };
}
