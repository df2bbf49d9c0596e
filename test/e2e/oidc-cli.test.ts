// Seeds 000, 001 and 002 end to end: the user's own config files, the real AWS CLI v2 running
// rolecall as credential_process, a real browser login (headless Chromium driven as the user) at
// the testbed's OIDC provider, and the validating STS emulator.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestbed, type Testbed } from '../../testbed/index';
import { BIN, runProcess, runRolecall, tempHome, type Home } from '../helpers/cli';
import { AGENT_ARGV, awsOidcTestbedConfig } from '../helpers/agent';

const AWS = '/usr/bin/aws';

let testbed: Testbed;
let home: Home;

before(async () => {
  testbed = await startTestbed();
});
after(async () => {
  await testbed.close();
});

function userEnv(h: Home): NodeJS.ProcessEnv {
  const alice = testbed.world.idpUsers.find((u) => u.username === 'alice')!;
  return { ...h.env, AWS_ENDPOINT_URL_STS: testbed.aws.url, TESTBED_USER: alice.username, TESTBED_PASSWORD: alice.password, TESTBED_AGENT_LOG: `${h.dir}/agent.log` };
}

async function callerArn(h: Home, profile: string): Promise<string> {
  const result = await runProcess(AWS, ['sts', 'get-caller-identity', '--profile', profile, '--region', 'us-east-1', '--endpoint-url', testbed.aws.url, '--query', 'Arn', '--output', 'text'], {
    env: userEnv(h),
    timeoutMs: 90_000,
  });
  assert.equal(result.code, 0, `${result.stderr}${result.stdout}`);
  return result.stdout.trim();
}

test('aws-oidc: `auth PROVIDER` over ~/.aws-oidc/config, with the agent array and --role_arn/--duration overrides', async () => {
  home = tempHome();
  try {
    home.write(
      '.aws-oidc/config',
      awsOidcTestbedConfig(testbed.idp.issuer),
    );
    home.write(
      '.aws/config',
      `[profile default]
region = us-east-1
credential_process = ${process.execPath} ${BIN} auth testbed

[profile engineer]
credential_process = ${process.execPath} ${BIN} auth testbed --role_arn=arn:aws:iam::222222222222:role/jump --duration 1800
`,
    );
    testbed.idp.resetCounts();
    assert.match(await callerArn(home, 'default'), /^arn:aws:sts::222222222222:assumed-role\/oidc-developer\/alice@example\.com$/);
    assert.equal(testbed.idp.counts().authorizations, 1);
    // a second provider use: the refresh token signs in again without a browser
    assert.match(await callerArn(home, 'engineer'), /^arn:aws:sts::222222222222:assumed-role\/jump\/alice@example\.com$/);
    assert.equal(testbed.idp.counts().authorizations, 1, 'no second browser login');
    assert.equal(testbed.idp.counts().tokens.refresh_token, 1);
    // aws-oidc's `exec engineer -- cmd`: the profile only names `rolecall auth`, which rolecall runs as the AWS CLI would
    const exec = await runRolecall(['exec', 'engineer', '--', AWS, 'sts', 'get-caller-identity', '--region', 'us-east-1', '--endpoint-url', testbed.aws.url, '--query', 'Arn', '--output', 'text'], {
      env: userEnv(home),
    });
    assert.equal(exec.code, 0, exec.stderr);
    assert.match(exec.stdout.trim(), /^arn:aws:sts::222222222222:assumed-role\/jump\/alice@example\.com$/);
    const direct = await runRolecall(['auth', 'testbed', '--role_arn', 'arn:aws:iam::222222222222:role/jump', '--duration', '1800'], { env: userEnv(home) });
    assert.equal(direct.code, 0, direct.stderr);
    const json = JSON.parse(direct.stdout) as { Version: number; Expiration: string };
    assert.equal(json.Version, 1);
    const minutes = (Date.parse(json.Expiration) - Date.now()) / 60000;
    assert.ok(minutes > 25 && minutes <= 30, `--duration 1800 gave ${minutes} min`);
  } finally {
    home.remove();
  }
});

test('aws-cli-oidc: `get-cred -p NAME -j` (oidc type) through the AWS CLI, and its stderr report', async () => {
  home = tempHome();
  try {
    const yaml = home.write(
      'cli-oidc.yaml',
      `testbed:
  oidc_provider_metadata_url: ${testbed.idp.issuer}/.well-known/openid-configuration
  client_id: rolecall-cli
  aws_federation_type: oidc
  max_session_duration_seconds: 3600
  default_iam_role_arn: arn:aws:iam::222222222222:role/oidc-developer
`,
    );
    home.write('.aws/config', `[profile dev]\nregion = us-east-1\ncredential_process = ${process.execPath} ${BIN} get-cred -p testbed -j -s -d 3600\n`);
    const env = { ...userEnv(home), AWS_CLI_OIDC_CONFIG: yaml, BROWSER: AGENT_ARGV.join(' ') };
    const direct = await runRolecall(['get-cred', '-p', 'testbed'], { env, timeoutMs: 90_000 });
    assert.equal(direct.code, 0, direct.stderr);
    assert.match(direct.stderr, new RegExp(`^Using config file: ${yaml}$`, 'm'));
    assert.match(direct.stderr, /^Login successful!$/m);
    assert.match(direct.stderr, /^Selected role: arn:aws:iam::222222222222:role\/oidc-developer$/m);
    assert.match(direct.stdout, /^export AWS_ACCESS_KEY_ID=ASIA[A-Z0-9]+\nexport AWS_SECRET_ACCESS_KEY=\S+\nexport AWS_SESSION_TOKEN=\S+\n$/);
    const result = await runProcess(AWS, ['sts', 'get-caller-identity', '--profile', 'dev', '--endpoint-url', testbed.aws.url, '--query', 'Arn', '--output', 'text'], { env });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout.trim(), /^arn:aws:sts::222222222222:assumed-role\/oidc-developer\//);
  } finally {
    home.remove();
  }
});

