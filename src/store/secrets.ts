// Long-lived secrets (refresh tokens, IdP passwords, IAM user keys) in the OS keyring through
// @napi-rs/keyring, service "rolecall". On Linux the Secret Service (gnome-keyring, KWallet) is
// preferred; without one the kernel keyring (keyutils) is used, which forgets on reboot.
// ROLECALL_KEYRING=file keeps them in a 0600 JSON file under the cache directory instead, with a
// loud warning each time it is used.
import { readFileSync } from 'node:fs';
import type { AsyncEntry } from '@napi-rs/keyring';
import { RolecallError } from '../errors';
import type { Clock } from '../platform/clock';
import { writeFileAtomic } from './atomic-write';
import { ensureCacheDir, readPrivateFile, type StoreDeps } from './cache-dir';
import { secretsFile } from './layout';
import { withLock } from './lock';
import { loadKeyringBinding, type KeyringBinding } from './keyring-binding';

export interface SecretStore {
  get(name: string): Promise<string | undefined>;
  set(name: string, value: string): Promise<void>;
  /** true when there was something to delete */
  delete(name: string): Promise<boolean>;
  /** the names stored that start with `prefix` (for `clear`) */
  list(prefix: string): Promise<string[]>;
  readonly backend: 'keyring' | 'file';
}

/** What a sign-in reads and writes of the store (tests hand in a map). */
export type SecretStoreLike = Pick<SecretStore, 'get' | 'set' | 'delete'>;

export const KEYRING_SERVICE = 'rolecall';

/** `clock` is accepted so callers can hand in their whole context; secrets do not expire here. */
export type SecretDeps = StoreDeps & { clock?: Clock };

type Backend = 'auto' | 'secret-service' | 'keyutils' | 'file';

function chosenBackend(env: NodeJS.ProcessEnv): Backend {
  const raw = (env.ROLECALL_KEYRING ?? '').trim().toLowerCase();
  if (raw === '' || raw === 'auto' || raw === 'os') return 'auto';
  if (raw === 'file' || raw === 'secret-service' || raw === 'keyutils') return raw;
  throw new RolecallError('CONFIG_INVALID', `ROLECALL_KEYRING="${env.ROLECALL_KEYRING}" is not a keyring rolecall knows (from environment variable ROLECALL_KEYRING)`, {
    hint: 'Use auto (the default), secret-service, keyutils, or file.',
  });
}

function keyringError(operation: string, error: unknown): RolecallError {
  const message = error instanceof Error ? error.message : String(error);
  // "Couldn't access platform storage", "no storage access", D-Bus not reachable
  const unavailable = /platform storage|NoStorageAccess|storage access|dbus|zbus|not available|unavailable/i.test(message);
  return new RolecallError(unavailable ? 'KEYRING_UNAVAILABLE' : 'KEYRING_ERROR', `the OS keyring could not ${operation}: ${message}`, { cause: error });
}

