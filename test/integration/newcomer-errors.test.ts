// Errors and warnings a newcomer meets, through the built binary: each names the key, file or
// profile it is about, once, with nothing on stdout when the command fails.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { startTestbed, type Testbed } from '../../testbed/index';
import { BIN, runProcess, runRolecall, tempHome, type Home } from '../helpers/cli';
import { bastionHome } from '../helpers/bastion';

let testbed: Testbed;
before(async () => {
  testbed = await startTestbed();
});
after(async () => {
  await testbed.close();
});

/** stderr's lines, without the once-per-home note of where secrets are kept */
function said(stderr: string): string[] {
  return stderr.split('\n').filter((line) => line && !line.startsWith('warning: secrets '));
}

function withHome(fn: (home: Home) => Promise<void>) {
  return async () => {
    const home = tempHome();
    try {
      await fn(home);
    } finally {
      home.remove();
    }
  };
}

test(
  'a session length out of bounds names its key, as every other bad value does',
  withHome(async (home) => {
    const config = home.write(
      '.aws/config',
      `[profile bastion]
[profile short]
role_arn = arn:aws:iam::123456789012:role/dev
source_profile = bastion
duration_seconds = 600
[profile long]
role_arn = arn:aws:iam::123456789012:role/dev
source_profile = bastion
credentials_duration = 20h
[profile never]
role_arn = arn:aws:iam::123456789012:role/dev
source_profile = bastion
credentials_duration = forever
`,
    );
    const expect = async (args: string[], message: string, env: NodeJS.ProcessEnv = {}) => {
      const result = await runRolecall(args, { env: { ...home.env, ...env } });
      assert.equal(result.code, 2, result.stderr);
      assert.equal(result.stdout, '');
      assert.equal(result.stderr.split('\n')[0], `rolecall: ${message}`);
    };
    await expect(['export', 'short'], `duration_seconds = "600" (${config}:5) is 10m, outside 15m..12h`);
    await expect(['export', 'long'], `credentials_duration = "20h" (${config}:9) is outside 15m..12h`);
    await expect(['export', 'never'], `credentials_duration = "forever" (${config}:13) is not a duration`);
    // the environment variable is named with the key it sets; a flag is named by its source alone
    await expect(['export', 'short'], 'duration_seconds = "99999" (environment variable AWS_ROLE_SESSION_TIMEOUT) is 27h46m39s, outside 15m..12h', { AWS_ROLE_SESSION_TIMEOUT: '99999' });
    await expect(['export', 'bastion', '--duration', '5m'], '"5m" (flag --duration) is outside 15m..12h');

    const doctor = await runRolecall(['doctor', 'short'], { env: home.env });
    assert.equal(doctor.code, 1);
    assert.match(doctor.stdout, new RegExp(` FAIL duration_seconds = "600" \\(${config.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:5\\) is 10m, outside 15m\\.\\.12h\n`));
  }),
);

test('a corrupt cache file is warned about once per run, then replaced', async () => {
  const home = bastionHome(testbed);
  try {
    const first = await runRolecall(['export', 'admin', '--format', 'env'], { env: home.env });
    assert.equal(first.code, 0, first.stderr);
    const dir = join(home.env.ROLECALL_CACHE_DIR!, 'credentials');
    const files = readdirSync(dir).map((name) => join(dir, name));
    assert.equal(files.length, 3, 'the MFA session, read and admin are cached');
    for (const file of files) writeFileSync(file, '{"version": 1, "accessKeyId": "trunc');
    const second = await runRolecall(['export', 'admin', '--format', 'env'], { env: home.env });
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /^AWS_ACCOUNT_ID=333333333333$/m);
    const warnings = second.stderr.split('\n').filter((line) => line.startsWith('warning: ignoring the corrupt cache file '));
    assert.deepEqual([...warnings].sort(), files.map((file) => `warning: ignoring the corrupt cache file ${file}; new credentials will replace it.`).sort());
    assert.equal(second.stderr, `${warnings.join('\n')}\n`, 'nothing else on stderr');
    const third = await runRolecall(['export', 'admin', '--format', 'env'], { env: home.env });
    assert.equal(third.stderr, '', 'the files were replaced');
  } finally {
    home.remove();
  }
});