test('aws-runas: web_identity_* inherited from source_profile, jump_role_arn then role_arn, through the AWS CLI', async () => {
  home = tempHome();
  try {
    home.write(
      '.aws/config',
      `[default]
region = us-east-1

[profile oidc]
web_identity_auth_url = ${testbed.idp.issuer}
web_identity_client_id = rolecall-cli
web_identity_agent = ${JSON.stringify([...AGENT_ARGV, '{}'])}

[profile target]
source_profile = oidc
jump_role_arn = arn:aws:iam::222222222222:role/jump
role_arn = arn:aws:iam::333333333333:role/target
credentials_duration = 45m

[profile target-cli]
credential_process = ${process.execPath} ${BIN} export target --format process
`,
    );
    testbed.aws.resetCalls();
    assert.match(await callerArn(home, 'target-cli'), /^arn:aws:sts::333333333333:assumed-role\/target\//);
    assert.equal(testbed.aws.calls('AssumeRoleWithWebIdentity'), 1);
    assert.equal(testbed.aws.calls('AssumeRole'), 1);
    const doctor = await runRolecall(['doctor', 'target'], { env: userEnv(home) });
    assert.equal(doctor.code, 0, doctor.stderr);
    assert.match(doctor.stdout, /web_identity_auth_url = http:\/\/127\.0\.0\.1:\d+ +# .*config:5/);
    assert.match(doctor.stdout, /1\. AssumeRoleWithWebIdentity arn:aws:iam::222222222222:role\/jump with an OIDC login/);
    assert.match(doctor.stdout, /2\. AssumeRole arn:aws:iam::333333333333:role\/target/);
  } finally {
    home.remove();
  }
});

test('aws-cli-oidc saml2: OIDC login, token exchange for SAML, AssumeRoleWithSAML, through the AWS CLI', async () => {
  home = tempHome();
  try {
    const yaml = home.write(
      'cli-oidc.yaml',
      `myop:
  oidc_provider_metadata_url: ${testbed.idp.issuer}
  client_id: rolecall-cli
  aws_federation_type: saml2
  oidc_provider_token_exchange_audience: https://signin.aws.amazon.com/saml
  max_session_duration_seconds: 43200
myop-default:
  oidc_provider_metadata_url: ${testbed.idp.issuer}
  client_id: rolecall-cli
  aws_federation_type: saml2
  oidc_provider_token_exchange_audience: https://signin.aws.amazon.com/saml
  default_iam_role_arn: arn:aws:iam::222222222222:role/saml-developer
`,
    );
    home.write(
      '.aws/config',
      `[profile ops]\nregion = us-east-1\ncredential_process = ${process.execPath} ${BIN} get-cred -p myop -r arn:aws:iam::333333333333:role/saml-operator -j -s -d 3600\n`,
    );
    const env = { ...userEnv(home), AWS_CLI_OIDC_CONFIG: yaml, BROWSER: AGENT_ARGV.join(' ') };
    testbed.aws.resetCalls();
    const result = await runProcess(AWS, ['sts', 'get-caller-identity', '--profile', 'ops', '--endpoint-url', testbed.aws.url, '--query', 'Arn', '--output', 'text'], { env, timeoutMs: 90_000 });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout.trim(), /^arn:aws:sts::333333333333:assumed-role\/saml-operator\//);
    assert.equal(testbed.aws.calls('AssumeRoleWithSAML'), 1);
    const direct = await runRolecall(['get-cred', '-p', 'myop', '-r', 'arn:aws:iam::222222222222:role/saml-developer'], { env, timeoutMs: 90_000 });
    assert.equal(direct.code, 0, direct.stderr);
    assert.match(direct.stderr, /^Login successful!\nSelected role: arn:aws:iam::222222222222:role\/saml-developer\nPrincipalARN: arn:aws:iam::222222222222:saml-provider\/testbed\nRoleARN: arn:aws:iam::222222222222:role\/saml-developer$/m);
    // default_iam_role_arn names the role among the assertion's, so its credentials are cached
    testbed.aws.resetCalls();
    const first = await runRolecall(['get-cred', '-p', 'myop-default', '-j'], { env, timeoutMs: 90_000 });
    assert.equal(first.code, 0, first.stderr);
    const second = await runRolecall(['get-cred', '-p', 'myop-default', '-j'], { env, timeoutMs: 90_000 });
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.stdout, first.stdout, 'the same credentials, from the cache');
    assert.equal(testbed.aws.calls('AssumeRoleWithSAML'), 1);
  } finally {
    home.remove();
  }
});
