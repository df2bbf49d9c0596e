// aws-runas's provider logins with MFA, through the built binary on a pseudo-terminal: Okta's
// Authentication API (TOTP code typed or from mfa_process, Okta Verify push approved, denied, timed
// out, and its number challenge read off the terminal), Keycloak's direct grant with the user's
// one-time code, auto-detection and web_identity_provider / mfa_type, and the providers rolecall
// signs in to through the browser only; and the same logins under the AWS CLI (credential_process),
// which keeps rolecall's stderr: what the user must see reaches the terminal. The testbed's Okta-
// and Keycloak-shaped IdPs check what they receive (testbed/idp/okta-authn.ts, password-grant.ts).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { startTestbed, type Testbed } from '../../testbed/index';
import { totpCode } from '../../testbed/aws/totp';
import { BIN, runProcess, runRolecall, tempHome, type Home } from '../helpers/cli';

const PTY = new URL('../helpers/oidc-pty.py', import.meta.url).pathname;
const TOTP_CLI = new URL('../helpers/totp-cli.mjs', import.meta.url).pathname;
const homes: Home[] = [];
after(() => {
  for (const h of homes) h.remove();
});

function home(config: string, env: NodeJS.ProcessEnv): Home {
  const h = tempHome();
  homes.push(h);
  h.write('.aws/config', config);
  Object.assign(h.env, env);
  return h;
}

/** rolecall on a terminal; answers: [prompt regex, env var holding the answer] */
function onTerminal(args: string[], env: NodeJS.ProcessEnv, answers: [RegExp, string][] = [], log?: string) {
  return runProcess('python3', [PTY, process.execPath, BIN, ...args], {
    env: { ...env, PTY_ANSWERS: answers.map(([prompt, name]) => `${prompt.source}=>${name}`).join('\n'), ...(log ? { PTY_LOG: log } : {}) },
    timeoutMs: 60_000,
  });
}

