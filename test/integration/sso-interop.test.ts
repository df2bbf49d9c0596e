// One sign-in shared with the AWS CLI and the SDKs, both ways, against the testbed: the real AWS CLI
// v2 (/usr/bin/aws 2.9: sso-session and `aws sso login` with the device code; no PKCE yet),
// botocore on the machine's python and the AWS SDK for JavaScript v3 read rolecall's token, refresh
// it and write it back in their format; rolecall reads theirs; `aws sso logout` ends rolecall's
// sign-in too.
import { beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Testbed } from '../../testbed/index';
import { reservedRoleArn } from '../../testbed/sso/index';
import { runProcess, runRolecall, type Home } from '../helpers/cli';
import { AWS, awsDataPath, ssoConfig, ssoEnv, testbedSession, useSsoTestbed } from '../helpers/aws-sso';
import { tokenFile } from '../../src/idp/sso/token-file';

let testbed: Testbed;
let home: Home;
const DEVICE = 'urn:ietf:params:oauth:grant-type:device_code';
/** the repository, where node finds the SDK's packages */
const REPO = new URL('../..', import.meta.url).pathname;
const KEYS = ['startUrl', 'region', 'accessToken', 'expiresAt', 'clientId', 'clientSecret', 'registrationExpiresAt', 'refreshToken'];

useSsoTestbed((t) => (testbed = t), (h) => (home = h));
beforeEach(() => {
  home.write('.aws/config', ssoConfig(testbed));
});

const session = (name: string | null = null) => testbedSession(testbed, name);
const developerArn = () => `arn:aws:sts::222222222222:assumed-role/${reservedRoleArn('222222222222', 'Developer').split('/').at(-1)}/alice`;

function awsEnv(): NodeJS.ProcessEnv {
  return { ...ssoEnv(home, testbed), AWS_DATA_PATH: awsDataPath(home.dir, testbed), AWS_PAGER: '' };
}

async function aws(args: string[]) {
  const result = await runProcess(AWS, args, { env: awsEnv(), timeoutMs: 90_000 });
  return result;
}

async function callerArnByAws(profile: string): Promise<string> {
  const result = await aws(['sts', 'get-caller-identity', '--profile', profile, '--endpoint-url', testbed.aws.url, '--query', 'Arn', '--output', 'text']);
  assert.equal(result.code, 0, result.stderr);
  return result.stdout.trim();
}

test('after rolecall signs in, the AWS CLI uses the token with no second sign-in; `aws sso logout` ends it for both', async () => {
  const listed = await runRolecall(['list-roles', '--sso-session', 'testbed'], { env: ssoEnv(home, testbed) });
  assert.equal(listed.code, 0, listed.stderr);
  const file = JSON.parse(readFileSync(tokenFile(home.dir, session('testbed')), 'utf8')) as Record<string, string>;
  testbed.aws.resetCalls();
  assert.equal(await callerArnByAws('dev'), developerArn());
  assert.equal(testbed.aws.calls('CreateToken') + testbed.aws.calls('RegisterClient') + testbed.aws.calls('StartDeviceAuthorization'), 0, 'the AWS CLI signed in no second time');
  assert.equal(testbed.aws.calls('GetRoleCredentials'), 1);

  const logout = await aws(['sso', 'logout']);
  assert.equal(logout.code, 0, logout.stderr);
  assert.equal(testbed.aws.calls('Logout'), 1);
  assert.equal(existsSync(tokenFile(home.dir, session('testbed'))), false);
  const refused = await fetch(`${testbed.aws.sso.portalUrl}/assignment/accounts`, { headers: { 'x-amz-sso_bearer_token': file.accessToken! } });
  assert.equal(refused.status, 401);
});

test('after `aws sso login` (device code), rolecall uses the AWS CLI\'s token with no sign-in of its own', async () => {
  const login = await aws(['sso', 'login', '--sso-session', 'testbed']);
  assert.equal(login.code, 0, login.stderr);
  assert.match(login.stdout, /Successfully logged into Start URL: https:\/\/d-9067c0ffee\.awsapps\.com\/start/);
  assert.equal(testbed.aws.sso.grants('authorization_code'), 0, 'AWS CLI 2.9 has no PKCE sign-in');
  assert.ok(testbed.aws.sso.grants(DEVICE) >= 1);
  const theirs = readFileSync(tokenFile(home.dir, session('testbed')), 'utf8');
  assert.deepEqual(Object.keys(JSON.parse(theirs)), KEYS, 'the AWS CLI writes the keys rolecall writes, in the same order');

  testbed.aws.resetCalls();
  const listed = await runRolecall(['list-roles', '--profile', 'dev'], { env: ssoEnv(home, testbed) });
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, /222222222222 {2}Staging +Developer +dev/);
  assert.equal(testbed.aws.calls('CreateToken') + testbed.aws.calls('RegisterClient') + testbed.aws.calls('Authorize'), 0);
  assert.equal(readFileSync(tokenFile(home.dir, session('testbed')), 'utf8'), theirs, 'rolecall left the AWS CLI\'s file as it was');
});

test('the legacy form: rolecall\'s token under the start URL serves the AWS CLI\'s legacy profile', async () => {
  const listed = await runRolecall(['list-roles', '--profile', 'legacy'], { env: ssoEnv(home, testbed) });
  assert.equal(listed.code, 0, listed.stderr);
  assert.ok(testbed.aws.sso.grants(DEVICE) >= 1, 'the legacy form signs in with a device code');
  const legacy = JSON.parse(readFileSync(tokenFile(home.dir, session()), 'utf8')) as Record<string, unknown>;
  assert.equal(legacy.refreshToken, undefined);
  testbed.aws.resetCalls();
  assert.match(await callerArnByAws('legacy'), /assumed-role\/AWSReservedSSO_ReadOnly_[0-9a-f]{16}\/alice$/);
  assert.equal(testbed.aws.calls('CreateToken'), 0);
});

