// The emulator's STS against the real @aws-sdk/client-sts and the real AWS CLI v2: MFA, trust
// policies, role chaining limits and the signature checks, with AWS's own codes and texts.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { AssumeRoleCommand, GetCallerIdentityCommand, GetSessionTokenCommand } from '@aws-sdk/client-sts';
import { startAws, type AwsEmulator } from '../../testbed/aws/index';
import { DEFAULT_WORLD } from '../../testbed/world';
import { awsError, defaultWorld, keysOf, sts, type Keys } from './testbed-aws-helpers';
import { dirname } from 'node:path';
import { NO_BOTO3, skipWithoutPython } from '../helpers/python';

const world = defaultWorld();
const alice = world.users.find((u) => u.name === 'alice')!;
const bob = world.users.find((u) => u.name === 'bob')!;
const ALICE: Keys = { accessKeyId: alice.accessKeyId, secretAccessKey: alice.secretAccessKey };
const BOB: Keys = { accessKeyId: bob.accessKeyId, secretAccessKey: bob.secretAccessKey };
const SERIAL = alice.mfa!.serial;

let aws: AwsEmulator;
before(async () => {
  aws = await startAws(world, { worldDir: dirname(DEFAULT_WORLD) });
});
after(() => aws.close());

/** alice's GetSessionToken credentials, MFA present */
async function aliceSession(): Promise<Keys> {
  const out = await sts(aws.url, ALICE).send(new GetSessionTokenCommand({ SerialNumber: SERIAL, TokenCode: aws.totp(SERIAL), DurationSeconds: 3600 }));
  return keysOf(out.Credentials);
}

describe('GetSessionToken', () => {
  it('issues session credentials for a correct MFA code', async () => {
    aws.resetCalls();
    const out = await sts(aws.url, ALICE).send(new GetSessionTokenCommand({ SerialNumber: SERIAL, TokenCode: aws.totp(SERIAL) }));
    const c = out.Credentials!;
    assert.match(c.AccessKeyId!, /^ASIA[A-Z2-7]{16}$/);
    assert.ok(c.SecretAccessKey!.length >= 40 && c.SessionToken!.length > 100);
    const hours = (c.Expiration!.getTime() - Date.now()) / 3600_000;
    assert.ok(hours > 11.9 && hours <= 12, `default 12 h, got ${hours}`);
    assert.equal(aws.calls('GetSessionToken'), 1);
    const who = await sts(aws.url, keysOf(c)).send(new GetCallerIdentityCommand({}));
    assert.equal(who.Arn, 'arn:aws:iam::111111111111:user/alice');
  });

  it('accepts the previous 30 s code and refuses a wrong one', async () => {
    const previous = aws.totp(SERIAL, new Date(Date.now() - 30_000));
    await sts(aws.url, ALICE).send(new GetSessionTokenCommand({ SerialNumber: SERIAL, TokenCode: previous }));
    const wrong = String((Number(aws.totp(SERIAL)) + 500_000) % 1_000_000).padStart(6, '0');
    const e = await awsError(sts(aws.url, ALICE).send(new GetSessionTokenCommand({ SerialNumber: SERIAL, TokenCode: wrong })));
    assert.deepEqual(e, { name: 'AccessDenied', message: 'MultiFactorAuthentication failed with invalid MFA one time pass code.', status: 403 });
  });

  it('refuses session credentials and out-of-range durations', async () => {
    const e = await awsError(sts(aws.url, await aliceSession()).send(new GetSessionTokenCommand({})));
    assert.deepEqual(e, { name: 'AccessDenied', message: 'Cannot call GetSessionToken with session credentials', status: 403 });
    const d = await awsError(sts(aws.url, BOB).send(new GetSessionTokenCommand({ DurationSeconds: 600 })));
    assert.equal(d.name, 'ValidationError');
    assert.equal(d.message, "1 validation error detected: Value '600' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900");
  });
});