async function until<T>(what: string, get: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = get();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const CREDENTIALS = /"AccessKeyId":\s*"ASIA/;
/** the terminal's text without its colours */
const plain = (screen: string) => screen.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');
/** waits until the terminal (PTY_LOG) shows `pattern`; its match */
const onScreen = (log: string, pattern: RegExp) =>
  until(`${pattern.source} on the terminal`, () => pattern.exec(existsSync(log) ? plain(readFileSync(log, 'utf8')) : '') ?? undefined);
const TAP = /Okta Verify: on your phone, tap (\d+) to sign in alice at/;

describe('Okta', () => {
  let testbed: Testbed;
  before(async () => {
    testbed = await startTestbed({ idp: { shape: 'okta' } });
  });
  after(() => testbed.close());
  const alice = () => testbed.world.idpUsers.find((u) => u.username === 'alice')!;

  /** aws-runas's own form of the Okta URL (https://ORG.okta.com/oauth2), named with web_identity_provider */
  const config = (extra = '') => `[profile okta]
region = us-east-1
web_identity_auth_url = ${testbed.idp.origin}/oauth2
web_identity_provider = okta
web_identity_client_id = rolecall-cli
web_identity_redirect_uri = app:/callback
web_identity_username = alice
role_arn = arn:aws:iam::222222222222:role/oidc-developer
${extra}`;
  const env = () => ({ AWS_ENDPOINT_URL_STS: testbed.aws.url, WEB_IDENTITY_PASSWORD: alice().password });

  test('TOTP: the code asked on the terminal, then the session token turned into an ID token', async () => {
    const h = home(config('mfa_type = code\n'), { ...env(), CODE: totpCode(alice().totpSecretBase32!) });
    testbed.idp.resetCounts();
    const run = await onTerminal(['export', 'okta', '--format', 'process'], h.env, [[/MFA code for alice at http:\/\/127\.0\.0\.1:\d+ \(authenticator app\)/, 'CODE']]);
    assert.equal(run.code, 0, run.stdout);
    assert.match(run.stdout, CREDENTIALS);
    assert.deepEqual(testbed.idp.okta.counts(), { authn: 1, verify: 1 });
    assert.equal(testbed.idp.counts().authorizations, 1, 'one authorization request, answered without a page');
    assert.equal(testbed.idp.authorizationRequests()[0]!.get('code_challenge_method'), 'S256');
    assert.equal(testbed.idp.counts().tokens.authorization_code, 1);
    assert.ok(!run.stdout.includes(alice().password));
  });

  test('a wrong code typed at the terminal: Okta refuses it and the code is asked again, as aws-runas did', async () => {
    const h = home(config('mfa_type = code\n'), { ...env(), WRONG: '000000', CODE: totpCode(alice().totpSecretBase32!) });
    testbed.idp.resetCounts();
    const prompt = /MFA code for alice at http:\/\/127\.0\.0\.1:\d+ \(authenticator app\)/;
    const run = await onTerminal(['export', 'okta', '--format', 'process'], h.env, [
      [prompt, 'WRONG'],
      [/Okta refused that code \(try 2 of 3\)\. MFA code for alice at/, 'CODE'],
    ]);
    assert.equal(run.code, 0, run.stdout);
    assert.match(run.stdout, CREDENTIALS);
    assert.deepEqual(testbed.idp.okta.counts(), { authn: 1, verify: 2 }, 'one sign-in, two codes');

    // three wrong codes: the refusal, after the third
    const wrong = home(config('mfa_type = code\n'), { ...env(), WRONG: '000000' });
    testbed.idp.resetCounts();
    const refused = await onTerminal(['export', 'okta', '--format', 'process'], wrong.env, [
      [prompt, 'WRONG'],
      [/\(try 2 of 3\)/, 'WRONG'],
      [/\(try 3 of 3\)/, 'WRONG'],
    ]);
    assert.equal(refused.code, 1, refused.stdout);
    assert.match(plain(refused.stdout), /rolecall: http:\/\/127\.0\.0\.1:\d+ refused the one-time code of alice \(E0000068: Invalid Passcode\/Answer/);
    assert.deepEqual(testbed.idp.okta.counts(), { authn: 1, verify: 3 });
  });

  test('TOTP from mfa_process, no terminal at all; a wrong code is MFA_CODE_INVALID, not asked again', async () => {
    const h = home(config(`mfa_type = totp\nmfa_process = ${process.execPath} ${TOTP_CLI} ${alice().totpSecretBase32}\n`), env());
    const ok = await runRolecall(['export', 'okta', '--format', 'process'], { env: h.env });
    assert.equal(ok.code, 0, ok.stderr);
    const wrong = home(config('mfa_type = code\nmfa_process = echo 000000\n'), env());
    testbed.idp.resetCounts();
    const refused = await runRolecall(['export', 'okta', '--format', 'process'], { env: wrong.env });
    assert.equal(refused.code, 1);
    assert.deepEqual(testbed.idp.okta.counts(), { authn: 1, verify: 1 }, 'mfa_process would give the same code again');
    assert.match(refused.stderr, /refused the one-time code of alice \(E0000068: Invalid Passcode\/Answer/);
    assert.match(refused.stderr, /hint: Enter the code your authenticator app shows now/);
  });

  test('auto-detected from the x-okta-request-id header: auto picks Okta Verify push, approved on the phone', async () => {
    const h = home(config().replace(`${testbed.idp.origin}/oauth2`, testbed.idp.origin).replace('web_identity_provider = okta\n', ''), env());
    testbed.idp.resetCounts();
    const running = onTerminal(['export', 'okta', '--format', 'process'], h.env);
    await until('the push', () => (testbed.idp.okta.pushes().length ? true : undefined));
    testbed.idp.okta.answerPush('alice', 'approve');
    const run = await running;
    assert.equal(run.code, 0, run.stdout);
    assert.match(run.stdout, /Waiting for the answer in Okta Verify/);
    assert.match(run.stdout, CREDENTIALS);
    assert.equal(testbed.idp.okta.counts().push, 1);
    assert.ok((testbed.idp.okta.counts().poll ?? 0) >= 1, 'polled until the phone answered');
  });

  test('push denied on the phone (MFA_TYPE=push): refused on the terminal, nothing on stdout', async () => {
    const h = home(config(), { ...env(), MFA_TYPE: 'push' });
    const stdout = join(h.dir, 'stdout');
    testbed.idp.resetCounts();
    const running = onTerminal(['export', 'okta', '--format', 'process'], { ...h.env, PTY_STDOUT: stdout });
    await until('the push', () => (testbed.idp.okta.pushes().length ? true : undefined));
    testbed.idp.okta.answerPush('alice', 'deny');
    const run = await running;
    assert.equal(run.code, 1, run.stdout);
    assert.equal(readFileSync(stdout, 'utf8'), '');
    assert.match(plain(run.stdout), /Okta Verify: approve the sign-in of alice at http:\/\/127\.0\.0\.1:\d+ on your phone\./);
    assert.match(plain(run.stdout), /rolecall: the Okta Verify push for alice was denied on the phone/);
    assert.deepEqual(testbed.idp.okta.counts(), { authn: 1, push: 1, poll: testbed.idp.okta.counts().poll }, 'the push, no code: MFA_TYPE=push');
  });

  test('push not answered: Okta times it out, rolecall says so on the terminal', async () => {
    testbed.idp.okta.setPush({ timeoutSeconds: 1 });
    try {
      const h = home(config('mfa_type = push\n'), env());
      const stdout = join(h.dir, 'stdout');
      const run = await onTerminal(['export', 'okta', '--format', 'process'], { ...h.env, PTY_STDOUT: stdout });
      assert.equal(run.code, 1, run.stdout);
      assert.equal(readFileSync(stdout, 'utf8'), '');
      assert.match(plain(run.stdout), /rolecall: the Okta Verify push for alice was not answered in time \(Okta gave up\)/);
      assert.match(plain(run.stdout), /hint: .*mfa_type = code/);
    } finally {
      testbed.idp.okta.setPush({ timeoutSeconds: 300 });
    }
  });

  test('number challenge: the number is shown on the terminal, and tapping it on the phone signs in', async () => {
    testbed.idp.okta.setPush({ numberChallenge: true });
    try {
      const h = home(config(), env());
      const log = join(h.dir, 'terminal.log');
      const running = onTerminal(['export', 'okta', '--format', 'process'], h.env, [], log);
      const shown = Number((await onScreen(log, TAP))[1]);
      const [pending] = testbed.idp.okta.pushes();
      assert.ok(pending!.choices!.includes(shown), 'the phone offers the number the terminal shows');
      testbed.idp.okta.answerPush('alice', 'approve', shown);
      const run = await running;
      assert.equal(run.code, 0, run.stdout);
      assert.match(run.stdout, CREDENTIALS);
    } finally {
      testbed.idp.okta.setPush({ numberChallenge: false });
    }
  });

  /**
   * The AWS CLI runs credential_process with stderr captured (shown only if it fails): everything
   * the user must see or answer during the sign-in has to reach the terminal itself.
   */
  test('under the AWS CLI (credential_process): the code prompt, the push and its number reach the terminal, AWS gets the credentials', async () => {
    const awsCli = (extra: string) => {
      const h = home(`${config(extra)}\n[profile okta-cli]\nregion = us-east-1\ncredential_process = ${process.execPath} ${BIN} export okta --format process\n`, {
        ...env(),
        CODE: totpCode(alice().totpSecretBase32!),
        AWS_PAGER: '',
      });
      const log = join(h.dir, 'terminal.log');
      return { h, log, args: ['sts', 'get-caller-identity', '--profile', 'okta-cli', '--endpoint-url', testbed.aws.url, '--query', 'Arn', '--output', 'text'] };
    };
    const ARN = /arn:aws:sts::222222222222:assumed-role\/oidc-developer\/\S+/;

    // a one-time code: asked on the terminal
    const code = awsCli('mfa_type = code\n');
    const typed = await runProcess('python3', [PTY, '/usr/bin/aws', ...code.args], {
      env: { ...code.h.env, PTY_ANSWERS: `MFA code for alice at http://127\\.0\\.0\\.1:\\d+ \\(authenticator app\\)=>CODE` },
      timeoutMs: 60_000,
    });
    assert.equal(typed.code, 0, typed.stdout);
    assert.match(typed.stdout, ARN);

    // a push: the terminal says it was sent before the phone answers
    const pushed = awsCli('mfa_type = push\n');
    const running = runProcess('python3', [PTY, '/usr/bin/aws', ...pushed.args], { env: { ...pushed.h.env, PTY_LOG: pushed.log }, timeoutMs: 60_000 });
    await onScreen(pushed.log, /Okta Verify: approve the sign-in of alice at http:\/\/127\.0\.0\.1:\d+ on your phone/);
    assert.equal(testbed.idp.okta.pushes().length, 1);
    testbed.idp.okta.answerPush('alice', 'approve');
    const approved = await running;
    assert.equal(approved.code, 0, approved.stdout);
    assert.match(approved.stdout, ARN);

    // the number challenge: the number is on the terminal
    testbed.idp.okta.setPush({ numberChallenge: true });
    try {
      const numbered = awsCli('mfa_type = push\n');
      const waiting = runProcess('python3', [PTY, '/usr/bin/aws', ...numbered.args], { env: { ...numbered.h.env, PTY_LOG: numbered.log }, timeoutMs: 60_000 });
      const shown = Number((await onScreen(numbered.log, TAP))[1]);
      testbed.idp.okta.answerPush('alice', 'approve', shown);
      const signedIn = await waiting;
      assert.equal(signedIn.code, 0, signedIn.stdout);
      assert.match(signedIn.stdout, ARN);
    } finally {
      testbed.idp.okta.setPush({ numberChallenge: false });
    }
  });

  test('a number that comes only with the polls: the terminal says a push was sent, then shows the number to tap', async () => {
    testbed.idp.okta.setPush({ numberChallenge: true, numberOnPoll: true });
    try {
      const h = home(config('mfa_type = push\n'), env());
      const log = join(h.dir, 'terminal.log');
      const stdout = join(h.dir, 'stdout');
      const running = onTerminal(['export', 'okta', '--format', 'process'], { ...h.env, PTY_STDOUT: stdout }, [], log);
      const shown = Number((await onScreen(log, TAP))[1]);
      const screen = plain(readFileSync(log, 'utf8'));
      assert.ok(screen.indexOf('Okta Verify: approve the sign-in of alice') < screen.indexOf(`tap ${shown} to sign in`), screen);
      testbed.idp.okta.answerPush('alice', 'approve', shown);
      const run = await running;
      assert.equal(run.code, 0, run.stdout);
      assert.match(readFileSync(stdout, 'utf8'), CREDENTIALS);
    } finally {
      testbed.idp.okta.setPush({ numberChallenge: false, numberOnPoll: false });
    }
  });

  test('a wrong password: Okta\'s E0000004, with where the password came from', async () => {
    const h = home(config(), { ...env(), WEB_IDENTITY_PASSWORD: 'not-it' });
    const run = await runRolecall(['export', 'okta', '--format', 'process'], { env: h.env });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /refused the sign-in of alice \(E0000004: Authentication failed\)/);
    assert.match(run.stderr, /hint: Check the username \(alice\) and the password \(from WEB_IDENTITY_PASSWORD\)/);
  });
});

describe('Keycloak', () => {
  let testbed: Testbed;
  before(async () => {
    testbed = await startTestbed({ idp: { shape: 'keycloak' } });
  });
  after(() => testbed.close());
  const alice = () => testbed.world.idpUsers.find((u) => u.username === 'alice')!;
  const config = (extra = '') => `[profile kc]
region = us-east-1
web_identity_auth_url = ${testbed.idp.issuer}
web_identity_client_id = rolecall-cli
web_identity_redirect_uri = app:/callback
web_identity_username = alice
role_arn = arn:aws:iam::222222222222:role/oidc-developer
${extra}`;

  test('auto-detected realm, mfa_type auto: refused without the code, the code asked on the terminal, signed in', async () => {
    const h = home(config(), { AWS_ENDPOINT_URL_STS: testbed.aws.url, WEB_IDENTITY_PASSWORD: alice().password, CODE: totpCode(alice().totpSecretBase32!) });
    testbed.idp.resetCounts();
    const run = await onTerminal(['export', 'kc', '--format', 'process'], h.env, [[/MFA code for alice at http:\/\/127\.0\.0\.1:\d+\/realms\/rolecall/, 'CODE']]);
    assert.equal(run.code, 0, run.stdout);
    assert.match(run.stdout, /Keycloak refused the password alone, as it does when the account also needs its one-time code/);
    assert.match(run.stdout, CREDENTIALS);
    assert.equal(testbed.idp.counts().tokens.password, 2);
  });

  test('under the AWS CLI (credential_process, stderr kept from the user): the code is asked on the terminal', async () => {
    const h = home(`${config()}\n[profile kc-cli]\nregion = us-east-1\ncredential_process = ${process.execPath} ${BIN} export kc --format process\n`, {
      AWS_ENDPOINT_URL_STS: testbed.aws.url,
      WEB_IDENTITY_PASSWORD: alice().password,
      CODE: totpCode(alice().totpSecretBase32!),
      AWS_PAGER: '',
    });
    testbed.idp.resetCounts();
    const run = await runProcess('python3', [PTY, '/usr/bin/aws', 'sts', 'get-caller-identity', '--profile', 'kc-cli', '--endpoint-url', testbed.aws.url, '--query', 'Arn', '--output', 'text'], {
      env: { ...h.env, PTY_ANSWERS: `MFA code for alice at http://127\\.0\\.0\\.1:\\d+/realms/rolecall=>CODE` },
      timeoutMs: 60_000,
    });
    assert.equal(run.code, 0, run.stdout);
    assert.match(run.stdout, /^arn:aws:sts::222222222222:assumed-role\/oidc-developer\/\S+\r?$/m);
    assert.equal(testbed.idp.counts().tokens.password, 2, 'the password alone, then with the code');
  });

  test('mfa_type = code: the code goes with the first request (from mfa_process)', async () => {
    const h = home(config(`mfa_type = code\nmfa_process = ${process.execPath} ${TOTP_CLI} ${alice().totpSecretBase32}\n`), { AWS_ENDPOINT_URL_STS: testbed.aws.url, WEB_IDENTITY_PASSWORD: alice().password });
    testbed.idp.resetCounts();
    const run = await runRolecall(['export', 'kc', '--format', 'process'], { env: h.env });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(testbed.idp.counts().tokens.password, 1);
  });

  test('--mfa-code: the code from the command line, sent with the password (mfa_type = code)', async () => {
    const h = home(config('mfa_type = code\n'), { AWS_ENDPOINT_URL_STS: testbed.aws.url, WEB_IDENTITY_PASSWORD: alice().password });
    testbed.idp.resetCounts();
    const run = await runRolecall(['export', 'kc', '--format', 'process', '--mfa-code', totpCode(alice().totpSecretBase32!)], { env: h.env });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, CREDENTIALS);
    assert.doesNotMatch(run.stderr, /is not used/, 'the identity provider asked for the code');
    assert.equal(testbed.idp.counts().tokens.password, 1);
  });

  test('no terminal and no mfa_process: the refusal itself, with how to give a code', async () => {
    const h = home(config(), { AWS_ENDPOINT_URL_STS: testbed.aws.url, WEB_IDENTITY_PASSWORD: alice().password });
    const run = await runRolecall(['export', 'kc', '--format', 'process'], { env: h.env });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /refused the password login for alice \(invalid_grant: Invalid user credentials\); if the account has a one-time code, set mfa_type = code and mfa_process, or run in a terminal/);
  });

  test('mfa_type = none: one attempt, no code asked', async () => {
    const h = home(config('mfa_type = none\n'), { AWS_ENDPOINT_URL_STS: testbed.aws.url, WEB_IDENTITY_PASSWORD: alice().password });
    testbed.idp.resetCounts();
    const run = await runRolecall(['export', 'kc', '--format', 'process'], { env: h.env });
    assert.equal(run.code, 1);
    assert.equal(testbed.idp.counts().tokens.password, 1);
    assert.doesNotMatch(run.stderr, /one-time code/);
  });
});