test('a misspelt key is warned about by the command that misses it, with its file and line, and stays a doctor failure', async () => {
  const home = bastionHome(
    testbed,
    `
[profile typo]
rol_arn = arn:aws:iam::222222222222:role/read
source_profile = bastion

[profile oidc-typo]
web_identity_auth_url = ${testbed.idp.issuer}
web_idenity_client_id = rolecall-cli
role_arn = arn:aws:iam::222222222222:role/oidc-developer
`,
  );
  try {
    const config = home.env.AWS_CONFIG_FILE!;
    const lines = readFileSync(config, 'utf8').split('\n');
    const at = (key: string) => `${config}:${lines.findIndex((line) => line.startsWith(`${key} =`)) + 1}`;

    const role = await runRolecall(['export', 'typo', '--format', 'env'], { env: home.env });
    assert.equal(role.code, 2);
    assert.equal(role.stdout, '');
    assert.equal(said(role.stderr)[0], `warning: rol_arn (${at('rol_arn')}) of profile typo is read by neither rolecall nor the AWS CLI: did you mean role_arn?`);
    assert.match(said(role.stderr)[1]!, /^rolecall: profile "typo" has no credentials/);

    const oidc = await runRolecall(['export', 'oidc-typo', '--format', 'env'], { env: home.env });
    assert.equal(oidc.code, 2);
    assert.equal(oidc.stdout, '');
    assert.deepEqual(said(oidc.stderr).slice(0, 2), [
      `warning: web_idenity_client_id (${at('web_idenity_client_id')}) of profile oidc-typo is read by neither rolecall nor the AWS CLI: did you mean web_identity_client_id?`,
      `rolecall: profile oidc-typo has no web_identity_client_id: rolecall needs the OAuth client id registered at ${testbed.idp.issuer}.`,
    ]);

    // doctor reports it as a failure in its report, not a second time on stderr
    const doctor = await runRolecall(['doctor', 'oidc-typo'], { env: home.env });
    assert.equal(doctor.code, 1);
    assert.match(doctor.stdout, /FAIL web_idenity_client_id \(.*\) of profile oidc-typo is read by neither rolecall nor the AWS CLI: did you mean web_identity_client_id\?\n/);
    assert.doesNotMatch(doctor.stderr, /web_idenity_client_id/);

    const clean = await runRolecall(['export', 'read', '--format', 'env'], { env: home.env });
    assert.equal(clean.code, 0, clean.stderr);
    assert.deepEqual(said(clean.stderr), [], 'no warning for a profile spelt right');
  } finally {
    home.remove();
  }
});

test("a role that refuses an OIDC login: the hint is about the role's trust of the identity provider, not a source profile's whoami", async () => {
  const home = bastionHome(
    testbed,
    `
[profile refused]
web_identity_auth_url = ${testbed.idp.issuer}
web_identity_client_id = rolecall-cli
web_identity_flow = password
web_identity_username = alice
role_arn = arn:aws:iam::222222222222:role/read
`,
  );
  try {
    const alice = testbed.world.idpUsers.find((u) => u.username === 'alice')!;
    const refused = await runRolecall(['export', 'refused', '--format', 'env'], { env: { ...home.env, WEB_IDENTITY_PASSWORD: alice.password, AWS_ENDPOINT_URL_STS: testbed.aws.url } });
    assert.equal(refused.code, 1, refused.stderr);
    assert.equal(refused.stdout, '');
    const [message, hint] = said(refused.stderr);
    assert.match(message!, /^rolecall: AssumeRoleWithWebIdentity arn:aws:iam::222222222222:role\/read failed: .* \(AccessDenied\)$/);
    assert.equal(
      hint,
      "  hint: Check that the role exists and that its trust policy allows sts:AssumeRoleWithWebIdentity to the IAM OIDC provider of this issuer (Principal Federated), with conditions on aud (the client id) and sub that the token meets; `rolecall list-roles --claim HOST:aud --client-id ID` (HOST: the issuer without https://) lists the roles a client may assume.",
    );
  } finally {
    home.remove();
  }
});

