// `rolecall whoami` against the testbed: the identity STS sees, the account alias IAM knows, the
// expiry, and the chain of steps that made the credentials.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Testbed } from '../../testbed/index';
import { appendFileSync } from 'node:fs';
import { BIN, runRolecall, type Home } from '../helpers/cli';
import { useBastionTestbed } from '../helpers/bastion';

let testbed: Testbed;
let home: Home;

useBastionTestbed((started, startedHome) => {
  testbed = started;
  home = startedHome;
});

test('whoami of a role chained three deep: arn, account with its alias, expiry and every step', async () => {
  const run = await runRolecall(['whoami', 'audit'], { env: home.env });
  assert.equal(run.code, 0, run.stderr);
  const lines = run.stdout.trimEnd().split('\n');
  assert.equal(lines[0], 'profile  audit');
  assert.match(lines[1]!, /^arn      arn:aws:sts::222222222222:assumed-role\/audit\/\S+$/);
  assert.equal(lines[2], 'account  222222222222 (staging)');
  assert.match(lines[4]!, /^expires  \d{4}-\d\d-\d\dT.* \(in (59|60) min\)$/, 'chained roles last 1 h');
  assert.equal(lines[5], 'chain');
  const chain = lines.slice(6);
  assert.equal(chain.length, 5, chain.join('\n'));
  assert.deepEqual(chain, [
    '  1. static keys of profile bastion (credentials file)',
    '  2. GetSessionToken with MFA arn:aws:iam::111111111111:mfa/alice (profile bastion)',
    '  3. AssumeRole arn:aws:iam::222222222222:role/read (profile read)',
    '  4. AssumeRole arn:aws:iam::333333333333:role/admin (profile admin)',
    '  5. AssumeRole arn:aws:iam::222222222222:role/audit (profile audit)',
  ]);
});

test('whoami --json of long-lived keys: the user, the alias, no expiry', async () => {
  const run = await runRolecall(['whoami', 'bob', '--json'], { env: home.env });
  assert.equal(run.code, 0, run.stderr);
  const out = JSON.parse(run.stdout) as Record<string, unknown>;
  assert.equal(out.profile, 'bob');
  assert.equal(out.arn, 'arn:aws:iam::111111111111:user/bob');
  assert.equal(out.account, '111111111111');
  assert.equal(out.accountAlias, 'bastion');
  assert.equal(out.expiration, null);
  assert.deepEqual(out.chain, ['static keys of profile bob (credentials file)']);
});

test('whoami with no profile named shows the keys in the environment, as the AWS CLI would use them', async () => {
  const exported = await runRolecall(['export', 'read', '--format', 'json'], { env: home.env });
  assert.equal(exported.code, 0, exported.stderr);
  const c = JSON.parse(exported.stdout) as { Credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string; Expiration: string } };
  const env = {
    ...home.env,
    AWS_ACCESS_KEY_ID: c.Credentials.AccessKeyId,
    AWS_SECRET_ACCESS_KEY: c.Credentials.SecretAccessKey,
    AWS_SESSION_TOKEN: c.Credentials.SessionToken,
    AWS_CREDENTIAL_EXPIRATION: c.Credentials.Expiration,
    AWS_ENDPOINT_URL_STS: testbed.aws.url,
  };
  const run = await runRolecall(['whoami'], { env });
  assert.equal(run.code, 0, run.stderr);
  const lines = run.stdout.trimEnd().split('\n');
  assert.equal(lines[0], 'profile  environment');
  assert.match(lines[1]!, /^arn      arn:aws:sts::222222222222:assumed-role\/read\//);
  assert.match(lines[4]!, new RegExp(`^expires  ${new Date(c.Credentials.Expiration).toISOString().replace(/\./g, '\\.')} \\(in \\d+ min\\)$`));
  // a profile named anywhere wins over the environment's keys
  const named = await runRolecall(['whoami', '--json'], { env: { ...env, AWS_PROFILE: 'bob' } });
  assert.equal(named.code, 0, named.stderr);
  assert.equal((JSON.parse(named.stdout) as { profile: string; arn: string }).profile, 'bob');
});

test("whoami of a profile with only a credential_process: the chain names the profile's command", async () => {
  appendFileSync(home.env.AWS_CONFIG_FILE!, `\n[profile proc]\nendpoint_url = ${testbed.aws.url}\ncredential_process = ${process.execPath} ${BIN} export read --format process\n`);
  const run = await runRolecall(['whoami', 'proc', '--json'], { env: home.env });
  assert.equal(run.code, 0, run.stderr);
  const report = JSON.parse(run.stdout) as { arn: string; chain: string[] };
  assert.match(report.arn, /^arn:aws:sts::222222222222:assumed-role\/read\//);
  assert.deepEqual(report.chain, [`credential_process of profile proc: ${process.execPath} …`], 'the program is named, its arguments (which may hold a secret) are not');
});
