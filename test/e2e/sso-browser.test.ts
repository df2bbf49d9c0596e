// IAM Identity Center sign-ins in a real browser (headless Chromium driven as the person) against
// the testbed: the browser sign-in (authorization code with PKCE, the loopback redirect) and the
// device code, each giving the AWS CLI an Identity Center role through credential_process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Testbed } from '../../testbed/index';
import { BIN, runProcess, type Home } from '../helpers/cli';
import { AGENT_ARGV, agentSaid } from '../helpers/agent';
import { AWS, ssoConfig, ssoEnv, useSsoTestbed } from '../helpers/aws-sso';

let testbed: Testbed;
let home: Home;
const DEVICE = 'urn:ietf:params:oauth:grant-type:device_code';

useSsoTestbed((t) => (testbed = t), (h) => (home = h));

/** the person's environment; the profiles' web_identity_agent (Chromium) wins over its $BROWSER */
const env = () => ssoEnv(home, testbed);

/** the testbed's session and profiles, Chromium as the browser, and a credential_process profile for the AWS CLI */
function write(extra = ''): void {
  home.write(
    '.aws/config',
    ssoConfig(
      testbed,
      `
[default]
web_identity_agent = ${JSON.stringify([...AGENT_ARGV, '{}'])}

[profile dev-cli]
credential_process = ${process.execPath} ${BIN} export dev --format process ${extra}
region = us-east-1
`,
    ),
  );
}

async function callerArn(): Promise<string> {
  const result = await runProcess(AWS, ['sts', 'get-caller-identity', '--profile', 'dev-cli', '--endpoint-url', testbed.aws.url, '--query', 'Arn', '--output', 'text'], { env: env(), timeoutMs: 120_000 });
  assert.equal(result.code, 0, `${result.stderr}\n${readFileSync(`${home.dir}/agent.log`, 'utf8')}`);
  return result.stdout.trim();
}

test('the browser sign-in in Chromium (PKCE, loopback) gives the AWS CLI the Identity Center role', { timeout: 180_000 }, async () => {
  write();
  assert.match(await callerArn(), /^arn:aws:sts::222222222222:assumed-role\/AWSReservedSSO_Developer_[0-9a-f]{16}\/alice$/);
  assert.equal(testbed.aws.sso.grants('authorization_code'), 1);
  await agentSaid(`${home.dir}/agent.log`, /the loopback page says: Login successful/);
});

test('the device code approved in Chromium (the code confirmed, signed in, allowed)', { timeout: 180_000 }, async () => {
  write('--device');
  assert.match(await callerArn(), /^arn:aws:sts::222222222222:assumed-role\/AWSReservedSSO_Developer_[0-9a-f]{16}\/alice$/);
  assert.ok(testbed.aws.sso.grants(DEVICE) >= 1);
  assert.equal(testbed.aws.sso.grants('authorization_code'), 0);
  await agentSaid(`${home.dir}/agent.log`, /the loopback page says: Request approved/);
});
