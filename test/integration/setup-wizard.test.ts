// `rolecall setup` through a real pseudo-terminal (tmux): a person picks bastion+MFA, answers, confirms
// and takes the first login; the profile then works, and every other byte of the config is kept.
// The flag form runs without any terminal.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestbed, type Testbed } from '../../testbed/index';
import { BIN, runProcess, runRolecall, type Home } from '../helpers/cli';
import { bastionHome } from '../helpers/bastion';
import { wizardTerminal } from '../helpers/wizard-terminal';

// comments, odd spacing and an inline comment the wizard must leave exactly as they are
const EXTRA = `
# team profiles below; keep in sync with the wiki
[profile ops]  ; ops team
role_arn=arn:aws:iam::222222222222:role/deploy   # inline
source_profile = bob

`;

let testbed: Testbed;
let home: Home;
let configPath: string;

before(async () => {
  testbed = await startTestbed();
  home = bastionHome(testbed, EXTRA);
  configPath = join(home.dir, '.aws', 'config');
});
after(async () => {
  home.remove();
  await testbed.close();
});

test('the wizard on a terminal: bastion, answers, confirm, first login; the profile works and the rest of the file is untouched', async (t) => {
  const before = readFileSync(configPath, 'utf8');
  const terminal = wizardTerminal(home, ['setup']);
  t.after(() => terminal.close());
  const { screen, until, keys } = terminal;

  await until('the kind question', 'How do you prove who you are?');
  assert.match(screen(), /OIDC login -> AssumeRoleWithWebIdentity/);
  keys('Down', 'Down', 'Down');
  await until('bastion highlighted', /● IAM user keys with MFA/);
  keys('Enter');
  await until('the profile name question', 'Profile name');
  keys('-l', 'newrole');
  keys('Enter');
  await until('the source profile question', 'Profile with the IAM user keys');
  // the first profile with keys is chosen already ([default] comes first but has none)
  await until('bastion highlighted', /● bastion \(has IAM user keys\)/);
  keys('Enter');
  await until('the role question', 'Role ARN to assume');
  keys('-l', 'arn:aws:iam::222222222222:role/read');
  keys('Enter');
  await until('the MFA question', 'MFA device ARN');
  keys('Enter');
  await until('the region question', 'AWS region (Enter for us-east-1)');
  keys('-l', 'eu-west-1');
  keys('Enter');
  await until('the AWS CLI question', 'Also write [profile newrole-cli] for the AWS CLI and SDKs');
  keys('Enter');
  await until('the preview', 'Write this profile?');
  assert.match(screen(), /\[profile newrole\]/);
  assert.match(screen(), /role_arn = arn:aws:iam::222222222222:role\/read/);
  assert.match(screen(), /\[profile newrole-cli\]/);
  keys('Enter');
  await until('the login offer', 'Log in with newrole now?');
  keys('Enter');
  const { status, stderr } = await terminal.done();
  assert.equal(status, '0', stderr);
  assert.match(stderr, new RegExp(`Wrote \\[profile newrole\\] and \\[profile newrole-cli\\] to ${configPath} \\(previous file kept as ${configPath}\\.rolecall-backup\\)`));
  assert.match(stderr, /or aws --profile newrole-cli \.\.\./);
  assert.match(stderr, /Logged in: arn:aws:sts::222222222222:assumed-role\/read\//);

  const after = readFileSync(configPath, 'utf8');
  assert.equal(readFileSync(`${configPath}.rolecall-backup`, 'utf8'), before);
  // rolecall is not on PATH here, so the companion names node and the script by their full paths
  assert.equal(
    after,
    `${before}[profile newrole]\nsource_profile = bastion\nrole_arn = arn:aws:iam::222222222222:role/read\nregion = eu-west-1\n\n[profile newrole-cli]\ncredential_process = ${process.execPath} ${BIN} export newrole --format process\nregion = eu-west-1\n`,
  );

  const who = await runRolecall(['whoami', 'newrole', '--json'], { env: home.env });
  assert.equal(who.code, 0, who.stderr);
  assert.match((JSON.parse(who.stdout) as { arn: string }).arn, /^arn:aws:sts::222222222222:assumed-role\/read\//);
  // the AWS CLI uses the companion profile as it was written, its region included
  const cli = await runProcess('/usr/bin/aws', ['sts', 'get-caller-identity', '--profile', 'newrole-cli', '--endpoint-url', testbed.aws.url, '--query', 'Arn', '--output', 'text'], { env: home.env });
  assert.equal(cli.code, 0, cli.stderr);
  assert.match(cli.stdout.trim(), /^arn:aws:sts::222222222222:assumed-role\/read\//);
});

test('the flag form writes without a terminal; a missing answer without a terminal is an error naming the flag', async () => {
  // setsid: no controlling terminal at all, as under cron or CI
  const run = (args: string[]) => runProcess('setsid', [process.execPath, BIN, ...args], { env: home.env });
  const before = readFileSync(configPath, 'utf8');
  const missing = await run(['setup', '--kind', 'bastion', '--profile', 'scripted', '--source-profile', 'bastion']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /no terminal to ask for --role-arn/);
  assert.equal(readFileSync(configPath, 'utf8'), before, 'nothing written');

  // answers that would give a profile nobody can use are refused before anything is written
  const refusals: [string[], RegExp][] = [
    [['--profile', 'bad name]', '--source-profile', 'bastion', '--role-arn', 'arn:aws:iam::333333333333:role/read'], /--profile "bad name\]" is not a profile name rolecall can write; nothing was written/],
    [['--profile', 'scripted', '--source-profile', 'bastion', '--role-arn', 'notanarn'], /the profile would not work, so nothing was written: role_arn = "notanarn" .*is not an IAM role ARN/],
    [['--profile', 'scripted', '--source-profile', 'nosuch', '--role-arn', 'arn:aws:iam::333333333333:role/read'], /the profile would not work, so nothing was written: .*nosuch/],
  ];
  for (const [args, message] of refusals) {
    const refused = await run(['setup', '--kind', 'bastion', ...args, '--yes', '--no-login']);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, message);
    assert.match(refused.stderr, /hint: /);
    assert.equal(readFileSync(configPath, 'utf8'), before, 'nothing written');
  }

  const same = await run(['setup', '--kind', 'bastion', '--profile', 'scripted', '--cli-profile', 'scripted', '--source-profile', 'bastion', '--role-arn', 'arn:aws:iam::333333333333:role/read', '--yes']);
  assert.equal(same.code, 2);
  assert.match(same.stderr, /--cli-profile must name another profile than --profile \("scripted"\)\n  hint: For example --cli-profile scripted-cli/);
  assert.equal(readFileSync(configPath, 'utf8'), before, 'nothing written');

  const ok = await run(['setup', '--kind', 'bastion', '--profile', 'scripted', '--source-profile', 'bastion', '--role-arn', 'arn:aws:iam::333333333333:role/read', '--region', 'eu-west-1', '--yes', '--no-login']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(ok.stdout, '');
  assert.equal(
    readFileSync(configPath, 'utf8'),
    `${before}\n[profile scripted]\nsource_profile = bastion\nrole_arn = arn:aws:iam::333333333333:role/read\nregion = eu-west-1\n`,
  );
  // without --cli-profile, it says how the AWS CLI can use the profile
  assert.match(ok.stderr, /For the AWS CLI and SDKs, a profile like this one runs it:\n\[profile scripted-cli\]\ncredential_process = .* export scripted --format process\nregion = eu-west-1$/m);
  const exported = await runRolecall(['export', 'scripted', '--format', 'process'], { env: home.env });
  assert.equal(exported.code, 0, exported.stderr);
  assert.equal((JSON.parse(exported.stdout) as { AccountId: string }).AccountId, '333333333333');
});

test('the OIDC kind checks the issuer and the client with a loopback redirect before writing', async () => {
  const before = readFileSync(configPath, 'utf8');
  const args = (clientId: string) => [
    'setup', '--kind', 'oidc', '--profile', 'idp', '--issuer', testbed.idp.issuer, '--client-id', clientId,
    '--role-arn', 'arn:aws:iam::222222222222:role/oidc-developer', '--yes', '--no-login',
  ];
  const refused = await runRolecall(args('no-such-client'), { env: home.env });
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /refused client no-such-client with a loopback redirect/);
  assert.match(refused.stderr, /\n {2}hint: .* Or add --no-check to write the profile without contacting the identity provider\.\n$/);
  assert.equal(readFileSync(configPath, 'utf8'), before, 'nothing written');

  const ok = await runRolecall(args('rolecall-cli'), { env: home.env });
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stderr, /checked: discovery document found at .*\/\.well-known\/openid-configuration/);
  assert.match(ok.stderr, /checked: client rolecall-cli is accepted with a loopback redirect/);
  assert.equal(
    readFileSync(configPath, 'utf8'),
    `${before}\n[profile idp]\nweb_identity_auth_url = ${testbed.idp.issuer}\nweb_identity_client_id = rolecall-cli\nrole_arn = arn:aws:iam::222222222222:role/oidc-developer\n`,
  );
});
