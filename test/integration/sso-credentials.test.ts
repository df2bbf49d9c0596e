// Identity Center profiles through the built binary, against the testbed: role credentials for the
// AWS CLI through credential_process, the cache (one GetRoleCredentials per role), 32 parallel
// credential_process calls over four profiles of one session signing in once, refresh before a
// second sign-in (with the cached client registration), a revoked session, clear PROFILE keeping the
// sign-in, endpoints from a [services] section, role chaining on top, the console, the device code
// (--device, sso_use_device_code, the legacy form), a headless sign-in from the printed URL, kill -9
// in the middle of a sign-in, and bad config.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Testbed } from '../../testbed/index';
import { reservedRoleArn } from '../../testbed/sso/index';
import { BIN, runProcess, runRolecall, tempHome, type Home } from '../helpers/cli';
import { AWS, ssoConfig, ssoEnv, testbedSession, useSsoTestbed } from '../helpers/aws-sso';
import { authorizeInBrowser } from '../helpers/sso-person';
import { tokenFile } from '../../src/idp/sso/token-file';

let testbed: Testbed;
let home: Home;
const DEVICE = 'urn:ietf:params:oauth:grant-type:device_code';

useSsoTestbed((t) => (testbed = t), (h) => (home = h));

const rolecall = `${process.execPath} ${BIN}`;
const session = () => testbedSession(testbed);
const reserved = (account: string, set: string) => reservedRoleArn(account, set).split('/').at(-1)!;

/** the profiles of ssoConfig, four more of the same session, and credential_process profiles for the AWS CLI */
function config(extra = ''): string {
  return ssoConfig(
    testbed,
    `
[profile data]
sso_session = testbed
sso_account_id = 444444444444
sso_role_name = AdministratorAccess

[profile staging-read]
sso_session = testbed
sso_account_id = 222222222222
sso_role_name = ReadOnly

[profile chained]
source_profile = dev
role_arn = arn:aws:iam::333333333333:role/sso-chained
duration_seconds = 7200

[profile dev-cli]
credential_process = ${rolecall} export dev --format process
region = us-east-1
${extra}`,
  );
}

const run = (args: string[], env = ssoEnv(home, testbed)) => runRolecall(args, { env, timeoutMs: 90_000 });

