// Seed 004 end to end: the real AWS CLI's `aws sts assume-role` JSON, from the validating STS
// emulator, piped into the built rolecall, sourced by bash; and every way that input can be bad.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestbed, type Testbed } from '../../testbed/index';
import { BIN, runProcess, runRolecall, tempHome, type Home } from '../helpers/cli';

let testbed: Testbed;
let home: Home;
let assumeRoleJson: string;

const DEPLOY = 'arn:aws:iam::222222222222:role/deploy';

before(async () => {
  testbed = await startTestbed();
  home = tempHome();
  const bob = testbed.world.users.find((u) => u.name === 'bob')!;
  home.write('.aws/credentials', `[bob]\naws_access_key_id = ${bob.accessKeyId}\naws_secret_access_key = ${bob.secretAccessKey}\n`);
  home.write('.aws/config', '[default]\nregion = us-east-1\n\n[profile bob]\nregion = us-east-1\n');
  home.env.NODE = process.execPath;
  home.env.ROLECALL_BIN = BIN;
  home.env.STS = testbed.aws.url;
  // a fish user whose scripts run in bash: the exports must be POSIX whatever the login shell is
  home.env.SHELL = '/usr/bin/fish';
  const assumed = await runProcess(
    '/usr/bin/aws',
    ['sts', 'assume-role', '--role-arn', DEPLOY, '--role-session-name', 'DevAccount', '--external-id', 'deploy-ext-42', '--endpoint-url', testbed.aws.url, '--output', 'json'],
    { env: { ...home.env, AWS_PROFILE: 'bob' } },
  );
  assert.equal(assumed.code, 0, assumed.stderr);
  assumeRoleJson = assumed.stdout;
});
after(async () => {
  home.remove();
  await testbed.close();
});

// bash with `rolecall` as the user has it on PATH
function bash(script: string, env: NodeJS.ProcessEnv = home.env) {
  return runProcess('bash', ['--norc', '--noprofile', '-c', `rolecall() { "$NODE" "$ROLECALL_BIN" "$@"; }\n${script}`], { env });
}

test("the seed's own line: source <(AWS_PROFILE=bob aws sts assume-role ... | rolecall from-sts), then aws calls run as the role", async () => {
  const result = await bash(`
export AWS_PROFILE=bob   # the user's everyday profile; it would win over the exported keys
source <(AWS_PROFILE=bob /usr/bin/aws sts assume-role --role-arn ${DEPLOY} --role-session-name DevAccount --external-id deploy-ext-42 --endpoint-url "$STS" | rolecall from-sts)
echo "profile=\${AWS_PROFILE-unset}"
/usr/bin/aws sts get-caller-identity --endpoint-url "$STS" --query Arn --output text
`);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, 'profile=unset\narn:aws:sts::222222222222:assumed-role/deploy/DevAccount\n');
});

test('eval "$(...)" and the unquoted eval $(...) of sts2env both set the exact values from the JSON, whatever $SHELL is', async () => {
  const sts = JSON.parse(assumeRoleJson) as { Credentials: Record<string, string> };
  const lines = ['eval "$(rolecall from-sts < sts.json)"', 'eval $(rolecall from-sts < sts.json)'];
  for (const [evalLine, loginShell] of ['/usr/bin/fish', '/usr/bin/pwsh', '/bin/zsh'].flatMap((shell) => lines.map((line) => [line, shell] as const))) {
    const dir = tempHome();
    try {
      dir.write('sts.json', assumeRoleJson);
      const result = await runProcess(
        'bash',
        ['--norc', '--noprofile', '-c', `rolecall() { "$NODE" "$ROLECALL_BIN" "$@"; }\ncd "$HOME"\nexport AWS_SECURITY_TOKEN=stale\n${evalLine}\nprintf '%s\\n' "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" "$AWS_SESSION_TOKEN" "$AWS_CREDENTIAL_EXPIRATION" "$AWS_ACCOUNT_ID" "\${AWS_SECURITY_TOKEN-unset}"`],
        { env: { ...home.env, HOME: dir.dir, SHELL: loginShell } },
      );
      assert.equal(result.code, 0, `${loginShell} ${evalLine}: ${result.stderr}`);
      assert.equal(result.stderr, '');
      assert.deepEqual(result.stdout.split('\n').slice(0, 6), [
        sts.Credentials.AccessKeyId,
        sts.Credentials.SecretAccessKey,
        sts.Credentials.SessionToken,
        new Date(sts.Credentials.Expiration!).toISOString().replace('.000Z', 'Z'),
        '222222222222',
        'unset',
      ], `${loginShell} ${evalLine}`);
    } finally {
      dir.remove();
    }
  }
});

