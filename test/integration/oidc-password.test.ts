// The password login of aws-runas profiles against the testbed IdP's password grant: where the
// password comes from (-P, WEB_IDENTITY_PASSWORD, the secret store, a prompt, in that order),
// wrong passwords, clients the IdP does not allow the grant, and the real OS keyring.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DEFAULT_WORLD, loadWorld } from '../../testbed/world';
import { startIdp, type Idp } from '../../testbed/idp/index';
import { signIn } from '../../src/idp/oidc/sign-in';
import { passwordSecretName } from '../../src/store/secret-names';
import { harness, isError, testSettings } from '../helpers/oidc-harness';
import { inKeyring, keyringAvailable } from '../helpers/keyring';

const world = loadWorld(DEFAULT_WORLD);
const alice = world.idpUsers.find((u) => u.username === 'alice')!;
const carol = world.idpUsers.find((u) => u.username === 'carol')!;
const source = { kind: 'flag' as const, name: 'test' };
let idp: Idp;

before(async () => {
  idp = await startIdp(world);
});
after(async () => {
  await idp.close();
});

const passwordSettings = (username?: string, overrides = {}) =>
  testSettings(idp.issuer, { flow: 'password', username: username === undefined ? undefined : { value: username, source }, ...overrides });

test('username from the profile, password from WEB_IDENTITY_PASSWORD: no prompt, no browser', async () => {
  const h = harness({ env: { WEB_IDENTITY_PASSWORD: alice.password } });
  idp.resetCounts();
  const tokens = await signIn(passwordSettings('alice'), h.deps);
  assert.equal(tokens.claims.sub, alice.sub);
  assert.equal(tokens.claims.email, alice.email);
  assert.deepEqual(h.asked, []);
  assert.equal(idp.counts().authorizations, 0);
  assert.equal(idp.counts().tokens.password, 1);
  assert.ok(!h.stderr().includes(alice.password), 'the password never reaches stderr, even with --debug');
});

test('precedence: -P, then WEB_IDENTITY_PASSWORD, then the secret store, then a prompt', async () => {
  const wrong = 'not-the-password-123';
  // -P wins over everything else
  let h = harness({ env: { WEB_IDENTITY_PASSWORD: wrong }, passwordFlag: alice.password });
  h.secrets.set(passwordSecretName('test'), wrong);
  assert.equal((await signIn(passwordSettings('alice'), h.deps)).claims.sub, alice.sub);
  // then the environment
  h = harness({ env: { WEB_IDENTITY_PASSWORD: alice.password } });
  h.secrets.set(passwordSecretName('test'), wrong);
  assert.equal((await signIn(passwordSettings('alice'), h.deps)).claims.sub, alice.sub);
  // then the store (per profile)
  h = harness({ profiles: ['runas'] });
  h.secrets.set(passwordSecretName('runas'), alice.password);
  assert.equal((await signIn(passwordSettings('alice'), h.deps)).claims.sub, alice.sub);
  assert.deepEqual(h.asked, []);
  // the store, for a profile the settings are inherited from (source_profile, then default)
  h = harness({ profiles: ['runas', 'idp', 'default'] });
  h.secrets.set(passwordSecretName('default'), wrong);
  h.secrets.set(passwordSecretName('idp'), alice.password);
  assert.equal((await signIn(passwordSettings('alice'), h.deps)).claims.sub, alice.sub);
  assert.deepEqual(h.asked, []);
  // then the terminal, for the username too when the profile has none
  h = harness({ answers: ['alice', alice.password] });
  assert.equal((await signIn(passwordSettings(), h.deps)).claims.sub, alice.sub);
  assert.match(h.asked[0]!, /^Username for http:\/\/127\.0\.0\.1:\d+:$/);
  assert.match(h.asked[1]!, /^Password for alice at http:\/\/127\.0\.0\.1:\d+:$/);
});

test('a password with quotes, dollar signs and a backslash is sent as it is', async () => {
  const h = harness({ passwordFlag: carol.password });
  assert.equal((await signIn(passwordSettings('carol'), h.deps)).claims.email, carol.email);
});

