import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, chmodSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { samlLogin } from '../../src/idp/saml/login';
import { samlPasswordSecretName } from '../../src/store/secret-names';
import type { SamlPostApi } from '../../src/plan/saml';
import { setting } from '../../src/config/source';
import { createLogger } from '../../src/platform/logger';
import type { Prompter } from '../../src/platform/tty';
import { RolecallError } from '../../src/errors';

const URL_ = 'https://sso.example.com/api/v1/saml/sso';

/** The POST API's settings as a Saml step carries them; the profile is `saml`. */
function api(username?: string): Pick<SamlPostApi, 'url' | 'username'> {
  return { url: setting(URL_, { kind: 'env', name: 'SAML_IDP_ASSERTION_URL' }), username: username === undefined ? undefined : setting(username, { kind: 'file', path: '/c', line: 1 }) };
}

/** the profile asked for, then default: the names `rolecall password` stores under */
const PROFILES = ['saml', 'default'];

function home(credentials?: string, mode = 0o600): string {
  const dir = mkdtempSync(join(tmpdir(), 'rolecall-saml-login-'));
  if (credentials !== undefined) {
    mkdirSync(join(dir, '.saml'));
    writeFileSync(join(dir, '.saml', 'credentials'), credentials);
    chmodSync(join(dir, '.saml', 'credentials'), mode);
  }
  return dir;
}

function recorder(answers: string[] = []) {
  const asked: { question: string; secret: boolean }[] = [];
  const prompt: Prompter = {
    ask: (question, options) => {
      asked.push({ question, secret: options?.secret ?? false });
      const answer = answers.shift();
      return answer === undefined ? Promise.reject(new RolecallError('NO_TTY', 'no terminal')) : Promise.resolve(answer);
    },
    choose: () => Promise.reject(new Error('not used')),
  };
  return { prompt, asked };
}

const keyring = (entries: Record<string, string> = {}) => ({ get: (name: string) => Promise.resolve(entries[name]) });

test('~/.saml/credentials as coinbase wrote it: the value is the rest of the line', async (t) => {
  const dir = home('username = lukeskywalker\npassword = hunter2 with "spaces" and $ = signs\n');
  t.after(() => rmSync(dir, { recursive: true }));
  const { prompt, asked } = recorder();
  const login = await samlLogin(api(), { env: {}, home: dir, log: createLogger({ write: () => {} }), prompt, secrets: keyring(), profiles: PROFILES });
  assert.deepEqual(login, { username: 'lukeskywalker', password: 'hunter2 with "spaces" and $ = signs' });
  assert.equal(asked.length, 0);
});

test('a credentials file others can read is warned about, without the password', async (t) => {
  const dir = home('username = u\npassword = p4ssw0rd-secret\n', 0o644);
  t.after(() => rmSync(dir, { recursive: true }));
  let stderr = '';
  const log = createLogger({ write: (s) => void (stderr += s) });
  const login = await samlLogin(api(), { env: {}, home: dir, log, prompt: recorder().prompt, secrets: keyring(), profiles: PROFILES });
  assert.equal(login.password, 'p4ssw0rd-secret');
  assert.match(stderr, /credentials holds a password and is readable by others/);
  assert.doesNotMatch(stderr, /p4ssw0rd/);
});

test('precedence: -P, then SAML_PASSWORD, then the file, then the keyring (per URL and user, then per profile), then a hidden prompt', async (t) => {
  const dir = home('password = from-file\n');
  const empty = home();
  t.after(() => {
    rmSync(dir, { recursive: true });
    rmSync(empty, { recursive: true });
  });
  const log = createLogger({ write: () => {} });
  const secrets = keyring({ [samlPasswordSecretName(URL_, 'alice')]: 'from-keyring' });
  const p = api('alice');
  const run = (env: NodeJS.ProcessEnv, h: string, passwordFlag?: string, answers: string[] = []) =>
    samlLogin(p, { env, home: h, log, prompt: recorder(answers).prompt, secrets, profiles: PROFILES, passwordFlag });
  assert.equal((await run({ SAML_PASSWORD: 'from-env' }, dir, 'from-flag')).password, 'from-flag');
  assert.equal((await run({ SAML_PASSWORD: 'from-env' }, dir)).password, 'from-env');
  assert.equal((await run({}, dir)).password, 'from-file');
  assert.equal((await run({}, empty)).password, 'from-keyring');
  // `rolecall password PROFILE` keeps it under the profile's name
  const byProfile = await samlLogin(p, { env: {}, home: empty, log, prompt: recorder().prompt, secrets: keyring({ 'password:saml': 'from-password-command' }), profiles: PROFILES });
  assert.equal(byProfile.password, 'from-password-command');
  const { prompt, asked } = recorder(['typed']);
  const typed = await samlLogin(api('bob'), { env: {}, home: empty, log, prompt, secrets, profiles: PROFILES });
  assert.deepEqual(typed, { username: 'bob', password: 'typed' });
  assert.deepEqual(asked, [{ question: 'SAML password for bob at sso.example.com:', secret: true }]);
});

test("the file's password is not sent for another user", async (t) => {
  const dir = home('username = lukeskywalker\npassword = lukes-password\n');
  t.after(() => rmSync(dir, { recursive: true }));
  const { prompt, asked } = recorder(['leias-password']);
  const login = await samlLogin(api('leia'), { env: {}, home: dir, log: createLogger({ write: () => {} }), prompt, secrets: keyring(), profiles: PROFILES });
  assert.deepEqual(login, { username: 'leia', password: 'leias-password' });
  assert.equal(asked.length, 1);
});

test('nothing configured: both are asked, the password hidden; no terminal is NO_TTY', async (t) => {
  const dir = home();
  t.after(() => rmSync(dir, { recursive: true }));
  const log = createLogger({ write: () => {} });
  const { prompt, asked } = recorder(['carol', 'carol\'s "quoted" $password\\']);
  const login = await samlLogin(api(), { env: {}, home: dir, log, prompt, secrets: keyring(), profiles: PROFILES });
  assert.deepEqual(login, { username: 'carol', password: 'carol\'s "quoted" $password\\' });
  assert.deepEqual(asked.map((a) => a.secret), [false, true]);
  await assert.rejects(samlLogin(api(), { env: {}, home: dir, log, prompt: recorder().prompt, secrets: keyring(), profiles: PROFILES }), { code: 'NO_TTY' });
});

test('a machine without a keyring still gets the prompt', async (t) => {
  const dir = home();
  t.after(() => rmSync(dir, { recursive: true }));
  const secrets = { get: () => Promise.reject(new RolecallError('KEYRING_UNAVAILABLE', 'no keyring')) };
  const login = await samlLogin(api('u'), { env: {}, home: dir, log: createLogger({ write: () => {} }), prompt: recorder(['pw']).prompt, secrets, profiles: PROFILES });
  assert.equal(login.password, 'pw');
});
