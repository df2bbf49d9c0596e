import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, chmodSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { samlLogin, samlPasswordSecretName } from '../../src/idp/saml/login';
import type { Profile } from '../../src/config/profile';
import { setting } from '../../src/config/source';
import { profileOf } from '../helpers/profiles';
import { createLogger } from '../../src/platform/logger';
import type { Prompter } from '../../src/platform/tty';
import { RolecallError } from '../../src/errors';

const URL_ = 'https://sso.example.com/api/v1/saml/sso';

function profile(extra: Record<string, string> = {}): Profile {
  return profileOf(extra, { name: 'saml', extra: new Map([['saml_assertion_url', setting(URL_, { kind: 'env', name: 'SAML_IDP_ASSERTION_URL' })]]) });
}

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
  const login = await samlLogin(profile(), { env: {}, home: dir, log: createLogger({ write: () => {} }), prompt, secrets: keyring() });
  assert.deepEqual(login, { username: 'lukeskywalker', password: 'hunter2 with "spaces" and $ = signs' });
  assert.equal(asked.length, 0);
});

test('a credentials file others can read is warned about, without the password', async (t) => {
  const dir = home('username = u\npassword = p4ssw0rd-secret\n', 0o644);
  t.after(() => rmSync(dir, { recursive: true }));
  let stderr = '';
  const log = createLogger({ write: (s) => void (stderr += s) });
  const login = await samlLogin(profile(), { env: {}, home: dir, log, prompt: recorder().prompt, secrets: keyring() });
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
  const p = profile({ saml_username: 'alice' });
  const run = (env: NodeJS.ProcessEnv, h: string, passwordFlag?: string, answers: string[] = []) =>
    samlLogin(p, { env, home: h, log, prompt: recorder(answers).prompt, secrets, passwordFlag });
  assert.equal((await run({ SAML_PASSWORD: 'from-env' }, dir, 'from-flag')).password, 'from-flag');
  assert.equal((await run({ SAML_PASSWORD: 'from-env' }, dir)).password, 'from-env');
  assert.equal((await run({}, dir)).password, 'from-file');
  assert.equal((await run({}, empty)).password, 'from-keyring');
  // `rolecall password PROFILE` keeps it under the profile's name
  const byProfile = await samlLogin(p, { env: {}, home: empty, log, prompt: recorder().prompt, secrets: keyring({ 'password:saml': 'from-password-command' }) });
  assert.equal(byProfile.password, 'from-password-command');
  const { prompt, asked } = recorder(['typed']);
  const typed = await samlLogin(profile({ saml_username: 'bob' }), { env: {}, home: empty, log, prompt, secrets });
  assert.deepEqual(typed, { username: 'bob', password: 'typed' });
  assert.deepEqual(asked, [{ question: 'SAML password for bob at sso.example.com:', secret: true }]);
});

test("the file's password is not sent for another user", async (t) => {
  const dir = home('username = lukeskywalker\npassword = lukes-password\n');
  t.after(() => rmSync(dir, { recursive: true }));
  const { prompt, asked } = recorder(['leias-password']);
  const login = await samlLogin(profile({ saml_username: 'leia' }), { env: {}, home: dir, log: createLogger({ write: () => {} }), prompt, secrets: keyring() });
  assert.deepEqual(login, { username: 'leia', password: 'leias-password' });
  assert.equal(asked.length, 1);
});

test('nothing configured: both are asked, the password hidden; no terminal is NO_TTY', async (t) => {
  const dir = home();
  t.after(() => rmSync(dir, { recursive: true }));
  const log = createLogger({ write: () => {} });
  const { prompt, asked } = recorder(['carol', 'carol\'s "quoted" $password\\']);
  const login = await samlLogin(profile(), { env: {}, home: dir, log, prompt, secrets: keyring() });
  assert.deepEqual(login, { username: 'carol', password: 'carol\'s "quoted" $password\\' });
  assert.deepEqual(asked.map((a) => a.secret), [false, true]);
  await assert.rejects(samlLogin(profile(), { env: {}, home: dir, log, prompt: recorder().prompt, secrets: keyring() }), { code: 'NO_TTY' });
});

test('a machine without a keyring still gets the prompt', async (t) => {
  const dir = home();
  t.after(() => rmSync(dir, { recursive: true }));
  const secrets = { get: () => Promise.reject(new RolecallError('KEYRING_UNAVAILABLE', 'no keyring')) };
  const login = await samlLogin(profile({ saml_username: 'u' }), { env: {}, home: dir, log: createLogger({ write: () => {} }), prompt: recorder(['pw']).prompt, secrets });
  assert.equal(login.password, 'pw');
});