test('doctor warns about a profile the AWS CLI refuses: role_arn beside credential_process with no source', async () => {
  const home = bastionHome(
    testbed,
    `
[profile corp]
web_identity_auth_url = ${testbed.idp.issuer}
web_identity_client_id = rolecall-cli
role_arn = arn:aws:iam::222222222222:role/oidc-developer
credential_process = rolecall export corp --format process

[profile corp-cli]
credential_process = rolecall export corp --format process
`,
  );
  try {
    // the AWS CLI itself, as the judge of what it refuses
    const cli = await runProcess('/usr/bin/aws', ['configure', 'export-credentials', '--profile', 'corp'], { env: home.env });
    assert.notEqual(cli.code, 0);
    assert.match(cli.stderr, /Partial credentials found in assume-role, missing: source_profile or credential_source/);

    const doctor = await runRolecall(['doctor', 'corp'], { env: home.env });
    assert.match(
      doctor.stdout,
      /\n {2}WARN profile corp has role_arn and credential_process but no source_profile: `aws --profile corp` refuses it \("Partial credentials found in assume-role"\) and never runs the credential_process\n {7}Move the credential_process line to a profile of its own, e.g. \[profile corp-cli\], and give that one to the AWS CLI\.\n/,
    );
    const apart = await runRolecall(['doctor', 'corp-cli'], { env: home.env });
    assert.doesNotMatch(apart.stdout, /Partial credentials/);
  } finally {
    home.remove();
  }
});

test("doctor's report says where secrets are kept, and stderr does not say it a second time", async () => {
  const home = bastionHome(testbed);
  try {
    const doctor = await runRolecall(['doctor', 'read'], { env: home.env });
    assert.equal(doctor.code, 0, doctor.stdout + doctor.stderr);
    assert.match(doctor.stdout, /\n {2}ok {3}secrets are kept in the encrypted file .*secrets\.json/);
    assert.equal(doctor.stderr, '');
  } finally {
    home.remove();
  }
});

test('doctor reports a bad region as a FAIL in its report instead of stopping on it, and quotes a broken line under its message', async () => {
  const home = tempHome();
  try {
    const config = home.write(
      '.aws/config',
      `[default]
endpoint_url = ${testbed.aws.url}

[profile badregion]
region = x

[profile tail
region = us-east-1
`,
    );
    const doctor = await runRolecall(['doctor', 'badregion'], { env: home.env });
    assert.equal(doctor.code, 1, doctor.stderr);
    assert.equal(doctor.stderr, '');
    assert.match(doctor.stdout, new RegExp(`\\n {2}FAIL region = "x" \\(${config.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:5\\) is not an AWS region\\n {7}Regions look like us-east-1 or eu-central-2\\.\\n`));
    assert.ok(
      doctor.stdout.includes(`\n  FAIL ${config}:7: the section header is not closed (no "]"):\n           [profile tail\n       Close it: [profile tail]\n`),
      doctor.stdout,
    );
  } finally {
    home.remove();
  }
});

