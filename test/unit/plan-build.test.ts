import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildPlan } from '../../src/plan/build';
import { describeStep, SOURCES } from '../../src/credentials/sources/index';
import { isAssumeRole } from '../../src/credentials/sources/assume-role';
import { isSaml } from '../../src/credentials/sources/saml';
import { isStaticKeys } from '../../src/credentials/sources/static-keys';
import { isWebIdentity } from '../../src/credentials/sources/web-identity';
import { RolecallError } from '../../src/errors';
import type { Profile } from '../../src/config/profile';
import { profileOf } from '../helpers/profiles';

const bastion = profileOf({ aws_access_key_id: 'AKIAEXAMPLE', aws_secret_access_key: 'secret', mfa_serial: 'arn:aws:iam::111111111111:mfa/alice' }, { name: 'bastion' });

test('a profile with keys and mfa_serial gets a session token with MFA', () => {
  const { plan } = buildPlan(bastion, SOURCES);
  assert.deepEqual(plan.steps.map((s) => s.kind), ['StaticKeys', 'SessionToken']);
});

test('a role over a bastion with MFA: session token first, then AssumeRole without MFA', () => {
  const role = profileOf({ role_arn: 'arn:aws:iam::222222222222:role/read', duration_seconds: '7200' }, { name: 'read', sourceProfile: bastion });
  const { plan, notices } = buildPlan(role, SOURCES);
  assert.deepEqual(plan.steps.map((s) => s.kind), ['StaticKeys', 'SessionToken', 'AssumeRole']);
  const assume = plan.steps[2]!;
  assert.equal(assume.kind, 'AssumeRole');
  assert.equal(isAssumeRole(assume) && assume.chained, false);
  assert.equal(isAssumeRole(assume) && assume.durationSeconds.value, 7200);
  assert.equal(isAssumeRole(assume) && assume.mfaSerial, undefined);
  assert.deepEqual(notices, []);
});

test('mfa_serial on the role profile: AssumeRole carries the MFA and no session token is made', () => {
  const keys = profileOf({ aws_access_key_id: 'AKIAEXAMPLE', aws_secret_access_key: 'secret' }, { name: 'keys' });
  const role = profileOf({ role_arn: 'arn:aws:iam::222222222222:role/read', mfa_serial: 'arn:aws:iam::111111111111:mfa/alice', external_id: 'x-1' }, { name: 'read', sourceProfile: keys });
  const { plan } = buildPlan(role, SOURCES);
  assert.deepEqual(plan.steps.map((s) => s.kind), ['StaticKeys', 'AssumeRole']);
  const step = plan.steps[1]!;
  assert.ok(isAssumeRole(step));
  assert.equal(step.mfaSerial?.value, 'arn:aws:iam::111111111111:mfa/alice');
  assert.equal(step.externalId?.value, 'x-1');
});

test('a three-hop chain: the second and third hops are chained and capped at 1h with a notice', () => {
  const hop1 = profileOf({ role_arn: 'arn:aws:iam::222222222222:role/read' }, { name: 'hop1', sourceProfile: bastion });
  const hop2 = profileOf({ role_arn: 'arn:aws:iam::333333333333:role/admin', duration_seconds: '43200' }, { name: 'hop2', sourceProfile: hop1 });
  const hop3 = profileOf({ role_arn: 'arn:aws:iam::222222222222:role/audit', credentials_duration: '2h' }, { name: 'hop3', sourceProfile: hop2 });
  const { plan, notices } = buildPlan(hop3, SOURCES);
  assert.deepEqual(plan.steps.map((s) => s.kind), ['StaticKeys', 'SessionToken', 'AssumeRole', 'AssumeRole', 'AssumeRole']);
  const roles = plan.steps.filter(isAssumeRole);
  assert.deepEqual(roles.map((s) => s.chained), [false, true, true]);
  assert.deepEqual(roles.map((s) => s.durationSeconds.value), [3600, 3600, 3600]);
  assert.equal(notices.length, 2);
  assert.match(notices[0]!, /role chaining.*1 hour.*43200s \(\/home\/u\/\.aws\/config:\d+\)/);
});

test('web identity settings (own or inherited) with role_arn make a WebIdentity step; jump_role_arn adds a chained hop', () => {
  const web = profileOf({ web_identity_auth_url: 'https://idp.example.com', web_identity_client_id: 'cli', role_arn: 'arn:aws:iam::333333333333:role/target', jump_role_arn: 'arn:aws:iam::222222222222:role/jump' }, { name: 'dev' });
  const { plan } = buildPlan(web, SOURCES);
  assert.deepEqual(plan.steps.map(describeStep), [
    'AssumeRoleWithWebIdentity arn:aws:iam::222222222222:role/jump with an OIDC login (profile dev)',
    'AssumeRole arn:aws:iam::333333333333:role/target (profile dev)',
  ]);
});

test('web_identity_token_file reads the token from the file', () => {
  const web = profileOf({ web_identity_token_file: '/var/run/token', role_arn: 'arn:aws:iam::222222222222:role/oidc-developer' }, { name: 'ci' });
  const step = buildPlan(web, SOURCES).plan.steps[0]!;
  assert.ok(isWebIdentity(step) && step.token.from === 'file' && step.token.path.value === '/var/run/token');
});

test('credential_source = Environment starts from the environment keys', () => {
  const role = profileOf({ role_arn: 'arn:aws:iam::222222222222:role/read', credential_source: 'Environment' }, { name: 'env-role' });
  assert.deepEqual(buildPlan(role, SOURCES).plan.steps.map(describeStep), [
    'static keys of profile env-role (environment)',
    'AssumeRole arn:aws:iam::222222222222:role/read (profile env-role)',
  ]);
});

