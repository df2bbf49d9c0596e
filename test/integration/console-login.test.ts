// `rolecall login --url` end to end: the built binary against the testbed's STS and federation
// endpoint; the printed URL is followed like a browser would and lands on the emulator's console.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { federatedName, partitionOf } from '../../src/app/console-login';
import type { Testbed } from '../../testbed/index';
import { runRolecall, type Home } from '../helpers/cli';
import { bastionHome, useBastionTestbed } from '../helpers/bastion';

let testbed: Testbed;
let home: Home;
let env: NodeJS.ProcessEnv;

useBastionTestbed((started, startedHome) => {
  testbed = started;
  home = startedHome;
  env = { ...home.env, AWS_ENDPOINT_URL_SIGNIN: testbed.aws.signinUrl };
});

/** Follows the sign-in URL to the console page and returns what it shows. */
async function landOn(url: string): Promise<{ identity: string; destination: string; issuer: string; expires: string }> {
  const login = await fetch(url, { redirect: 'manual' });
  assert.equal(login.status, 302, await login.text());
  const consolePage = await fetch(new URL(login.headers.get('location')!, url));
  const html = await consolePage.text();
  assert.equal(consolePage.status, 200, html);
  const span = (id: string) => new RegExp(`id="${id}">([^<]*)<`).exec(html)?.[1] ?? '';
  return { identity: span('identity'), destination: span('destination'), issuer: span('issuer'), expires: span('expires') };
}

test('login --url: bastion -> role, the URL signs in to the console as the role, and --debug never shows the token', async () => {
  testbed.aws.resetCalls();
  const run = await runRolecall(['login', 'read', '--url', '--debug'], { env });
  assert.equal(run.code, 0, run.stderr);
  const url = new URL(run.stdout.trim());
  assert.equal(run.stdout, `${url.toString()}\n`, 'stdout holds the URL and nothing else');
  assert.equal(url.origin + url.pathname, testbed.aws.signinUrl);
  assert.equal(url.searchParams.get('Action'), 'login');
  assert.equal(url.searchParams.get('Destination'), 'https://us-east-1.console.aws.amazon.com/console/home?region=us-east-1');
  const token = url.searchParams.get('SigninToken')!;
  assert.ok(token.length > 100);
  assert.ok(!run.stderr.includes(token), 'the sign-in token is not in the debug output');
  assert.match(run.stderr, /getSigninToken/, 'the debug output names the call');
  assert.equal(testbed.aws.calls('getSigninToken'), 1);

  const page = await landOn(url.toString());
  assert.match(page.identity, /^arn:aws:sts::222222222222:assumed-role\/read\//);
  assert.equal(page.issuer, 'rolecall');
  const minutes = (Date.parse(page.expires) - Date.now()) / 60000;
  assert.ok(minutes > 55 && minutes <= 60, `a role's console session lasts 1 h by default, not ${minutes} min`);
});

test('login --url --destination --console-duration: the console session lasts as asked and lands where asked', async () => {
  const destination = 'https://us-east-1.console.aws.amazon.com/s3/home';
  const run = await runRolecall(['login', 'read', '--url', '--destination', destination, '--console-duration', '2h'], { env });
  assert.equal(run.code, 0, run.stderr);
  const page = await landOn(run.stdout.trim());
  assert.equal(page.destination, destination);
  const minutes = (Date.parse(page.expires) - Date.now()) / 60000;
  assert.ok(minutes > 115 && minutes <= 120, `console session of ${minutes} min`);
});

test('login --console-duration for a chained role is refused with the reason, before any sign-in call', async () => {
  testbed.aws.resetCalls();
  // --refresh: nothing cached would hide a sign-in made before the refusal
  const run = await runRolecall(['login', 'admin', '--url', '--refresh', '--console-duration', '4h'], { env });
  assert.equal(run.code === 0, false);
  assert.equal(run.stdout, '');
  assert.match(run.stderr, /cannot be asked for with credentials of a chained role/);
  assert.match(run.stderr, /caps chained role sessions at 1 hour/);
  assert.match(run.stderr, /--console-duration/);
  const outOfRange = await runRolecall(['login', 'read', '--url', '--refresh', '--console-duration', '13h'], { env });
  assert.equal(outOfRange.code, 2);
  assert.match(outOfRange.stderr, /"13h" \(flag --console-duration\) is outside 15m\.\.12h/);
  // an MFA session (GetSessionToken) cannot sign in to the console: said before the MFA code is used
  const session = await runRolecall(['login', 'bastion', '--url', '--refresh'], { env });
  assert.equal(session.code, 1);
  assert.match(session.stderr, /profile bastion gives an MFA session \(GetSessionToken\), and AWS does not let those credentials sign in to the console\n {2}hint: .*source_profile = bastion/);
  const ftp = await runRolecall(['login', 'read', '--url', '--refresh', '--destination', 'ftp://example.com/'], { env });
  assert.equal(ftp.code, 2);
  assert.match(ftp.stderr, /--destination "ftp:\/\/example\.com\/" is not an https URL/);
  // plain http too: the console page would be fetched where anyone on the way can change it
  const http = await runRolecall(['login', 'read', '--url', '--refresh', '--destination', 'http://console.aws.amazon.com/s3/home'], { env });
  assert.equal(http.code, 2, http.stderr);
  assert.match(http.stderr, /--destination "http:\/\/console\.aws\.amazon\.com\/s3\/home" is not an https URL/);
  for (const action of ['GetSessionToken', 'AssumeRole', 'getSigninToken']) assert.equal(testbed.aws.calls(action), 0, `${action} was called`);

  const plain = await runRolecall(['login', 'admin', '--url'], { env });
  assert.equal(plain.code, 0, plain.stderr);
  assert.match((await landOn(plain.stdout.trim())).identity, /^arn:aws:sts::333333333333:assumed-role\/admin\//);
});

test('login with long-lived IAM user keys: GetFederationToken first, said on stderr, console as the federated user', async () => {
  testbed.aws.resetCalls();
  const run = await runRolecall(['login', 'bob', '--url'], { env });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /long-lived IAM user keys.*GetFederationToken/);
  assert.equal(testbed.aws.calls('GetFederationToken'), 1);
  const page = await landOn(run.stdout.trim());
  assert.equal(page.identity, 'arn:aws:sts::111111111111:federated-user/bob');
  assert.match(run.stderr, /federated user session "bob"/);

  const refused = await runRolecall(['login', 'bob', '--url', '--console-duration', '1h'], { env });
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /cannot be asked for with long-lived IAM user keys/);
});