test('no profile named and no default one: said so, with how to name one, on a machine with no AWS files and with other profiles only', async () => {
  const home = tempHome();
  try {
    const expected = [
      'rolecall: no profile was named, and there is no default one: no [default] in the config or credentials file, and no keys for it in the OS keyring',
      '  hint: Name a profile (rolecall COMMAND PROFILE, --profile P or AWS_PROFILE; `aws configure list-profiles` lists yours), or write one with `rolecall setup`.',
    ];
    const bare = await runRolecall(['export', '--format', 'env'], { env: home.env });
    assert.equal(bare.code, 2);
    assert.equal(bare.stdout, '');
    assert.deepEqual(said(bare.stderr), expected);
    home.write('.aws/config', '[profile dev]\nregion = us-east-1\n');
    const others = await runRolecall(['whoami'], { env: home.env });
    assert.equal(others.code, 2);
    assert.deepEqual(said(others.stderr), expected);
  } finally {
    home.remove();
  }
});

test('login with no browser to open: an error naming the profile in the command to run instead, which then signs in no second time', async () => {
  const home = bastionHome(testbed);
  try {
    const env = { ...home.env, AWS_ENDPOINT_URL_SIGNIN: testbed.aws.signinUrl };
    const login = await runRolecall(['login', 'read'], { env });
    assert.equal(login.code, 1);
    assert.equal(login.stdout, '');
    assert.deepEqual(said(login.stderr), [
      'rolecall: no browser to open the AWS console in here (no console_browser or agent, no $BROWSER, no display)',
      '  hint: Run `rolecall login read --url` and open the URL it prints yourself (the credentials are cached: no second sign-in), or set console_browser or $BROWSER.',
    ]);
    const sessions = testbed.aws.calls('GetSessionToken');
    const roles = testbed.aws.calls('AssumeRole');
    const url = await runRolecall(['login', 'read', '--url'], { env });
    assert.equal(url.code, 0, url.stderr);
    assert.ok(url.stdout.startsWith(`${testbed.aws.signinUrl}?Action=login&`), url.stdout);
    assert.equal(testbed.aws.calls('GetSessionToken') + testbed.aws.calls('AssumeRole'), sessions + roles, 'no second sign-in');
  } finally {
    home.remove();
  }
});

test('keys add says to delete both key lines from the credentials file, and the profile works once they are gone', async () => {
  const home = bastionHome(testbed);
  try {
    const alice = testbed.world.users.find((u) => u.name === 'alice')!;
    const pty = new URL('../helpers/oidc-pty.py', import.meta.url).pathname;
    const add = await runProcess('python3', [pty, process.execPath, BIN, 'keys', 'add', 'bastion'], {
      env: { ...home.env, KEY_ID: alice.accessKeyId, SECRET: alice.secretAccessKey, PTY_ANSWERS: 'access key id for profile bastion:=>KEY_ID\nsecret access key:=>SECRET' },
    });
    assert.equal(add.code, 0, add.stdout);
    const credentials = home.env.AWS_SHARED_CREDENTIALS_FILE!;
    assert.match(add.stdout, new RegExp(`${credentials.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} still holds aws_access_key_id and aws_secret_access_key for \\[bastion\\], which win over the keyring: delete both lines there\\.`));
    // as told: both lines of [bastion] go
    writeFileSync(credentials, readFileSync(credentials, 'utf8').replace(/\[bastion\]\naws_access_key_id = .*\naws_secret_access_key = .*\n/, '[bastion]\n'));
    assert.ok(!readFileSync(credentials, 'utf8').includes(alice.accessKeyId), 'the keys are out of the file');
    const read = await runRolecall(['export', 'read', '--format', 'env'], { env: home.env });
    assert.equal(read.code, 0, read.stderr);
    assert.match(read.stdout, /^AWS_ACCOUNT_ID=222222222222$/m);
  } finally {
    home.remove();
  }
});

test("setup's issuer check names the network's error when the identity provider is down, and writes nothing", async () => {
  const home = tempHome();
  try {
    // a port that was just free: nothing listens there
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const setup = await runRolecall(['setup', '--kind', 'oidc', '--profile', 'x', '--issuer', `http://127.0.0.1:${port}`, '--client-id', 'cli', '--role-arn', 'arn:aws:iam::123456789012:role/dev', '--yes', '--no-login'], { env: home.env });
    assert.equal(setup.code, 1);
    assert.equal(setup.stderr.split('\n')[0], `rolecall: http://127.0.0.1:${port}/.well-known/openid-configuration did not answer with a discovery document (ECONNREFUSED)`);
    assert.ok(!existsSync(home.env.AWS_CONFIG_FILE!), 'nothing written');
  } finally {
    home.remove();
  }
});

