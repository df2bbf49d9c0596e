// Session policies in the plan: the last role-assuming step carries them (not the steps below it,
// not a jump role's web identity), they change that step's cache key only, and each of the three
// AssumeRole* calls sends them as Policy and PolicyArns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPlan, stepKey, type PlanDeps } from '../../src/credentials/run-plan';
import { SOURCES } from '../../src/credentials/sources/index';
import { buildPlan } from '../../src/plan/build';
import { createLogger } from '../../src/platform/logger';
import type { Sts } from '../../src/sts/client';
import type { Credentials } from '../../src/sts/credentials';
import { profileOf, rejects } from '../helpers/profiles';

const POLICY = '{ "Version": "2012-10-17",\n  "Statement": [ { "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*" } ] }';
const PACKED = JSON.stringify(JSON.parse(POLICY));
const ROLE = 'arn:aws:iam::222222222222:role/oidc-developer';
const TARGET = 'arn:aws:iam::333333333333:role/target';

function recordingSts() {
  const calls: Array<{ action: string; input: Record<string, unknown> }> = [];
  const answer = (action: string, input: Record<string, unknown>): Promise<Credentials> => {
    calls.push({ action, input });
    return Promise.resolve({ accessKeyId: `ASIA${calls.length}`, secretAccessKey: 's', sessionToken: 't', expiration: new Date(Date.now() + 3600_000), chain: [] });
  };
  const sts: Sts = {
    getSessionToken: (_s, input) => answer('GetSessionToken', input),
    assumeRole: (_s, input) => answer('AssumeRole', input),
    assumeRoleWithWebIdentity: (input) => answer('AssumeRoleWithWebIdentity', input),
    assumeRoleWithSaml: (input) => answer('AssumeRoleWithSAML', input),
    getCallerIdentity: () => Promise.reject(new Error('not used')),
    getFederationToken: (_s, input) => answer('GetFederationToken', input),
  };
  return { sts, calls };
}

function deps(sts: Sts): PlanDeps {
  return {
    sts,
    log: createLogger({ write: () => undefined }),
    clock: { now: () => new Date() },
    env: {},
    home: '/nonexistent',
    prompt: { ask: () => Promise.reject(new Error('no prompt')), choose: () => Promise.reject(new Error('no prompt')) },
    mfaCode: () => Promise.reject(new Error('no MFA')),
    secrets: () => {
      throw new Error('no keyring');
    },
    mfaDevices: () => Promise.reject(new Error('no IAM')),
    login: {},
    profiles: ['p'],
    refresh: false,
  };
}

function tokenFile(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'rolecall-policy-')), 'token');
  writeFileSync(path, 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln');
  return path;
}

test('AssumeRoleWithWebIdentity sends the policy without its spaces and the ARNs', async () => {
  const profile = profileOf({ web_identity_token_file: tokenFile(), role_arn: ROLE, session_policy: POLICY, session_policy_arns: 'arn:aws:iam::aws:policy/ReadOnlyAccess, arn:aws:iam::aws:policy/ReadOnlyAccess arn:aws:iam::222222222222:policy/x' });
  const { plan } = buildPlan(profile, SOURCES);
  const { sts, calls } = recordingSts();
  await runPlan(plan, deps(sts));
  assert.deepEqual(calls.map((c) => [c.action, c.input.policy, c.input.policyArns]), [['AssumeRoleWithWebIdentity', PACKED, ['arn:aws:iam::aws:policy/ReadOnlyAccess', 'arn:aws:iam::222222222222:policy/x']]]);
});

test('with jump_role_arn, the last AssumeRole carries the policy and the web identity session does not; only the last key changes', async () => {
  const settings = { web_identity_token_file: tokenFile(), role_arn: TARGET, jump_role_arn: ROLE };
  const plain = buildPlan(profileOf(settings), SOURCES).plan;
  const narrowed = buildPlan(profileOf({ ...settings, session_policy: POLICY }), SOURCES).plan;
  assert.equal(stepKey(narrowed, 0), stepKey(plain, 0), 'the web identity session below is shared');
  assert.notEqual(stepKey(narrowed, 1), stepKey(plain, 1));
  const { sts, calls } = recordingSts();
  await runPlan(narrowed, deps(sts));
  assert.deepEqual(calls.map((c) => [c.action, c.input.policy]), [['AssumeRoleWithWebIdentity', undefined], ['AssumeRole', PACKED]]);
  // the same policy written otherwise is the same key
  const respaced = buildPlan(profileOf({ ...settings, session_policy: PACKED }), SOURCES).plan;
  assert.equal(stepKey(respaced, 1), stepKey(narrowed, 1));
});

test('a profile whose last step assumes no role is refused, naming the key and where it is set', () => {
  const sso = profileOf({ sso_start_url: 'https://example.awsapps.com/start', sso_region: 'us-east-1', sso_account_id: '222222222222', sso_role_name: 'Dev', session_policy_arns: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }, { name: 'dev' });
  rejects(() => buildPlan(sso, SOURCES), 'CONFIG_INVALID', /^session_policy_arns \(\/home\/u\/\.aws\/config:6\) narrows a role session, but profile dev assumes no role: its credentials come from IAM Identity Center/, /add a profile with role_arn over this one/);
});
