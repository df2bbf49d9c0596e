// aws-runas's users, with the ~/.aws/config of its OIDC configuration reference (only the IdP, client
// and role ARNs changed for the testbed) and its command lines: `exec my-role aws ...` without `--`,
// `AWS_PROFILE=my-role rolecall exec bash -c ...`, AWSRUNAS_PROFILE, the password `aws-runas password`
// stored, and `aws-runas ...` itself through rolecall's shim. The password login at the testbed IdP,
// the validating STS, the real AWS CLI and bash.
import { after, before, test } from 'node:test';
import { spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { startTestbed, type Testbed } from '../../testbed/index';
import { installRolecall, runProcess, tempHome, type Home } from '../helpers/cli';

let testbed: Testbed;
let home: Home;

before(async () => {
  testbed = await startTestbed();
  home = tempHome();
  const bin = installRolecall(home);
  // `rolecall shims install` puts aws-runas beside rolecall
  assert.equal((await runProcess('rolecall', ['shims', 'install', bin], { env: home.env })).code, 0);
  home.write(
    '.aws/config',
    `[default]
region = us-east-1

[profile oidc]
web_identity_auth_url = ${testbed.idp.issuer}
web_identity_client_id = rolecall-cli
web_identity_redirect_uri = app:/callback

[profile my-role]
source_profile = oidc
role_arn = arn:aws:iam::222222222222:role/oidc-developer

[profile other-role]
region = us-west-2
source_profile = oidc
role_arn = arn:aws:iam::222222222222:role/jump
`,
  );
  const alice = testbed.world.idpUsers.find((u) => u.username === 'alice')!;
  // aws-runas's environment overrides: no terminal here to ask for the username and password
  Object.assign(home.env, { WEB_IDENTITY_USERNAME: alice.username, WEB_IDENTITY_PASSWORD: alice.password, AWS_ENDPOINT_URL_STS: testbed.aws.url, STS: testbed.aws.url });
});
after(async () => {
  home.remove();
  await testbed.close();
});

// the Debian AWS CLI (2.9) predates AWS_ENDPOINT_URL_STS: the child names the testbed itself
const caller = () => ['sts', 'get-caller-identity', '--endpoint-url', testbed.aws.url, '--query', 'Arn', '--output', 'text'];

test('rolecall exec my-role aws sts get-caller-identity ...: no -- needed, the command and its flags run as typed', async () => {
  const result = await runProcess('rolecall', ['exec', 'my-role', 'aws', ...caller()], { env: { ...home.env, PATH: `/usr/bin:${home.env.PATH}` } });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, 'arn:aws:sts::222222222222:assumed-role/oidc-developer/alice@example.com\n');
  // -- still works, and rolecall's own flags before the command are rolecall's
  const dashed = await runProcess('rolecall', ['exec', 'other-role', '--duration', '15m', '--', '/usr/bin/aws', ...caller()], { env: home.env });
  assert.equal(dashed.code, 0, dashed.stderr);
  assert.equal(dashed.stdout, 'arn:aws:sts::222222222222:assumed-role/jump/alice@example.com\n');
});

test("AWS_PROFILE=my-role rolecall exec bash -c '...': bash -c is the command, AWS_PROFILE moves to AWSRUNAS_PROFILE", async () => {
  const script = 'echo "profile=${AWS_PROFILE-unset} runas=$AWSRUNAS_PROFILE region=$AWS_REGION"; /usr/bin/aws sts get-caller-identity --endpoint-url "$STS" --query Arn --output text; exit 3';
  const result = await runProcess('bash', ['--norc', '--noprofile', '-c', `AWS_PROFILE=my-role rolecall exec bash -c '${script}'`], { env: home.env });
  assert.equal(result.code, 3, result.stderr);
  assert.equal(result.stdout, 'profile=unset runas=my-role region=us-east-1\narn:aws:sts::222222222222:assumed-role/oidc-developer/alice@example.com\n');
  // a word that names a profile is the profile, even with AWS_PROFILE set
  const named = await runProcess('rolecall', ['exec', 'other-role', 'sh', '-c', 'echo "$AWSRUNAS_PROFILE $AWS_REGION"'], { env: { ...home.env, AWS_PROFILE: 'my-role' } });
  assert.equal(named.code, 0, named.stderr);
  assert.equal(named.stdout, 'other-role us-west-2\n');
});

const ENCODER = new URL('../helpers/aws-runas-password.py', import.meta.url).pathname;

