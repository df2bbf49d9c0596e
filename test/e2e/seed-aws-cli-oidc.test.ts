// aws-cli-oidc's users, as its README shows them, with `rolecall shims install`'s aws-cli-oidc on
// PATH: `aws-cli-oidc setup` (the wizard, on a real terminal through tmux) writes the provider into
// ~/.aws-cli-oidc/config.yaml; `get-cred -p myop` prints the "Login successful! / Selected role /
// PrincipalARN / RoleARN" report on stderr and exactly three `export` lines on stdout, the same
// report on a cache hit; and the README's credential_process line works in ~/.aws/config as written.
// A real browser login (headless Chromium) at the testbed IdP, token exchange for SAML, the
// validating STS, the real AWS CLI and bash.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestbed, type Testbed } from '../../testbed/index';
import { installRolecall, runProcess, tempHome, type Home } from '../helpers/cli';
import { AGENT_ARGV } from '../helpers/agent';

const AWS = '/usr/bin/aws';
const DEVELOPER = 'arn:aws:iam::222222222222:role/saml-developer';

let testbed: Testbed;
let home: Home;
let yaml: string;

before(async () => {
  testbed = await startTestbed();
  home = tempHome();
  installRolecall(home);
  yaml = join(home.dir, '.aws-cli-oidc', 'config.yaml');
  // the README's profile, with the testbed's role; the AWS CLI runs the aws-cli-oidc shim from PATH
  home.write(
    '.aws/config',
    `[profile foo-developer]
region = us-east-1
credential_process=aws-cli-oidc get-cred -p myop -r ${DEVELOPER} -j -s -d 43200
`,
  );
  const alice = testbed.world.idpUsers.find((u) => u.username === 'alice')!;
  Object.assign(home.env, {
    BROWSER: AGENT_ARGV.join(' '),
    TESTBED_USER: alice.username,
    TESTBED_PASSWORD: alice.password,
    TESTBED_AGENT_LOG: `${home.dir}/agent.log`,
    AWS_ENDPOINT_URL_STS: testbed.aws.url,
    STS: testbed.aws.url,
    // a fish user's bash scripts: the exports are POSIX all the same
    SHELL: '/usr/bin/fish',
  });
  const shims = await runProcess('rolecall', ['shims', 'install'], { env: { ...home.env, PATH: `${home.dir}/.local/bin:${home.env.PATH}` } });
  assert.equal(shims.code, 0, shims.stderr);
  home.env.PATH = `${home.dir}/.local/bin:${home.env.PATH}`;
});
after(async () => {
  home.remove();
  await testbed.close();
});

async function waitFor(what: string, check: () => boolean, detail: () => string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; screen:\n${detail()}`);
    await sleep(100);
  }
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

test('aws-cli-oidc setup: the wizard asks what aws-cli-oidc asked and writes the provider into ~/.aws-cli-oidc/config.yaml', async (t) => {
  const socket = `rolecall-seed-001-${process.pid}`;
  const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  t.after(() => {
    try {
      tmux('kill-server');
    } catch {
      // already gone with its only session
    }
  });
  const stderrPath = join(home.dir, 'setup-stderr.txt');
  const donePath = join(home.dir, 'setup-exit.txt');
  const vars = Object.entries(home.env).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${shellQuote(v!)}`);
  tmux('new-session', '-d', '-x', '140', '-y', '40', '-s', 'setup', `env -i ${vars.join(' ')} TERM=xterm-256color aws-cli-oidc setup 2>${shellQuote(stderrPath)}; echo $? > ${shellQuote(donePath)}; sleep 30`);
  const screen = () => tmux('capture-pane', '-p', '-t', 'setup');
  const until = (what: string, text: string | RegExp) => waitFor(what, () => (typeof text === 'string' ? screen().includes(text) : text.test(screen())), screen);
  const keys = (...k: string[]) => tmux('send-keys', '-t', 'setup', ...k);
  const answer = async (question: string, text: string) => {
    await until(question, question);
    keys('-l', text);
    keys('Enter');
  };

  await answer('OIDC provider name (get-cred -p NAME)', 'myop');
  await answer('OIDC issuer URL', `${testbed.idp.issuer}/.well-known/openid-configuration`);
  await answer('OAuth client id', 'rolecall-cli');
  await until('the federation question', 'Type of AWS federation');
  keys('Down');
  await until('saml2 highlighted', /● saml2/);
  keys('Enter');
  await answer('Default IAM role ARN', DEVELOPER);
  await answer('Audience for the token exchange', 'https://signin.aws.amazon.com/saml');
  await until('the AWS CLI question', 'Also write [profile myop-cli] for the AWS CLI and SDKs');
  keys('Enter');
  await until('the preview', 'Write this provider?');
  assert.match(screen(), /aws_federation_type: saml2/);
  keys('Enter');
  await waitFor('setup to end', () => existsSync(donePath), () => `${screen()}\nstderr:\n${readFileSync(stderrPath, 'utf8')}`);
  const stderr = readFileSync(stderrPath, 'utf8');
  assert.equal(readFileSync(donePath, 'utf8').trim(), '0', stderr);
  assert.match(stderr, /checked: client rolecall-cli is accepted with a loopback redirect/);
  assert.match(stderr, new RegExp(`Wrote provider myop to ${yaml}\\.`));
  assert.equal(
    readFileSync(yaml, 'utf8'),
    `myop:
  aws_federation_type: saml2
  client_id: rolecall-cli
  default_iam_role_arn: ${DEVELOPER}
  max_session_duration_seconds: "3600"
  oidc_provider_metadata_url: ${testbed.idp.issuer}/.well-known/openid-configuration
  oidc_provider_token_exchange_audience: https://signin.aws.amazon.com/saml
  oidc_provider_token_exchange_subject_token_type: urn:ietf:params:oauth:token-type:access_token
`,
  );
  // the companion profile for the AWS CLI runs get-cred through rolecall on PATH
  assert.match(readFileSync(join(home.dir, '.aws', 'config'), 'utf8'), new RegExp(`\\[profile myop-cli\\]\\ncredential_process = rolecall get-cred -p myop -r ${DEVELOPER} -j\\n`));
});

