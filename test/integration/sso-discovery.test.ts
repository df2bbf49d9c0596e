// Discovery and session commands for IAM Identity Center, through the built binary against the
// testbed: list-roles --sso-session (every page, the profile using each role), setup --sso-session
// (dry run, only what is missing, never another profile, creating the session), clear --sso and
// --all (sso:Logout, token files removed), and doctor's explanation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import type { Testbed } from '../../testbed/index';
import { runRolecall, type Home } from '../helpers/cli';
import { ssoConfig, ssoEnv, testbedSession, useSsoTestbed } from '../helpers/aws-sso';
import { tokenFile } from '../../src/idp/sso/token-file';

let testbed: Testbed;
let home: Home;

useSsoTestbed((t) => (testbed = t), (h) => (home = h));

const session = () => testbedSession(testbed);
const run = (args: string[], env = ssoEnv(home, testbed)) => runRolecall(args, { env, timeoutMs: 60_000 });

test('list-roles --sso-session: one browser sign-in, every page of both lists, the profile using each role; then from the cached token', async () => {
  home.write('.aws/config', ssoConfig(testbed));
  const first = await run(['list-roles', '--sso-session', 'testbed']);
  assert.equal(first.code, 0, first.stderr);
  assert.equal(
    first.stdout,
    [
      'AccountId     AccountName                   RoleName             Profile',
      '444444444444  Data Science [Sandbox] / Zoë  AdministratorAccess  -',
      '333333333333  Production                    ReadOnly             read',
      '222222222222  Staging                       Developer            dev',
      '222222222222  Staging                       ReadOnly             legacy',
      '',
    ].join('\n'),
  );
  assert.match(first.stderr, /4 roles in 3 accounts of sso-session testbed/);
  assert.equal(testbed.aws.sso.grants('authorization_code'), 1);
  // three accounts at two a page: two ListAccounts calls; one ListAccountRoles per account
  assert.equal(testbed.aws.calls('ListAccounts'), 2);
  assert.equal(testbed.aws.calls('ListAccountRoles'), 3);
  assert.ok(existsSync(tokenFile(home.dir, session())));

  testbed.aws.resetCalls();
  const json = await run(['list-roles', '--profile', 'dev', '--json']);
  assert.equal(json.code, 0, json.stderr);
  const rows = JSON.parse(json.stdout) as { AccountId: string; RoleName: string; Profile: string | null; EmailAddress: string }[];
  assert.deepEqual(rows.map((r) => `${r.AccountId}/${r.RoleName}=${r.Profile}`), ['444444444444/AdministratorAccess=null', '333333333333/ReadOnly=read', '222222222222/Developer=dev', '222222222222/ReadOnly=legacy']);
  assert.equal(rows[0]!.EmailAddress, 'aws-data@example.com');
  assert.equal(testbed.aws.calls('CreateToken') + testbed.aws.calls('RegisterClient'), 0, 'the cached token serves every profile of the session');
});

test('completion offers the config\'s sessions after --sso-session', async () => {
  home.write('.aws/config', `${ssoConfig(testbed)}\n[sso-session acme]\nsso_start_url = https://acme.awsapps.com/start\nsso_region = us-east-1\n`);
  for (const command of ['list-roles', 'setup']) {
    const offered = await run(['completion', '--candidates', '--', command, '--sso-session']);
    assert.equal(offered.stdout, 'testbed\nacme\n', command);
  }
});

test('list-roles names what is wrong: an unknown session, a profile that is not Identity Center', async () => {
  home.write('.aws/config', ssoConfig(testbed, '\n[profile plain]\nregion = us-east-1\n'));
  const unknown = await run(['list-roles', '--sso-session', 'testbd']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /no \[sso-session testbd\] section/);
  assert.match(unknown.stderr, /Did you mean "testbed"\?/);
  const both = await run(['list-roles', '--sso-session', 'testbed', '--profile', 'dev']);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /takes neither --claim nor --profile/);
});

test('setup --sso-session: the dry run prints the diff and writes nothing; the real run adds only what is missing; a second run adds nothing', async () => {
  const { startUrl, region } = testbed.world.identityCenter;
  const config = `[sso-session testbed]
sso_start_url = ${startUrl}
sso_region = ${region}
sso_registration_scopes = sso:account:access

[profile dev]
sso_session = testbed
sso_account_id = 222222222222
sso_role_name = Developer

[profile tb-Production.ReadOnly]
# mine: not an Identity Center profile
region = eu-north-1
`;
  const path = home.write('.aws/config', config);
  const dry = await run(['setup', '--sso-session', 'testbed', '--prefix', 'tb-', '--region', 'eu-central-1', '--dry-run']);
  assert.equal(dry.code, 0, dry.stderr);
  assert.equal(readFileSync(path, 'utf8'), config, 'a dry run writes nothing');
  assert.match(dry.stdout, new RegExp(`^--- ${path}\\n\\+\\+\\+ ${path}\\n@@ `));
  assert.deepEqual(
    dry.stdout.split('\n').filter((l) => l.startsWith('+[')),
    ['+[profile tb-Data-Science-Sandbox-Zoe.AdministratorAccess]', '+[profile tb-Staging.ReadOnly]'],
  );
  assert.match(dry.stderr, /1 role has a profile already: dev \(Staging Developer\)/);
  assert.match(dry.stderr, /not written: \[profile tb-Production\.ReadOnly\] is there and does not use ReadOnly in 333333333333/);

  const wrote = await run(['setup', '--sso-session', 'testbed', '--prefix', 'tb-', '--region', 'eu-central-1']);
  assert.equal(wrote.code, 0, wrote.stderr);
  const after = readFileSync(path, 'utf8');
  assert.ok(after.startsWith(config), 'every byte that was there is kept');
  assert.equal(
    after.slice(config.length),
    `
[profile tb-Data-Science-Sandbox-Zoe.AdministratorAccess]
sso_session = testbed
sso_account_id = 444444444444
sso_role_name = AdministratorAccess
region = eu-central-1

[profile tb-Staging.ReadOnly]
sso_session = testbed
sso_account_id = 222222222222
sso_role_name = ReadOnly
region = eu-central-1
`,
  );
  assert.equal(readFileSync(`${path}.rolecall-backup`, 'utf8'), config);
  assert.equal(testbed.aws.sso.grants('authorization_code'), 1, 'the dry run signed in; the real run used its token');

  const again = await run(['setup', '--sso-session', 'testbed', '--prefix', 'tb-']);
  assert.equal(again.code, 0);
  assert.match(again.stderr, /Nothing to add/);
  assert.equal(readFileSync(path, 'utf8'), after);
});

