// The secrets file (secrets.json in the cache directory) for machines where no OS keyring can keep
// secrets: one AES-256-GCM blob, mode 0600, written atomically, changes serialised by the lock.
// The key is the user's (ROLECALL_SECRETS_KEY: 64 hex digits used as they are, anything else a
// passphrase stretched with scrypt), else a random one kept in the kernel keyring (lost at reboot,
// and the file's secrets with it). The file never holds a secret in clear text; one written by an
// older rolecall in clear text is encrypted the first time it is read.
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { renameSync } from 'node:fs';
import { RolecallError } from '../errors';
import { writeFileAtomic } from './atomic-write';
import { ensureCacheDir, readPrivateFile, type StoreDeps } from './cache-dir';
import type { KernelKeyring } from './keyctl';
import { secretsFile } from './layout';
import { withLock } from './lock';

export const SECRETS_KEY_VARIABLE = 'ROLECALL_SECRETS_KEY';
/** the kernel keyring entry holding the file's key when the user gives none */
const KERNEL_KEY_NAME = 'secrets-file-key';
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

type Protection = 'key' | 'passphrase' | 'kernel keyring';

interface Envelope {
  version: 2;
  cipher: 'aes-256-gcm';
  /** what the key is: ROLECALL_SECRETS_KEY as a key or a passphrase, or the kernel keyring's */
  protection: Protection;
  salt?: string;
  iv: string;
  tag: string;
  data: string;
}

/** What every store of secrets does: the OS keyrings, the kernel keyring through keyctl, this file. */
export interface SecretBackend {
  get(name: string): Promise<string | undefined>;
  set(name: string, value: string): Promise<void>;
  /** true when there was something to delete */
  delete(name: string): Promise<boolean>;
  /** the names stored that start with `prefix` (for `clear`) */
  list(prefix: string): Promise<string[]>;
}

export interface SecretsFile extends SecretBackend {
  /** the file, and what protects it, in users' words */
  describe(): { path: string; protection: string };
}

/** what ROLECALL_SECRETS_KEY is taken as */
function userProtection(env: NodeJS.ProcessEnv): Protection | undefined {
  const value = env[SECRETS_KEY_VARIABLE];
  if (!value) return undefined;
  return /^[0-9a-f]{64}$/i.test(value) ? 'key' : 'passphrase';
}

export function describeProtection(env: NodeJS.ProcessEnv): string {
  const protection = userProtection(env);
  if (protection === 'key') return `the key in ${SECRETS_KEY_VARIABLE}`;
  if (protection === 'passphrase') return `the passphrase in ${SECRETS_KEY_VARIABLE} (scrypt)`;
  return 'a random key kept in the kernel keyring (lost at reboot)';
}

