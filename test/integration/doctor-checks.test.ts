// `rolecall doctor` against the testbed: clock skew measured from the Date headers of STS and the
// IdP, a credentials file others can read, settings other tools read differently, and --json.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { startTestbed, type Testbed } from '../../testbed/index';
import { runRolecall, tempHome, type Home } from '../helpers/cli';
import { bastionHome } from '../helpers/bastion';

let testbed: Testbed;
let home: Home;
let env: NodeJS.ProcessEnv;

interface Finding {
  check: string;
  level: 'ok' | 'info' | 'warn' | 'fail';
  message: string;
  hint?: string;
}

before(async () => {
  testbed = await startTestbed();
  home = bastionHome(
    testbed,
    `
[profile oidc]
web_identity_auth_url = ${testbed.idp.issuer}
web_identity_client_id = rolecall-cli   # the native client
role_arn = arn:aws:iam::222222222222:role/oidc-developer
endpoint_url = ${testbed.aws.url}

[profile bob]
region = eu-west-1
aws_access_key_id = AKIAIOSFODNN7EXAMPLE

[profile runas]
web_identity_auth_url = ${testbed.idp.issuer}
web_identity_client_id = rolecall-cli
web_identity_username = alice
role_arn = arn:aws:iam::222222222222:role/oidc-developer

[profile coinbase]
saml_assertion_url = ${testbed.idp.samlApiUrl}
saml_provider_name = testbed
role_arn = arn:aws:iam::222222222222:role/saml-developer

[profile typo]
web_identity_auth_url = ${testbed.idp.issuer}
web_identiy_client_id = rolecall-cli
credential_duration = 2h
role_arn = arn:aws:iam::222222222222:role/oidc-developer
`,
  );
  env = { ...home.env, BROWSER: '/bin/true' };
});
after(async () => {
  home.remove();
  await testbed.close();
});

async function doctorJson(profile: string): Promise<{ code: number | null; report: { profile: string; findings: Finding[]; profiles: { name: string; settings: { key: string; value: string; source: string }[] }[]; steps: string[] } }> {
  const run = await runRolecall(['doctor', profile, '--json'], { env });
  assert.equal(run.stdout.trim().startsWith('{'), true, run.stderr);
  return { code: run.code, report: JSON.parse(run.stdout) };
}

const find = (findings: Finding[], check: string, level: Finding['level']) => findings.filter((f) => f.check === check && f.level === level);