test('--format process turns the JSON into credential_process output the real AWS CLI accepts', async () => {
  const dir = tempHome();
  try {
    const file = dir.write('sts.json', assumeRoleJson);
    // credential_process is run without a shell, so wrap the redirect in sh -c
    dir.write('.aws/config', `[profile fromsts]\nregion = us-east-1\ncredential_process = sh -c '"${process.execPath}" "${BIN}" from-sts --format process < "${file}"'\n`);
    const result = await runProcess('/usr/bin/aws', ['sts', 'get-caller-identity', '--profile', 'fromsts', '--endpoint-url', testbed.aws.url, '--query', 'Arn', '--output', 'text'], { env: dir.env });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.trim(), 'arn:aws:sts::222222222222:assumed-role/deploy/DevAccount');
  } finally {
    dir.remove();
  }
});

test('bad JSON: exit 1, nothing on stdout, stderr says where, and the shell keeps its old credentials', async () => {
  const broken = assumeRoleJson.replace('"SessionToken"', '"SessionToken" "oops"');
  const direct = await runRolecall(['from-sts'], { env: home.env, input: broken });
  assert.equal(direct.code, 1);
  assert.equal(direct.stdout, '');
  assert.match(direct.stderr, /^rolecall: standard input is not valid JSON: .*\(line \d+, column \d+\)\n  hint: Pipe in the JSON that `aws sts assume-role`/);
  const secret = (JSON.parse(assumeRoleJson) as { Credentials: { SecretAccessKey: string } }).Credentials.SecretAccessKey;
  assert.ok(!direct.stderr.includes(secret));

  const sourced = await bash(`export AWS_ACCESS_KEY_ID=old-key AWS_PROFILE=bob\nsource <(printf '%s' "$BROKEN" | rolecall from-sts)\necho "$AWS_ACCESS_KEY_ID $AWS_PROFILE"`, { ...home.env, BROKEN: broken });
  assert.equal(sourced.stdout, 'old-key bob\n');
});

test('every other bad input is a clear error with nothing on stdout', async () => {
  const expired = assumeRoleJson.replace(/"Expiration": "[^"]+"/, '"Expiration": "2020-01-01T00:00:00+00:00"');
  const cases: { args: string[]; input: string; code: number; stderr: RegExp }[] = [
    { args: ['from-sts'], input: '', code: 1, stderr: /standard input is empty\n  hint: The command before the pipe printed nothing/ },
    { args: ['from-sts'], input: 'CREDENTIALS\tASIA\t2026-01-01T00:00:00Z\tsecret\ttoken\n', code: 1, stderr: /the AWS CLI's text output, not JSON\n  hint: Add --output json/ },
    { args: ['from-sts'], input: '{"UserId":"AIDA","Account":"111111111111","Arn":"arn:aws:iam::111111111111:user/bob"}', code: 1, stderr: /get-caller-identity` output, which holds no credentials/ },
    { args: ['from-sts'], input: '{"Credentials":{"AccessKeyId":"ASIA"}}', code: 1, stderr: /Credentials\.SecretAccessKey is missing/ },
    { args: ['from-sts'], input: expired, code: 1, stderr: /these credentials expired at 2020-01-01T00:00:00Z \(\d+ minutes ago\)\n  hint: Run the aws sts command again/ },
    { args: ['from-sts', '--format', 'bsh'], input: assumeRoleJson, code: 2, stderr: /unknown output format "bsh" \(from flag --format\)\. Did you mean "bash"/ },
    { args: ['from-sts', 'extra'], input: assumeRoleJson, code: 2, stderr: /takes no arguments, got: extra/ },
    { args: ['from-sts', '--formt', 'bash'], input: assumeRoleJson, code: 2, stderr: /unknown flag --formt\. Did you mean "--format"/ },
    { args: ['unset', '--format', 'json'], input: '', code: 2, stderr: /the json format cannot unset variables/ },
  ];
  for (const { args, input, code, stderr } of cases) {
    const result = await runRolecall(args, { env: home.env, input });
    assert.equal(result.code, code, `${args.join(' ')}: ${result.stderr}`);
    assert.equal(result.stdout, '', args.join(' '));
    assert.match(result.stderr, stderr);
  }
});

test('--help shows the seed habits as examples', async () => {
  for (const command of ['from-sts', 'unset']) {
    const result = await runRolecall([command, '--help'], { env: home.env });
    assert.equal(result.code, 0);
    assert.match(result.stdout, command === 'from-sts' ? /source <\(aws sts assume-role/ : /eval "\$\(rolecall unset\)"/);
    assert.match(result.stdout, /--format F/);
  }
});