test('SAML sources: POST API and token exchange', () => {
  const post = profileOf({ saml_assertion_url: 'https://idp.example.com/saml', role_arn: 'arn:aws:iam::222222222222:role/saml-developer' }, { name: 'saml' });
  const step = buildPlan(post, SOURCES).plan.steps[0]!;
  assert.ok(isSaml(step) && step.assertion.from === 'post-api' && step.roleArn?.value === 'arn:aws:iam::222222222222:role/saml-developer');
  const exchange = profileOf({ web_identity_auth_url: 'https://kc.example.com', web_identity_client_id: 'aws', federation_type: 'saml2' }, { name: 'kc' });
  const step2 = buildPlan(exchange, SOURCES).plan.steps[0]!;
  assert.ok(isSaml(step2) && step2.assertion.from === 'token-exchange' && step2.roleArn === undefined);
});

test('role_arn without any source is refused, naming the file and line', () => {
  const lonely = profileOf({ role_arn: 'arn:aws:iam::222222222222:role/read' }, { name: 'lonely', line: 7 });
  assert.throws(
    () => buildPlan(lonely, SOURCES),
    (e: unknown) => e instanceof RolecallError && e.code === 'PROFILE_NO_CREDENTIALS' && /\/home\/u\/\.aws\/config:7/.test(e.message),
  );
});

test('half a key pair is refused', () => {
  const half = profileOf({ aws_access_key_id: 'AKIAEXAMPLE' }, { name: 'half' });
  assert.throws(() => buildPlan(half, SOURCES), (e: unknown) => e instanceof RolecallError && e.code === 'PROFILE_NO_CREDENTIALS' && /aws_secret_access_key/.test(e.message));
});

test('a profile with no keys anywhere falls to the keyring', () => {
  assert.deepEqual(buildPlan(profileOf({ region: 'eu-west-1' }, { name: 'bare' }), SOURCES).plan.steps.map((s) => isStaticKeys(s) && s.origin), ['keyring']);
});

test('endpoints: the service-specific one wins over endpoint_url', () => {
  const p = profileOf({ aws_access_key_id: 'AKIAEXAMPLE', aws_secret_access_key: 's', endpoint_url: 'http://127.0.0.1:1', 'endpoint_url.sts': 'http://127.0.0.1:2' }, { name: 'ep' });
  const { plan } = buildPlan(p, SOURCES);
  assert.equal(plan.stsEndpoint?.value, 'http://127.0.0.1:2');
  assert.equal(plan.iamEndpoint?.value, 'http://127.0.0.1:1');
});

test('cached credentials are keyed by the identity provider, not only the role', async () => {
  const { stepKey } = await import('../../src/credentials/run-plan');
  const a = profileOf({ web_identity_auth_url: 'https://idp-a.example.com', web_identity_client_id: 'cli', role_arn: 'arn:aws:iam::111111111111:role/r' }, { name: 'a' });
  const b = profileOf({ web_identity_auth_url: 'https://idp-b.example.com', web_identity_client_id: 'cli', role_arn: 'arn:aws:iam::111111111111:role/r' }, { name: 'b' });
  const a2 = profileOf({ web_identity_auth_url: 'https://idp-a.example.com', web_identity_client_id: 'cli', role_arn: 'arn:aws:iam::111111111111:role/r' }, { name: 'a2' });
  const key = (p: Profile) => stepKey(buildPlan(p, SOURCES).plan, 0);
  assert.notEqual(key(a), key(b));
  assert.equal(key(a), key(a2), 'the same settings under another profile name share the cache');
  const samlA = profileOf({ saml_assertion_url: 'https://a.example.com/saml', role_arn: 'arn:aws:iam::111111111111:role/r' }, { name: 's' });
  const samlB = profileOf({ saml_assertion_url: 'https://b.example.com/saml', role_arn: 'arn:aws:iam::111111111111:role/r' }, { name: 's' });
  assert.notEqual(key(samlA), key(samlB));
});

test('a SAML role picked on the terminal is never cached, nor anything after it', async () => {
  const { cacheableSteps } = await import('../../src/credentials/run-plan');
  const picked = profileOf({ saml_assertion_url: 'https://a.example.com/saml' }, { name: 'p' });
  assert.equal(cacheableSteps(buildPlan(picked, SOURCES).plan), 0);
  const named = profileOf({ saml_assertion_url: 'https://a.example.com/saml', role_arn: 'arn:aws:iam::111111111111:role/r' }, { name: 'n' });
  assert.equal(cacheableSteps(buildPlan(named, SOURCES).plan), 1);
  // aws-cli-oidc's default_iam_role_arn names the role among the assertion's: cached too
  const preferred = profileOf({ saml_assertion_url: 'https://a.example.com/saml', default_iam_role_arn: 'arn:aws:iam::111111111111:role/r' }, { name: 'd' });
  assert.equal(cacheableSteps(buildPlan(preferred, SOURCES).plan), 1);
  const bastionRole = profileOf({ role_arn: 'arn:aws:iam::222222222222:role/read' }, { name: 'b', sourceProfile: bastion });
  assert.equal(cacheableSteps(buildPlan(bastionRole, SOURCES).plan), 3);
});

test('a profile with only a credential_process runs it; a role over it assumes from its credentials', () => {
  const tool = profileOf({ credential_process: 'rolecall auth google' }, { name: 'tool' });
  assert.deepEqual(buildPlan(tool, SOURCES).plan.steps.map(describeStep), ['credential_process of profile tool: rolecall …']);
  const role = profileOf({ role_arn: 'arn:aws:iam::222222222222:role/read', source_profile: 'tool' }, { name: 'role', sourceProfile: tool });
  assert.deepEqual(buildPlan(role, SOURCES).plan.steps.map((s) => s.kind), ['Process', 'AssumeRole']);
});