test('a cached MFA session AWS no longer accepts (its key deactivated) is replaced: the chain runs again once, with a warning', async () => {
  const home = bastionHome(testbed);
  try {
    const first = await runRolecall(['export', 'read', '--format', 'env'], { env: home.env });
    assert.equal(first.code, 0, first.stderr);
    const dir = join(home.env.ROLECALL_CACHE_DIR!, 'credentials');
    const entries = readdirSync(dir).map((name) => ({ path: join(dir, name), data: JSON.parse(readFileSync(join(dir, name), 'utf8')) as { chain: string[]; sessionToken: string } }));
    const session = entries.find((e) => e.data.chain.at(-1)!.startsWith('GetSessionToken'))!;
    const role = entries.find((e) => e !== session)!;
    // the session's token as AWS sees it once the user's key is deactivated: unknown; the role above it is gone, so the session is used
    writeFileSync(session.path, JSON.stringify({ ...session.data, sessionToken: 'IQoJb3JpZ2luX2VjEGRldmFjdGl2YXRlZA==' }));
    rmSync(role.path);
    rmSync(join(home.env.ROLECALL_CACHE_DIR!, 'fast'), { recursive: true, force: true });
    const sessions = testbed.aws.calls('GetSessionToken');
    const again = await runRolecall(['export', 'read', '--format', 'env'], { env: home.env });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /^AWS_ACCOUNT_ID=222222222222$/m);
    assert.deepEqual(said(again.stderr), [
      'warning: AWS refused the cached credentials of GetSessionToken with MFA arn:aws:iam::111111111111:mfa/alice (profile bastion) (no longer valid: its key deactivated or rotated); getting new ones.',
    ]);
    assert.equal(testbed.aws.calls('GetSessionToken'), sessions + 1, 'a new MFA session');
    // the new session replaced the refused one in the cache: with the role gone again, it serves
    for (const name of readdirSync(dir)) if (!(JSON.parse(readFileSync(join(dir, name), 'utf8')) as { chain: string[] }).chain.at(-1)!.startsWith('GetSessionToken')) rmSync(join(dir, name));
    rmSync(join(home.env.ROLECALL_CACHE_DIR!, 'fast'), { recursive: true, force: true });
    const cached = await runRolecall(['export', 'read', '--format', 'env'], { env: home.env });
    assert.equal(cached.code, 0, cached.stderr);
    assert.equal(cached.stderr, '', 'no warning');
    assert.equal(testbed.aws.calls('GetSessionToken'), sessions + 1, 'no third MFA session');
  } finally {
    home.remove();
  }
});

test(
  'Ctrl-C at a prompt exits 130, as a shell reports SIGINT, so a loop around rolecall stops too; nothing is kept',
  withHome(async (home) => {
    const pty = new URL('../helpers/oidc-pty.py', import.meta.url).pathname;
    const run = await runProcess('python3', [pty, process.execPath, BIN, 'password', 'work'], {
      env: { ...home.env, NO_COLOR: '1', CTRL_C: '\u0003', PTY_ANSWERS: 'Password for profile work=>CTRL_C' },
    });
    assert.equal(run.code, 130, run.stdout);
    assert.match(run.stdout, /^rolecall: interrupted at the prompt\r?$/m);
    assert.match(run.stdout, /hint: Stopped at a prompt \(Ctrl-C; Esc in setup\); nothing was written\./);
    const deleted = await runRolecall(['password', 'work', '--delete'], { env: home.env });
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.match(deleted.stderr, /^No password was stored for profile work\.$/m);
  }),
);
