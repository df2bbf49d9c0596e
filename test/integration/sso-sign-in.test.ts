// rolecall's Identity Center sign-in against the testbed's emulator, in-process: the browser sign-in
// (PKCE, loopback) and the device code with a person at the pages ($BROWSER), the token kept in the
// AWS CLI's cache, refresh before asking again, an expired registration, a revoked session, the
// legacy form, and what is said on stderr.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import type { Testbed } from '../../testbed/index';
import { systemClock } from '../../src/platform/clock';
import { createLogger } from '../../src/platform/logger';
import { RolecallError } from '../../src/errors';
import { ssoAccessToken } from '../../src/idp/sso/sign-in';
import { ssoRoleCredentials } from '../../src/idp/sso/role-credentials';
import { registrationFile, tokenFile } from '../../src/idp/sso/token-file';
import type { SsoSession } from '../../src/plan/identity-center';
import type { SsoLogin } from '../../src/idp/sso/session';
import type { Home } from '../helpers/cli';
import { testbedSession, useSsoTestbed } from '../helpers/aws-sso';
import { SSO_BROWSER } from '../helpers/sso-browser';

let testbed: Testbed;
let home: Home;
const DEVICE = 'urn:ietf:params:oauth:grant-type:device_code';

useSsoTestbed((t) => (testbed = t), (h) => (home = h));

function setup(options: { flow?: SsoLogin['flow']; consent?: string; session?: Partial<SsoSession> } = {}) {
  let stderr = '';
  const alice = testbed.world.idpUsers.find((u) => u.username === 'alice')!;
  const env = { ...home.env, BROWSER: SSO_BROWSER, TESTBED_USER: alice.username, TESTBED_PASSWORD: alice.password, TESTBED_CONSENT: options.consent ?? 'approve', TESTBED_AGENT_LOG: `${home.dir}/agent.log` };
  const session: SsoSession = { ...testbedSession(testbed), registrationScopes: ['sso:account:access'], ...options.session };
  return {
    session,
    endpoints: { oidc: testbed.aws.sso.oidcUrl, portal: testbed.aws.sso.portalUrl },
    login: { flow: options.flow ?? 'browser', noBrowser: false, timeoutSeconds: 20 } as SsoLogin,
    deps: { env, home: home.dir, clock: systemClock, log: createLogger({ write: (t) => (stderr += t), debug: true }) },
    stderr: () => stderr,
  };
}

/** what the $BROWSER person wrote, once it has written `pattern` (it ends after rolecall does) */
async function agentLog(pattern: RegExp): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const text = existsSync(`${home.dir}/agent.log`) ? readFileSync(`${home.dir}/agent.log`, 'utf8') : '';
    if (pattern.test(text) || Date.now() > deadline) return text;
    await new Promise((r) => setTimeout(r, 50));
  }
}

const tokenJson = (s: ReturnType<typeof setup>) => JSON.parse(readFileSync(tokenFile(home.dir, s.session), 'utf8')) as Record<string, string>;

