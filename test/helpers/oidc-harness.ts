// What an in-process signIn() needs in the OIDC tests: a logger whose stderr lines the test can
// read (the printed login URL, warnings), an in-memory secret store, a prompter that answers
// from a list (or fails like a machine without a terminal), and settings for a test issuer.
import { systemClock } from '../../src/platform/clock';
import { createLogger } from '../../src/platform/logger';
import type { Prompter } from '../../src/platform/tty';
import { RolecallError } from '../../src/errors';
import type { SignInSettings } from '../../src/idp/oidc/settings';
import { DEFAULT_SCOPES } from '../../src/plan/oidc';
import type { SignInDeps } from '../../src/idp/oidc/sign-in';
import type { SecretStoreLike } from '../../src/store/secrets';

export interface Harness {
  deps: SignInDeps;
  /** everything written to "stderr" so far */
  stderr(): string;
  /** the URL rolecall printed for the user to open (waits for it) */
  loginUrl(timeoutMs?: number): Promise<string>;
  secrets: Map<string, string>;
  /** questions asked through the prompter */
  asked: string[];
}

export function memorySecrets(map = new Map<string, string>()): SecretStoreLike {
  return {
    get: async (name) => map.get(name),
    set: async (name, value) => void map.set(name, value),
    delete: async (name) => map.delete(name),
  };
}

export function harness(options: { answers?: string[]; env?: NodeJS.ProcessEnv; passwordFlag?: string; profiles?: string[] } = {}): Harness {
  let text = '';
  const log = createLogger({ write: (t) => (text += t), debug: true });
  const answers = [...(options.answers ?? [])];
  const asked: string[] = [];
  const secrets = new Map<string, string>();
  const prompt: Prompter = {
    async ask(question) {
      asked.push(question);
      const answer = answers.shift();
      if (answer === undefined) throw new RolecallError('NO_TTY', `no terminal to ask "${question}"`);
      return answer;
    },
    async choose() {
      throw new RolecallError('NO_TTY', 'no terminal to choose');
    },
  };
  return {
    deps: { env: options.env ?? {}, clock: systemClock, log, prompt, secrets: memorySecrets(secrets), profiles: options.profiles ?? ['test'], passwordFlag: options.passwordFlag },
    stderr: () => text,
    secrets,
    asked,
    async loginUrl(timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = /Open this URL in a browser to sign in at \S+:\n\n {2}(\S+)\n/.exec(text)?.[1];
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no login URL printed; stderr so far:\n${text}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}

/** the refresh token kept for an issuer and client (stored as JSON with the identity of its last ID token) */
export function storedRefreshToken(secrets: Map<string, string>, name: string): string | undefined {
  const raw = secrets.get(name);
  return raw === undefined ? undefined : (JSON.parse(raw) as { refresh_token: string }).refresh_token;
}

export function testSettings(issuer: string, overrides: Partial<SignInSettings> = {}): SignInSettings {
  const source = { kind: 'flag' as const, name: 'test' };
  return {
    issuer: { value: issuer, source },
    clientId: { value: 'rolecall-cli', source },
    flow: 'browser',
    scopes: DEFAULT_SCOPES,
    allowInsecure: false,
    insecureSkipVerify: false,
    tokenType: 'id_token',
    requiredToken: 'id_token',
    flowFromFlag: false,
    mfaType: 'auto',
    noBrowser: true,
    timeoutSeconds: 20,
    ...overrides,
  };
}

export function isError(code: string, pattern?: RegExp) {
  return (e: unknown) => {
    if (!(e instanceof RolecallError)) throw e;
    if (e.code !== code || (pattern && !pattern.test(e.message))) throw new Error(`expected ${code} ${pattern ?? ''}, got ${e.code}: ${e.message}`, { cause: e });
    return true;
  };
}
