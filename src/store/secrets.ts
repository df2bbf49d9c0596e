// Long-lived secrets (refresh tokens, IdP passwords, IAM user keys), service "rolecall", in the
// best store that really keeps them here, chosen once per process and said once per machine:
//   macOS, Windows: the Keychain / Credential Manager (through @napi-rs/keyring);
//   Linux: the Secret Service (gnome-keyring, KWallet, KeePassXC) when one keeps secrets on the
//   session D-Bus; else the kernel keyring (keyutils: no daemon, lost at reboot), through the
//   library or, for a process without a session keyring, the `keyctl` tool; else the encrypted
//   secrets file, when ROLECALL_SECRETS_KEY gives it a key. ROLECALL_KEYRING forces one.
// Either keyring is chosen only after a probe entry was written, read back and deleted: a keyring
// that answers reads can still be refused every write.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AsyncEntry } from '@napi-rs/keyring';
import { RolecallError } from '../errors';
import type { Clock } from '../platform/clock';
import { writeFileAtomic } from './atomic-write';
import { ensureCacheDir, type StoreDeps } from './cache-dir';
import { loadKeyringBinding, type KeyringBinding } from './keyring-binding';
import { userKeyring, type KernelKeyring } from './keyctl';
import { SECRETS_KEY_VARIABLE, secretsFileStore, type SecretBackend as Backend } from './secrets-file';

export type StoreKind = 'platform' | 'secret-service' | 'keyutils' | 'file';

/** Which store keeps the secrets, and why it was chosen, in users' words. */
export interface StoreChoice {
  kind: StoreKind;
  /** "the Secret Service", "the kernel keyring (keyutils, user keyring through keyctl)", "the encrypted file …" */
  name: string;
  why: string;
  /** what protects what is kept there */
  protection: string;
}

export interface SecretStore extends Backend {
  /** the store in use (makes the automatic choice if it was not made yet) */
  choice(): Promise<StoreChoice>;
  /** writes a probe entry, reads it back and deletes it: throws when the store does not keep secrets */
  probe(): Promise<void>;
}

/** What a sign-in reads and writes of the store (tests hand in a map). */
export type SecretStoreLike = Pick<SecretStore, 'get' | 'set' | 'delete'>;

export const KEYRING_SERVICE = 'rolecall';

/** `clock` is accepted so callers can hand in their whole context; secrets do not expire here. */
export type SecretDeps = StoreDeps & {
  clock?: Clock;
  /** the caller reports the choice itself (doctor's keyring check): it is recorded as said, not warned about */
  reportsChoice?: boolean;
};

type Wanted = 'auto' | 'secret-service' | 'keyutils' | 'file';

function wantedStore(env: NodeJS.ProcessEnv): Wanted {
  const raw = (env.ROLECALL_KEYRING ?? '').trim().toLowerCase();
  if (raw === '' || raw === 'auto' || raw === 'os') return 'auto';
  if (raw === 'file' || raw === 'secret-service' || raw === 'keyutils') return raw;
  throw new RolecallError('CONFIG_INVALID', `ROLECALL_KEYRING="${env.ROLECALL_KEYRING}" is not a keyring rolecall knows (from environment variable ROLECALL_KEYRING)`, {
    hint: 'Use auto (the default), secret-service, keyutils, or file.',
  });
}

function keyringError(operation: string, error: unknown): RolecallError {
  if (error instanceof RolecallError) return error;
  const message = error instanceof Error ? error.message : String(error);
  // "Couldn't access platform storage", "no storage access", D-Bus not reachable
  const unavailable = /platform storage|NoStorageAccess|storage access|AccessDenied|dbus|zbus|not available|unavailable/i.test(message);
  return new RolecallError(unavailable ? 'KEYRING_UNAVAILABLE' : 'KEYRING_ERROR', `the OS keyring could not ${operation}: ${message}`, { cause: error });
}

/** the kernel keyring's description of an entry, as the keyring library writes it */
const kernelDescription = (name: string) => `keyring:${name}@${KEYRING_SERVICE}`;