export function secretsFileStore(deps: StoreDeps, kernel: () => Promise<KernelKeyring | undefined>): SecretsFile {
  const path = () => secretsFile(ensureCacheDir(deps));
  const warned = new Set<string>();
  const warnOnce = (message: string) => {
    if (!warned.has(message)) deps.log.warn(message);
    warned.add(message);
  };

  /** the key for `protection`; `create` makes the kernel keyring's when there is none */
  const keyFor = async (protection: Protection, salt: Buffer | undefined, create: boolean): Promise<Buffer | undefined> => {
    const value = deps.env[SECRETS_KEY_VARIABLE];
    if (protection === 'key') return value && userProtection(deps.env) === 'key' ? Buffer.from(value, 'hex') : undefined;
    if (protection === 'passphrase') return value && userProtection(deps.env) === 'passphrase' && salt ? scryptSync(value, salt, 32, SCRYPT) : undefined;
    const keyring = await kernel();
    if (!keyring) return undefined;
    const stored = await keyring.get(KERNEL_KEY_NAME);
    if (stored && Buffer.from(stored, 'base64').length === 32) return Buffer.from(stored, 'base64');
    if (!create) return undefined;
    const fresh = randomBytes(32);
    await keyring.set(KERNEL_KEY_NAME, fresh.toString('base64'));
    return fresh;
  };

  const noKey = () =>
    new RolecallError('KEYRING_UNAVAILABLE', `there is no key to encrypt the secrets file with: ${SECRETS_KEY_VARIABLE} is not set and the kernel keyring cannot keep one here`, {
      hint: `Set ${SECRETS_KEY_VARIABLE} (64 hex digits from \`openssl rand -hex 32\`, or a passphrase) in your environment, or run a Secret Service.`,
    });

  const encrypt = async (secrets: Record<string, string>): Promise<string> => {
    const protection = userProtection(deps.env) ?? 'kernel keyring';
    const salt = protection === 'passphrase' ? randomBytes(16) : undefined;
    const key = await keyFor(protection, salt, true);
    if (!key) throw noKey();
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const data = Buffer.concat([cipher.update(JSON.stringify(secrets), 'utf8'), cipher.final()]);
    const envelope: Envelope = { version: 2, cipher: 'aes-256-gcm', protection, ...(salt ? { salt: salt.toString('base64') } : {}), iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
    return `${JSON.stringify(envelope, null, 2)}\n`;
  };

  type Loaded = { secrets: Record<string, string>; state: 'none' | 'encrypted' | 'clear' | 'unreadable' };

  const load = async (file: string): Promise<Loaded> => {
    const text = readPrivateFile(file, deps);
    if (text === undefined) return { secrets: {}, state: 'none' };
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      warnOnce(`the secrets file ${file} is not valid JSON; its secrets cannot be read (it is set aside at the next change).`);
      return { secrets: {}, state: 'unreadable' };
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      warnOnce(`the secrets file ${file} is not a JSON object; its secrets cannot be read (it is set aside at the next change).`);
      return { secrets: {}, state: 'unreadable' };
    }
    const envelope = value as Partial<Envelope>;
    if (envelope.version !== 2) return { secrets: value as Record<string, string>, state: 'clear' };
    const protection = envelope.protection ?? 'kernel keyring';
    try {
      const key = await keyFor(protection, envelope.salt ? Buffer.from(envelope.salt, 'base64') : undefined, false);
      if (!key) throw new Error(protection === 'kernel keyring' ? 'its key is no longer in the kernel keyring (the machine restarted?)' : `it was encrypted with ${SECRETS_KEY_VARIABLE}, which is not set now`);
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(envelope.iv ?? '', 'base64'));
      decipher.setAuthTag(Buffer.from(envelope.tag ?? '', 'base64'));
      const clear = Buffer.concat([decipher.update(Buffer.from(envelope.data ?? '', 'base64')), decipher.final()]).toString('utf8');
      return { secrets: JSON.parse(clear) as Record<string, string>, state: 'encrypted' };
    } catch (error) {
      if (error instanceof RolecallError) throw error;
      const reason = /auth|decrypt/i.test((error as Error).message) ? `it was encrypted with another key than ${describeProtection(deps.env)}` : (error as Error).message;
      warnOnce(`the secrets in ${file} cannot be read: ${reason}. Sign in again (and \`rolecall password\` again); the file is set aside at the next change.`);
      return { secrets: {}, state: 'unreadable' };
    }
  };

  // read-modify-write under the store's own lock so that two processes cannot lose each other's change
  const update = (change: (secrets: Record<string, string>) => boolean) => {
    const file = path();
    return withLock('secrets', deps, async () => {
      const loaded = await load(file);
      const changed = change(loaded.secrets);
      if (!changed && loaded.state !== 'clear') return false;
      if (loaded.state === 'unreadable') {
        renameSync(file, `${file}.unreadable`);
        deps.log.warn(`moved the unreadable secrets file aside to ${file}.unreadable.`);
      }
      writeFileAtomic(file, await encrypt(loaded.secrets));
      return changed;
    });
  };

  /** the secrets, after encrypting a file an older rolecall wrote in clear text */
  const read = async (): Promise<Record<string, string>> => {
    const file = path();
    const loaded = await load(file);
    if (loaded.state === 'clear') {
      await update(() => false);
      deps.log.warn(`the secrets file ${file} was in clear text (written by an older rolecall); it is now encrypted.`);
    }
    return loaded.secrets;
  };

  return {
    async get(name) {
      const secrets = await read();
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
      return Object.keys(await read()).filter((name) => name.startsWith(prefix));
    },
    describe: () => ({ path: path(), protection: describeProtection(deps.env) }),
  };
}