test('doctor measures clock skew against STS and the IdP: over 5 minutes fails, over 1 minute warns, none is ok', async () => {
  testbed.aws.setDateSkew(-400);
  testbed.idp.setDateSkew(90);
  try {
    const run = await runRolecall(['doctor', 'oidc'], { env });
    assert.equal(run.code, 1, run.stderr);
    // the Date header has whole seconds: the measure is good to a second
    assert.match(run.stdout, /FAIL this machine's clock is (399|400|401)s ahead of STS: AWS rejects requests signed more than 5 minutes off/);
    assert.match(run.stdout, /WARN this machine's clock is (89|90|91)s behind the IdP \(AWS rejects signatures beyond 5 minutes\)/);
    assert.match(run.stdout, /Sync the clock/);
  } finally {
    testbed.aws.setDateSkew(0);
    testbed.idp.setDateSkew(0);
  }
  const { code, report } = await doctorJson('oidc');
  assert.equal(code, 0);
  assert.match(find(report.findings, 'sts', 'ok').map((f) => f.message).join('\n'), /clock within 1s of STS/);
  assert.match(find(report.findings, 'idp', 'ok').map((f) => f.message).join('\n'), /openid-configuration answers \(HTTP 200\)/);
});

test('doctor warns about a credentials file others can read, with the chmod to fix it', async () => {
  const path = join(home.dir, '.aws', 'credentials');
  chmodSync(path, 0o644);
  try {
    const { report } = await doctorJson('bastion');
    const [warning, ...more] = find(report.findings, 'permissions', 'warn');
    assert.equal(more.length, 0);
    assert.equal(warning!.message, `${path} (the credentials file) can be read by every user on this machine (mode 644)`);
    assert.equal(warning!.hint, `chmod 600 ${path}`);
  } finally {
    chmodSync(path, 0o600);
  }
  const { report } = await doctorJson('bastion');
  assert.equal(find(report.findings, 'permissions', 'warn').length, 0);
  assert.equal(find(report.findings, 'permissions', 'ok').length, 1);

  // keys in the config file make it as sensitive as the credentials file
  const keysHome = tempHome();
  try {
    const bob = testbed.world.users.find((u) => u.name === 'bob')!;
    const config = keysHome.write('.aws/config', `[profile bob]\naws_access_key_id = ${bob.accessKeyId}\naws_secret_access_key = ${bob.secretAccessKey}\nendpoint_url = ${testbed.aws.url}\n`, 0o644);
    const run = await runRolecall(['doctor', 'bob', '--json'], { env: { ...keysHome.env, BROWSER: '/bin/true' } });
    const findings = (JSON.parse(run.stdout) as { findings: Finding[] }).findings;
    assert.deepEqual(find(findings, 'permissions', 'warn'), [
      { check: 'permissions', level: 'warn', message: `${config} (the config file, holding secret keys) can be read by every user on this machine (mode 644)`, hint: `chmod 600 ${config}` },
    ]);
    assert.ok(!run.stdout.includes(bob.secretAccessKey));
  } finally {
    keysHome.remove();
  }
});

test('doctor --json: settings with sources, steps, and what other tools read differently', async () => {
  const { code, report } = await doctorJson('oidc');
  assert.equal(code, 0);
  assert.equal(report.profile, 'oidc');
  const config = join(home.dir, '.aws', 'config');
  const clientId = report.profiles[0]!.settings.find((s) => s.key === 'web_identity_client_id')!;
  assert.equal(clientId.value, 'rolecall-cli');
  assert.match(clientId.source, new RegExp(`^${config}:\\d+$`));
  assert.match(report.steps.at(-1)!, /^AssumeRoleWithWebIdentity arn:aws:iam::222222222222:role\/oidc-developer/);
  for (const f of report.findings) {
    assert.deepEqual(Object.keys(f).filter((k) => !['check', 'level', 'message', 'hint'].includes(k)), []);
    assert.ok(['ok', 'info', 'warn', 'fail'].includes(f.level));
  }
  const config_warnings = find(report.findings, 'config', 'warn').map((f) => f.message);
  assert.ok(config_warnings.some((m) => /\[profile bob\] appears twice .* the AWS CLI refuses the whole file/.test(m)), config_warnings.join('\n'));
  assert.ok(config_warnings.some((m) => /web_identity_client_id has an inline comment/.test(m)), config_warnings.join('\n'));
  assert.ok(
    config_warnings.some((m) => m.startsWith('profile oidc sets web_identity_auth_url, web_identity_client_id, which the AWS CLI and SDKs ignore')),
    config_warnings.join('\n'),
  );
  assert.equal(find(report.findings, 'browser', 'ok')[0]!.message, 'browser: /bin/true ($BROWSER)');

  // profiles that never open a browser (a password login, a SAML POST API) are not warned about one
  for (const never of ['runas', 'coinbase']) {
    const { report: other } = await doctorJson(never);
    assert.deepEqual(other.findings.filter((f) => f.check === 'browser'), [], `${never}: no browser check`);
  }
  const noBrowser = await runRolecall(['doctor', 'runas', '--json'], { env: { ...env, BROWSER: '', DISPLAY: '', WAYLAND_DISPLAY: '' } });
  assert.doesNotMatch(noBrowser.stdout, /no browser can be opened here/);

  // a key the AWS CLI ignores is named once, for the section that sets it, not for every profile inheriting it
  const chained = (await doctorJson('audit')).report;
  assert.deepEqual(
    find(chained.findings, 'config', 'warn').filter((f) => /AWS CLI and SDKs ignore/.test(f.message)).map((f) => f.message.split(':')[0]),
    ['profile bastion sets mfa_process, which the AWS CLI and SDKs ignore'],
  );
  const [keyring] = find(report.findings, 'keyring', 'ok');
  assert.match(keyring?.message ?? '', /^secrets are kept in the encrypted file \S+secrets\.json \(ROLECALL_KEYRING=file\); a probe entry was written, read back and deleted; AES-256-GCM with the key in ROLECALL_SECRETS_KEY/);
});

test('doctor says which file wins for a key in both, and names an STS endpoint that does not answer', async () => {
  const { code, report } = await doctorJson('bob');
  assert.equal(code, 0);
  const credentials = join(home.dir, '.aws', 'credentials');
  const shadowed = find(report.findings, 'config', 'warn').filter((f) => f.message.startsWith('aws_access_key_id of profile bob'));
  assert.equal(shadowed.length, 1, JSON.stringify(report.findings));
  assert.match(shadowed[0]!.message, new RegExp(`is set in both files; ${credentials}:\\d+ wins over the config file's ${join(home.dir, '.aws', 'config')}:\\d+$`));
  assert.ok(!JSON.stringify(report).includes(testbed.world.users.find((u) => u.name === 'bob')!.secretAccessKey), 'no secret in the report');
  // a port that was just free: nothing listens there
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const port = (server.address() as AddressInfo).port;
  await new Promise((r) => server.close(r));
  const closed = await runRolecall(['doctor', 'bob', '--json'], { env: { ...env, AWS_ENDPOINT_URL_STS: `http://127.0.0.1:${port}` } });
  assert.equal(closed.code, 1);
  const findings = (JSON.parse(closed.stdout) as { findings: Finding[] }).findings;
  assert.match(find(findings, 'sts', 'fail')[0]!.message, new RegExp(`^STS http://127\\.0\\.0\\.1:${port} does not answer \\(ECONNREFUSED\\)$`));
});

test('doctor fails a login that could not start (no client id), and names misspelt keys with the key they were meant to be', async () => {
  const { code, report } = await doctorJson('typo');
  assert.equal(code, 1);
  const idp = find(report.findings, 'idp', 'fail');
  assert.equal(idp.length, 1, JSON.stringify(report.findings));
  assert.match(idp[0]!.message, /no web_identity_client_id/);
  // a key that does nothing where a needed one was meant: the profile cannot work as written
  const misspelt = find(report.findings, 'config', 'fail').filter((f) => f.message.includes('is read by neither rolecall nor the AWS CLI'));
  assert.deepEqual(
    misspelt.map((f) => f.message.replace(/ \(.*?\)/, '')),
    ['web_identiy_client_id of profile typo is read by neither rolecall nor the AWS CLI: did you mean web_identity_client_id?', 'credential_duration of profile typo is read by neither rolecall nor the AWS CLI: did you mean credentials_duration?'],
  );
  // a complete profile: the login settings are said to be so
  const good = await doctorJson('oidc');
  assert.equal(find(good.report.findings, 'idp', 'ok').some((f) => f.message === 'the OIDC login settings are complete'), true, JSON.stringify(good.report.findings));
});
