// runPlan and resolveCredentials through their seams: a fake STS that records every call, a cache
// in memory (runPlan) or on disk (resolveCredentials, with its lock), and a fake identity provider
// added as a credential source of its own. Chains, partial cache hits, the lock, and errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveCredentials } from '../../src/credentials/resolve';
import { runPlan, stepKey, type PlanDeps, type StepCache } from '../../src/credentials/run-plan';
import { SOURCES } from '../../src/credentials/sources/index';
import type { CredentialSource } from '../../src/credentials/sources/source';
import { buildPlan } from '../../src/plan/build';
import { stepOf, type Plan, type Step } from '../../src/plan/step';
import { RolecallError } from '../../src/errors';
import { createLogger } from '../../src/platform/logger';
import type { Context } from '../../src/platform/context';
import type { Sts } from '../../src/sts/client';
import type { Credentials } from '../../src/sts/credentials';
import { profileOf, rejectsAsync } from '../helpers/profiles';

const NOW = new Date('2030-01-01T00:00:00Z');
const clock = { now: () => NOW };
const MFA = 'arn:aws:iam::111111111111:mfa/alice';
const ROLE = 'arn:aws:iam::222222222222:role/read';

/** STS that answers every call with new credentials expiring in an hour, and remembers the calls. */
function fakeSts(refuse?: (action: string, input: Record<string, unknown>) => RolecallError | undefined) {
  const calls: Array<{ action: string; source?: string; input: Record<string, unknown> }> = [];
  let n = 0;
  const answer = (action: string, source: Credentials | undefined, input: Record<string, unknown>): Promise<Credentials> => {
    calls.push({ action, source: source?.accessKeyId, input });
    const refusal = refuse?.(action, input);
    if (refusal) return Promise.reject(refusal);
    n += 1;
    return Promise.resolve({ accessKeyId: `ASIA${action}${n}`, secretAccessKey: `secret-${n}`, sessionToken: `token-${n}`, expiration: new Date(NOW.getTime() + 3600_000), chain: [] });
  };
  const sts: Sts = {
    getSessionToken: (source, input) => answer('GetSessionToken', source, input),
    assumeRole: (source, input) => answer('AssumeRole', source, input),
    assumeRoleWithWebIdentity: (input) => answer('AssumeRoleWithWebIdentity', undefined, input),
    assumeRoleWithSaml: (input) => answer('AssumeRoleWithSAML', undefined, input),
    getCallerIdentity: () => Promise.reject(new Error('not used')),
    getFederationToken: (source, input) => answer('GetFederationToken', source, input),
  };
  return { sts, calls };
}

function memoryCache(entries = new Map<string, Credentials>()): StepCache & { entries: Map<string, Credentials> } {
  return {
    entries,
    read: (key) => Promise.resolve(entries.get(key)),
    write: (key, credentials) => {
      entries.set(key, credentials);
      return Promise.resolve();
    },
  };
}

function deps(sts: Sts, extra: Partial<PlanDeps> = {}) {
  let stderr = '';
  const codes: string[] = [];
  const d: PlanDeps = {
    sts,
    log: createLogger({ write: (text) => void (stderr += text), debug: true }),
    clock,
    env: {},
    home: '/nonexistent',
    prompt: { ask: () => Promise.reject(new Error('no prompt in this test')), choose: () => Promise.reject(new Error('no prompt in this test')) },
    mfaCode: (serial) => {
      codes.push(serial);
      return Promise.resolve(String(123455 + codes.length));
    },
    secrets: () => {
      throw new Error('no keyring in this test');
    },
    mfaDevices: () => Promise.reject(new Error('no IAM in this test')),
    login: {},
    profiles: ['p', 'default'],
    refresh: false,
    ...extra,
  };
  return { deps: d, codes, stderr: () => stderr };
}

const bastion = profileOf({ aws_access_key_id: 'AKIABASTION', aws_secret_access_key: 'bastion-secret', mfa_serial: MFA }, { name: 'bastion' });
const role = profileOf({ role_arn: ROLE, source_profile: 'bastion', duration_seconds: '7200' }, { name: 'read', sourceProfile: bastion });
const planOf = (profile = role, sources: readonly CredentialSource[] = SOURCES): Plan => buildPlan(profile, sources).plan;

