// Another local user, for the attacks a shared machine allows: the tests run as root in CI, and
// `setpriv` runs a command as uid/gid 65534 (nobody) with no supplementary groups.
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