test('the AWS CLI gets an Identity Center role through credential_process; the next call answers from the cache', async () => {
  home.write('.aws/config', config());
  const env = ssoEnv(home, testbed);
  const result = await runProcess(AWS, ['sts', 'get-caller-identity', '--profile', 'dev-cli', '--endpoint-url', testbed.aws.url, '--query', 'Arn', '--output', 'text'], { env, timeoutMs: 90_000 });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout.trim(), `arn:aws:sts::222222222222:assumed-role/${reserved('222222222222', 'Developer')}/alice`);
  assert.equal(testbed.aws.calls('GetRoleCredentials'), 1);
  assert.equal(testbed.aws.sso.grants('authorization_code'), 1);

  testbed.aws.resetCalls();
  const first = await run(['export', 'dev', '--format', 'process']);
  assert.equal(first.code, 0, first.stderr);
  const json = JSON.parse(first.stdout) as { Version: number; AccessKeyId: string; Expiration: string };
  assert.equal(json.Version, 1);
  assert.match(json.AccessKeyId, /^ASIA/);
  assert.ok(Date.parse(json.Expiration) - Date.now() > 7 * 3600_000, 'the Developer permission set lasts 8 h');
  assert.equal(testbed.aws.calls(), 0, 'the cached role credentials answered: no call at all');
  // the fast path alone answers it (bin.cjs beside a main.cjs that refuses to load): no SDK, no config parse
  const dir = mkdtempSync(join(tmpdir(), 'rolecall-fastonly-'));
  try {
    copyFileSync(BIN, join(dir, 'bin.cjs'));
    writeFileSync(join(dir, 'main.cjs'), 'process.stderr.write("main.cjs loaded\\n"); process.exit(99);\n');
    const fast = await runProcess(process.execPath, [join(dir, 'bin.cjs'), 'export', 'dev', '--format', 'process'], { env: ssoEnv(home, testbed) });
    assert.equal(fast.stderr, '');
    assert.equal(fast.stdout, first.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const debug = await run(['export', 'dev', '--format', 'process', '--debug', '--no-cache']);
  assert.match(debug.stderr, /GetRoleCredentials Developer in account 222222222222 from IAM Identity Center, sso-session testbed/);
  assert.ok(!debug.stderr.includes(JSON.parse(readFileSync(tokenFile(home.dir, session()), 'utf8')).accessToken), 'the access token is never logged');
});

test('32 parallel credential_process calls over four profiles of one session: one sign-in, one GetRoleCredentials per role', { timeout: 240_000 }, async () => {
  home.write('.aws/config', config());
  const env = ssoEnv(home, testbed);
  const profiles = ['dev', 'read', 'data', 'staging-read'];
  const results = await Promise.all(Array.from({ length: 32 }, (_, i) => runRolecall(['export', profiles[i % 4]!, '--format', 'process'], { env, timeoutMs: 180_000 })));
  for (const r of results) assert.equal(r.code, 0, r.stderr);
  assert.equal(testbed.aws.calls('Authorize'), 1, 'the sign-in page was opened once');
  assert.equal(testbed.aws.sso.grants('authorization_code'), 1);
  assert.equal(testbed.aws.calls('RegisterClient'), 1);
  assert.equal(testbed.aws.calls('GetRoleCredentials'), 4);
  for (const [i, profile] of profiles.entries()) {
    const keys = new Set(results.filter((_, j) => j % 4 === i).map((r) => (JSON.parse(r.stdout) as { AccessKeyId: string }).AccessKeyId));
    assert.equal(keys.size, 1, `every call for ${profile} got the same credentials`);
  }
  assert.ok(results.some((r) => /waiting for rolecall pid \d+/.test(r.stderr)), 'the others waited for the one signing in');
});

test('a token in its last 15 minutes is refreshed, not signed in again; a revoked session signs in again', async () => {
  home.write('.aws/config', config());
  assert.equal((await run(['export', 'dev', '--format', 'process'])).code, 0);
  const path = tokenFile(home.dir, session());
  const text = readFileSync(path, 'utf8');
  const { expiresAt } = JSON.parse(text) as { expiresAt: string };
  writeFileSync(path, text.replace(expiresAt, new Date(Date.now() + 5 * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z')));
  testbed.aws.resetCalls();
  const refreshed = await run(['export', 'read', '--format', 'process']);
  assert.equal(refreshed.code, 0, refreshed.stderr);
  assert.equal(testbed.aws.sso.grants('refresh_token'), 1);
  assert.equal(testbed.aws.calls('Authorize'), 0, 'no sign-in page');

  testbed.aws.sso.revokeUser('alice');
  testbed.aws.resetCalls();
  const again = await run(['export', 'data', '--format', 'process']);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /Identity Center no longer accepts the token of sso-session testbed .*signing in again/s);
  assert.equal(testbed.aws.calls('GetRoleCredentials'), 2, 'refused once, then answered');
  assert.equal(testbed.aws.calls('Authorize'), 1);
  assert.equal(testbed.aws.calls('RegisterClient'), 0, 'the client registration, valid for 90 days, serves the new sign-in');
});

test('clear PROFILE forgets the role credentials and keeps the sign-in: the next call gets new ones with the same token', async () => {
  home.write('.aws/config', config());
  const first = await run(['export', 'dev', '--format', 'process']);
  assert.equal(first.code, 0, first.stderr);
  const token = readFileSync(tokenFile(home.dir, session()), 'utf8');
  const cleared = await run(['clear', 'dev']);
  assert.equal(cleared.code, 0, cleared.stderr);
  assert.equal(readFileSync(tokenFile(home.dir, session()), 'utf8'), token, 'the token file is untouched');
  testbed.aws.resetCalls();
  const again = await run(['export', 'dev', '--format', 'process']);
  assert.equal(again.code, 0, again.stderr);
  assert.notEqual((JSON.parse(again.stdout) as { AccessKeyId: string }).AccessKeyId, (JSON.parse(first.stdout) as { AccessKeyId: string }).AccessKeyId);
  assert.equal(testbed.aws.calls('GetRoleCredentials'), 1);
  assert.equal(testbed.aws.calls('Authorize') + testbed.aws.calls('CreateToken') + testbed.aws.calls('RegisterClient') + testbed.aws.calls('Logout'), 0, 'no sign-in, no sign-out');
});

test('endpoints from a [services] section (sso_oidc =, sso =) beat the profile\'s endpoint_url, as the SDKs order them', async () => {
  home.write(
    '.aws/config',
    `[sso-session testbed]
sso_start_url = ${testbed.world.identityCenter.startUrl}
sso_region = ${testbed.world.identityCenter.region}
sso_registration_scopes = sso:account:access

[profile dev]
sso_session = testbed
sso_account_id = 222222222222
sso_role_name = Developer
services = testbed
endpoint_url = http://127.0.0.1:9

[services testbed]
sso_oidc =
  endpoint_url = ${testbed.aws.sso.oidcUrl}
sso =
  endpoint_url = ${testbed.aws.sso.portalUrl}
sts =
  endpoint_url = ${testbed.aws.url}
`,
  );
  const { AWS_ENDPOINT_URL_SSO_OIDC: _oidc, AWS_ENDPOINT_URL_SSO: _portal, AWS_ENDPOINT_URL_STS: _sts, ...env } = ssoEnv(home, testbed);
  const result = await run(['export', 'dev', '--format', 'process'], env);
  assert.equal(result.code, 0, result.stderr);
  assert.match((JSON.parse(result.stdout) as { AccessKeyId: string }).AccessKeyId, /^ASIA/);
  assert.equal(testbed.aws.calls('RegisterClient'), 1);
  assert.equal(testbed.aws.calls('GetRoleCredentials'), 1);
  const doctor = await run(['doctor', 'dev'], env);
  assert.match(doctor.stdout, new RegExp(`ok {3}the AWS access portal ${testbed.aws.sso.portalUrl.replace(/[.]/g, '\\.')} answers`));
});

test('role chaining on an Identity Center profile: AssumeRole with the role credentials, capped at 1 h as AWS caps chained roles', async () => {
  home.write('.aws/config', config());
  const whoami = await run(['whoami', 'chained']);
  assert.equal(whoami.code, 0, whoami.stderr);
  assert.match(whoami.stdout, /arn {6}arn:aws:sts::333333333333:assumed-role\/sso-chained\//);
  assert.match(whoami.stdout, /1\. GetRoleCredentials Developer in account 222222222222 from IAM Identity Center/);
  assert.match(whoami.stdout, /2\. AssumeRole arn:aws:iam::333333333333:role\/sso-chained \(profile chained\)/);
  assert.match(whoami.stderr, /role chaining\), which AWS caps at 1 hour: asking for 1h instead of 7200s/);
  // the trust policy names the Developer permission set's role: ReadOnly may not
  home.write('.aws/config', config('\n[profile chained-read]\nsource_profile = staging-read\nrole_arn = arn:aws:iam::333333333333:role/sso-chained\n'));
  const refused = await run(['export', 'chained-read', '--format', 'process']);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /AWSReservedSSO_ReadOnly_[0-9a-f]{16}\/alice is not authorized to perform: sts:AssumeRole/);
});

test('login opens the console as the Identity Center role', async () => {
  home.write('.aws/config', config());
  const result = await run(['login', 'dev', '--url'], { ...ssoEnv(home, testbed), AWS_ENDPOINT_URL_SIGNIN: testbed.aws.signinUrl });
  assert.equal(result.code, 0, result.stderr);
  const login = await fetch(result.stdout.trim(), { redirect: 'manual' });
  assert.equal(login.status, 302);
  const page = await (await fetch(new URL(login.headers.get('location')!, result.stdout.trim()))).text();
  assert.match(page, new RegExp(`<h1 id="identity">arn:aws:sts::222222222222:assumed-role/${reserved('222222222222', 'Developer')}/alice</h1>`));
});

test('the device code: --device, sso_use_device_code in the [sso-session], and the legacy form', async () => {
  home.write('.aws/config', config());
  const device = await run(['export', 'dev', '--format', 'process', '--device']);
  assert.equal(device.code, 0, device.stderr);
  assert.match(device.stderr, /To sign in to AWS IAM Identity Center at https:\/\/d-9067c0ffee\.awsapps\.com\/start, open http:\/\/127\.0\.0\.1:\d+\/device and enter the code [A-Z]{4}-[A-Z]{4}/);
  assert.ok(testbed.aws.sso.grants(DEVICE) >= 1);
  assert.equal(testbed.aws.sso.grants('authorization_code'), 0);

  home.remove();
  home = tempHome();
  home.write('.aws/config', config().replace('sso_registration_scopes = sso:account:access', 'sso_registration_scopes = sso:account:access\nsso_use_device_code = true'));
  testbed.aws.sso.reset();
  const configured = await run(['export', 'read', '--format', 'process']);
  assert.equal(configured.code, 0, configured.stderr);
  assert.ok(testbed.aws.sso.grants(DEVICE) >= 1);
  assert.equal(testbed.aws.sso.grants('authorization_code'), 0);

  const legacy = await run(['export', 'legacy', '--format', 'process']);
  assert.equal(legacy.code, 0, legacy.stderr);
  assert.match(legacy.stderr, /enter the code/);
});

test('without a browser: the URL on stderr, opened by the person elsewhere, and the credentials come', async () => {
  home.write('.aws/config', config());
  const env = { ...ssoEnv(home, testbed), BROWSER: '' };
  const child = spawn(process.execPath, [BIN, 'export', 'dev', '--format', 'process', '--no-browser'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d));
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (d: Buffer) => {
      stderr += d;
      const found = /Open this URL in a browser to sign in to AWS IAM Identity Center at \S+:\n\n {2}(\S+)\n/.exec(stderr)?.[1];
      if (found) resolve(found);
    });
    child.on('exit', () => reject(new Error(`rolecall ended first: ${stderr}`)));
  });
  const person = testbed.world.idpUsers.find((u) => u.username === 'alice')!;
  const { loopback } = await authorizeInBrowser(url, { username: person.username, password: person.password });
  assert.match(loopback.text, /Login successful/);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 0, stderr);
  assert.match((JSON.parse(stdout) as { AccessKeyId: string }).AccessKeyId, /^ASIA/);
  assert.match(stderr, /No browser on this machine\? Use --device\./);
});