test('a chain runs each step with the credentials of the one before: keys, MFA session, role', async () => {
  const { sts, calls } = fakeSts();
  const { deps: d, codes } = deps(sts);
  const credentials = await runPlan(planOf(), d);
  assert.deepEqual(
    calls.map((c) => [c.action, c.source]),
    [
      ['GetSessionToken', 'AKIABASTION'],
      ['AssumeRole', 'ASIAGetSessionToken1'],
    ],
  );
  assert.deepEqual(calls[0]!.input, { serialNumber: MFA, tokenCode: '123456', durationSeconds: 43200 });
  assert.equal(calls[1]!.input.roleArn, ROLE);
  assert.equal(calls[1]!.input.durationSeconds, 7200);
  assert.equal(calls[1]!.input.tokenCode, undefined, 'the MFA session carries the MFA: the role call does not ask again');
  assert.deepEqual(codes, [MFA]);
  assert.equal(credentials.accessKeyId, 'ASIAAssumeRole2');
  assert.deepEqual(credentials.chain, [
    'static keys of profile bastion (credentials file)',
    `GetSessionToken with MFA ${MFA} (profile bastion)`,
    `AssumeRole ${ROLE} (profile read)`,
  ]);
});

test('a cached MFA session serves the role above it: no MFA code, no GetSessionToken; each step that expires is cached', async () => {
  const plan = planOf();
  const session: Credentials = { accessKeyId: 'ASIACACHEDSESSION', secretAccessKey: 's', sessionToken: 't', expiration: new Date(NOW.getTime() + 600_000), chain: ['static keys', 'session'] };
  const cache = memoryCache(new Map([[stepKey(plan, 1), session]]));
  const { sts, calls } = fakeSts();
  const { deps: d, codes, stderr } = deps(sts, { cache });
  const credentials = await runPlan(plan, d);
  assert.deepEqual(calls.map((c) => [c.action, c.source]), [['AssumeRole', 'ASIACACHEDSESSION']]);
  assert.deepEqual(codes, []);
  assert.deepEqual(credentials.chain, ['static keys', 'session', `AssumeRole ${ROLE} (profile read)`]);
  assert.deepEqual([...cache.entries.keys()], [stepKey(plan, 1), stepKey(plan, 2)], 'the role is cached under its own key; the static keys never are');
  assert.match(stderr(), /cache hit for step 2\/3: GetSessionToken/);

  // --refresh: the cache is not read, but what is made is written
  const fresh = fakeSts();
  const refreshed = deps(fresh.sts, { cache, refresh: true });
  await runPlan(plan, refreshed.deps);
  assert.deepEqual(fresh.calls.map((c) => c.action), ['GetSessionToken', 'AssumeRole']);
  assert.equal(cache.entries.get(stepKey(plan, 2))!.accessKeyId, 'ASIAAssumeRole2');
});

