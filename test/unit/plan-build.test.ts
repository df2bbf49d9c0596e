import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildPlan } from '../../src/plan/build';
import { describeStep } from '../../src/plan/step';
import type { Profile } from '../../src/config/profile';
import type { Setting } from '../../src/config/source';
import { RolecallError } from '../../src/errors';

function profile(name: string, values: Record<string, string>, sourceProfile?: Profile, line = 1): Profile {
  const settings = new Map<string, Setting>();
  for (const [key, value] of Object.entries(values)) settings.set(key, { value, source: { kind: 'file', path: '/home/u/.aws/config', line: line++ } });
  return { name, nameSource: { kind: 'argument', name: 'PROFILE' }, settings, sourceProfile };
}

const bastion = profile('bastion', { aws_access_key_id: 'AKIAEXAMPLE', aws_secret_access_key: 'secret', mfa_serial: 'arn:aws:iam::111111111111:mfa/alice' });

test('a profile with keys and mfa_serial gets a session token with MFA', () => {
  const { plan } = buildPlan(bastion);
  assert.deepEqual(plan.steps.map((s) => s.kind), ['StaticKeys', 'SessionToken']);
});

test('a role over a bastion with MFA: session token first, then AssumeRole without MFA', () => {
  const role = profile('read', { role_arn: 'arn:aws:iam::222222222222:role/read', duration_seconds: '7200' }, bastion);
  const { plan, notices } = buildPlan(role);
  assert.deepEqual(plan.steps.map((s) => s.kind), ['StaticKeys', 'SessionToken', 'AssumeRole']);
  const assume = plan.steps[2]!;
  assert.equal(assume.kind, 'AssumeRole');
  assert.equal(assume.kind === 'AssumeRole' && assume.chained, false);
  assert.equal(assume.kind === 'AssumeRole' && assume.durationSeconds.value, 7200);
  assert.equal(assume.kind === 'AssumeRole' && assume.mfaSerial, undefined);
  assert.deepEqual(notices, []);
});

test('mfa_serial on the role profile: AssumeRole carries the MFA and no session token is made', () => {
  const keys = profile('keys', { aws_access_key_id: 'AKIAEXAMPLE', aws_secret_access_key: 'secret' });
  const role = profile('read', { role_arn: 'arn:aws:iam::222222222222:role/read', mfa_serial: 'arn:aws:iam::111111111111:mfa/alice', external_id: 'x-1' }, keys);
  const { plan } = buildPlan(role);
  assert.deepEqual(plan.steps.map((s) => s.kind), ['StaticKeys', 'AssumeRole']);
  const step = plan.steps[1]!;
  assert.ok(step.kind === 'AssumeRole');
  assert.equal(step.mfaSerial?.value, 'arn:aws:iam::111111111111:mfa/alice');
  assert.equal(step.externalId?.value, 'x-1');
});

test('a three-hop chain: the second and third hops are chained and capped at 1h with a notice', () => {
  const hop1 = profile('hop1', { role_arn: 'arn:aws:iam::222222222222:role/read' }, bastion);
  const hop2 = profile('hop2', { role_arn: 'arn:aws:iam::333333333333:role/admin', duration_seconds: '43200' }, hop1);
  const hop3 = profile('hop3', { role_arn: 'arn:aws:iam::222222222222:role/audit', credentials_duration: '2h' }, hop2);
  const { plan, notices } = buildPlan(hop3);
  assert.deepEqual(plan.steps.map((s) => s.kind), ['StaticKeys', 'SessionToken', 'AssumeRole', 'AssumeRole', 'AssumeRole']);
  const roles = plan.steps.filter((s) => s.kind === 'AssumeRole');
  assert.deepEqual(roles.map((s) => s.kind === 'AssumeRole' && s.chained), [false, true, true]);
  assert.deepEqual(roles.map((s) => s.kind === 'AssumeRole' && s.durationSeconds.value), [3600, 3600, 3600]);
  assert.equal(notices.length, 2);
  assert.match(notices[0]!, /role chaining.*1 hour.*43200s \(\/home\/u\/\.aws\/config:\d+\)/);
});

test('web identity settings (own or inherited) with role_arn make a WebIdentity step; jump_role_arn adds a chained hop', () => {
  const web = profile('dev', { web_identity_auth_url: 'https://idp.example.com', web_identity_client_id: 'cli', role_arn: 'arn:aws:iam::333333333333:role/target', jump_role_arn: 'arn:aws:iam::222222222222:role/jump' });
  const { plan } = buildPlan(web);
  assert.deepEqual(plan.steps.map(describeStep), [
    'AssumeRoleWithWebIdentity arn:aws:iam::222222222222:role/jump with an OIDC login (profile dev)',
    'AssumeRole arn:aws:iam::333333333333:role/target (profile dev)',
  ]);
});

test('web_identity_token_file reads the token from the file', () => {
  const web = profile('ci', { web_identity_token_file: '/var/run/token', role_arn: 'arn:aws:iam::222222222222:role/oidc-developer' });
  const step = buildPlan(web).plan.steps[0]!;
  assert.ok(step.kind === 'WebIdentity' && step.token.from === 'file' && step.token.path.value === '/var/run/token');
});

