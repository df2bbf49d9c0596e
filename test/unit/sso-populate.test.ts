// setup --sso-session's plan: names safe for INI headers and shells, only what is missing, never a
// profile the user wrote, and the dry run's diff.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configFilesFrom } from '../../src/config/files';
import { parseIni } from '../../src/config/ini';
import { setSection } from '../../src/config/ini-edit';
import { planPopulate, safeName, unifiedDiff } from '../../src/app/sso-populate';

const files = (config: string) => configFilesFrom(parseIni(config, '/h/.aws/config'), parseIni('', '/h/.aws/credentials'));
const role = (accountId: string, accountName: string, roleName: string) => ({ accountId, accountName, roleName });
const options = { session: { name: 'acme', startUrl: 'https://acme.awsapps.com/start', region: 'us-east-1' } };

test('names keep letters, digits and . _ @ + -; accents become plain letters; everything else one dash', () => {
  assert.equal(safeName('Data Science [Sandbox] / Zoë'), 'Data-Science-Sandbox-Zoe');
  assert.equal(safeName('  prod  '), 'prod');
  assert.equal(safeName('a.b_c@d+e-f'), 'a.b_c@d+e-f');
  assert.equal(safeName('日本'), '');
});

test('one profile per role, with the prefix and region; an unnamed account goes by its id', () => {
  const plan = planPopulate([role('111111111111', 'Prod', 'ReadOnly'), role('222222222222', '日本', 'Admin')], files(''), { ...options, prefix: 'acme-', region: 'eu-west-1' });
  assert.deepEqual(
    plan.add.map((a) => a.section),
    [
      ['profile acme-Prod.ReadOnly', [['sso_session', 'acme'], ['sso_account_id', '111111111111'], ['sso_role_name', 'ReadOnly'], ['region', 'eu-west-1']]],
      ['profile acme-222222222222.Admin', [['sso_session', 'acme'], ['sso_account_id', '222222222222'], ['sso_role_name', 'Admin'], ['region', 'eu-west-1']]],
    ],
  );
});

test('two accounts of the same name each say their id', () => {
  const plan = planPopulate([role('111111111111', 'Sandbox', 'Dev'), role('222222222222', 'Sandbox', 'Dev'), role('333333333333', 'Prod', 'Dev')], files(''), options);
  assert.deepEqual(plan.add.map((a) => a.profile), ['Sandbox-111111111111.Dev', 'Sandbox-222222222222.Dev', 'Prod.Dev']);
});

test('a role a profile already uses (this session, or the legacy form of its start URL) is left alone, and a name the user took is never overwritten', () => {
  const config = `[profile mine]
sso_session = acme
sso_account_id = 111111111111
sso_role_name = ReadOnly

[profile old]
sso_start_url = https://acme.awsapps.com/start
sso_region = us-east-1
sso_account_id = 111111111111
sso_role_name = Admin

[profile Prod.Dev]
region = us-west-2

[profile other-session]
sso_session = elsewhere
sso_account_id = 111111111111
sso_role_name = Billing
`;
  const roles = [role('111111111111', 'Prod', 'ReadOnly'), role('111111111111', 'Prod', 'Admin'), role('111111111111', 'Prod', 'Dev'), role('111111111111', 'Prod', 'Billing')];
  const plan = planPopulate(roles, files(config), options);
  assert.deepEqual(plan.existing.map((e) => `${e.role.roleName}=${e.profile}`), ['ReadOnly=mine', 'Admin=old']);
  assert.deepEqual(plan.skipped.map((s) => s.profile), ['Prod.Dev']);
  assert.deepEqual(plan.add.map((a) => a.profile), ['Prod.Billing']);
});

test('the dry run shows exactly the lines that would be added, with context', () => {
  const before = '[default]\nregion = us-east-1\n';
  const after = setSection(before, 'profile Prod.Dev', [['sso_session', 'acme']]);
  assert.equal(unifiedDiff('/h/.aws/config', before, after), '--- /h/.aws/config\n+++ /h/.aws/config\n@@ -1,2 +1,5 @@\n [default]\n region = us-east-1\n+\n+[profile Prod.Dev]\n+sso_session = acme\n');
  assert.equal(unifiedDiff('/h/.aws/config', '', '[a]\n'), '--- /h/.aws/config\n+++ /h/.aws/config\n@@ -0,0 +1,1 @@\n+[a]\n');
  assert.equal(unifiedDiff('/h/.aws/config', 'x\n', 'x\n'), '');
});
