// What a newcomer types at the command line, through the built binary against the testbed: global
// flags before the command (as `aws --profile p s3 ls` is typed), a child command's own --debug
// that must stay the child's, and flags missing their value, said in rolecall's words.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runRolecall, type Home } from '../helpers/cli';
import { useBastionTestbed } from '../helpers/bastion';

let home: Home;

useBastionTestbed((_testbed, startedHome) => {
  home = startedHome;
});

test('global flags before the command work as they do after it', async () => {
  const after = await runRolecall(['whoami', '--profile', 'read', '--json'], { env: home.env });
  assert.equal(after.code, 0, after.stderr);
  const before = await runRolecall(['--profile', 'read', '--json', 'whoami'], { env: home.env });
  assert.equal(before.code, 0, before.stderr);
  assert.equal(before.stderr, '');
  assert.equal(JSON.parse(before.stdout).arn, JSON.parse(after.stdout).arn);
  assert.match(JSON.parse(before.stdout).arn, /^arn:aws:sts::222222222222:assumed-role\/read\//);

  const exported = await runRolecall(['--region=eu-west-1', 'export', 'read', '--format', 'env'], { env: home.env });
  assert.equal(exported.code, 0, exported.stderr);
  assert.match(exported.stdout, /^AWS_REGION=eu-west-1$/m);

  // exec: the flags move in front of rolecall's own arguments, never into the child's
  const exec = await runRolecall(['--profile', 'read', 'exec', 'sh', '-c', 'echo "$AWS_ACCOUNT_ID $1"', 'sh', '--json'], { env: home.env });
  assert.equal(exec.code, 0, exec.stderr);
  assert.equal(exec.stdout, '222222222222 --json\n');
});

test('a global flag with no command says a command is missing, not that the flag is an unknown command', async () => {
  const result = await runRolecall(['--profile', 'read'], { env: home.env });
  assert.equal(result.code, 2);
  assert.equal(result.stdout, '');
  assert.equal(result.stderr, 'rolecall: --profile needs a command to go with\n  hint: Name the command, e.g. rolecall whoami --profile prod (`rolecall --help` lists them).\n');
});

test("the child's own --debug does not turn on rolecall's debug output", async () => {
  // `rolecall exec prod aws s3 ls --debug`: the AWS CLI's --debug, not rolecall's
  const warm = await runRolecall(['export', 'read', '--format', 'env'], { env: home.env });
  assert.equal(warm.code, 0, warm.stderr);
  const child = await runRolecall(['exec', 'read', 'sh', '-c', 'echo "child got $1"', 'sh', '--debug'], { env: home.env });
  assert.equal(child.code, 0, child.stderr);
  assert.equal(child.stdout, 'child got --debug\n');
  assert.equal(child.stderr, '', 'no debug lines from rolecall');
  const afterDashes = await runRolecall(['exec', 'read', '--', 'sh', '-c', 'true', 'sh', '--debug'], { env: home.env });
  assert.equal(afterDashes.stderr, '');

  // rolecall's own --debug, before the child's command or before rolecall's command, still works
  for (const args of [['exec', 'read', '--debug', '--', 'true'], ['--debug', 'exec', 'read', 'true']]) {
    const own = await runRolecall(args, { env: home.env });
    assert.equal(own.code, 0, own.stderr);
    assert.match(own.stderr, /^debug: using the cached credentials in /m, args.join(' '));
  }
});

test('a flag without its value is said in rolecall words, naming the flag', async () => {
  const missing = await runRolecall(['export', 'read', '--format'], { env: home.env });
  assert.equal(missing.code, 2);
  assert.equal(missing.stdout, '');
  assert.equal(missing.stderr, 'rolecall: export: --format needs a value.\n  hint: Usage: rolecall export [PROFILE] [--format F]. Run `rolecall export --help` for every flag.\n');

  const short = await runRolecall(['export', 'read', '-f'], { env: home.env });
  assert.match(short.stderr, /^rolecall: export: --format needs a value\.\n/);

  const flagAfter = await runRolecall(['export', '--profile', '--json'], { env: home.env });
  assert.equal(flagAfter.code, 2);
  assert.match(flagAfter.stderr, /^rolecall: export: --profile needs a value, and what follows it is a flag \(a value that starts with - is written --profile=VALUE\)\.\n/);
  assert.equal(flagAfter.stderr.split('\n').length, 3, 'one line and its hint');

  const noValue = await runRolecall(['clear', '--all=yes'], { env: home.env });
  assert.equal(noValue.code, 2);
  assert.match(noValue.stderr, /^rolecall: clear: --all takes no value\.\n/);
});
