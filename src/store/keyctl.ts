// The kernel's user keyring (@u) through the `keyctl` tool of keyutils, for where the keyring
// library cannot reach the kernel keyring: it adds to the session keyring, and a process started
// without one (a container, `docker exec`, a cron job, a service) is refused (AccessDenied). The
// user keyring needs no session and no daemon; like every kernel keyring it is lost at reboot.
// Values go through stdin and stdout, never argv.
import { execFile } from 'node:child_process';
import { RolecallError } from '../errors';

export interface KernelKeyring {
  get(description: string): Promise<string | undefined>;
  set(description: string, value: string): Promise<void>;
  delete(description: string): Promise<boolean>;
}

const MISSING = /Required key not available|No such file or directory|Key has been revoked|Key has expired/;

function keyctl(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile('keyctl', args, { timeout: 10_000, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') {
        reject(
          new RolecallError('KEYRING_UNAVAILABLE', `the kernel keyring could not be reached through keyctl: ${error.code === 'ENOENT' ? 'keyctl is not installed' : error.message.split('\n')[0]}`, {
            hint: 'Install keyutils (it provides keyctl), or set ROLECALL_SECRETS_KEY to keep secrets in an encrypted file.',
            cause: error,
          }),
        );
        return;
      }
      resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr });
    });
    // keyctl reads stdin only for padd; the others may exit before their stdin is closed
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(input ?? '');
  });
}

function failed(operation: string, stderr: string): RolecallError {
  return new RolecallError('KEYRING_ERROR', `the kernel keyring could not ${operation}: ${stderr.trim().split('\n')[0] || 'keyctl failed'}`);
}

let linked: Promise<unknown> | undefined;

/**
 * A key is readable by the processes that "possess" it: those whose session keyring leads to it.
 * A process without a session keyring gets one when it first touches the kernel keyring (the
 * keyring library does that), and the user keyring is not linked into it: link it, as pam_keyinit
 * does for a login, so that keyctl's children find and read the user keyring's keys.
 */
const possess = () => (linked ??= keyctl(['link', '@u', '@s']));

/** the key's id in the user keyring, searched there by description */
async function find(description: string): Promise<string | undefined> {
  await possess();
  const found = await keyctl(['search', '@u', 'user', description]);
  if (found.code === 0) return found.stdout.trim();
  if (MISSING.test(found.stderr)) return undefined;
  throw failed('search the user keyring', found.stderr);
}

export const userKeyring: KernelKeyring = {
  async get(description) {
    const id = await find(description);
    if (!id) return undefined;
    const read = await keyctl(['pipe', id]);
    if (read.code === 0) return read.stdout;
    if (MISSING.test(read.stderr)) return undefined;
    throw failed('read a key', read.stderr);
  },
  async set(description, value) {
    // padd replaces a key of the same type and description in the keyring
    const added = await keyctl(['padd', 'user', description, '@u'], value);
    if (added.code !== 0) throw failed('store a key', added.stderr);
  },
  async delete(description) {
    const id = await find(description);
    if (!id) return false;
    const removed = await keyctl(['unlink', id, '@u']);
    if (removed.code === 0) return true;
    if (MISSING.test(removed.stderr)) return false;
    throw failed('delete a key', removed.stderr);
  },
};