/** The OS keyring through @napi-rs/keyring: the platform's own, or a Linux store pinned by name. */
function libraryBackend(store: 'secret-service' | 'keyutils' | undefined, deps: SecretDeps): Backend {
  let binding: KeyringBinding | undefined;
  const run = async <T>(operation: string, name: string, fn: (e: AsyncEntry) => Promise<T>): Promise<T> => {
    try {
      binding ??= await loadKeyringBinding(deps);
      return await fn(new binding.AsyncEntry(KEYRING_SERVICE, name, store ? { linux: { store } } : undefined));
    } catch (error) {
      throw keyringError(operation, error);
    }
  };
  return {
    get: (name) => run(`read "${name}"`, name, async (e) => (await e.getPassword()) ?? undefined),
    set: (name, value) => run(`store "${name}"`, name, (e) => e.setPassword(value)),
    delete: (name) => run(`delete "${name}"`, name, (e) => e.deletePassword()),
    async list(prefix) {
      try {
        binding ??= await loadKeyringBinding(deps);
        const names = store === 'keyutils' ? kernelKeyNames() : (await binding.findCredentialsAsync(KEYRING_SERVICE)).map((c) => c.account);
        return names.filter((name) => name.startsWith(prefix));
      } catch (error) {
        throw keyringError('list its entries', error);
      }
    },
  };
}

/** The kernel's user keyring through keyctl, with the library's descriptions so both list alike. */
function keyctlBackend(keyring: KernelKeyring): Backend {
  return {
    get: (name) => keyring.get(kernelDescription(name)),
    set: (name, value) => keyring.set(kernelDescription(name), value),
    delete: (name) => keyring.delete(kernelDescription(name)),
    list: async (prefix) => kernelKeyNames().filter((name) => name.startsWith(prefix)),
  };
}

/**
 * The kernel keyring cannot be searched through the binding; /proc/keys lists the keys this process
 * may view, described as "keyring:NAME@rolecall".
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

/** Writes, reads back and deletes a probe entry; the reason it failed, or undefined when it works. */
async function probeFails(backend: Backend): Promise<string | undefined> {
  const name = `probe:${process.pid}-${randomBytes(4).toString('hex')}`;
  const value = randomBytes(12).toString('base64');
  try {
    await backend.set(name, value);
    const back = await backend.get(name);
    await backend.delete(name);
    return back === value ? undefined : 'a probe entry written there could not be read back';
  } catch (error) {
    return short(error);
  }
}

/** the gist of a failure, for "why" lines */
function short(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^the OS keyring could not [^:]+: /, '').split('\n')[0]!.slice(0, 160);
}

const KERNEL = 'the kernel keyring (keyutils)';
const KERNEL_PROTECTION = 'kept in kernel memory for your user only, never written to disk, lost at reboot';

/** The kernel keyring that works for this process: the library's (session keyring), else keyctl's (user keyring). */
async function kernelKeyring(deps: SecretDeps): Promise<{ backend: Backend; keyring: KernelKeyring; how: string } | { failed: string }> {
  const library = libraryBackend('keyutils', deps);
  const libraryFailed = await probeFails(library);
  if (!libraryFailed) {
    const keyring: KernelKeyring = { get: (d) => library.get(d), set: (d, v) => library.set(d, v), delete: (d) => library.delete(d) };
    return { backend: library, keyring, how: 'session keyring' };
  }
  const viaTool = keyctlBackend(userKeyring);
  const toolFailed = await probeFails(viaTool);
  if (!toolFailed) return { backend: viaTool, keyring: { get: (d) => userKeyring.get(kernelDescription(d)), set: (d, v) => userKeyring.set(kernelDescription(d), v), delete: (d) => userKeyring.delete(kernelDescription(d)) }, how: 'user keyring, through keyctl' };
  return { failed: `the kernel keyring refused a probe entry (${libraryFailed}; through keyctl: ${toolFailed})` };
}

/**
 * why the Secret Service cannot be used, or undefined when it keeps a probe entry. A service that
 * answers reads may still refuse every write (gnome-keyring started by an SSH or container session
 * with no unlocked collection), so it is probed as the kernel keyring is.
 */
async function secretServiceFails(deps: SecretDeps): Promise<string | undefined> {
  if (!deps.env.DBUS_SESSION_BUS_ADDRESS) return 'there is no D-Bus session (DBUS_SESSION_BUS_ADDRESS is not set)';
  const failed = await probeFails(libraryBackend('secret-service', deps));
  return failed === undefined ? undefined : `no Secret Service on the session D-Bus kept a probe entry (${failed})`;
}

