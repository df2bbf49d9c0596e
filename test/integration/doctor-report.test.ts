// doctor as a newcomer with a broken setup meets it: every problem in one report (a header never
// closed, a line that is no setting, a missing source profile, a misspelt key, an STS that does not
// answer), each a FAIL, and exit 1 at the end; a missing ~/.aws/config said as such; the browser
// checked only for profiles that open one.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { runRolecall, tempHome } from '../helpers/cli';

/** a loopback port nothing listens on */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** a home whose ~/.aws/config starts with a [default] whose STS nothing answers, then `profiles` */
async function homeWithDeadSts(t: TestContext, profiles: (port: number) => string) {
  const home = tempHome();
  t.after(() => home.remove());
  const port = await closedPort();
  const config = home.write('.aws/config', `[default]\nregion = us-east-1\nendpoint_url = http://127.0.0.1:${port}\n\n${profiles(port)}`);
  return { home, port, config };
}

test('a broken config: every problem is a FAIL in one report, and doctor exits 1 at the end', async (t) => {
  const { home, port, config } = await homeWithDeadSts(
    t,
    () => `[profile broken
role_arn = arn:aws:iam::123456789012:role/x

[profile app]
role_arn = arn:aws:iam::123456789012:role/app
source_profile = nosuch
web_identiy_client_id = cli
this is not a setting
`,
  );
  const run = await runRolecall(['doctor', 'app'], { env: home.env });
  assert.equal(run.code, 1, run.stderr);
  assert.doesNotMatch(run.stderr, /^rolecall:/m, 'no error stops it: everything is in the report');
  const fails = run.stdout.split('\n').filter((line) => line.startsWith('  FAIL '));
  assert.deepEqual(fails, [
    `  FAIL ${config}:5: the section header is not closed (no "]"):`,
    `  FAIL ${config}:12: expected "key = value" or "[section]":`,
    `  FAIL profile "app" has source_profile = nosuch (${config}:10), but profile "nosuch" is not in ${config} or ${home.env.AWS_SHARED_CREDENTIALS_FILE}`,
    `  FAIL web_identiy_client_id (${config}:11) of profile app is read by neither rolecall nor the AWS CLI: did you mean web_identity_client_id?`,
    `  FAIL STS http://127.0.0.1:${port} does not answer (ECONNREFUSED)`,
  ]);
  assert.match(run.stdout, /\n {11}\[profile broken\n {7}Close it: \[profile broken\]\n/);

  const json = await runRolecall(['doctor', 'app', '--json'], { env: home.env });
  assert.equal(json.code, 1);
  const report = JSON.parse(json.stdout) as { findings: { check: string; level: string }[] };
  assert.deepEqual(
    report.findings.filter((f) => f.level === 'fail').map((f) => f.check),
    ['config', 'config', 'profile', 'config', 'sts'],
  );
});

test('without ~/.aws/config, doctor says so', async (t) => {
  const home = tempHome();
  t.after(() => home.remove());
  const run = await runRolecall(['doctor'], { env: { ...home.env, AWS_ENDPOINT_URL_STS: `http://127.0.0.1:${await closedPort()}` } });
  assert.match(run.stdout, new RegExp(`\\n {2}WARN ${home.env.AWS_CONFIG_FILE!.replace(/[.]/g, '\\.')} does not exist \\(AWS_CONFIG_FILE\\): no profile is set up here\\n {7}Write one with \`rolecall setup\` \\(or \`aws configure\`\\)\\.\\n`));
});

test('the browser is checked only for a profile whose sign-in opens one', async (t) => {
  const { home } = await homeWithDeadSts(
    t,
    (port) => `[profile keys]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE

[profile web]
web_identity_auth_url = http://127.0.0.1:${port}
web_identity_client_id = cli
role_arn = arn:aws:iam::123456789012:role/web

[profile headless]
source_profile = web
web_identity_flow = device
role_arn = arn:aws:iam::123456789012:role/web

[sso-session acme]
sso_start_url = https://acme.awsapps.com/start
sso_region = us-east-1

[profile sso]
sso_session = acme
sso_account_id = 123456789012
sso_role_name = Developer

[profile sso-device]
sso_session = acme
sso_account_id = 123456789012
sso_role_name = Developer
sso_use_device_code = yes

[profile sso-legacy]
sso_start_url = https://acme.awsapps.com/start
sso_region = us-east-1
sso_account_id = 123456789012
sso_role_name = Developer
`,
  );
  // no display and no $BROWSER: a browser cannot be opened here
  const env = { ...home.env, DISPLAY: '', WAYLAND_DISPLAY: '', BROWSER: '' };
  const browserLine = /no browser can be opened here/;
  assert.doesNotMatch((await runRolecall(['doctor', 'keys'], { env })).stdout, browserLine, 'static keys open no browser');
  assert.doesNotMatch((await runRolecall(['doctor', 'headless'], { env })).stdout, browserLine, 'the device flow opens no browser');
  assert.match((await runRolecall(['doctor', 'web'], { env })).stdout, /\n {2}WARN no browser can be opened here/, 'the browser login does');
  assert.match((await runRolecall(['doctor', 'sso'], { env })).stdout, /\n {2}WARN no browser can be opened here/, "Identity Center's browser sign-in does");
  assert.doesNotMatch((await runRolecall(['doctor', 'sso-device'], { env })).stdout, browserLine, 'sso_use_device_code = yes (any true word) opens no browser');
  assert.doesNotMatch((await runRolecall(['doctor', 'sso-legacy'], { env })).stdout, browserLine, 'the legacy form signs in with a device code only');
});

test('a profile that signs in but names no role is a FAIL of the report, with the settings shown, not an error that stops doctor', async (t) => {
  const { home, config } = await homeWithDeadSts(
    t,
    (port) => `[sso-session acme]
sso_start_url = https://acme.awsapps.com/start
sso_region = us-east-1

[profile signin]
sso_session = acme

[profile oidc]
web_identity_auth_url = http://127.0.0.1:${port}
web_identity_client_id = cli
`,
  );
  const sso = await runRolecall(['doctor', 'signin'], { env: home.env });
  assert.equal(sso.code, 1, sso.stderr);
  assert.doesNotMatch(sso.stderr, /^rolecall:/m, 'no error stops it: everything is in the report');
  assert.match(sso.stdout, new RegExp(`\\n  sso_session = acme +# ${config}:10\\n`));
  assert.match(sso.stdout, /\nsteps:\n {2}none: the profile names no role \(see the plan check\)\n/);
  assert.match(
    sso.stdout,
    new RegExp(`\\n  FAIL profile "signin" signs in to IAM Identity Center \\(sso_session = acme, ${config}:10\\) but names no sso_account_id and sso_role_name: there is no role to get credentials for\\n {7}Add sso_account_id and sso_role_name to the profile: \`rolecall list-roles --profile signin\``),
  );

  const oidc = await runRolecall(['doctor', 'oidc', '--json'], { env: home.env });
  assert.equal(oidc.code, 1, oidc.stderr);
  const report = JSON.parse(oidc.stdout) as { steps: string[]; findings: { check: string; level: string; message: string }[] };
  assert.deepEqual(report.steps, []);
  const plan = report.findings.filter((f) => f.check === 'plan');
  assert.equal(plan.length, 1);
  assert.equal(plan[0]!.level, 'fail');
  assert.match(plan[0]!.message, /^profile "oidc" has an OIDC login \(web_identity_auth_url, .*:13\) but no role_arn to assume with it$/);
});
