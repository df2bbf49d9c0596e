// Runs commands against a real Linux keyring from a headless CI job (root, no desktop):
//   keyutils:       `keyctl session -` gives the command a fresh session keyring of its own
//   secret-service: `dbus-run-session` starts a private session bus, and gnome-keyring-daemon is
//                   started on it with an unlocked login collection (password "ci")
// Every command in `script` runs inside the same keyring, so secrets outlive one process.
import { spawnSync } from 'node:child_process';
import { runProcess, type RunResult } from './cli';

export type KeyringKind = 'keyutils' | 'secret-service';

export function keyringAvailable(kind: KeyringKind): boolean {
  const tool = kind === 'keyutils' ? 'keyctl' : 'gnome-keyring-daemon';
  const found = spawnSync('sh', ['-c', `command -v ${tool} && command -v ${kind === 'keyutils' ? 'true' : 'dbus-run-session'}`]);
  return found.status === 0;
}

/**
 * runs the sh `script` inside a fresh keyring of the given kind; killed after 90 s, before the
 * calling test's own 120 s timeout (a test that times out with its child alive leaves the file hanging)
 */
export function inKeyring(kind: KeyringKind, script: string, env: NodeJS.ProcessEnv): Promise<RunResult> {
  if (kind === 'keyutils') return runProcess('keyctl', ['session', '-', 'sh', '-c', script], { env, timeoutMs: 90_000 });
  const setup = 'printf ci | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1 || exit 99';
  return runProcess('dbus-run-session', ['--', 'sh', '-c', `${setup}; ${script}`], { env, timeoutMs: 90_000 });
}