function keyringStore(pinned: Exclude<Backend, 'file'>, deps: SecretDeps): SecretStore {
  let binding: KeyringBinding | undefined;
  // Linux only: the store that answers (elsewhere the platform has one)
  let linux: 'secret-service' | 'keyutils' | undefined;
  let warnedKernel = false;

  /** the binding and, on Linux, the store: the pinned one, else the Secret Service when one answers */
  const open = async () => {
    binding ??= await loadKeyringBinding(deps);
    if (process.platform === 'linux' && !linux) {
      if (pinned !== 'auto') {
        linux = pinned;
      } else {
        try {
          new binding.AsyncEntry(KEYRING_SERVICE, 'probe', { linux: { store: 'secret-service' } });
          linux = 'secret-service';
        } catch {
          deps.log.debug('no Secret Service on the session bus: using the kernel keyring');
          linux = 'keyutils';
        }
      }
    }
    return binding;
  };
  const run = async <T>(operation: string, name: string, fn: (e: AsyncEntry) => Promise<T>): Promise<T> => {
    try {
      const { AsyncEntry } = await open();
      return await fn(new AsyncEntry(KEYRING_SERVICE, name, linux ? { linux: { store: linux } } : undefined));
    } catch (error) {
      throw keyringError(operation, error);
    }
  };

  return {
    backend: 'keyring',
    get: (name) => run(`read "${name}"`, name, async (e) => (await e.getPassword()) ?? undefined),
    set: (name, value) =>
      run(`store "${name}"`, name, async (e) => {
        await e.setPassword(value);
        if (pinned === 'auto' && linux === 'keyutils' && !warnedKernel) {
          warnedKernel = true;
          deps.log.warn('no Secret Service is running, so the secret went to the kernel keyring: it stays in memory and is lost at reboot.');
        }
      }),
    delete: (name) => run(`delete "${name}"`, name, (e) => e.deletePassword()),
    async list(prefix) {
      try {
        const { findCredentialsAsync } = await open();
        const names = linux === 'keyutils' ? kernelKeyNames() : (await findCredentialsAsync(KEYRING_SERVICE)).map((c) => c.account);
        return names.filter((name) => name.startsWith(prefix));
      } catch (error) {
        throw keyringError('list its entries', error);
      }
    },
  };
}

/**
 * The kernel keyring cannot be searched through the binding; /proc/keys lists the keys this process
 * may view, described as "keyring:NAME@rolecall" by the keyutils store.
 */
function kernelKeyNames(): string[] {
  const names: string[] = [];
  for (const line of readFileSync('/proc/keys', 'utf8').split('\n')) {
    const description = /^\S+\s+\S+\s+\S+\s+\S+\s+\S+\s+\S+\s+\S+\s+user\s+(.*?)(: \d+)?$/.exec(line)?.[1];
    const name = description && new RegExp(`^keyring:(.*)@${KEYRING_SERVICE}$`).exec(description)?.[1];
    if (name) names.push(name);
  }
  return [...new Set(names)];
}

function fileStore(deps: SecretDeps): SecretStore {
  let warned = false;
  const path = () => {
    const file = secretsFile(ensureCacheDir(deps));
    if (!warned) {
      warned = true;
      deps.log.warn(`ROLECALL_KEYRING=file: secrets are kept unencrypted in ${file} (mode 0600), not in the OS keyring.`);
    }
    return file;
  };
  const load = (file: string): Record<string, string> => {
    const text = readPrivateFile(file, deps);
    if (text === undefined) return {};
    try {
      const value = JSON.parse(text) as unknown;
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, string>;
    } catch {
      // reported below
    }
    throw new RolecallError('KEYRING_ERROR', `the secrets file ${file} is not valid JSON`, {
      hint: 'Move it aside and store the secrets again (rolecall password, rolecall keys add).',
    });
  };
  // read-modify-write under the store's own lock so that two processes cannot lose each other's change
  const update = (change: (secrets: Record<string, string>) => boolean) => {
    const file = path();
    return withLock('secrets', deps, async () => {
      const secrets = load(file);
      const changed = change(secrets);
      if (changed) writeFileAtomic(file, `${JSON.stringify(secrets, null, 2)}\n`);
      return changed;
    });
  };
  return {
    backend: 'file',
    async get(name) {
      const secrets = load(path());
      return Object.hasOwn(secrets, name) ? secrets[name] : undefined;
    },
    async set(name, value) {
      await update((secrets) => {
        secrets[name] = value;
        return true;
      });
    },
    delete: (name) =>
      update((secrets) => {
        if (!Object.hasOwn(secrets, name)) return false;
        delete secrets[name];
        return true;
      }),
    async list(prefix) {
      return Object.keys(load(path())).filter((name) => name.startsWith(prefix));
    },
  };
}

export function openSecretStore(deps: SecretDeps): SecretStore {
  const backend = chosenBackend(deps.env);
  return backend === 'file' ? fileStore(deps) : keyringStore(backend, deps);
}