const REPORT = (first: string) =>
  [`Using config file: ${yaml}`, first, `Selected role: ${DEVELOPER}`, 'PrincipalARN: arn:aws:iam::222222222222:saml-provider/testbed', `RoleARN: ${DEVELOPER}`];

/** the report's lines, in order, among stderr's (progress lines such as "Opened the browser" may come between) */
function reportLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => /^(Using config file|Login successful|Selected role|PrincipalARN|RoleARN):?/.test(line));
}

const EXPORTS = /^export AWS_ACCESS_KEY_ID=ASIA[A-Z0-9]{16}\nexport AWS_SECRET_ACCESS_KEY=[A-Za-z0-9/+=]+\nexport AWS_SESSION_TOKEN=[A-Za-z0-9/+=]+\n$/;

test('aws-cli-oidc get-cred -p myop: the report on stderr, exactly the three export lines on stdout, and eval $(...) in bash makes the AWS CLI the role', async () => {
  testbed.aws.resetCalls();
  const first = await runProcess('aws-cli-oidc', ['get-cred', '-p', 'myop'], { env: home.env, timeoutMs: 90_000 });
  assert.equal(first.code, 0, first.stderr);
  assert.deepEqual(reportLines(first.stderr), REPORT('Login successful!'));
  assert.match(first.stdout, EXPORTS);
  assert.equal(testbed.aws.calls('AssumeRoleWithSAML'), 1);

  // the same again: from the cache, with the same report, saying so
  const second = await runProcess('aws-cli-oidc', ['get-cred', '-p', 'myop'], { env: home.env, timeoutMs: 30_000 });
  assert.equal(second.code, 0, second.stderr);
  const [, cachedLine] = reportLines(second.stderr);
  assert.match(cachedLine!, /^Login successful! \(cached credentials, valid until \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ: no new login\)$/);
  assert.deepEqual(reportLines(second.stderr), REPORT(cachedLine!));
  assert.equal(second.stdout, first.stdout);
  assert.equal(testbed.aws.calls('AssumeRoleWithSAML'), 1, 'no second STS call');

  // the seed's habit: an unquoted eval in bash
  const shell = await runProcess('bash', ['--norc', '--noprofile', '-c', 'eval $(aws-cli-oidc get-cred -p myop 2>/dev/null) && /usr/bin/aws sts get-caller-identity --region us-east-1 --endpoint-url "$STS" --query Arn --output text'], {
    env: home.env,
    timeoutMs: 30_000,
  });
  assert.equal(shell.code, 0, shell.stderr);
  assert.match(shell.stdout, /^arn:aws:sts::222222222222:assumed-role\/saml-developer\/alice@example\.com\n$/);
});

test("the README's credential_process=... get-cred -p myop -r ROLE -j -s -d 43200 line, used by the AWS CLI as written", async () => {
  const result = await runProcess(AWS, ['configure', 'export-credentials', '--profile', 'foo-developer', '--format', 'process'], { env: home.env, timeoutMs: 90_000 });
  assert.equal(result.code, 0, result.stderr);
  const { Expiration } = JSON.parse(result.stdout) as { Expiration: string };
  const hours = (Date.parse(Expiration) - Date.now()) / 3_600_000;
  assert.ok(hours > 11.5 && hours <= 12, `-d 43200 gave ${hours.toFixed(2)} h`);
  const identity = await runProcess(AWS, ['sts', 'get-caller-identity', '--profile', 'foo-developer', '--endpoint-url', testbed.aws.url, '--query', 'Arn', '--output', 'text'], {
    env: home.env,
    timeoutMs: 30_000,
  });
  assert.equal(identity.code, 0, identity.stderr);
  assert.equal(identity.stdout, 'arn:aws:sts::222222222222:assumed-role/saml-developer/alice@example.com\n');

  // aws-cli-oidc's long flag names mean the same: the same credentials, from the cache
  testbed.aws.resetCalls();
  const long = await runProcess('aws-cli-oidc', ['get-cred', '--provider', 'myop', '--role', DEVELOPER, '--json', '--use-secret', '--max-duration', '43200'], { env: home.env, timeoutMs: 30_000 });
  assert.equal(long.code, 0, long.stderr);
  assert.equal(Date.parse((JSON.parse(long.stdout) as { Expiration: string }).Expiration), Date.parse(Expiration));
  assert.match(long.stderr, /^Login successful! \(cached credentials/m);
  assert.equal(testbed.aws.calls('AssumeRoleWithSAML'), 0);
});