test('botocore (boto3 on the machine\'s python) uses rolecall\'s token, refreshes it in its last 15 minutes and writes it back as rolecall writes it; rolecall then uses botocore\'s', async () => {
  assert.equal((await runRolecall(['list-roles', '--sso-session', 'testbed'], { env: ssoEnv(home, testbed) })).code, 0);
  const path = tokenFile(home.dir, session('testbed'));
  const ours = JSON.parse(readFileSync(path, 'utf8')) as Record<string, string>;
  // ten minutes left: botocore's SSOTokenProvider must refresh before it calls the portal
  const soon = new Date(Date.now() + 10 * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  writeFileSync(path, readFileSync(path, 'utf8').replace(ours.expiresAt!, soon));
  testbed.aws.resetCalls();
  const script = `
import boto3, os
s = boto3.Session(profile_name='dev')
print(s.client('sts', endpoint_url=os.environ['AWS_ENDPOINT_URL_STS']).get_caller_identity()['Arn'])
`;
  const python = await runProcess('python3', ['-c', script], { env: { ...ssoEnv(home, testbed), AWS_CONFIG_FILE: home.env.AWS_CONFIG_FILE } });
  assert.equal(python.code, 0, python.stderr);
  assert.equal(python.stdout.trim(), developerArn());
  assert.equal(testbed.aws.sso.grants('refresh_token'), 1, 'botocore refreshed the token');
  const refreshedText = readFileSync(path, 'utf8');
  const refreshed = JSON.parse(refreshedText) as Record<string, string>;
  assert.deepEqual(Object.keys(refreshed), KEYS);
  assert.notEqual(refreshed.accessToken, ours.accessToken);
  assert.equal(refreshed.registrationExpiresAt, ours.registrationExpiresAt);
  assert.match(refreshed.expiresAt!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  // byte for byte: botocore's file is what rolecall's writer makes of the same values
  const { writeToken, readToken } = await import('../../src/idp/sso/token-file');
  const { createLogger } = await import('../../src/platform/logger');
  const read = readToken(home.dir, session('testbed'), createLogger({ write: () => undefined }))!;
  writeToken(home.dir, session('testbed'), read);
  assert.equal(readFileSync(path, 'utf8'), refreshedText);

  testbed.aws.resetCalls();
  const listed = await runRolecall(['list-roles', '--profile', 'dev'], { env: ssoEnv(home, testbed) });
  assert.equal(listed.code, 0, listed.stderr);
  assert.equal(testbed.aws.calls('CreateToken'), 0, 'rolecall uses the token botocore refreshed');
});

test('the AWS SDK for JavaScript v3 (AWS_PROFILE, the default chain) uses rolecall\'s token, refreshes it in its last 5 minutes and writes it its own way; rolecall uses that file', async () => {
  assert.equal((await runRolecall(['list-roles', '--sso-session', 'testbed'], { env: ssoEnv(home, testbed) })).code, 0);
  const path = tokenFile(home.dir, session('testbed'));
  const ours = JSON.parse(readFileSync(path, 'utf8')) as Record<string, string>;
  // a JavaScript program with no SSO code of its own: STSClient and the SDK's default credential chain
  const script = `
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
const identity = await new STSClient({ region: 'us-east-1' }).send(new GetCallerIdentityCommand({}));
console.log(identity.Arn);`;
  const sdk = () =>
    runProcess(process.execPath, ['--no-warnings', '--input-type=module', '-e', script], {
      env: { ...ssoEnv(home, testbed), AWS_PROFILE: 'dev', AWS_CONFIG_FILE: home.env.AWS_CONFIG_FILE },
      cwd: REPO,
    });
  testbed.aws.resetCalls();
  const first = await sdk();
  assert.equal(first.code, 0, first.stderr);
  assert.equal(first.stdout.trim(), developerArn());
  assert.equal(testbed.aws.calls('CreateToken') + testbed.aws.calls('RegisterClient'), 0, 'the SDK signed in no second time');
  assert.equal(testbed.aws.calls('GetRoleCredentials'), 1);

  // three minutes left: the SDK refreshes, then writes the file as JSON.stringify(token, null, 2), milliseconds and all
  const soon = new Date(Date.now() + 3 * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  writeFileSync(path, readFileSync(path, 'utf8').replace(ours.expiresAt!, soon));
  testbed.aws.resetCalls();
  const refreshedBySdk = await sdk();
  assert.equal(refreshedBySdk.code, 0, refreshedBySdk.stderr);
  assert.equal(testbed.aws.sso.grants('refresh_token'), 1, 'the SDK refreshed the token');
  const text = readFileSync(path, 'utf8');
  assert.match(text, /^{\n {2}"startUrl": /);
  const theirs = JSON.parse(text) as Record<string, string>;
  assert.notEqual(theirs.accessToken, ours.accessToken);
  assert.match(theirs.expiresAt!, /\.\d{3}Z$/);

  testbed.aws.resetCalls();
  const exported = await runRolecall(['export', 'read', '--format', 'process'], { env: ssoEnv(home, testbed) });
  assert.equal(exported.code, 0, exported.stderr);
  assert.equal(testbed.aws.calls('CreateToken') + testbed.aws.calls('RegisterClient') + testbed.aws.calls('Authorize'), 0, 'rolecall uses the token the SDK refreshed');
  assert.equal(testbed.aws.calls('GetRoleCredentials'), 1);
});