async function choose(deps: SecretDeps): Promise<{ backend: Backend; choice: StoreChoice }> {
  const wanted = wantedStore(deps.env);
  const file = (why: string, kernel: () => Promise<KernelKeyring | undefined>) => {
    const store = secretsFileStore(deps, kernel);
    const { path, protection } = store.describe();
    return { backend: store, choice: { kind: 'file' as const, name: `the encrypted file ${path}`, why, protection: `AES-256-GCM with ${protection}; the file is mode 0600 in a 0700 directory` } };
  };
  if (wanted === 'file') {
    const kernel = async () => {
      if (deps.env[SECRETS_KEY_VARIABLE]) return undefined;
      const found = await kernelKeyring(deps);
      return 'keyring' in found ? found.keyring : undefined;
    };
    return file('ROLECALL_KEYRING=file', kernel);
  }
  if (process.platform !== 'linux') {
    return { backend: libraryBackend(undefined, deps), choice: { kind: 'platform', name: process.platform === 'darwin' ? 'the macOS Keychain' : 'the Windows Credential Manager', why: 'the system keyring', protection: 'the system keyring, unlocked with your login' } };
  }
  if (wanted === 'secret-service') {
    return { backend: libraryBackend('secret-service', deps), choice: { kind: 'secret-service', name: 'the Secret Service', why: 'ROLECALL_KEYRING=secret-service', protection: 'the Secret Service daemon (gnome-keyring, KWallet), encrypted at rest with your login keyring password' } };
  }
  const noService = wanted === 'auto' ? await secretServiceFails(deps) : 'ROLECALL_KEYRING=keyutils';
  if (noService === undefined) {
    return { backend: libraryBackend('secret-service', deps), choice: { kind: 'secret-service', name: 'the Secret Service', why: 'a Secret Service on the session D-Bus keeps secrets', protection: 'the Secret Service daemon (gnome-keyring, KWallet), encrypted at rest with your login keyring password' } };
  }
  const kernel = await kernelKeyring(deps);
  if ('backend' in kernel) {
    return { backend: kernel.backend, choice: { kind: 'keyutils', name: `${KERNEL}, ${kernel.how}`, why: noService, protection: KERNEL_PROTECTION } };
  }
  if (wanted === 'keyutils') throw new RolecallError('KEYRING_UNAVAILABLE', `ROLECALL_KEYRING=keyutils, but ${kernel.failed}`);
  if (deps.env[SECRETS_KEY_VARIABLE]) return file(`${noService}, and ${kernel.failed}`, async () => undefined);
  throw new RolecallError('KEYRING_UNAVAILABLE', `no store can keep secrets here: ${noService}, and ${kernel.failed}`);
}

const PREFERRED: StoreKind[] = ['platform', 'secret-service'];

/** Says which store is used and why, once per cache directory: again only when the store changes. */
function announce(choice: StoreChoice, deps: SecretDeps): void {
  let record: string;
  try {
    record = join(ensureCacheDir(deps), 'keyring-choice');
  } catch {
    return; // a cache that cannot be used says so itself
  }
  const said = (() => {
    try {
      return readFileSync(record, 'utf8').trim();
    } catch {
      return '';
    }
  })();
  const now = `${choice.kind} ${choice.name}`;
  if (said === now) return;
  if (!PREFERRED.includes(choice.kind) && !deps.reportsChoice) {
    deps.log.warn(`secrets (refresh tokens, passwords, keys) are kept in ${choice.name}: ${choice.why}. Protection: ${choice.protection}. rolecall says this once; \`rolecall doctor\` shows it again.`);
  }
  try {
    writeFileAtomic(record, `${now}\n`);
  } catch {
    // said again next time
  }
}

export function openSecretStore(deps: SecretDeps): SecretStore {
  wantedStore(deps.env); // a misspelt ROLECALL_KEYRING fails at once
  let chosen: Promise<{ backend: Backend; choice: StoreChoice }> | undefined;
  const ready = () =>
    (chosen ??= choose(deps).then((made) => {
      announce(made.choice, deps);
      return made;
    }));
  return {
    get: async (name) => (await ready()).backend.get(name),
    set: async (name, value) => (await ready()).backend.set(name, value),
    delete: async (name) => (await ready()).backend.delete(name),
    list: async (prefix) => (await ready()).backend.list(prefix),
    choice: async () => (await ready()).choice,
    async probe() {
      const failed = await probeFails((await ready()).backend);
      if (failed) throw new RolecallError('KEYRING_ERROR', `${(await ready()).choice.name} did not keep a probe entry: ${failed}`);
    },
  };
}