test('credential_source = Environment starts from the environment keys', () => {
  const role = profile('env-role', { role_arn: 'arn:aws:iam::222222222222:role/read', credential_source: 'Environment' });
  assert.deepEqual(buildPlan(role).plan.steps.map(describeStep), [
    'static keys of profile env-role (environment)',
    'AssumeRole arn:aws:iam::222222222222:role/read (profile env-role)',
  ]);
});

test('SAML sources: POST API and token exchange', () => {
  const post = profile('saml', { saml_assertion_url: 'https://idp.example.com/saml', role_arn: 'arn:aws:iam::222222222222:role/saml-developer' });
  const step = buildPlan(post).plan.steps[0]!;
  assert.ok(step.kind === 'Saml' && step.assertion === 'post-api' && step.roleArn?.value === 'arn:aws:iam::222222222222:role/saml-developer');
  const exchange = profile('kc', { web_identity_auth_url: 'https://kc.example.com', federation_type: 'saml2' });
  const step2 = buildPlan(exchange).plan.steps[0]!;
  assert.ok(step2.kind === 'Saml' && step2.assertion === 'token-exchange' && step2.roleArn === undefined);
});

test('role_arn without any source is refused, naming the file and line', () => {
  const lonely = profile('lonely', { role_arn: 'arn:aws:iam::222222222222:role/read' }, undefined, 7);
  assert.throws(
    () => buildPlan(lonely),
    (e: unknown) => e instanceof RolecallError && e.code === 'PROFILE_NO_CREDENTIALS' && /\/home\/u\/\.aws\/config:7/.test(e.message),
  );
});

test('half a key pair is refused', () => {
  const half = profile('half', { aws_access_key_id: 'AKIAEXAMPLE' });
  assert.throws(() => buildPlan(half), (e: unknown) => e instanceof RolecallError && e.code === 'PROFILE_NO_CREDENTIALS' && /aws_secret_access_key/.test(e.message));
});

test('a profile with no keys anywhere falls to the keyring', () => {
  assert.deepEqual(buildPlan(profile('bare', { region: 'eu-west-1' })).plan.steps.map((s) => s.kind === 'StaticKeys' && s.origin), ['keyring']);
});

test('endpoints: the service-specific one wins over endpoint_url', () => {
  const p = profile('ep', { aws_access_key_id: 'AKIAEXAMPLE', aws_secret_access_key: 's', endpoint_url: 'http://127.0.0.1:1', 'endpoint_url.sts': 'http://127.0.0.1:2' });
  const { plan } = buildPlan(p);
  assert.equal(plan.stsEndpoint?.value, 'http://127.0.0.1:2');
  assert.equal(plan.iamEndpoint?.value, 'http://127.0.0.1:1');
});

test('cached credentials are keyed by the identity provider, not only the role', async () => {
  const { stepKey } = await import('../../src/app/run-plan');
  const a = profile('a', { web_identity_auth_url: 'https://idp-a.example.com', web_identity_client_id: 'cli', role_arn: 'arn:aws:iam::1:role/r' });
  const b = profile('b', { web_identity_auth_url: 'https://idp-b.example.com', web_identity_client_id: 'cli', role_arn: 'arn:aws:iam::1:role/r' });
  const a2 = profile('a2', { web_identity_auth_url: 'https://idp-a.example.com', web_identity_client_id: 'cli', role_arn: 'arn:aws:iam::1:role/r' });
  const key = (p: Profile) => stepKey(buildPlan(p).plan, 0);
  assert.notEqual(key(a), key(b));
  assert.equal(key(a), key(a2), 'the same settings under another profile name share the cache');
  const samlA = profile('s', { saml_assertion_url: 'https://a.example.com/saml', role_arn: 'arn:aws:iam::1:role/r' });
  const samlB = profile('s', { saml_assertion_url: 'https://b.example.com/saml', role_arn: 'arn:aws:iam::1:role/r' });
  assert.notEqual(key(samlA), key(samlB));
});

test('a SAML role picked on the terminal is never cached, nor anything after it', async () => {
  const { cacheableSteps } = await import('../../src/app/run-plan');
  const picked = profile('p', { saml_assertion_url: 'https://a.example.com/saml' });
  assert.equal(cacheableSteps(buildPlan(picked).plan), 0);
  const named = profile('n', { saml_assertion_url: 'https://a.example.com/saml', role_arn: 'arn:aws:iam::1:role/r' });
  assert.equal(cacheableSteps(buildPlan(named).plan), 1);
  // aws-cli-oidc's default_iam_role_arn names the role among the assertion's: cached too
  const preferred = profile('d', { saml_assertion_url: 'https://a.example.com/saml', default_iam_role_arn: 'arn:aws:iam::1:role/r' });
  assert.equal(cacheableSteps(buildPlan(preferred).plan), 1);
  const bastionRole = profile('b', { role_arn: 'arn:aws:iam::222222222222:role/read' }, bastion);
  assert.equal(cacheableSteps(buildPlan(bastionRole).plan), 3);
});

test('a profile with only a credential_process runs it; a role over it assumes from its credentials', () => {
  const tool = profile('tool', { credential_process: 'rolecall auth google' });
  assert.deepEqual(buildPlan(tool).plan.steps.map(describeStep), ['credential_process of profile tool: rolecall auth google']);
  const role = profile('role', { role_arn: 'arn:aws:iam::222222222222:role/read', source_profile: 'tool' }, tool);
  assert.deepEqual(buildPlan(role).plan.steps.map((s) => s.kind), ['Process', 'AssumeRole']);
});
