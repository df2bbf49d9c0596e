// coinbase assume-role's bastion mode, with its README's files as they are: the bastion user's keys
// in ~/.aws/credentials, ~/.aws/accounts (ids changed for the testbed), no ~/.aws/config and no
// mfa_serial anywhere, as coinbase's script found the MFA device itself. Its command lines, in real
// bash and zsh: `eval $(assume-role production read CODE)`, the next role without a code, the sourced
// function (`source $(which assume-role)`, rolecall's shim; `rolecall shell-init`'s `assume ACCOUNT
// ROLE CODE`), `assume-role` asking for everything, AWS_PROFILE_ASSUME_ROLE, AWS_ROLE_SESSION_TIMEOUT;
// and what happens when the device cannot be found.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestbed, type Testbed } from '../../testbed/index';
import { installRolecall, runProcess, tempHome, type Home } from '../helpers/cli';

const PTY = new URL('../helpers/oidc-pty.py', import.meta.url).pathname;

let testbed: Testbed;
let home: Home;

function user(name: string) {
  return testbed.world.users.find((u) => u.name === name)!;
}

before(async () => {
  testbed = await startTestbed();
  home = tempHome();
  const bin = installRolecall(home);
  const alice = user('alice');
  home.write(
    '.aws/credentials',
    `[default]
aws_access_key_id = ${alice.accessKeyId}
aws_secret_access_key = ${alice.secretAccessKey}
`,
  );
  home.write(
    '.aws/accounts',
    `{
  "default": "111111111111",
  "staging": "222222222222",
  "production": "333333333333"
}
`,
  );
  // no ~/.aws/config: the testbed's endpoints and the region (which the AWS CLI needs) come from the environment
  Object.assign(home.env, { AWS_ENDPOINT_URL_STS: testbed.aws.url, AWS_ENDPOINT_URL_IAM: testbed.aws.url, AWS_DEFAULT_REGION: 'us-east-1', STS: testbed.aws.url, SHELL: '/usr/bin/fish' });
  assert.equal((await runProcess('rolecall', ['shims', 'install', bin], { env: home.env })).code, 0);
});
after(async () => {
  home.remove();
  await testbed.close();
});

const code = (name = 'alice') => testbed.aws.totp(user(name).mfa!.serial);
const whoami = '/usr/bin/aws sts get-caller-identity --endpoint-url "$STS" --query Arn --output text';

test('eval $(assume-role production read CODE) with no mfa_serial: the device is looked up, the code used, the exports POSIX', async () => {
  testbed.aws.resetCalls();
  const script = `eval $(assume-role production read ${code()}) && printf '%s\\n' "$AWS_ACCOUNT_NAME:$AWS_ACCOUNT_ROLE" && ${whoami}`;
  const result = await runProcess('bash', ['--norc', '--noprofile', '-c', script], { env: home.env });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^production:read\narn:aws:sts::333333333333:assumed-role\/read\/\S+\n$/);
  assert.match(result.stderr, /MFA device arn:aws:iam::111111111111:mfa\/alice \(found with iam:ListMFADevices; set mfa_serial to skip the lookup\)/);
  assert.equal(testbed.aws.calls('ListMFADevices'), 1);
  assert.equal(testbed.aws.calls('GetSessionToken'), 1);
  assert.equal(testbed.aws.calls('AssumeRole'), 1);

  // the next role: the MFA session (and the device found with it) is cached, no code is asked for
  testbed.aws.resetCalls();
  const next = await runProcess('bash', ['--norc', '--noprofile', '-c', `eval $(assume-role staging read) && ${whoami}`], { env: home.env });
  assert.equal(next.code, 0, next.stderr);
  assert.match(next.stdout, /^arn:aws:sts::222222222222:assumed-role\/read\/\S+\n$/);
  assert.equal(testbed.aws.calls('ListMFADevices'), 0);
  assert.equal(testbed.aws.calls('GetSessionToken'), 0);

  // a code typed out of habit while the MFA session is still cached: not needed, and said so
  const typed = await runProcess('bash', ['--norc', '--noprofile', '-c', `eval $(assume-role production read ${code()}) && ${whoami}`], { env: home.env });
  assert.equal(typed.code, 0, typed.stderr);
  assert.match(typed.stdout, /^arn:aws:sts::333333333333:assumed-role\/read\/\S+\n$/);
  assert.match(typed.stderr, /^warning: the MFA code \(argument MFA\) was not needed: credentials or an MFA session that profile production\/read got earlier are still cached and valid \(--refresh signs in again with the code\)\.$/m);
  assert.equal(testbed.aws.calls('GetSessionToken'), 0);
});