test('kill -9 in the middle of a sign-in: the next call takes the locks over at once, signs in and leaves one whole token file', async () => {
  home.write('.aws/config', config());
  // the person opens the sign-in page and does nothing: rolecall waits, holding the profile's and the session's locks
  const child = spawn(process.execPath, [BIN, 'export', 'dev', '--format', 'process'], { env: ssoEnv(home, testbed, 'alice', 'ignore'), stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  await new Promise<void>((resolve, reject) => {
    child.stderr.on('data', (d: Buffer) => {
      stderr += d;
      if (/Waiting for the sign-in in the browser/.test(stderr)) resolve();
    });
    child.on('exit', () => reject(new Error(`rolecall ended first: ${stderr}`)));
  });
  // the browser has the sign-in page open
  const opened = () => existsSync(join(home.dir, 'agent.log')) && readFileSync(join(home.dir, 'agent.log'), 'utf8').includes('opened /authorize');
  for (const deadline = Date.now() + 20_000; !opened() && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 50));
  assert.ok(opened(), 'the killed call had opened the sign-in page');
  const killed = new Promise((resolve) => child.on('close', resolve));
  child.kill('SIGKILL');
  await killed;

  const next = await run(['export', 'dev', '--format', 'process']);
  assert.equal(next.code, 0, next.stderr);
  assert.match((JSON.parse(next.stdout) as { AccessKeyId: string }).AccessKeyId, /^ASIA/);
  assert.equal(testbed.aws.calls('Authorize'), 1);
  assert.equal(testbed.aws.sso.grants('authorization_code'), 1);
  assert.equal(testbed.aws.calls('RegisterClient'), 1, 'the registration the killed call kept was whole, and used');
  assert.ok(!/waiting for rolecall pid/.test(next.stderr), 'nobody waits for a dead process');
  const cache = readdirSync(join(home.dir, '.aws/sso/cache'));
  assert.ok(cache.every((name) => /^[0-9a-f]{40}\.json$/.test(name)), `only whole cache files: ${cache.join(' ')}`);
  assert.match(JSON.parse(readFileSync(tokenFile(home.dir, session()), 'utf8')).accessToken as string, /\S{20}/);
});

test('a profile that is half an Identity Center profile is refused before any sign-in, naming the key and the file', async () => {
  home.write('.aws/config', config('\n[profile half]\nsso_session = testbed\nsso_account_id = 222222222222\n\n[profile nosession]\nsso_account_id = 222222222222\nsso_role_name = Developer\n'));
  const half = await run(['export', 'half', '--format', 'process']);
  assert.equal(half.code, 2);
  assert.match(half.stderr, /profile "half" has sso_account_id \(\S+\/\.aws\/config:\d+\) but not sso_role_name/);
  const none = await run(['export', 'nosession', '--format', 'process']);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /profile "nosession" uses IAM Identity Center .* but names no sso_session/);
  assert.equal(testbed.aws.calls(), 0);
  const doctor = await run(['doctor', 'half']);
  assert.equal(doctor.code, 1);
  assert.match(doctor.stdout, /FAIL profile "half" has sso_account_id/);
});