test('browser sign-in: PKCE through the loopback, the token in the AWS CLI cache, then reused without a call', async () => {
  const s = setup();
  const token = await ssoAccessToken(s.session, s.endpoints, s.login, s.deps);
  assert.equal(testbed.aws.sso.grants('authorization_code'), 1);
  assert.equal(testbed.aws.calls('RegisterClient'), 1);
  assert.match(await agentLog(/loopback answered/), /loopback answered 200: Login successful/);
  assert.match(s.stderr(), /Opened the browser to sign in to AWS IAM Identity Center at https:\/\/d-9067c0ffee\.awsapps\.com\/start/);
  const file = tokenJson(s);
  assert.deepEqual(Object.keys(file), ['startUrl', 'region', 'accessToken', 'expiresAt', 'clientId', 'clientSecret', 'registrationExpiresAt', 'refreshToken']);
  assert.equal(file.accessToken, token);
  assert.equal(file.region, 'eu-west-1');
  assert.match(file.expiresAt!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.doesNotMatch(s.stderr(), new RegExp(token.slice(0, 40)), 'the token is never logged');
  // the registration is kept for the next sign-in, in the AWS CLI's shape
  const registration = JSON.parse(readFileSync(registrationFile(home.dir, s.session, 'authorization_code'), 'utf8')) as Record<string, unknown>;
  assert.deepEqual(Object.keys(registration), ['clientId', 'clientSecret', 'expiresAt', 'scopes', 'grantTypes']);
  assert.deepEqual(registration.grantTypes, ['authorization_code', 'refresh_token']);

  testbed.aws.resetCalls();
  assert.equal(await ssoAccessToken(s.session, s.endpoints, s.login, s.deps), token);
  assert.equal(testbed.aws.calls(), 0, 'a cached token with more than 15 minutes left costs no call');
});

test('device code: the code and URL on stderr, the browser opened on it, polling until the person approves', async () => {
  const s = setup({ flow: 'device' });
  testbed.aws.sso.slowDown(1);
  await ssoAccessToken(s.session, s.endpoints, s.login, s.deps);
  assert.match(s.stderr(), /To sign in to AWS IAM Identity Center at \S+, open http:\/\/127\.0\.0\.1:\d+\/device and enter the code [A-Z]{4}-[A-Z]{4}/);
  assert.match(await agentLog(/device/), /device approved/);
  assert.ok(testbed.aws.sso.grants(DEVICE) >= 2);
  assert.ok(tokenJson(s).refreshToken, 'sso:account:access earns a refresh token');
});

test('a token within 15 minutes of its end is refreshed (refresh_token grant), not signed in again; the registration travels with it', async () => {
  const s = setup();
  await ssoAccessToken(s.session, s.endpoints, s.login, s.deps);
  const before = tokenJson(s);
  writeFileSync(tokenFile(home.dir, s.session), JSON.stringify({ ...before, expiresAt: new Date(Date.now() + 5 * 60_000).toISOString() }));
  const token = await ssoAccessToken(s.session, s.endpoints, s.login, s.deps);
  assert.equal(testbed.aws.sso.grants('refresh_token'), 1);
  assert.equal(testbed.aws.sso.grants('authorization_code'), 1, 'no second sign-in');
  const after = tokenJson(s);
  assert.equal(after.accessToken, token);
  assert.notEqual(after.refreshToken, before.refreshToken, 'the rotated refresh token is kept');
  assert.equal(after.clientId, before.clientId);
  assert.equal(after.registrationExpiresAt, before.registrationExpiresAt);
});

test('an expired registration is not used to refresh: a new registration and sign-in', async () => {
  const s = setup();
  await ssoAccessToken(s.session, s.endpoints, s.login, s.deps);
  const before = tokenJson(s);
  const past = new Date(Date.now() - 60_000).toISOString().replace(/\.\d+Z$/, 'Z');
  writeFileSync(tokenFile(home.dir, s.session), JSON.stringify({ ...before, expiresAt: past, registrationExpiresAt: past }));
  writeFileSync(registrationFile(home.dir, s.session, 'authorization_code'), JSON.stringify({ clientId: before.clientId, clientSecret: before.clientSecret, expiresAt: past }));
  await ssoAccessToken(s.session, s.endpoints, s.login, s.deps);
  assert.equal(testbed.aws.sso.grants('refresh_token'), 0);
  assert.equal(testbed.aws.calls('RegisterClient'), 2);
  assert.equal(testbed.aws.sso.grants('authorization_code'), 2);
  assert.notEqual(tokenJson(s).clientId, before.clientId);
});

test('a revoked session: GetRoleCredentials is refused, the refresh too, so rolecall signs in again and gets the credentials', async () => {
  const s = setup();
  const request = { session: s.session, endpoints: s.endpoints, login: s.login, accountId: '222222222222', roleName: 'Developer' };
  await ssoRoleCredentials(request, s.deps);
  testbed.aws.sso.revokeUser('alice');
  const credentials = await ssoRoleCredentials(request, s.deps);
  assert.match(credentials.accessKeyId, /^ASIA/);
  assert.equal(credentials.accountId, '222222222222');
  assert.equal(testbed.aws.calls('GetRoleCredentials'), 3, 'one refused, then one with the new token');
  assert.equal(testbed.aws.sso.grants('refresh_token'), 1, 'the refresh was tried first');
  assert.equal(testbed.aws.sso.grants('authorization_code'), 2);
  assert.match(s.stderr(), /no longer accepts the token of sso-session testbed/);
});

test('a role the person is not assigned: SSO_NO_ACCESS with AWS\'s words and how to list the roles', async () => {
  const s = setup();
  await assert.rejects(
    ssoRoleCredentials({ session: s.session, endpoints: s.endpoints, login: s.login, accountId: '333333333333', roleName: 'Developer' }, s.deps),
    (e: RolecallError) => e.code === 'SSO_NO_ACCESS' && /role Developer in account 333333333333 .*No access \(ForbiddenException\)/.test(e.message) && /list-roles --sso-session/.test(e.hint),
  );
});

test('the legacy form: device code, the token named by the start URL, no refresh token, and denial is OIDC_DENIED', async () => {
  const s = setup({ flow: 'device', session: { name: undefined, registrationScopes: undefined } });
  await ssoAccessToken(s.session, s.endpoints, s.login, s.deps);
  const file = tokenJson(s);
  assert.equal(file.refreshToken, undefined, 'registered without scopes, as the AWS CLI registers legacy profiles');
  assert.ok(tokenFile(home.dir, s.session).endsWith(`${(await import('node:crypto')).createHash('sha1').update(s.session.startUrl).digest('hex')}.json`));

  const denied = setup({ flow: 'device', consent: 'deny', session: { name: 'other' } });
  await assert.rejects(ssoAccessToken(denied.session, denied.endpoints, denied.login, denied.deps), (e: RolecallError) => e.code === 'OIDC_DENIED');
  assert.equal(existsSync(tokenFile(home.dir, denied.session)), false, 'nothing is written for a failed sign-in');
});

test('a browser denial ends the sign-in at once with OIDC_DENIED, and the loopback page says it failed', async () => {
  const s = setup({ consent: 'deny' });
  await assert.rejects(ssoAccessToken(s.session, s.endpoints, s.login, s.deps), (e: RolecallError) => e.code === 'OIDC_DENIED' && /access_denied/.test(e.message));
  assert.match(await agentLog(/loopback answered/), /loopback answered 400: Login failed/);
});
