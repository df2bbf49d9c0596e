// Planning Identity Center profiles: recognised by sso_account_id/sso_role_name as botocore does,
// the session (sso-session or legacy) and endpoints the step carries, a role over it chained, role_arn
// winning in a profile with both (the AWS CLI's order), and what is missing named with its place.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildPlan } from '../../src/plan/build';
import { describeStep, SOURCES } from '../../src/credentials/sources/index';
import { isAssumeRole } from '../../src/credentials/sources/assume-role';
import { isIdentityCenter } from '../../src/credentials/sources/identity-center';
import { profileOf, rejects } from '../helpers/profiles';

const SESSION = { sso_session: 'acme', sso_start_url: 'https://acme.awsapps.com/start', sso_region: 'eu-west-1', sso_registration_scopes: 'sso:account:access' };
const dev = profileOf({ ...SESSION, sso_account_id: '111111111111', sso_role_name: 'Developer' }, { name: 'dev' });

test('an sso-session profile: one IdentityCenter step with its session, role, AWS endpoints for sso_region and the browser sign-in', () => {
  const { plan } = buildPlan(dev, SOURCES);
  assert.deepEqual(plan.steps.map((s) => s.kind), ['IdentityCenter']);
  const step = plan.steps[0]!;
  assert.ok(isIdentityCenter(step));
  assert.deepEqual(step.sso, {
    session: { name: 'acme', startUrl: 'https://acme.awsapps.com/start', region: 'eu-west-1', registrationScopes: ['sso:account:access'] },
    accountId: '111111111111',
    roleName: 'Developer',
    endpoints: { oidc: 'https://oidc.eu-west-1.amazonaws.com', portal: 'https://portal.sso.eu-west-1.amazonaws.com' },
    login: { useDeviceCode: false, timeoutSeconds: 300 },
  });
  assert.equal(describeStep(step), 'GetRoleCredentials Developer in account 111111111111 from IAM Identity Center, sso-session acme (https://acme.awsapps.com/start) (profile dev)');
});

test('the legacy form signs in with a device code; endpoints follow endpoint_url.sso / .sso_oidc, then endpoint_url; China has its own hosts', () => {
  const legacy = profileOf({ sso_start_url: 'https://acme.awsapps.com/start', sso_region: 'cn-north-1', sso_account_id: '111111111111', sso_role_name: 'Dev', web_identity_agent: '["firefox", "{}"]', web_identity_timeout: '2m' });
  const step = buildPlan(legacy, SOURCES).plan.steps[0]!;
  assert.ok(isIdentityCenter(step));
  assert.equal(step.sso.session.name, undefined);
  assert.deepEqual(step.sso.login, { useDeviceCode: true, agent: ['firefox', '{}'], timeoutSeconds: 120 });
  assert.deepEqual(step.sso.endpoints, { oidc: 'https://oidc.cn-north-1.amazonaws.com.cn', portal: 'https://portal.sso.cn-north-1.amazonaws.com.cn' });
  const local = profileOf({ ...SESSION, sso_account_id: '111111111111', sso_role_name: 'Dev', endpoint_url: 'http://127.0.0.1:4566', 'endpoint_url.sso_oidc': 'http://127.0.0.1:9000' });
  const localStep = buildPlan(local, SOURCES).plan.steps[0]!;
  assert.ok(isIdentityCenter(localStep));
  assert.deepEqual(localStep.sso.endpoints, { oidc: 'http://127.0.0.1:9000', portal: 'http://127.0.0.1:4566' });
});

test('a role over an Identity Center profile is chained (1 h at most); role_arn wins in a profile that has both', () => {
  const over = profileOf({ role_arn: 'arn:aws:iam::222222222222:role/deploy', duration_seconds: '7200' }, { name: 'deploy', sourceProfile: dev });
  const { plan, notices } = buildPlan(over, SOURCES);
  assert.deepEqual(plan.steps.map((s) => s.kind), ['IdentityCenter', 'AssumeRole']);
  const assume = plan.steps[1]!;
  assert.ok(isAssumeRole(assume) && assume.chained);
  assert.equal(isAssumeRole(assume) && assume.durationSeconds.value, 3600);
  assert.match(notices[0]!, /role chaining/);
  const both = profileOf({ ...SESSION, sso_account_id: '111111111111', sso_role_name: 'Dev', role_arn: 'arn:aws:iam::222222222222:role/deploy' }, { name: 'both', sourceProfile: dev });
  assert.deepEqual(buildPlan(both, SOURCES).plan.steps.map((s) => s.kind), ['IdentityCenter', 'AssumeRole']);
});

test('what an Identity Center profile lacks is named with where the rest was written', () => {
  rejects(() => buildPlan(profileOf({ ...SESSION, sso_role_name: 'Dev' }, { name: 'x' }), SOURCES), 'CONFIG_INVALID', /profile "x" has sso_role_name \(\/home\/u\/\.aws\/config:6\) but not sso_account_id/);
  rejects(() => buildPlan(profileOf({ sso_account_id: '111111111111', sso_role_name: 'Dev' }, { name: 'x' }), SOURCES), 'CONFIG_INVALID', /names no sso_session/);
  rejects(
    () => buildPlan(profileOf({ sso_session: 'acme', sso_region: 'eu-west-1', sso_account_id: '111111111111', sso_role_name: 'Dev' }, { name: 'x' }), SOURCES),
    'CONFIG_INVALID',
    /its \[sso-session acme\] \(named at \/home\/u\/\.aws\/config:2\) is missing sso_start_url/,
  );
  rejects(() => buildPlan(profileOf({ sso_start_url: 'https://acme.awsapps.com/start', sso_account_id: '111111111111', sso_role_name: 'Dev' }, { name: 'x' }), SOURCES), 'CONFIG_INVALID', /profile "x" is missing sso_region/);
  rejects(() => buildPlan(profileOf({ ...SESSION, sso_account_id: '1111', sso_role_name: 'Dev' }, { name: 'x' }), SOURCES), 'CONFIG_INVALID', /sso_account_id = "1111" .* is not an AWS account id/);
});
