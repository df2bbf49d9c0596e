// aws-oidc's users, with its README's ~/.aws-oidc/config and ~/.aws/config (only the provider URL,
// client, secret and role changed for the testbed) and its command lines, `aws-oidc` being rolecall's
// shim: `credential_process = /PATH/TO/aws-oidc auth google` (the README names the program by its
// path: the shim is installed where aws-oidc was) under the real AWS CLI, the engineer profile's
// overrides, `exec` with and without a command, `list --claim=... --client_id=...`, and `aws-oidc
// login` (and `rolecall login` for a `credential_process = rolecall auth google` profile) opening the
// console through the provider's `agent` (the README's Chrome-profile recipe). A real browser login
// (headless Chromium) at the testbed IdP and the validating STS/IAM/federation.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestbed, type Testbed } from '../../testbed/index';
import { installRolecall, runProcess, tempHome, type Home } from '../helpers/cli';
import { AGENT_ARGV } from '../helpers/agent';

const AWS = '/usr/bin/aws';
const ROLE = 'arn:aws:iam::222222222222:role/oidc-confidential';

let testbed: Testbed;
let home: Home;
let agentLog: string;

before(async () => {
  testbed = await startTestbed();
  home = tempHome();
  const bin = installRolecall(home);
  const client = testbed.world.idpClients.find((c) => c.client_id === 'rolecall-confidential')!;
  home.write(
    '.aws-oidc/config',
    `region = "us-east-1"
[[AuthProvider]]
name = "google"
role_arn = "${ROLE}"
duration = 900
provider_url = "${testbed.idp.issuer}"
client_id = "${client.client_id}"
client_secret = "${client.client_secret}" # only specify this if your OIDC provider requires it even when using PKCE
agent = ${JSON.stringify([...AGENT_ARGV, '{}'])}

[[AuthProvider]]
name = "onelogin"
role_arn = "arn:aws:iam::222222222222:role/oidc-developer"
provider_url = "${testbed.idp.issuer}"
client_id = "rolecall-cli"
agent = ${JSON.stringify([...AGENT_ARGV, '{}'])}
`,
  );
  home.write(
    '.aws/config',
    `[profile default]
region = us-east-1
credential_process = ${home.dir}/projects/aws-oidc/aws-oidc auth google

[profile engineer]
region = us-east-1
credential_process = aws-oidc auth onelogin --role_arn=arn:aws:iam::222222222222:role/jump --duration 7200

[profile console]
region = us-east-1
credential_process = rolecall auth google
`,
  );
  const alice = testbed.world.idpUsers.find((u) => u.username === 'alice')!;
  agentLog = join(home.dir, 'agent.log');
  Object.assign(home.env, {
    TESTBED_USER: alice.username,
    TESTBED_PASSWORD: alice.password,
    TESTBED_AGENT_LOG: agentLog,
    AWS_ENDPOINT_URL_STS: testbed.aws.url,
    AWS_ENDPOINT_URL_IAM: testbed.aws.url,
    AWS_ENDPOINT_URL_SIGNIN: testbed.aws.signinUrl,
    // what login used before the agent: a browser that only leaves a mark
    BROWSER: `touch ${join(home.dir, 'browser-was-used')}`,
  });
  assert.equal((await runProcess('rolecall', ['shims', 'install', bin], { env: home.env })).code, 0);
  // where the README's line finds aws-oidc, once aws-oidc itself is gone from there
  const where = await runProcess('rolecall', ['shims', 'install', join(home.dir, 'projects', 'aws-oidc')], { env: home.env });
  assert.equal(where.code, 0, where.stderr);
  assert.match(where.stderr, /is not on your PATH/);
});
after(async () => {
  home.remove();
  await testbed.close();
});

test("aws sts get-caller-identity: the AWS CLI runs the README's `/PATH/aws-oidc auth google` (the shim there), which signs in through the agent", async () => {
  const result = await runProcess(AWS, ['sts', 'get-caller-identity', '--endpoint-url', testbed.aws.url, '--query', 'Arn', '--output', 'text'], { env: home.env, timeoutMs: 90_000 });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, 'arn:aws:sts::222222222222:assumed-role/oidc-confidential/alice@example.com\n');
  // the engineer profile: another provider, --role_arn and --duration (the jump role allows 1 h: retried)
  const engineer = await runProcess(AWS, ['--profile', 'engineer', 'sts', 'get-caller-identity', '--endpoint-url', testbed.aws.url, '--query', 'Arn', '--output', 'text'], { env: home.env, timeoutMs: 90_000 });
  assert.equal(engineer.code, 0, engineer.stderr);
  assert.equal(engineer.stdout, 'arn:aws:sts::222222222222:assumed-role/jump/alice@example.com\n');
  // aws-oidc's other overrides: the provider's client and secret from the command line
  const client = testbed.world.idpClients.find((c) => c.client_id === 'rolecall-confidential')!;
  const overridden = await runProcess('aws-oidc', ['auth', 'onelogin', `--client_id=${client.client_id}`, `--client_secret=${client.client_secret}`, `--role_arn=${ROLE}`, '--disable_pkce'], {
    env: home.env,
    timeoutMs: 90_000,
  });
  assert.equal(overridden.code, 0, overridden.stderr);
  assert.equal((JSON.parse(overridden.stdout) as { Version: number }).Version, 1);
  assert.match(overridden.stderr, /warning: --disable_pkce is not used: rolecall always sends a PKCE challenge/);
});

