// kill -9 on the writes themselves: a dry run lists every point a command's writes pass (temp file
// created, data written, synced, renamed; lock created: src/store/kill-point.ts), then the command
// is run again for each point, stops there, and is killed. A point the run no longer reaches is
// reported as missed, so that a test records only the faults that really hit.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { BIN } from './cli';

export interface KillPointHit {
  point: string;
  path: string;
  /** ROLECALL_TEST_KILL_AT for this point: POINT@PATH#N */
  at: string;
}

function logOf(dir: string): string[] {
  const file = join(dir, 'points.log');
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

async function run(args: string[], env: NodeJS.ProcessEnv, at: string, onStop: () => boolean): Promise<{ stopped: boolean; lines: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'rolecall-kill-'));
  try {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...env, ROLECALL_TEST_KILL_AT: at, ROLECALL_TEST_KILL_LOG: join(dir, 'points.log') }, stdio: 'ignore' });
    let exited = false;
    const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
    void closed.then(() => (exited = true));
    let stopped = false;
    while (!exited) {
      if (logOf(dir).some((line) => line.startsWith('stopped ')) && onStop()) {
        stopped = true;
        child.kill('SIGKILL');
        break;
      }
      await sleep(10);
    }
    await closed;
    return { stopped, lines: logOf(dir) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every write point `args` passes, in order, each with the ROLECALL_TEST_KILL_AT that stops there. */
export async function killPointsOf(args: string[], env: NodeJS.ProcessEnv): Promise<KillPointHit[]> {
  const { lines } = await run(args, env, '*', () => false);
  const times = new Map<string, number>();
  return lines.map((line) => {
    const [point, ...rest] = line.split(' ');
    const path = rest.join(' ');
    // a fast-path index is named by a hash of the whole request, this variable included: name its directory
    const part = path.includes('/fast/') ? `${dirname(path)}/` : path;
    const n = (times.get(`${point} ${part}`) ?? 0) + 1;
    times.set(`${point} ${part}`, n);
    return { point: point!, path, at: `${point}@${part}#${n}` };
  });
}

/** Runs `args`, and kills it with SIGKILL when it stops at `at`; false when the run ended without reaching it. */
export async function killAt(args: string[], env: NodeJS.ProcessEnv, at: string): Promise<boolean> {
  return (await run(args, env, at, () => true)).stopped;
}

const WHERE: Record<string, string> = {
  'temp-created': 'after its temp file was created',
  'temp-written': 'after the data was written, before fsync',
  'temp-synced': 'after fsync, before the rename',
  renamed: 'after the rename, before the directory fsync',
  'lock-created': "after the lock's temporary file was created, before its owner was written and linked into place",
};

/** "kill -9 after the data was written, before fsync, of credentials/<key>.json" (paths relative to `root`) */
export function describeKill(point: string, path: string, root: string): string {
  return `kill -9 ${WHERE[point] ?? point}, of ${relative(root, path).replace(/[0-9a-f]{20,}/g, '<key>')}`;
}
