// The bastion workflow end to end: the built rolecall binary against the validating STS emulator.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { STSClient, GetSessionTokenCommand } from '@aws-sdk/client-sts';
import { startTestbed, type Testbed } from '../../testbed/index';
import { runRolecall, type Home } from '../helpers/cli';
import { bastionHome, useBastionTestbed } from '../helpers/bastion';

let testbed: Testbed;
let home: Home;

useBastionTestbed((started, startedHome) => {
  testbed = started;
  home = startedHome;
});

function processJson(stdout: string) {
  const parsed = JSON.parse(stdout) as Record<string, unknown>;
  assert.equal(parsed.Version, 1);
  return parsed as { Version: 1; AccessKeyId: string; SecretAccessKey: string; SessionToken: string; Expiration: string; AccountId?: string };
}

test('bastion keys + MFA -> GetSessionToken -> AssumeRole, printed as credential_process JSON, then served from the cache', async () => {
  testbed.aws.resetCalls();
  const first = await runRolecall(['export', 'read', '--format', 'process'], { env: home.env });
  assert.equal(first.code, 0, first.stderr);
  const creds = processJson(first.stdout);
  assert.match(creds.AccessKeyId, /^ASIA/);
  assert.equal(creds.AccountId, '222222222222');
  const minutes = (Date.parse(creds.Expiration) - Date.now()) / 60000;
  assert.ok(minutes > 55 && minutes <= 60, `expires in ${minutes} min`);
  assert.equal(testbed.aws.calls('GetSessionToken'), 1);
  assert.equal(testbed.aws.calls('AssumeRole'), 1);

  const second = await runRolecall(['export', 'read', '--format', 'process'], { env: home.env });
  assert.equal(second.code, 0, second.stderr);
  assert.equal(processJson(second.stdout).AccessKeyId, creds.AccessKeyId);
  assert.equal(testbed.aws.calls(), 2, 'a cache hit makes no call');

  // another role over the same bastion reuses the cached MFA session: no second code, no GetSessionToken
  const prod = await runRolecall(['export', 'prod-read', '--format', 'process'], { env: home.env });
  assert.equal(prod.code, 0, prod.stderr);
  assert.equal(processJson(prod.stdout).AccountId, '333333333333');
  assert.equal(testbed.aws.calls('GetSessionToken'), 1);
  assert.equal(testbed.aws.calls('AssumeRole'), 2);
  const hours = (Date.parse(processJson(prod.stdout).Expiration) - Date.now()) / 3600000;
  assert.ok(hours > 11.9 && hours <= 12, `prod-read asked for 12h, got ${hours}h`);
});

test('--refresh makes new credentials, --no-cache writes nothing', async () => {
  const before = await runRolecall(['export', 'read', '--format', 'process'], { env: home.env });
  const refreshed = await runRolecall(['export', 'read', '--format', 'process', '--refresh'], { env: home.env });
  assert.equal(refreshed.code, 0, refreshed.stderr);
  assert.notEqual(processJson(refreshed.stdout).AccessKeyId, processJson(before.stdout).AccessKeyId);

  const other = bastionHome(testbed);
  try {
    const uncached = await runRolecall(['export', 'deploy', '--format', 'process', '--no-cache'], { env: other.env });
    assert.equal(uncached.code, 0, uncached.stderr);
    let entries: string[] = [];
    try {
      entries = readdirSync(other.env.ROLECALL_CACHE_DIR!);
    } catch {
      // no cache dir at all is just as good
    }
    assert.deepEqual(entries.filter((e) => !e.startsWith('.')), []);
  } finally {
    other.remove();
  }
});

test('a three-hop chain: each chained hop is capped at 1 h with a notice on stderr', async () => {
  testbed.aws.resetCalls();
  const result = await runRolecall(['export', 'audit', '--format', 'process', '--refresh'], { env: home.env });
  assert.equal(result.code, 0, result.stderr);
  const creds = processJson(result.stdout);
  assert.equal(creds.AccountId, '222222222222');
  assert.match(result.stderr, /role chaining.*1 hour.*7200s/);
  const minutes = (Date.parse(creds.Expiration) - Date.now()) / 60000;
  assert.ok(minutes > 55 && minutes <= 60, `expires in ${minutes} min`);
  assert.equal(testbed.aws.calls('AssumeRole'), 3);
  const who = await runRolecall(['whoami', 'audit', '--json'], { env: home.env });
  assert.equal(who.code, 0, who.stderr);
  const identity = JSON.parse(who.stdout) as { arn: string; chain: string[] };
  assert.match(identity.arn, /^arn:aws:sts::222222222222:assumed-role\/audit\//);
  assert.equal(identity.chain.length, 5);
});

test('a duration above the role\'s MaxSessionDuration is retried once at 1 h with a notice', async () => {
  testbed.aws.resetCalls();
  const result = await runRolecall(['export', 'read', '--format', 'process', '--duration', '8h', '--refresh'], { env: home.env });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /allows less than the 28800s asked for.*retrying with 1h/);
  const minutes = (Date.parse(processJson(result.stdout).Expiration) - Date.now()) / 60000;
  assert.ok(minutes > 55 && minutes <= 60);
  assert.equal(testbed.aws.calls('AssumeRole'), 2);
});