test('a role whose maximum is lower than asked is asked again at 1h, with a new MFA code and a warning', async () => {
  const keys = profileOf({ aws_access_key_id: 'AKIAKEYS', aws_secret_access_key: 'k' }, { name: 'keys' });
  const withMfa = profileOf({ role_arn: ROLE, mfa_serial: MFA, duration_seconds: '7200' }, { name: 'mfa-role', sourceProfile: keys });
  const { sts, calls } = fakeSts((action, input) =>
    action === 'AssumeRole' && input.durationSeconds === 7200 ? new RolecallError('STS_DURATION', 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.') : undefined,
  );
  const { deps: d, codes, stderr } = deps(sts);
  await runPlan(planOf(withMfa), d);
  assert.deepEqual(calls.map((c) => c.input.durationSeconds), [7200, 3600]);
  assert.deepEqual(calls.map((c) => c.input.tokenCode), ['123456', '123457'], 'an MFA code is accepted once');
  assert.deepEqual(codes, [MFA, MFA]);
  assert.match(stderr(), new RegExp(`${ROLE} allows less than the 7200s asked for \\(/home/u/\\.aws/config:4\\); retrying with 1h`));
});

test('a refusal stops the plan: nothing after it runs and nothing of it is cached', async () => {
  const plan = planOf();
  const cache = memoryCache();
  const { sts, calls } = fakeSts((action) => (action === 'AssumeRole' ? new RolecallError('STS_ACCESS_DENIED', 'not authorized to perform sts:AssumeRole') : undefined));
  await rejectsAsync(() => runPlan(plan, deps(sts, { cache }).deps), 'STS_ACCESS_DENIED', /not authorized/);
  assert.deepEqual(calls.map((c) => c.action), ['GetSessionToken', 'AssumeRole']);
  assert.deepEqual([...cache.entries.keys()], [stepKey(plan, 1)], 'the MFA session made before the refusal is kept for the next try');
});

test('credential_source = Environment without the variables says which are missing', async () => {
  const env = profileOf({ role_arn: ROLE, credential_source: 'Environment' }, { name: 'env-role' });
  const { sts, calls } = fakeSts();
  await rejectsAsync(() => runPlan(planOf(env), deps(sts).deps), 'PROFILE_NO_CREDENTIALS', /credential_source = Environment but AWS_ACCESS_KEY_ID\/AWS_SECRET_ACCESS_KEY are not set/);
  assert.deepEqual(calls, []);
});

/** An identity provider of its own, added in front of the registry: what a new source plugs into. */
interface FakeIdpStep extends Step {
  kind: 'FakeIdp';
  user: string;
}
const isFakeIdp = stepOf<FakeIdpStep>('FakeIdp');

function fakeIdp() {
  const signIns: string[] = [];
  const source: CredentialSource<FakeIdpStep> = {
    kinds: ['FakeIdp'],
    roleSession: true,
    recognises: (profile) => profile.settings.has('fake_idp_user'),
    plan: (profile) => ({ steps: [{ kind: 'FakeIdp', profile: profile.name, user: profile.settings.get('fake_idp_user')!.value }], notices: [] }),
    describe: (step) => `fake sign-in as ${step.user}`,
    run(step) {
      signIns.push(step.user);
      return Promise.resolve({ accessKeyId: `ASIAFAKE${signIns.length}`, secretAccessKey: 's', sessionToken: 't', expiration: new Date(NOW.getTime() + 3600_000), chain: [] });
    },
  };
  return { source, signIns };
}

test('a source added to the registry is planned, described, run, and chained like the others', async () => {
  const { source, signIns } = fakeIdp();
  const sources = [source, ...SOURCES];
  const idp = profileOf({ fake_idp_user: 'alice' }, { name: 'idp' });
  const over = profileOf({ role_arn: ROLE, source_profile: 'idp', duration_seconds: '7200' }, { name: 'over', sourceProfile: idp });
  const { plan, notices } = buildPlan(over, sources);
  assert.ok(isFakeIdp(plan.steps[0]!));
  assert.match(notices[0]!, /role chaining/, 'its credentials are a role session: the role over it is chained');
  const cache = memoryCache();
  const { sts, calls } = fakeSts();
  const credentials = await runPlan(plan, deps(sts, { cache, sources }).deps);
  assert.deepEqual(signIns, ['alice']);
  assert.deepEqual(calls.map((c) => [c.action, c.source, c.input.durationSeconds]), [['AssumeRole', 'ASIAFAKE1', 3600]]);
  assert.deepEqual(credentials.chain, ['fake sign-in as alice', `AssumeRole ${ROLE} (profile over)`]);
  assert.equal(cache.entries.size, 2);
  // the step is the key: another user is another key, the same user under another profile name the same
  const bob = buildPlan(profileOf({ fake_idp_user: 'bob' }, { name: 'idp' }), sources).plan;
  const aliceAgain = buildPlan(profileOf({ fake_idp_user: 'alice' }, { name: 'elsewhere' }), sources).plan;
  assert.notEqual(stepKey(bob, 0, sources), stepKey(plan, 0, sources));
  assert.equal(stepKey(aliceAgain, 0, sources), stepKey(plan, 0, sources));
});

function home(files: Record<string, string>): { dir: string; ctx: Context; stderr: () => string } {
  const dir = mkdtempSync(join(tmpdir(), 'rolecall-run-plan-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text, { mode: 0o600 });
  }
  let stderr = '';
  const ctx: Context = {
    env: { AWS_CONFIG_FILE: join(dir, '.aws', 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, '.aws', 'credentials'), ROLECALL_CACHE_DIR: join(dir, 'cache') },
    clock: { now: () => new Date() },
    log: createLogger({ write: (text) => void (stderr += text) }),
    prompt: { ask: () => Promise.resolve('123456'), choose: () => Promise.reject(new Error('no choice in this test')) },
    stdout: () => {},
    stdoutIsTTY: false,
    readStdin: () => Promise.resolve(''),
    home: dir,
  };
  return { dir, ctx, stderr: () => stderr };
}

test('resolveCredentials: concurrent requests for one profile make one set of STS calls; the others wait and get it from the cache', async (t) => {
  const h = home({
    '.aws/credentials': '[bastion]\naws_access_key_id = AKIABASTION\naws_secret_access_key = bastion-secret\n',
    '.aws/config': `[profile bastion]\nmfa_serial = ${MFA}\n\n[profile read]\nrole_arn = ${ROLE}\nsource_profile = bastion\n`,
  });
  t.after(() => rmSync(h.dir, { recursive: true, force: true }));
  const slow = fakeSts();
  const sts: Sts = { ...slow.sts, assumeRole: async (source, input) => (await new Promise((r) => setTimeout(r, 200)), slow.sts.assumeRole(source, input)) };
  const request = { profileName: { value: 'read', source: { kind: 'argument' as const, name: 'PROFILE' } }, refresh: false, noCache: false };
  const results = await Promise.all([1, 2, 3].map(() => resolveCredentials(request, h.ctx, { sts })));
  assert.deepEqual(slow.calls.map((c) => c.action), ['GetSessionToken', 'AssumeRole']);
  assert.equal(new Set(results.map((r) => r.credentials.accessKeyId)).size, 1);
  assert.equal(results.filter((r) => r.fresh).length, 3, 'each waited for the lock and found the result behind it');
  assert.equal(new Set(results.map((r) => r.cacheKey)).size, 1);
  assert.match(h.stderr(), /waiting for rolecall pid \d+ \(getting credentials for profile read\)/);
  // afterwards: a plain cache hit, no lock, no call
  const again = await resolveCredentials(request, h.ctx, { sts });
  assert.equal(again.fresh, false);
  assert.equal(slow.calls.length, 2);
});

test('resolveCredentials: a bad value is refused before any call, naming where it is', async (t) => {
  const h = home({ '.aws/config': `[profile read]\nrole_arn = arn:aws:iam::123:role/x\ncredential_source = Environment\n` });
  t.after(() => rmSync(h.dir, { recursive: true, force: true }));
  const { sts, calls } = fakeSts();
  await rejectsAsync(
    () => resolveCredentials({ profileName: { value: 'read', source: { kind: 'argument', name: 'PROFILE' } }, refresh: false, noCache: true }, h.ctx, { sts }),
    'CONFIG_INVALID',
    new RegExp(`^role_arn = "arn:aws:iam::123:role/x" \\(${h.dir}/\\.aws/config:2\\) is not an IAM role ARN$`),
  );
  assert.deepEqual(calls, []);
});

// coinbase's bastion: keys, no mfa_serial anywhere; the MFA code comes from the command line
const bareBastion = profileOf({ aws_access_key_id: 'AKIABASTION', aws_secret_access_key: 'bastion-secret' }, { name: 'bastion' });
const bareRole = profileOf({ role_arn: ROLE, source_profile: 'bastion' }, { name: 'production/read', sourceProfile: bareBastion });
const given = { value: '654321', source: { kind: 'argument' as const, name: 'MFA' } };

test('a code given with no mfa_serial: the device is looked up (ListMFADevices with the keys), then the MFA session and the role', async () => {
  const { plan, notices } = buildPlan(bareRole, SOURCES, undefined, { mfaCode: given });
  assert.deepEqual(notices, []);
  assert.deepEqual(plan.steps.map((s) => s.kind), ['StaticKeys', 'SessionToken', 'AssumeRole']);
  const { sts, calls } = fakeSts();
  const looked: string[] = [];
  const { deps: d, codes, stderr } = deps(sts, {
    mfaGiven: given,
    mfaDevices: (keys) => {
      looked.push(keys.accessKeyId);
      return Promise.resolve([MFA, 'arn:aws:iam::111111111111:mfa/spare']);
    },
  });
  await runPlan(plan, d);
  assert.deepEqual(looked, ['AKIABASTION']);
  assert.deepEqual(codes, [MFA]);
  assert.deepEqual(calls.map((c) => c.action), ['GetSessionToken', 'AssumeRole']);
  assert.equal(calls[0]!.input.serialNumber, MFA);
  assert.match(stderr(), /Using the MFA device arn:aws:iam::111111111111:mfa\/alice \(found with iam:ListMFADevices; set mfa_serial to skip the lookup\): the first of 2\./);
  // the same plan without a code or coinbase's mode has no MFA session
  assert.deepEqual(buildPlan(bareRole, SOURCES).plan.steps.map((s) => s.kind), ['StaticKeys', 'AssumeRole']);
});

test('resolveCredentials: a code given that no step asks for is said to be unused: none needed, or an MFA session still cached', async (t) => {
  const h = home({
    '.aws/credentials': '[bastion]\naws_access_key_id = AKIABASTION\naws_secret_access_key = bastion-secret\n',
    '.aws/config': `[profile bastion]\nmfa_serial = ${MFA}\n\n[profile read]\nrole_arn = ${ROLE}\nsource_profile = bastion\n\n[profile write]\nrole_arn = arn:aws:iam::222222222222:role/write\nsource_profile = bastion\n\n[profile pod]\nrole_arn = ${ROLE}\nweb_identity_token_file = TOKEN\n`,
    TOKEN: 'eyJ.token.from-kubernetes',
  });
  writeFileSync(join(h.dir, '.aws', 'config'), readFileSync(join(h.dir, '.aws', 'config'), 'utf8').replace('TOKEN', join(h.dir, 'TOKEN')));
  t.after(() => rmSync(h.dir, { recursive: true, force: true }));
  const { sts, calls } = fakeSts();
  const request = (name: string) => ({ profileName: { value: name, source: { kind: 'argument' as const, name: 'PROFILE' } }, mfaCode: given, refresh: false, noCache: false });
  const unused = /MFA code \(argument MFA\)/;
  await resolveCredentials(request('read'), h.ctx, { sts });
  assert.deepEqual(calls.map((c) => [c.action, c.input.tokenCode]), [['GetSessionToken', '654321'], ['AssumeRole', undefined]]);
  assert.doesNotMatch(h.stderr(), unused);
  // another role over the same bastion: the MFA session comes from the cache, the code is not needed
  await resolveCredentials(request('write'), h.ctx, { sts });
  assert.deepEqual(calls.slice(2).map((c) => c.action), ['AssumeRole']);
  assert.match(h.stderr(), /warning: the MFA code \(argument MFA\) was not needed: credentials or an MFA session that profile write got earlier are still cached and valid \(--refresh signs in again with the code\)\.\n/);
  // a web identity token from a file: nothing there takes a code
  await resolveCredentials(request('pod'), h.ctx, { sts });
  assert.equal(calls.at(-1)!.action, 'AssumeRoleWithWebIdentity');
  assert.match(h.stderr(), /warning: the MFA code \(argument MFA\) is not used: nothing in profile pod's sign-in asked for one \(its credentials need no MFA, or the identity provider did not ask\)\.\n/);
});

test('the device lookup refused, or no device for a code given: MFA_DEVICE_UNKNOWN naming mfa_serial, and no STS call made with the keys', async () => {
  const plan = buildPlan(bareRole, SOURCES, undefined, { mfaAlways: true }).plan;
  const refusing = fakeSts();
  refusing.sts.getCallerIdentity = () => Promise.resolve({ account: '111111111111', arn: 'arn:aws:iam::111111111111:user/erin', userId: 'AIDA' });
  const refused = deps(refusing.sts, {
    mfaGiven: given,
    mfaDevices: () => Promise.reject(new RolecallError('STS_ACCESS_DENIED', 'ListMFADevices failed: not authorized')),
  });
  await rejectsAsync(
    () => runPlan(plan, refused.deps),
    'MFA_DEVICE_UNKNOWN',
    /^cannot find the MFA device of arn:aws:iam::111111111111:user\/erin: iam:ListMFADevices was refused \(AccessDenied\), so the MFA code given was not used$/,
    /^Name the device in profile bastion: mfa_serial = arn:aws:iam::111111111111:mfa\/DEVICE in /,
  );
  assert.deepEqual(refusing.calls, []);

  // coinbase's mode without a code, for a user with no device: the keys as they are, then the role
  const plain = fakeSts();
  const none = deps(plain.sts, { mfaDevices: () => Promise.resolve([]) });
  await runPlan(plan, none.deps);
  assert.deepEqual(plain.calls.map((c) => [c.action, c.source]), [['AssumeRole', 'AKIABASTION']]);
  // ... but a code given for that user is an error, not dropped
  const withCode = fakeSts();
  withCode.sts.getCallerIdentity = () => Promise.resolve({ account: '111111111111', arn: 'arn:aws:iam::111111111111:user/bob', userId: 'AIDA' });
  const dropped = deps(withCode.sts, { mfaGiven: given, mfaDevices: () => Promise.resolve([]) });
  await rejectsAsync(() => runPlan(plan, dropped.deps), 'MFA_DEVICE_UNKNOWN', /^the MFA code \(argument MFA\) cannot be used: arn:aws:iam::111111111111:user\/bob has no MFA device$/);
  assert.deepEqual(withCode.calls, []);
});