// the encoder needs python3's cryptography package (python3-cryptography, installed by scripts/setup.sh)
test(
  'the password `aws-runas password oidc` stored, obfuscated, in ~/.aws/credentials signs in, and doctor says the keyring is safer',
  async () => {
    const alice = testbed.world.idpUsers.find((u) => u.username === 'alice')!;
    const issuer = testbed.idp.issuer;
    // what aws-runas writes: a section named by web_identity_auth_url, the value obfuscated with it
    const encode = (password: string) => {
      const run = spawnSync('python3', [ENCODER, password, issuer], { encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
      return run.stdout.trim();
    };
    const env = { ...home.env, WEB_IDENTITY_PASSWORD: undefined };
    try {
      home.write('.aws/credentials', `[${issuer}]\nweb_identity_password = ${encode(alice.password)}\n`);
      // no stored sign-in from the tests above: the next login needs the password
      assert.equal((await runProcess('rolecall', ['clear', '--all'], { env })).code, 0);
      testbed.idp.resetCounts();
      const result = await runProcess('rolecall', ['exec', 'other-role', '--no-cache', '/usr/bin/aws', ...caller()], { env });
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, 'arn:aws:sts::222222222222:assumed-role/jump/alice@example.com\n');
      assert.equal(testbed.idp.counts().tokens.password, 1);
      assert.ok(!result.stderr.includes(alice.password));

      const doctor = await runProcess('rolecall', ['doctor', 'my-role'], { env });
      assert.match(doctor.stdout, /WARN +the IdP password for .* is kept by aws-runas in .*credentials, only obfuscated: move it to the OS keyring with `rolecall password oidc`/);

      // a password that no longer works is named with where it came from
      home.write('.aws/credentials', `[${issuer}]\nweb_identity_password = ${encode('an old password')}\n`);
      assert.equal((await runProcess('rolecall', ['clear', '--all'], { env })).code, 0);
      const denied = await runProcess('rolecall', ['export', 'my-role'], { env });
      assert.equal(denied.code, 1);
      assert.equal(denied.stdout, '');
      assert.match(denied.stderr, /the password came from web_identity_password in \[http:\/\/127\.0\.0\.1:\d+\] of .*\.aws\/credentials, stored by aws-runas/);
      assert.match(denied.stderr, /hint: If the password changed, store the new one with `rolecall password my-role`/);
    } finally {
      home.write('.aws/credentials', '');
    }
  },
);

test("aws-runas's own command lines through the shim: PROFILE CMD (ECS endpoint, as aws-runas serves it), -E, AWS_PROFILE, no CMD, -O json", async () => {
  const served = await runProcess('aws-runas', ['my-role', 'sh', '-c', 'echo "${AWS_CONTAINER_CREDENTIALS_FULL_URI%%:*}:${AWS_ACCESS_KEY_ID-none}"; /usr/bin/aws "$@"', 'sh', ...caller()], { env: home.env });
  assert.equal(served.code, 0, served.stderr);
  assert.equal(served.stdout, 'http:none\narn:aws:sts::222222222222:assumed-role/oidc-developer/alice@example.com\n');
  const inEnv = await runProcess('aws-runas', ['-E', 'my-role', 'sh', '-c', 'echo "${AWS_ACCESS_KEY_ID%%????????????????}:${AWSRUNAS_PROFILE}"'], { env: home.env });
  assert.equal(inEnv.code, 0, inEnv.stderr);
  assert.equal(inEnv.stdout, 'ASIA:my-role\n');
  const fromEnv = await runProcess('bash', ['--norc', '--noprofile', '-c', `AWS_PROFILE=other-role aws-runas -E /usr/bin/aws ${caller().join(' ')}`], { env: home.env });
  assert.equal(fromEnv.code, 0, fromEnv.stderr);
  assert.equal(fromEnv.stdout, 'arn:aws:sts::222222222222:assumed-role/jump/alice@example.com\n');
  // no command: the credentials as export lines, for eval
  const printed = await runProcess('bash', ['--norc', '--noprofile', '-c', `eval "$(aws-runas my-role)" && /usr/bin/aws ${caller().join(' ')}`], { env: home.env });
  assert.equal(printed.code, 0, printed.stderr);
  assert.equal(printed.stdout, 'arn:aws:sts::222222222222:assumed-role/oidc-developer/alice@example.com\n');
  const json = await runProcess('aws-runas', ['-O', 'json', 'my-role'], { env: home.env });
  assert.equal(json.code, 0, json.stderr);
  assert.equal((JSON.parse(json.stdout) as { Version: number }).Version, 1);
  // a flag rolecall does not take is named, not ignored
  const unknown = await runProcess('aws-runas', ['-w', 'my-role'], { env: home.env });
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /^rolecall: runas: unknown flag -w\./);
});

test('aws-runas password oidc through the shim asks on the terminal and keeps the password in rolecall\'s secret store', async () => {
  const pty = new URL('../helpers/oidc-pty.py', import.meta.url).pathname;
  const alice = testbed.world.idpUsers.find((u) => u.username === 'alice')!;
  const result = await runProcess('python3', [pty, 'aws-runas', 'password', 'oidc'], {
    env: { ...home.env, PTY_ANSWERS: 'Password for profile oidc=>PW\nType it again=>PW', PW: alice.password },
  });
  assert.equal(result.code, 0, result.stdout);
  // the test's keyring is the file store (ROLECALL_KEYRING=file); users get the OS keyring
  assert.match(result.stdout, /Stored the password of profile oidc in the encrypted file \S+\/\.cache\/rolecall\/secrets\.json\./);
  // the stored password signs in: no variable, no file
  assert.equal((await runProcess('rolecall', ['clear', '--all'], { env: home.env })).code, 0);
  const exec = await runProcess('aws-runas', ['-E', 'my-role', '/usr/bin/aws', ...caller()], { env: { ...home.env, WEB_IDENTITY_PASSWORD: undefined } });
  assert.equal(exec.code, 0, exec.stderr);
  assert.equal(exec.stdout, 'arn:aws:sts::222222222222:assumed-role/oidc-developer/alice@example.com\n');
});
