// exec (seeds 000, 002) and the coinbase assume-role compat (seed 003), through real shells.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Testbed } from '../../testbed/index';
import { BIN, runProcess, runRolecall, type Home } from '../helpers/cli';
import { useBastionTestbed } from '../helpers/bastion';

let testbed: Testbed;
let home: Home;

useBastionTestbed((started, startedHome) => {
  testbed = started;
  home = startedHome;
  home.write('.aws/accounts', JSON.stringify({ default: '222222222222', staging: '222222222222', production: 333333333333 }));
});

test('exec puts the credentials in the child environment, moves AWS_PROFILE to AWSRUNAS_PROFILE, and passes the exit status', async () => {
  const env = { ...home.env, AWS_PROFILE: 'read', AWS_SESSION_TOKEN: 'stale-token-from-before' };
  const script = 'printf "%s|%s|%s|%s|%s\\n" "${AWS_ACCESS_KEY_ID%%????????????????}" "${AWS_PROFILE-unset}" "$AWSRUNAS_PROFILE" "$AWS_REGION" "$AWS_CREDENTIAL_EXPIRATION"; [ "$AWS_SESSION_TOKEN" != stale-token-from-before ] && exit 7';
  const result = await runRolecall(['exec', '--', 'sh', '-c', script], { env });
  assert.equal(result.code, 7, result.stderr);
  const [prefix, profile, runas, region, expiration] = result.stdout.trim().split('|');
  assert.equal(prefix, 'ASIA');
  assert.equal(profile, 'unset');
  assert.equal(runas, 'read');
  assert.equal(region, 'us-east-1');
  assert.ok(Date.parse(expiration!) > Date.now());
});

test('exec: the real AWS CLI in the child uses the credentials', async () => {
  const result = await runRolecall(['exec', 'prod-read', '--', '/usr/bin/aws', 'sts', 'get-caller-identity', '--endpoint-url', testbed.aws.url], { env: home.env });
  assert.equal(result.code, 0, result.stderr);
  assert.match((JSON.parse(result.stdout) as { Arn: string }).Arn, /^arn:aws:sts::333333333333:assumed-role\/read\//);
});

test('exec: a child killed by a signal gives 128+n; a missing command is a clear error', async () => {
  const killed = await runRolecall(['exec', 'read', '--', 'sh', '-c', 'kill -TERM $$'], { env: home.env });
  assert.equal(killed.code, 143);
  const missing = await runRolecall(['exec', 'read'], { env: home.env });
  assert.equal(missing.code, 2);
  assert.equal(missing.stderr.split('\n')[0], 'rolecall: exec needs a command to run', 'one "rolecall", not two');
  // a misspelt flag of rolecall's own, before the command
  const typo = await runRolecall(['exec', '--sever', 'ecs', 'read', 'true'], { env: home.env });
  assert.equal(typo.code, 2);
  assert.match(typo.stderr, /^rolecall: exec: unknown flag --sever\. Did you mean "--server"\?\n {2}hint: If --sever is the command's, put -- before the command: rolecall exec /);
  const notFound = await runRolecall(['exec', 'read', '--', 'no-such-command-xyz'], { env: home.env });
  assert.equal(notFound.code, 127);
  assert.match(notFound.stderr, /cannot run "no-such-command-xyz": command not found/);
  // found but not a program: 126, as a shell says it
  const notProgram = await runRolecall(['exec', 'read', '--', '/tmp'], { env: home.env });
  assert.equal(notProgram.code, 126);
  assert.match(notProgram.stderr, /cannot run "\/tmp": permission denied\n {2}hint: Check that the file is a program you may run/);
});

test('assume ACCOUNT-ALIAS ROLE MFA prints exports that bash evaluates, with the prompt variables', async () => {
  const code = (await runProcess(process.execPath, [new URL('../helpers/totp-cli.mjs', import.meta.url).pathname, 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP'], { env: home.env })).stdout.trim();
  const env = { ...home.env, AWS_PROFILE_ASSUME_ROLE: 'bastion', AWS_ROLE_SESSION_TIMEOUT: '7200', SHELL: '/bin/bash', AWS_PROFILE: 'something-else' };
  const script = `eval "$(${process.execPath} ${BIN} assume production read ${code})" && printf '%s\\n' "$AWS_ACCOUNT_NAME:$AWS_ACCOUNT_ROLE" "$AWS_ACCOUNT_ID" "\${AWS_PROFILE-unset}" && /usr/bin/aws sts get-caller-identity --endpoint-url ${testbed.aws.url} --query Arn --output text`;
  const result = await runProcess('/bin/bash', ['-c', script], { env });
  assert.equal(result.code, 0, result.stderr);
  const lines = result.stdout.trim().split('\n');
  assert.equal(lines[0], 'production:read');
  assert.equal(lines[1], '333333333333');
  assert.equal(lines[2], 'unset');
  assert.match(lines[3]!, /^arn:aws:sts::333333333333:assumed-role\/read\//);
  assert.match(result.stderr, /Assumed read in production \(333333333333\)/);
});

test('assume with an account id (named by its alias for the prompt), and the MFA session reused from the cache (no code needed)', async () => {
  const env = { ...home.env, AWS_PROFILE_ASSUME_ROLE: 'bastion' };
  const result = await runRolecall(['assume', '222222222222', 'read', '--format', 'sh'], { env });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^export AWS_ACCOUNT_NAME='staging';$/m);
  assert.match(result.stdout, /^export AWS_ACCOUNT_ID='222222222222';$/m);
  assert.match(result.stdout, /^export AWS_ACCESS_KEY_ID='ASIA/m);
});

test("assume with no MFA argument and no terminal runs the bastion profile's mfa_process", async () => {
  testbed.aws.resetCalls();
  // --refresh: no cached MFA session, so a code is needed, and only mfa_process can give it here
  const result = await runRolecall(['assume', 'production', 'read', '--format', 'sh', '--refresh'], { env: { ...home.env, AWS_PROFILE_ASSUME_ROLE: 'bastion' } });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^export AWS_ACCOUNT_ID='333333333333';$/m);
  assert.equal(testbed.aws.calls('GetSessionToken'), 1);
});

test('assume without a terminal and without an account argument says what it needs', async () => {
  const result = await runRolecall(['assume'], { env: { ...home.env, AWS_PROFILE_ASSUME_ROLE: 'bastion' } });
  assert.notEqual(result.code, 0);
  assert.equal(result.stdout, '');
  assert.equal(result.stderr, 'rolecall: there is no terminal to ask "Assume a profile, or an account (id or alias)"\n  hint: Name it as an argument: rolecall assume PROFILE, or rolecall assume ACCOUNT ROLE [MFA].\n');
});

test('assume with an unknown alias lists the known ones', async () => {
  const result = await runRolecall(['assume', 'prodution', 'read'], { env: { ...home.env, AWS_PROFILE_ASSUME_ROLE: 'bastion' } });
  assert.notEqual(result.code, 0);
  assert.match(result.stderr, /production/);
});