test('source $(which assume-role) in bash and zsh defines the function: assume-role ACCOUNT ROLE, and AWS_ROLE_SESSION_TIMEOUT', async () => {
  for (const shell of ['bash', 'zsh']) {
    const script = `source $(which assume-role)
export AWS_ROLE_SESSION_TIMEOUT=43200
assume-role production read || exit 9
printf '%s\\n' "$AWS_ACCOUNT_NAME:$AWS_ACCOUNT_ROLE" "$AWS_CREDENTIAL_EXPIRATION"
${whoami}`;
    const result = await runProcess(shell, shell === 'bash' ? ['--norc', '--noprofile', '-c', script] : ['-f', '-c', script], { env: home.env });
    assert.equal(result.code, 0, `${shell}: ${result.stderr}`);
    const [prompt, expiration, arn] = result.stdout.trim().split('\n');
    assert.equal(prompt, 'production:read', shell);
    const hours = (Date.parse(expiration!) - Date.now()) / 3_600_000;
    assert.ok(hours > 11.5 && hours <= 12, `${shell}: AWS_ROLE_SESSION_TIMEOUT=43200 gave ${hours.toFixed(2)} h`);
    assert.match(arn!, /^arn:aws:sts::333333333333:assumed-role\/read\//);
  }
});

/** a fresh home's environment for coinbase's script on a terminal: the testbed's STS and IAM, rolecall's shims first on PATH */
function terminalEnv(fresh: Home): NodeJS.ProcessEnv {
  return {
    ...fresh.env,
    AWS_ENDPOINT_URL_STS: testbed.aws.url,
    AWS_ENDPOINT_URL_IAM: testbed.aws.url,
    AWS_DEFAULT_REGION: 'us-east-1',
    // on a terminal the AWS CLI would page its output through less
    AWS_PAGER: '',
    STS: testbed.aws.url,
    PATH: `${home.dir}/bin:${fresh.env.PATH}`,
  };
}

test('assume-role with no arguments asks for the account, the role and the MFA code, as coinbase did', async () => {
  const fresh = tempHome();
  try {
    installRolecall(fresh);
    fresh.write('.aws/credentials', `[bastion]\naws_access_key_id = ${user('alice').accessKeyId}\naws_secret_access_key = ${user('alice').secretAccessKey}\n`);
    fresh.write('.aws/accounts', '{"staging": "222222222222", "production": "333333333333"}\n');
    const env = {
      ...terminalEnv(fresh),
      // coinbase's variable for a bastion profile that is not [default]
      AWS_PROFILE_ASSUME_ROLE: 'bastion',
      PTY_ANSWERS: 'Assume a profile, or an account=>ACCOUNT\nAssume into role=>ROLE\nMFA code for arn:aws:iam::111111111111:mfa/alice=>CODE',
      ACCOUNT: 'staging',
      ROLE: 'read',
    };
    const script = `source $(which assume-role); assume-role && printf 'set: %s\\n' "$AWS_ACCOUNT_NAME:$AWS_ACCOUNT_ROLE" && ${whoami}`;
    const result = await runProcess('python3', [PTY, '/bin/bash', '--norc', '--noprofile', '-c', script], { env: { ...env, CODE: code() } });
    assert.equal(result.code, 0, result.stdout);
    assert.match(result.stdout, /\[typed ACCOUNT\][\s\S]*\[typed ROLE\][\s\S]*\[typed CODE\]/);
    assert.match(result.stdout, /^set: staging:read\r?$/m);
    assert.match(result.stdout, /^arn:aws:sts::222222222222:assumed-role\/read\/\S+\r?$/m);
  } finally {
    fresh.remove();
  }
});

test('eval $(assume-role 333333333333 read): an account id with no alias, the MFA code asked for on the terminal inside $(...)', async () => {
  const fresh = tempHome();
  try {
    installRolecall(fresh);
    fresh.write('.aws/credentials', `[default]\naws_access_key_id = ${user('alice').accessKeyId}\naws_secret_access_key = ${user('alice').secretAccessKey}\n`);
    const env = {
      ...terminalEnv(fresh),
      PTY_ANSWERS: 'MFA code for arn:aws:iam::111111111111:mfa/alice=>CODE',
    };
    const script = `eval $(assume-role 333333333333 read) && printf 'set: %s\\n' "$AWS_ACCOUNT_ID:$AWS_ACCOUNT_ROLE" && ${whoami}`;
    const result = await runProcess('python3', [PTY, '/bin/bash', '--norc', '--noprofile', '-c', script], { env: { ...env, CODE: code() } });
    assert.equal(result.code, 0, result.stdout);
    assert.match(result.stdout, /\[typed CODE\]/);
    assert.match(result.stdout, /^set: 333333333333:read\r?$/m);
    assert.match(result.stdout, /^arn:aws:sts::333333333333:assumed-role\/read\/\S+\r?$/m);
  } finally {
    fresh.remove();
  }
});

test('eval "$(rolecall shell-init bash|zsh)", then assume production read CODE: the function takes coinbase\'s three arguments, the code used with the device looked up', async () => {
  for (const shell of ['bash', 'zsh']) {
    const fresh = tempHome();
    try {
      installRolecall(fresh);
      // coinbase's bastion files, no mfa_serial, nothing cached: the code must reach GetSessionToken
      fresh.write('.aws/credentials', `[default]\naws_access_key_id = ${user('alice').accessKeyId}\naws_secret_access_key = ${user('alice').secretAccessKey}\n`);
      fresh.write('.aws/accounts', '{"staging": "222222222222", "production": "333333333333"}\n');
      const env = { ...fresh.env, AWS_ENDPOINT_URL_STS: testbed.aws.url, AWS_ENDPOINT_URL_IAM: testbed.aws.url, AWS_DEFAULT_REGION: 'us-east-1', STS: testbed.aws.url, SHELL: '/usr/bin/fish' };
      const script = `eval "$(rolecall shell-init ${shell})"
assume production read ${code()} || exit 9
printf '%s\\n' "$AWS_ACCOUNT_NAME:$AWS_ACCOUNT_ROLE:$AWS_ACCOUNT_ID"
${whoami}`;
      testbed.aws.resetCalls();
      const result = await runProcess(shell, shell === 'bash' ? ['--norc', '--noprofile', '-c', script] : ['-f', '-c', script], { env });
      assert.equal(result.code, 0, `${shell}: ${result.stderr}`);
      assert.match(result.stdout, /^production:read:333333333333\narn:aws:sts::333333333333:assumed-role\/read\/\S+\n$/, shell);
      assert.equal(testbed.aws.calls('ListMFADevices'), 1, shell);
      assert.equal(testbed.aws.calls('GetSessionToken'), 1, shell);
      assert.equal(testbed.aws.calls('AssumeRole'), 1, shell);
    } finally {
      fresh.remove();
    }
  }
});

test('a refused iam:ListMFADevices says so and names mfa_serial; an IAM user with no device keeps the code from being dropped', async () => {
  const erin = user('erin');
  const bob = user('bob');
  const other = tempHome();
  try {
    other.write('.aws/credentials', `[erin]\naws_access_key_id = ${erin.accessKeyId}\naws_secret_access_key = ${erin.secretAccessKey}\n\n[bob]\naws_access_key_id = ${bob.accessKeyId}\naws_secret_access_key = ${bob.secretAccessKey}\n`);
    const env = { ...other.env, AWS_ENDPOINT_URL_STS: testbed.aws.url, AWS_ENDPOINT_URL_IAM: testbed.aws.url };
    testbed.aws.resetCalls();
    const refused = await runProcess(process.execPath, [new URL('../../dist/bin.cjs', import.meta.url).pathname, 'assume', '222222222222', 'read', code('erin')], { env: { ...env, AWS_PROFILE_ASSUME_ROLE: 'erin' } });
    assert.equal(refused.code, 2);
    assert.equal(refused.stdout, '');
    assert.match(refused.stderr, /^rolecall: cannot find the MFA device of arn:aws:iam::111111111111:user\/erin: iam:ListMFADevices was refused \(AccessDenied\)/);
    assert.match(refused.stderr, /hint: Name the device in profile erin: mfa_serial = arn:aws:iam::111111111111:mfa\/DEVICE in /);
    assert.equal(testbed.aws.calls('GetSessionToken'), 0);
    assert.equal(testbed.aws.calls('AssumeRole'), 0);
    // with mfa_serial, as the hint says, it works
    other.write('.aws/config', `[profile erin]\nmfa_serial = ${erin.mfa!.serial}\n`);
    const named = await runProcess(process.execPath, [new URL('../../dist/bin.cjs', import.meta.url).pathname, 'assume', '222222222222', 'read', code('erin')], { env: { ...env, AWS_PROFILE_ASSUME_ROLE: 'erin' } });
    assert.equal(named.code, 0, named.stderr);
    assert.match(named.stdout, /^export AWS_ACCOUNT_ROLE='read';$/m);

    // bob has no MFA device: a code given for him is an error, not silently dropped
    const noDevice = await runProcess(process.execPath, [new URL('../../dist/bin.cjs', import.meta.url).pathname, 'export', 'bob', '--mfa-code', '123456', '--format', 'json'], { env });
    assert.equal(noDevice.code, 2);
    assert.match(noDevice.stderr, /^rolecall: the MFA code \(flag --mfa-code\) cannot be used: arn:aws:iam::111111111111:user\/bob has no MFA device/);
  } finally {
    other.remove();
  }
});
