// The real AWS CLI v2 as the consumer of credential_process, against the testbed's STS and against
// moto, an independent STS implementation.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { startTestbed, type Testbed } from '../../testbed/index';
import { BIN, runProcess, runRolecall, tempHome, type Home } from '../helpers/cli';
import { bastionHome } from '../helpers/bastion';
import { skipWithoutPython } from '../helpers/python';

const AWS = '/usr/bin/aws';

let testbed: Testbed;
let home: Home;

before(async () => {
  testbed = await startTestbed();
  home = bastionHome(
    testbed,
    `
[profile consumer]
credential_process = ${process.execPath} ${BIN} export read --format process
region = us-east-1
`,
  );
});
after(async () => {
  home.remove();
  await testbed.close();
});

test('the AWS CLI v2 gets the role through credential_process', async () => {
  testbed.aws.resetCalls();
  const run = () =>
    runProcess(AWS, ['sts', 'get-caller-identity', '--profile', 'consumer', '--endpoint-url', testbed.aws.url, '--output', 'json'], { env: home.env });
  const first = await run();
  assert.equal(first.code, 0, first.stderr);
  const identity = JSON.parse(first.stdout) as { Arn: string; Account: string };
  assert.match(identity.Arn, /^arn:aws:sts::222222222222:assumed-role\/read\//);
  assert.equal(identity.Account, '222222222222');
  const second = await run();
  assert.equal(second.code, 0, second.stderr);
  assert.equal((JSON.parse(second.stdout) as { Arn: string }).Arn, identity.Arn);
  // two CLI calls: two GetCallerIdentity, but one MFA session and one AssumeRole between them
  assert.equal(testbed.aws.calls('GetCallerIdentity'), 2);
  assert.equal(testbed.aws.calls('AssumeRole'), 1);
  assert.equal(testbed.aws.calls('GetSessionToken'), 1);
});

test('the AWS CLI v2 reports rolecall\'s error when credential_process fails', async () => {
  const broken = tempHome();
  try {
    broken.write('.aws/config', `[profile consumer]\ncredential_process = ${process.execPath} ${BIN} export nosuch --format process\n`);
    const result = await runProcess(AWS, ['sts', 'get-caller-identity', '--profile', 'consumer', '--endpoint-url', testbed.aws.url], { env: broken.env });
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /profile "nosuch"/);
  } finally {
    broken.remove();
  }
});

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function startMoto(): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 150; i++) {
    try {
      const response = await fetch(`${url}/moto-api/`);
      if (response.status < 500) return { url, child };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill();
  throw new Error('moto did not start');
}

test('interop with moto: rolecall assumes a role there and the AWS CLI sees the assumed role', { skip: skipWithoutPython('moto', 'no second, independent STS to check against (moto has no Debian package: pip install "moto[server]" for this python3)') }, async () => {
  const moto = await startMoto();
  const other = tempHome();
  try {
    other.write('.aws/credentials', '[src]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n');
    other.write(
      '.aws/config',
      `[profile src]
region = us-east-1
endpoint_url = ${moto.url}

[profile moto-role]
role_arn = arn:aws:iam::123456789012:role/moto-role
source_profile = src
role_session_name = interop

[profile consumer]
credential_process = ${process.execPath} ${BIN} export moto-role --format process
`,
    );
    const exported = await runRolecall(['export', 'moto-role', '--format', 'process'], { env: other.env });
    assert.equal(exported.code, 0, exported.stderr);
    assert.equal((JSON.parse(exported.stdout) as { AccountId: string }).AccountId, '123456789012');
    const result = await runProcess(AWS, ['sts', 'get-caller-identity', '--profile', 'consumer', '--endpoint-url', moto.url, '--region', 'us-east-1'], {
      env: other.env,
    });
    assert.equal(result.code, 0, result.stderr);
    assert.match((JSON.parse(result.stdout) as { Arn: string }).Arn, /^arn:aws:sts::123456789012:assumed-role\/moto-role\/interop$/);
  } finally {
    other.remove();
    moto.child.kill();
  }
});