test('aws-oidc exec engineer -- CMD runs CMD; aws-oidc exec engineer without a command starts $SHELL with the credentials', async () => {
  const caller = `/usr/bin/aws sts get-caller-identity --endpoint-url ${testbed.aws.url} --query Arn --output text`;
  const withCmd = await runProcess('aws-oidc', ['exec', 'engineer', '--', 'sh', '-c', `${caller}; exit 3`], { env: home.env, timeoutMs: 60_000 });
  assert.equal(withCmd.code, 3, withCmd.stderr);
  assert.equal(withCmd.stdout, 'arn:aws:sts::222222222222:assumed-role/jump/alice@example.com\n');
  // what the user types into the shell comes here on its stdin
  const shell = await runProcess('aws-oidc', ['exec', 'engineer'], { env: { ...home.env, SHELL: '/bin/bash' }, input: `echo "profile=\${AWS_PROFILE-unset}"; ${caller}; exit 5\n`, timeoutMs: 60_000 });
  assert.equal(shell.code, 5, shell.stderr);
  assert.equal(shell.stdout, 'profile=unset\narn:aws:sts::222222222222:assumed-role/jump/alice@example.com\n');
  assert.match(shell.stderr, /^Starting \/bin\/bash with the credentials of profile engineer; exit it to go back\.$/m);
});

test('rolecall list --claim="HOST:aud" --client_id="CLIENT_ID": the roles the client may assume, with the default profile calling ListRoles', async () => {
  const host = new URL(testbed.idp.issuer).host;
  const result = await runProcess('rolecall', ['list', `--claim=${host}:aud`, '--client_id=rolecall-confidential'], { env: home.env, timeoutMs: 60_000 });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(
    result.stdout,
    [
      'RoleName           Arn                                               ClientId',
      'jump               arn:aws:iam::222222222222:role/jump               rolecall-confidential',
      'oidc-confidential  arn:aws:iam::222222222222:role/oidc-confidential  rolecall-confidential',
      '',
    ].join('\n'),
  );
  assert.match(result.stderr, new RegExp(`^2 of \\d+ roles accept client rolecall-confidential on ${host.replace(/\./g, '\\.')}:aud$`, 'm'));
});

test("aws-oidc login, and rolecall login for a `credential_process = rolecall auth google` profile: the console opens through the provider's agent (the Chrome-profile recipe), not $BROWSER", async () => {
  const consoles = () => (existsSync(agentLog) ? [...readFileSync(agentLog, 'utf8').matchAll(/ console: (.*)$/gm)].map((m) => m[1]) : []);
  const waitForConsoles = async (count: number) => {
    const deadline = Date.now() + 60_000;
    while (consoles().length < count) {
      if (Date.now() > deadline) assert.fail(`the agent never reached console ${count}: ${existsSync(agentLog) ? readFileSync(agentLog, 'utf8') : 'no log'}`);
      await sleep(200);
    }
  };
  const before = consoles().length;
  // the seed's own command line, through the shim: the default profile's `aws-oidc auth google`
  const seed = await runProcess('aws-oidc', ['login'], { env: home.env, timeoutMs: 60_000 });
  assert.equal(seed.code, 0, seed.stderr);
  await waitForConsoles(before + 1);
  // the migration guide's line: the program is rolecall itself
  const renamed = await runProcess('rolecall', ['login', 'console'], { env: home.env, timeoutMs: 60_000 });
  assert.equal(renamed.code, 0, renamed.stderr);
  await waitForConsoles(before + 2);
  assert.deepEqual(consoles().slice(before), [
    'arn:aws:sts::222222222222:assumed-role/oidc-confidential/alice@example.com',
    'arn:aws:sts::222222222222:assumed-role/oidc-confidential/alice@example.com',
  ]);
  assert.equal(existsSync(join(home.dir, 'browser-was-used')), false, '$BROWSER must not be used');
});