test('login without --url opens the profile agent with the URL', async () => {
  const out = home.write('agent-out.txt', '');
  const agentHome = bastionHome(testbed, `
[profile agent]
role_arn = arn:aws:iam::222222222222:role/read
source_profile = bastion
web_identity_agent = ["${process.execPath}", "-e", "require('node:fs').writeFileSync(process.argv[1], process.argv[2])", "${out}", "{}"]
`);
  try {
    const run = await runRolecall(['login', 'agent'], { env: { ...agentHome.env, AWS_ENDPOINT_URL_SIGNIN: testbed.aws.signinUrl } });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /Opened the AWS console as arn:aws:sts::222222222222:assumed-role\/read\//);
    let url = '';
    for (let i = 0; i < 50 && !url; i++) {
      await new Promise((r) => setTimeout(r, 100));
      url = readFileSync(out, 'utf8');
    }
    assert.ok(!run.stderr.includes(new URL(url).searchParams.get('SigninToken')!));
    assert.match((await landOn(url)).identity, /assumed-role\/read\//);
  } finally {
    agentHome.remove();
  }
});

test('the sign-in host and console follow the partition of the region; the federated name follows the IAM user', () => {
  assert.equal(partitionOf('eu-west-1').signin, 'https://signin.aws.amazon.com/federation');
  assert.equal(partitionOf('eu-west-1').console('eu-west-1'), 'https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1');
  assert.equal(partitionOf('cn-north-1').signin, 'https://signin.amazonaws.cn/federation');
  assert.equal(partitionOf('cn-northwest-1').console('cn-northwest-1'), 'https://console.amazonaws.cn/console/home?region=cn-northwest-1');
  assert.equal(partitionOf('us-gov-west-1').signin, 'https://signin.amazonaws-us-gov.com/federation');
  assert.equal(federatedName('arn:aws:iam::111111111111:user/ops/jane.doe@example.com'), 'jane.doe@example.com');
  assert.equal(federatedName('arn:aws:iam::111111111111:user/a-very-long-user-name-of-forty-characters'), 'a-very-long-user-name-of-forty-c');
  assert.equal(federatedName(undefined), 'rolecall');
});