test('external id and a user without MFA', async () => {
  const result = await runRolecall(['export', 'deploy', '--format', 'process'], { env: home.env });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(processJson(result.stdout).AccountId, '222222222222');
});

async function failure(args: string[], env: NodeJS.ProcessEnv) {
  const result = await runRolecall(args, { env });
  assert.notEqual(result.code, 0, `expected failure: ${result.stdout}`);
  assert.equal(result.stdout, '', 'nothing on stdout when it fails');
  return result.stderr;
}

test('STS errors become clear messages with hints', async (t) => {
  await t.test('wrong MFA code', async () => {
    const stderr = await failure(['export', 'read', '--format', 'process', '--refresh', '--mfa-code', '000000', '--no-cache'], home.env);
    assert.match(stderr, /MultiFactorAuthentication failed/);
    assert.match(stderr, /hint: Enter the current 6-digit code/);
  });
  await t.test('MFA code that is not 6 digits', async () => {
    const stderr = await failure(['export', 'read', '--refresh', '--mfa-code', '12ab', '--no-cache'], home.env);
    assert.match(stderr, /not 6 digits/);
  });
  await t.test('trust policy denies a user without MFA', async () => {
    const other = bastionHome(testbed, '[profile bob-read]\nrole_arn = arn:aws:iam::222222222222:role/read\nsource_profile = bob\n');
    try {
      const stderr = await failure(['export', 'bob-read', '--format', 'process'], other.env);
      assert.match(stderr, /AssumeRole arn:aws:iam::222222222222:role\/read failed: User: arn:aws:iam::111111111111:user\/bob is not authorized/);
      assert.match(stderr, /hint: Check the role's trust policy/);
    } finally {
      other.remove();
    }
  });
  await t.test('wrong secret key', async () => {
    const other = bastionHome(testbed);
    try {
      const bob = testbed.world.users.find((u) => u.name === 'bob')!;
      other.write('.aws/credentials', `[bob]\naws_access_key_id = ${bob.accessKeyId}\naws_secret_access_key = not-the-secret\n`);
      const stderr = await failure(['export', 'deploy'], other.env);
      assert.match(stderr, /SignatureDoesNotMatch/);
      assert.match(stderr, /hint: The secret access key does not belong to the access key id/);
      assert.doesNotMatch(stderr, /not-the-secret/);
    } finally {
      other.remove();
    }
  });
  await t.test('unknown access key', async () => {
    const other = bastionHome(testbed);
    try {
      other.write('.aws/credentials', '[bob]\naws_access_key_id = AKIANOSUCHKEY0000000\naws_secret_access_key = whatever-secret\n');
      const stderr = await failure(['export', 'deploy'], other.env);
      assert.match(stderr, /InvalidClientTokenId/);
      assert.match(stderr, /hint: The access key id is not known to AWS/);
    } finally {
      other.remove();
    }
  });
  await t.test('expired session credentials in the credentials file', async () => {
    const bob = testbed.world.users.find((u) => u.name === 'bob')!;
    const shortLived = await startTestbed({ settings: { minSessionSeconds: 1 } });
    const other = bastionHome(shortLived);
    try {
      const sts = new STSClient({ region: 'us-east-1', endpoint: shortLived.aws.url, credentials: { accessKeyId: bob.accessKeyId, secretAccessKey: bob.secretAccessKey } });
      const out = await sts.send(new GetSessionTokenCommand({ DurationSeconds: 1 }));
      await new Promise((r) => setTimeout(r, 2100));
      other.write(
        '.aws/credentials',
        `[bob]\naws_access_key_id = ${out.Credentials!.AccessKeyId}\naws_secret_access_key = ${out.Credentials!.SecretAccessKey}\naws_session_token = ${out.Credentials!.SessionToken}\n`,
      );
      const stderr = await failure(['export', 'deploy'], other.env);
      assert.match(stderr, /ExpiredToken/);
      assert.match(stderr, /hint: The credentials that signed the call have expired/);
    } finally {
      other.remove();
      await shortLived.close();
    }
  });
  await t.test('STS endpoint down', async () => {
    const other = bastionHome(testbed);
    try {
      const stderr = await failure(['export', 'deploy', '--no-cache'], { ...other.env, AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9' });
      assert.match(stderr, /cannot reach http:\/\/127\.0\.0\.1:9 \(ECONNREFUSED\)/);
      assert.match(stderr, /hint: The endpoint did not answer/);
    } finally {
      other.remove();
    }
  });
});
