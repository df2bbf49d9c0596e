// Seed 002 (aws-runas) end to end through the built binary: `rolecall password PROFILE` typed on
// a real terminal, then the AWS CLI running rolecall as credential_process for a profile with
// web_identity_username and an app:/ redirect URI: the password login, no browser. And the
// device flow from the command line, completed in a real browser.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { startTestbed, type Testbed } from '../../testbed/index';
import { approveDevice, launchChromium } from '../../testbed/idp/browser-login';
import { BIN, runProcess, tempHome } from '../helpers/cli';

const AWS = '/usr/bin/aws';
const PTY = new URL('../helpers/oidc-pty.py', import.meta.url).pathname;
let testbed: Testbed;

before(async () => {
  testbed = await startTestbed();
});
after(async () => {
  await testbed.close();
});

const alice = () => testbed.world.idpUsers.find((u) => u.username === 'alice')!;

function typeOnTerminal(args: string[], env: NodeJS.ProcessEnv, answers: [RegExp, string][]) {
  return runProcess('python3', [PTY, process.execPath, BIN, ...args], {
    env: { ...env, PTY_ANSWERS: answers.map(([prompt, name]) => `${prompt.source}=>${name}`).join('\n') },
    timeoutMs: 60_000,
  });
}

test('`rolecall password` on the terminal, then the AWS CLI signs in with the stored password', async () => {
  const home = tempHome();
  try {
    const config = home.write(
      '.aws/config',
      `[default]
region = us-east-1

[profile runas]
web_identity_auth_url = ${testbed.idp.issuer}
web_identity_client_id = rolecall-cli
web_identity_redirect_uri = app:/callback
web_identity_username = alice
role_arn = arn:aws:iam::222222222222:role/oidc-developer

[profile runas-cli]
region = us-east-1
credential_process = ${process.execPath} ${BIN} export runas --format process
`,
    );
    const env = { ...home.env, AWS_ENDPOINT_URL_STS: testbed.aws.url, IDP_PASSWORD: alice().password, OTHER: 'something-else' };

    const mismatch = await typeOnTerminal(['password', 'runas'], env, [[/Password for profile runas:/, 'IDP_PASSWORD'], [/Type it again:/, 'OTHER']]);
    assert.notEqual(mismatch.code, 0);
    assert.match(mismatch.stdout, /the two passwords differ; nothing was stored/);

    const stored = await typeOnTerminal(['password', 'runas'], env, [[/Password for profile runas:/, 'IDP_PASSWORD'], [/Type it again:/, 'IDP_PASSWORD']]);
    assert.equal(stored.code, 0, stored.stdout);
    assert.match(stored.stdout, /Stored the password of profile runas in the encrypted file \S+secrets\.json\./);
    assert.ok(!stored.stdout.includes(alice().password), 'the password is not echoed');
    assert.ok(!readFileSync(config, 'utf8').includes(alice().password), 'never in the config file');

    testbed.idp.resetCounts();
    const result = await runProcess(AWS, ['sts', 'get-caller-identity', '--profile', 'runas-cli', '--endpoint-url', testbed.aws.url, '--query', 'Arn', '--output', 'text'], { env, timeoutMs: 60_000 });
    assert.equal(result.code, 0, `${result.stderr}${result.stdout}`);
    assert.equal(result.stdout.trim(), 'arn:aws:sts::222222222222:assumed-role/oidc-developer/alice@example.com');
    assert.equal(testbed.idp.counts().tokens.password, 1);
    assert.equal(testbed.idp.counts().authorizations, 0, 'no browser login');
  } finally {
    home.remove();
  }
});

test('a password stored for the profile holding web_identity_* serves every profile over it', async () => {
  const home = tempHome();
  try {
    home.write(
      '.aws/config',
      `[profile idp]
region = us-east-1
web_identity_auth_url = ${testbed.idp.issuer}
web_identity_client_id = rolecall-cli
web_identity_flow = password
web_identity_username = alice

[profile team]
source_profile = idp
role_arn = arn:aws:iam::222222222222:role/oidc-developer
`,
    );
    const env = { ...home.env, AWS_ENDPOINT_URL_STS: testbed.aws.url, IDP_PASSWORD: alice().password };
    const stored = await typeOnTerminal(['password', 'idp'], env, [[/Password for profile idp:/, 'IDP_PASSWORD'], [/Type it again:/, 'IDP_PASSWORD']]);
    assert.equal(stored.code, 0, stored.stdout);
    testbed.idp.resetCounts();
    // no terminal here: a prompt would fail, so the stored password is what signs in
    const result = await runProcess(process.execPath, [BIN, 'export', 'team', '--format', 'process'], { env, timeoutMs: 60_000 });
    assert.equal(result.code, 0, result.stderr);
    assert.match((JSON.parse(result.stdout) as { AccessKeyId: string }).AccessKeyId, /^ASIA/);
    assert.equal(testbed.idp.counts().tokens.password, 1);
  } finally {
    home.remove();
  }
});

test('`rolecall export --device`: the code on stderr, the browser completes it, credentials on stdout', async () => {
  const home = tempHome();
  try {
    home.write(
      '.aws/config',
      `[profile headless]
region = us-east-1
web_identity_auth_url = ${testbed.idp.issuer}
web_identity_client_id = rolecall-cli
role_arn = arn:aws:iam::222222222222:role/oidc-developer
`,
    );
    const child = spawn(process.execPath, [BIN, 'export', 'headless', '--device', '--format', 'process'], {
      env: { ...home.env, AWS_ENDPOINT_URL_STS: testbed.aws.url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    let found: RegExpExecArray | null = null;
    for (let i = 0; i < 600 && !found; i++) {
      found = /open (\S+) and enter the code (\S+)/.exec(stderr);
      if (!found) await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(found, `no device instructions:\n${stderr}`);
    const browser = await launchChromium();
    try {
      await approveDevice(await browser.newPage(), found[1]!, { username: alice().username, password: alice().password }, found[2]!);
    } finally {
      await browser.close();
    }
    assert.equal(await exited, 0, stderr);
    const json = JSON.parse(stdout) as { Version: number; AccessKeyId: string };
    assert.equal(json.Version, 1);
    assert.match(json.AccessKeyId, /^ASIA/);
  } finally {
    home.remove();
  }
});