test('a profile with a session and no role (the AWS CLI\'s sign-in-only profile) is no IAM user: it lists the roles, and asks for one', async () => {
  home.write('.aws/config', config('\n[profile portal]\nsso_session = testbed\n\n[profile portal-legacy]\nsso_start_url = https://d-9067c0ffee.awsapps.com/start\nsso_region = eu-west-1\n'));
  const refused = await run(['export', 'portal', '--format', 'process']);
  assert.equal(refused.code, 2);
  assert.equal(refused.stdout, '');
  assert.match(refused.stderr, /rolecall: profile "portal" signs in to IAM Identity Center \(sso_session = testbed, \S+\/\.aws\/config:\d+\) but names no sso_account_id and sso_role_name: there is no role to get credentials for\n {2}hint: Add sso_account_id and sso_role_name to the profile: `rolecall list-roles --profile portal` lists the accounts and roles you may use, and `rolecall setup --sso-session testbed` writes a profile for each\./);
  assert.doesNotMatch(refused.stderr, /keyring|static keys/);
  const legacy = await run(['export', 'portal-legacy', '--format', 'process']);
  assert.equal(legacy.code, 2);
  assert.match(legacy.stderr, /profile "portal-legacy" signs in to IAM Identity Center \(sso_start_url = https:\/\/d-9067c0ffee\.awsapps\.com\/start, .*\) but names no sso_account_id and sso_role_name/);
  assert.equal(testbed.aws.calls(), 0);
  // what the hint says works
  const listed = await run(['list-roles', '--profile', 'portal']);
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, /^222222222222 +Staging +Developer +dev$/m);
  const cleared = await run(['clear', 'portal', '--sso']);
  assert.equal(cleared.code, 0, cleared.stderr);
  assert.match(cleared.stderr, /Signed out of sso-session testbed/);
  assert.equal(testbed.aws.calls('Logout'), 1);
});