test('a wrong stored password: OIDC_DENIED pointing to `rolecall password`', async () => {
  const h = harness({ profiles: ['runas'] });
  h.secrets.set(passwordSecretName('runas'), 'an-old-password');
  await assert.rejects(signIn(passwordSettings('alice'), h.deps), (e: unknown) => {
    isError('OIDC_DENIED', /refused the password login for alice \(invalid_grant.*\); the password came from the secret store/)(e);
    assert.match((e as { hint: string }).hint, /rolecall password runas/);
    return true;
  });
  assert.ok(!h.stderr().includes('an-old-password'));
});

test('a wrong password from -P: OIDC_DENIED saying which user and where the password came from', async () => {
  const h = harness({ passwordFlag: 'not-the-password-123' });
  await assert.rejects(signIn(passwordSettings('alice'), h.deps), (e: unknown) => {
    isError('OIDC_DENIED', /refused the password login for alice \(invalid_grant/)(e);
    assert.equal((e as { hint: string }).hint, 'Check the username (alice) and the password (from -P); repeated failures may lock the account.');
    return true;
  });
});

test('a confidential client with a wrong secret: the client authentication is named, with client_secret to check', async () => {
  const confidential = world.idpClients.find((c) => c.client_id === 'rolecall-confidential')!;
  const h = harness({ passwordFlag: alice.password });
  const settings = passwordSettings('alice', { clientId: { value: confidential.client_id, source }, clientSecret: { value: 'wrong-secret-XYZ', source } });
  await assert.rejects(signIn(settings, h.deps), (e: unknown) => {
    isError('OIDC_ERROR', /refused the client's authentication for the password login for alice \((invalid_client|HTTP 401)/)(e);
    assert.match((e as { hint: string }).hint, /client_secret/);
    return true;
  });
  assert.ok(!h.stderr().includes('wrong-secret-XYZ'));
});

test('a wrong password stored for the source profile: the hint names that profile', async () => {
  const h = harness({ profiles: ['runas', 'idp', 'default'] });
  h.secrets.set(passwordSecretName('idp'), 'an-old-password');
  await assert.rejects(signIn(passwordSettings('alice'), h.deps), (e: unknown) => {
    isError('OIDC_DENIED', /the password came from the secret store/)(e);
    assert.match((e as { hint: string }).hint, /rolecall password idp\b/);
    return true;
  });
});

test('no terminal and no password anywhere: NO_TTY instead of hanging', async () => {
  const h = harness();
  await assert.rejects(signIn(passwordSettings('alice'), h.deps), isError('NO_TTY'));
});

test('a client the IdP does not allow the password grant: OIDC_GRANT_UNSUPPORTED pointing to the browser flow', async () => {
  const confidential = world.idpClients.find((c) => c.client_id === 'rolecall-confidential')!;
  const h = harness({ passwordFlag: alice.password });
  const settings = passwordSettings('alice', { clientId: { value: confidential.client_id, source }, clientSecret: { value: confidential.client_secret!, source } });
  await assert.rejects(signIn(settings, h.deps), (e: unknown) => {
    isError('OIDC_GRANT_UNSUPPORTED', /unauthorized_client.*does not accept passwords/)(e);
    assert.match((e as { hint: string }).hint, /web_identity_flow = browser.*--device/);
    return true;
  });
});

test('with the real kernel keyring: the stored password logs in and the refresh token is kept there', { skip: !keyringAvailable('keyutils') && 'keyctl is not installed' }, async () => {
  const child = join(import.meta.dirname, '../helpers/oidc-keyring-child.ts');
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, ROLECALL_KEYRING: 'keyutils', ISSUER: idp.issuer, TESTBED_USER: 'alice', TESTBED_PASSWORD: alice.password };
  idp.resetCounts();
  const run = await inKeyring('keyutils', `"${process.execPath}" --import tsx "${child}"`, env);
  assert.equal(run.code, 0, run.stderr);
  const result = JSON.parse(run.stdout) as { sub: string; second: string; refreshStored: boolean };
  assert.deepEqual(result, { sub: alice.sub, second: alice.sub, refreshStored: true });
  assert.equal(idp.counts().tokens.password, 1);
  assert.equal(idp.counts().tokens.refresh_token, 1, 'the second sign-in used the refresh token from the keyring');
  assert.ok(!run.stderr.includes(alice.password));
});