test('setup --sso-session creates the session from --sso-start-url and --sso-region, and refuses flags that contradict one', async () => {
  const path = home.write('.aws/config', '[default]\nregion = us-east-1\n');
  const { startUrl, region } = testbed.world.identityCenter;
  const missing = await run(['setup', '--sso-session', 'acme']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /has no \[sso-session acme\] section, and --sso-start-url and --sso-region are needed to create it/);
  const created = await run(['setup', '--sso-session', 'acme', '--sso-start-url', startUrl, '--sso-region', region]);
  assert.equal(created.code, 0, created.stderr);
  const text = readFileSync(path, 'utf8');
  assert.ok(text.startsWith(`[default]\nregion = us-east-1\n\n[sso-session acme]\nsso_start_url = ${startUrl}\nsso_region = ${region}\nsso_registration_scopes = sso:account:access\n`));
  assert.equal((text.match(/^sso_session = acme$/gm) ?? []).length, 4);
  const contradicting = await run(['setup', '--sso-session', 'acme', '--sso-region', 'us-west-2']);
  assert.equal(contradicting.code, 2);
  assert.match(contradicting.stderr, /--sso-region us-west-2 differs from sso_region = eu-west-1 of \[sso-session acme\]/);
});

test('clear PROFILE --sso signs out of its session (sso:Logout, token file removed), clear --all of every one', async () => {
  home.write('.aws/config', ssoConfig(testbed));
  assert.equal((await run(['list-roles', '--sso-session', 'testbed'])).code, 0);
  const path = tokenFile(home.dir, session());
  const token = (JSON.parse(readFileSync(path, 'utf8')) as { accessToken: string }).accessToken;
  const cleared = await run(['clear', 'dev', '--sso']);
  assert.equal(cleared.code, 0, cleared.stderr);
  assert.match(cleared.stderr, /Signed out of sso-session testbed \(https:\/\/d-9067c0ffee\.awsapps\.com\/start\)/);
  assert.equal(existsSync(path), false);
  assert.equal(testbed.aws.calls('Logout'), 1);
  const refused = await fetch(`${testbed.aws.sso.portalUrl}/assignment/accounts`, { headers: { 'x-amz-sso_bearer_token': token } });
  assert.equal(refused.status, 401, 'Identity Center no longer accepts the token');

  assert.equal((await run(['list-roles', '--sso-session', 'testbed'])).code, 0);
  const all = await run(['clear', '--all']);
  assert.equal(all.code, 0, all.stderr);
  assert.match(all.stderr, /Signed out of 1 IAM Identity Center session \(sso:Logout, token files removed\)/);
  assert.equal(existsSync(path), false);
  assert.equal(testbed.aws.calls('Logout'), 2);
  const plain = await run(['clear', 'nonsense', '--sso']);
  assert.notEqual(plain.code, 0);
});

test('doctor explains the session: not signed in, then signed in with the expiry, refresh and registration', async () => {
  home.write('.aws/config', ssoConfig(testbed));
  const before = await run(['doctor', 'dev']);
  assert.match(before.stdout, /info IAM Identity Center: sso-session testbed \(https:\/\/d-9067c0ffee\.awsapps\.com\/start\) in eu-west-1, role Developer in account 222222222222; signs in in the browser when needed/);
  assert.match(before.stdout, /info not signed in: no token in \S+\/\.aws\/sso\/cache\/[0-9a-f]{40}\.json; the next call signs in/);
  assert.match(before.stdout, /ok {3}the AWS access portal http:\/\/127\.0\.0\.1:\d+ answers/);
  assert.equal((await run(['list-roles', '--profile', 'dev'])).code, 0);
  const signedIn = await run(['doctor', 'dev']);
  assert.match(signedIn.stdout, /ok {3}signed in: the token in \S+ expires in (59m|1h) \(\S+\); it can be refreshed without signing in \(its client registration is valid until \S+\)/);
  const legacy = await run(['doctor', 'legacy']);
  assert.match(legacy.stdout, /signs in with a device code when needed \(the legacy form: no refresh token\)/);
});