describe('AssumeRole', () => {
  it('assumes a role that requires MFA, with the code on AssumeRole itself', async () => {
    const out = await sts(aws.url, ALICE).send(
      new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::222222222222:role/read', RoleSessionName: 'alice', SerialNumber: SERIAL, TokenCode: aws.totp(SERIAL) }),
    );
    assert.equal(out.AssumedRoleUser!.Arn, 'arn:aws:sts::222222222222:assumed-role/read/alice');
    assert.match(out.AssumedRoleUser!.AssumedRoleId!, /^AROA[A-Z2-7]{17}:alice$/);
    const who = await sts(aws.url, keysOf(out.Credentials)).send(new GetCallerIdentityCommand({}));
    assert.deepEqual([who.Account, who.Arn, who.UserId], ['222222222222', out.AssumedRoleUser!.Arn, out.AssumedRoleUser!.AssumedRoleId]);
  });

  it('assumes it with MFA-backed session credentials', async () => {
    const out = await sts(aws.url, await aliceSession()).send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::333333333333:role/read', RoleSessionName: 'alice', DurationSeconds: 43200 }));
    const hours = (out.Credentials!.Expiration!.getTime() - Date.now()) / 3600_000;
    assert.ok(hours > 11.9, `the role allows 12 h, got ${hours}`);
  });

  it('denies when the trust policy condition is not met (no MFA), naming the caller and the role', async () => {
    const e = await awsError(sts(aws.url, ALICE).send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::222222222222:role/read', RoleSessionName: 'alice' })));
    assert.deepEqual(e, {
      name: 'AccessDenied',
      message: 'User: arn:aws:iam::111111111111:user/alice is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::222222222222:role/read',
      status: 403,
    });
    const unknown = await awsError(sts(aws.url, BOB).send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::222222222222:role/nope', RoleSessionName: 'bob' })));
    assert.equal(unknown.message, 'User: arn:aws:iam::111111111111:user/bob is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::222222222222:role/nope');
  });

  it('wants the external id when the trust policy asks for it', async () => {
    const deploy = 'arn:aws:iam::222222222222:role/deploy';
    const ok = await sts(aws.url, BOB).send(new AssumeRoleCommand({ RoleArn: deploy, RoleSessionName: 'bob', ExternalId: 'deploy-ext-42' }));
    assert.equal(ok.AssumedRoleUser!.Arn, 'arn:aws:sts::222222222222:assumed-role/deploy/bob');
    for (const ExternalId of [undefined, 'deploy-ext-43']) {
      const e = await awsError(sts(aws.url, BOB).send(new AssumeRoleCommand({ RoleArn: deploy, RoleSessionName: 'bob', ExternalId })));
      assert.equal(e.name, 'AccessDenied');
    }
    // alice is in the same account but the policy names bob only
    const e = await awsError(sts(aws.url, ALICE).send(new AssumeRoleCommand({ RoleArn: deploy, RoleSessionName: 'x1', ExternalId: 'deploy-ext-42' })));
    assert.equal(e.name, 'AccessDenied');
  });

  it('chains three hops, capping chained sessions at 1 h with AWS text', async () => {
    aws.resetCalls();
    const hop1 = await sts(aws.url, await aliceSession()).send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::222222222222:role/read', RoleSessionName: 'hop1' }));
    const hop2 = await sts(aws.url, keysOf(hop1.Credentials)).send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::333333333333:role/admin', RoleSessionName: 'hop2' }));
    const hop3 = await sts(aws.url, keysOf(hop2.Credentials), 'eu-west-1').send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::222222222222:role/audit', RoleSessionName: 'hop3' }));
    const who = await sts(aws.url, keysOf(hop3.Credentials)).send(new GetCallerIdentityCommand({}));
    assert.equal(who.Arn, 'arn:aws:sts::222222222222:assumed-role/audit/hop3');
    assert.equal(aws.calls('AssumeRole'), 3);
    assert.equal(aws.calls('GetSessionToken'), 1);
    // admin allows 12 h, but it is reached by chaining
    const e = await awsError(
      sts(aws.url, keysOf(hop1.Credentials)).send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::333333333333:role/admin', RoleSessionName: 'hop2', DurationSeconds: 7200 })),
    );
    assert.deepEqual(e, { name: 'ValidationError', message: 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.', status: 400 });
    // the role session is not the role: audit trusts admin only
    const skip = await awsError(sts(aws.url, keysOf(hop1.Credentials)).send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::222222222222:role/audit', RoleSessionName: 'skip' })));
    assert.equal(skip.message, 'User: arn:aws:sts::222222222222:assumed-role/read/hop1 is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::222222222222:role/audit');
  });

  it("refuses more than the role's MaxSessionDuration", async () => {
    const e = await awsError(
      sts(aws.url, await aliceSession()).send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::222222222222:role/read', RoleSessionName: 'alice', DurationSeconds: 7200 })),
    );
    assert.deepEqual(e, { name: 'ValidationError', message: 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.', status: 400 });
  });

  it('validates RoleSessionName like STS', async () => {
    const short = await awsError(sts(aws.url, BOB).send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::222222222222:role/deploy', RoleSessionName: 'b' })));
    assert.equal(short.message, "1 validation error detected: Value 'b' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2");
    const bad = await awsError(sts(aws.url, BOB).send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::222222222222:role/deploy', RoleSessionName: 'bob smith' })));
    assert.equal(bad.message, "1 validation error detected: Value 'bob smith' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*");
  });
});

describe('signatures', () => {
  it('answers SignatureDoesNotMatch for a wrong secret', async () => {
    const e = await awsError(sts(aws.url, { ...ALICE, secretAccessKey: `${ALICE.secretAccessKey}x` }).send(new GetCallerIdentityCommand({})));
    assert.equal(e.name, 'SignatureDoesNotMatch');
    assert.equal(e.status, 403);
    assert.match(e.message, /^The request signature we calculated does not match the signature you provided/);
  });

  it('answers InvalidClientTokenId for an unknown key or a wrong session token', async () => {
    const e = await awsError(sts(aws.url, { accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: 'x' }).send(new GetCallerIdentityCommand({})));
    assert.deepEqual(e, { name: 'InvalidClientTokenId', message: 'The security token included in the request is invalid.', status: 403 });
    const session = await aliceSession();
    const t = await awsError(sts(aws.url, { ...session, sessionToken: `${session.sessionToken}x` }).send(new GetCallerIdentityCommand({})));
    assert.equal(t.name, 'InvalidClientTokenId');
    const missing = await awsError(sts(aws.url, { ...session, sessionToken: undefined }).send(new GetCallerIdentityCommand({})));
    assert.equal(missing.name, 'InvalidClientTokenId');
  });

  it('refuses a signature more than 5 minutes old', async () => {
    const client = sts(aws.url, ALICE);
    client.config.systemClockOffset = -10 * 60_000;
    const e = await awsError(client.send(new GetCallerIdentityCommand({})));
    assert.equal(e.name, 'SignatureDoesNotMatch');
    assert.match(e.message, /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$/);
  });

  it('answers ExpiredToken once temporary credentials expire', async () => {
    const shortWorld = defaultWorld();
    shortWorld.settings.minSessionSeconds = 1;
    const quick = await startAws(shortWorld, { worldDir: dirname(DEFAULT_WORLD) });
    try {
      const out = await sts(quick.url, { accessKeyId: bob.accessKeyId, secretAccessKey: bob.secretAccessKey }).send(new GetSessionTokenCommand({ DurationSeconds: 1 }));
      await new Promise((r) => setTimeout(r, 1100));
      const e = await awsError(sts(quick.url, keysOf(out.Credentials)).send(new GetCallerIdentityCommand({})));
      assert.deepEqual(e, { name: 'ExpiredToken', message: 'The security token included in the request is expired', status: 400 });
    } finally {
      await quick.close();
    }
  });

  it('sends a Date header shifted by the configured skew', async () => {
    aws.setDateSkew(-600);
    try {
      const response = await fetch(aws.url, { method: 'POST', body: 'Action=GetCallerIdentity&Version=2011-06-15', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      assert.equal(response.status, 403);
      assert.match(await response.text(), /<Code>MissingAuthenticationToken<\/Code>/);
      const skew = (Date.parse(response.headers.get('date')!) - Date.now()) / 1000;
      assert.ok(Math.abs(skew + 600) < 3, `skew ${skew}`);
    } finally {
      aws.setDateSkew(0);
    }
  });
});

describe('the real AWS CLI v2 and boto3', () => {
  const run = promisify(execFile);
  const env = (keys: Keys) => ({
    PATH: process.env.PATH,
    HOME: '/nonexistent',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_ACCESS_KEY_ID: keys.accessKeyId,
    AWS_SECRET_ACCESS_KEY: keys.secretAccessKey,
    ...(keys.sessionToken ? { AWS_SESSION_TOKEN: keys.sessionToken } : {}),
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
  });

  it('gets the caller identity of a user and of a role session', async () => {
    const user = await run('/usr/bin/aws', ['sts', 'get-caller-identity', '--endpoint-url', aws.url, '--output', 'json'], { env: env(ALICE) });
    assert.equal(JSON.parse(user.stdout).Arn, 'arn:aws:iam::111111111111:user/alice');
    const role = await sts(aws.url, await aliceSession()).send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::222222222222:role/read', RoleSessionName: 'cli' }));
    const out = await run('/usr/bin/aws', ['sts', 'get-caller-identity', '--endpoint-url', aws.url, '--output', 'json'], { env: env(keysOf(role.Credentials)) });
    assert.deepEqual(JSON.parse(out.stdout), { UserId: role.AssumedRoleUser!.AssumedRoleId, Account: '222222222222', Arn: 'arn:aws:sts::222222222222:assumed-role/read/cli' });
  });

  it('shows AWS error texts the CLI way', async () => {
    const failed = await run('/usr/bin/aws', ['sts', 'assume-role', '--role-arn', 'arn:aws:iam::222222222222:role/read', '--role-session-name', 'x1', '--endpoint-url', aws.url], {
      env: env(ALICE),
    }).catch((e: { code: number; stderr: string }) => e);
    assert.equal((failed as { code: number }).code, 254);
    assert.match(
      (failed as { stderr: string }).stderr,
      /An error occurred \(AccessDenied\) when calling the AssumeRole operation: User: arn:aws:iam::111111111111:user\/alice is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::222222222222:role\/read/,
    );
  });

  it('works with boto3, including a presigned GetCallerIdentity URL', { skip: skipWithoutPython('boto3', NO_BOTO3) }, async () => {
    const script = `
import boto3, json, os, urllib.request
from botocore.exceptions import ClientError
url = os.environ['EMULATOR']
out = {}
sts = boto3.client('sts', endpoint_url=url, region_name='us-east-1')
c = sts.get_session_token(SerialNumber=os.environ['SERIAL'], TokenCode=os.environ['CODE'], DurationSeconds=3600)['Credentials']
keys = dict(aws_access_key_id=c['AccessKeyId'], aws_secret_access_key=c['SecretAccessKey'], aws_session_token=c['SessionToken'])
session = boto3.client('sts', endpoint_url=url, region_name='eu-west-1', **keys)
role = session.assume_role(RoleArn='arn:aws:iam::222222222222:role/read', RoleSessionName='boto3')
out['arn'] = role['AssumedRoleUser']['Arn']
out['expires_in'] = (role['Credentials']['Expiration'].timestamp() - __import__('time').time())
try:
    session.assume_role(RoleArn='arn:aws:iam::222222222222:role/read', RoleSessionName='boto3', DurationSeconds=7200)
except ClientError as e:
    out['error'] = [e.response['Error']['Code'], e.response['Error']['Message'], e.response['ResponseMetadata']['HTTPStatusCode']]
presigned = sts.generate_presigned_url('get_caller_identity', ExpiresIn=60, HttpMethod='GET')
out['presigned'] = urllib.request.urlopen(presigned).read().decode()
print(json.dumps(out))
`;
    const { stdout } = await run('python3', ['-c', script], {
      env: { ...env(ALICE), EMULATOR: aws.url, SERIAL, CODE: aws.totp(SERIAL) },
    });
    const out = JSON.parse(stdout) as { arn: string; expires_in: number; error: unknown[]; presigned: string };
    assert.equal(out.arn, 'arn:aws:sts::222222222222:assumed-role/read/boto3');
    assert.ok(out.expires_in > 3500 && out.expires_in <= 3600, String(out.expires_in));
    assert.deepEqual(out.error, ['ValidationError', 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.', 400]);
    assert.match(out.presigned, /<Arn>arn:aws:iam::111111111111:user\/alice<\/Arn>/);
  });
});