describe('providers rolecall signs in to through the browser only', () => {
  test('OneLogin, Entra ID (Azure AD), ForgeRock named on a password profile (key or variable): pointed to the browser and device logins', async () => {
    const testbed = await startTestbed();
    try {
      const cases: [string, Record<string, string>, string][] = [
        ['', { WEB_IDENTITY_PROVIDER: 'OneLogin' }, 'OneLogin'],
        ['web_identity_provider = azuread\n', {}, 'Entra ID \\(Azure AD\\)'],
        ['web_identity_provider = ForgeRock\n', {}, 'ForgeRock'],
      ];
      for (const [key, variables, name] of cases) {
        const h = home(`[profile ol]
web_identity_auth_url = ${testbed.idp.issuer}
web_identity_client_id = rolecall-cli
web_identity_username = alice
role_arn = arn:aws:iam::222222222222:role/oidc-developer
${key}`, { ...variables, WEB_IDENTITY_PASSWORD: 'x' });
        const run = await runRolecall(['export', 'ol', '--format', 'process'], { env: h.env });
        assert.equal(run.code, 1, name);
        assert.equal(run.stdout, '');
        assert.match(run.stderr, new RegExp(`^rolecall: ${name} \\(http://127\\.0\\.0\\.1:\\d+\\) takes no username and password from rolecall: aws-runas signed in there through the provider's own API$`, 'm'));
        assert.match(run.stderr, /hint: Sign in through the provider's own page: set web_identity_flow = browser, or pass --device/);
      }
      assert.equal(testbed.idp.counts().tokens.password, undefined, 'the password was never sent');
    } finally {
      await testbed.close();
    }
  });
});
