// The `assume` shell function and the completion scripts, in real bash, zsh and fish (zsh's
// completion at an interactive prompt: completion-zsh.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Testbed } from '../../testbed/index';
import { BIN, runProcess, type Home } from '../helpers/cli';
import { useBastionTestbed } from '../helpers/bastion';

const rolecall = `'${process.execPath}' '${BIN}'`;
let testbed: Testbed;
let home: Home;

useBastionTestbed((started, startedHome) => {
  testbed = started;
  home = startedHome;
  home.write('.aws/accounts', JSON.stringify({ staging: '222222222222', production: '333333333333' }));
});

const scripts: Record<string, { shell: string; script: string }> = {
  bash: {
    shell: '/bin/bash',
    script: `eval "$(${rolecall} shell-init bash)"
export AWS_PROFILE=leftover
assume read || exit 9
printf '%s\\n' "$AWS_ACCOUNT_NAME:$AWS_ACCOUNT_ROLE" "\${AWS_PROFILE-unset}" "\${AWS_ACCESS_KEY_ID:0:4}"
assume nosuch-profile; echo "status $?"
printf '%s\\n' "\${AWS_ACCESS_KEY_ID:0:4}"
assume --unset
printf '%s\\n' "\${AWS_ACCESS_KEY_ID-unset}" "\${AWS_SESSION_TOKEN-unset}"`,
  },
  zsh: {
    shell: 'zsh',
    script: `eval "$(${rolecall} shell-init zsh)"
export AWS_PROFILE=leftover
assume read || exit 9
printf '%s\\n' "$AWS_ACCOUNT_NAME:$AWS_ACCOUNT_ROLE" "\${AWS_PROFILE-unset}" "\${AWS_ACCESS_KEY_ID[1,4]}"
assume nosuch-profile; echo "status $?"
printf '%s\\n' "\${AWS_ACCESS_KEY_ID[1,4]}"
assume --unset
printf '%s\\n' "\${AWS_ACCESS_KEY_ID-unset}" "\${AWS_SESSION_TOKEN-unset}"`,
  },
  fish: {
    shell: 'fish',
    script: `${rolecall} shell-init fish | source
set -gx AWS_PROFILE leftover
assume read; or exit 9
printf '%s\\n' "$AWS_ACCOUNT_NAME:$AWS_ACCOUNT_ROLE"
if set -q AWS_PROFILE; echo $AWS_PROFILE; else; echo unset; end
printf '%s\\n' (string sub -l 4 -- $AWS_ACCESS_KEY_ID)
assume nosuch-profile; echo "status $status"
printf '%s\\n' (string sub -l 4 -- $AWS_ACCESS_KEY_ID)
assume --unset
if set -q AWS_ACCESS_KEY_ID; echo set; else; echo unset; end
if set -q AWS_SESSION_TOKEN; echo set; else; echo unset; end`,
  },
};

for (const [name, { shell, script }] of Object.entries(scripts)) {
  test(`assume sets and unsets the credentials and prompt variables in ${name}`, async () => {
    const result = await runProcess(shell, ['-c', script], { env: home.env });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(result.stdout.trim().split('\n'), ['staging:read', 'unset', 'ASIA', 'status 2', 'ASIA', 'unset', 'unset']);
    assert.match(result.stderr, /"nosuch-profile" is neither a profile in your AWS config nor an account id or alias/);
  });
}

test('bash completion completes commands, flags and profile names', async () => {
  const script = `eval "$(${rolecall} completion bash)"
COMP_WORDS=(rolecall ex); COMP_CWORD=1; _rolecall; echo "\${COMPREPLY[*]}"
COMP_WORDS=(rolecall export --for); COMP_CWORD=2; _rolecall; echo "\${COMPREPLY[*]}"
COMP_WORDS=(rolecall export pro); COMP_CWORD=2; _rolecall; echo "\${COMPREPLY[*]}"`;
  const result = await runProcess('/bin/bash', ['-c', script], { env: home.env });
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(
    result.stdout.trim().split('\n').map((line) => line.split(' ').sort().join(' ')),
    ['exec export', '--format', 'prod-read'],
  );
});

test('completion offers the values a flag or argument takes: formats, servers, shells, account aliases', async () => {
  const script = `eval "$(${rolecall} completion bash)"
COMP_WORDS=(rolecall export --format f); COMP_CWORD=3; _rolecall; echo "\${COMPREPLY[*]}"
COMP_WORDS=(rolecall exec read --server ""); COMP_CWORD=4; _rolecall; echo "\${COMPREPLY[*]}"
COMP_WORDS=(rolecall shell-init z); COMP_CWORD=2; _rolecall; echo "\${COMPREPLY[*]}"
COMP_WORDS=(rolecall assume st); COMP_CWORD=2; _rolecall; echo "\${COMPREPLY[*]}"
COMP_WORDS=(rolecall export --region ""); COMP_CWORD=3; _rolecall; echo "[\${COMPREPLY[*]}]"`;
  const result = await runProcess('/bin/bash', ['-c', script], { env: home.env });
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(result.stdout.trim().split('\n'), ['fish', 'ecs imds', 'zsh', 'staging', '[]']);
  const fish = await runProcess('fish', ['-c', `${rolecall} completion fish | source; and complete -C 'rolecall export --format ' ; and complete -C 'rolecall shell-init '`], { env: home.env });
  assert.equal(fish.code, 0, fish.stderr);
  assert.match(fish.stdout, /^dotenv$/m);
  assert.match(fish.stdout, /^powershell$/m);
  assert.doesNotMatch(fish.stdout, /^prod-read$/m, 'no profiles where a format or a shell goes');
});

test('the fish completion script loads without errors and completes profiles', async () => {
  const fish = await runProcess('fish', ['-c', `${rolecall} completion fish | source; and complete -C 'rolecall export ad'`], { env: home.env });
  assert.equal(fish.code, 0, fish.stderr);
  assert.equal(fish.stderr, '');
  assert.match(fish.stdout, /^admin$/m);
});

test('shell-init without a shell name uses the login shell, and says so when $SHELL is none it knows', async () => {
  const zsh = await runProcess(process.execPath, [BIN, 'shell-init'], { env: { ...home.env, SHELL: '/usr/bin/zsh' } });
  assert.equal(zsh.code, 0, zsh.stderr);
  const named = await runProcess(process.execPath, [BIN, 'shell-init', 'zsh'], { env: home.env });
  assert.equal(zsh.stdout, named.stdout);
  const dash = await runProcess(process.execPath, [BIN, 'shell-init'], { env: { ...home.env, SHELL: '/bin/dash' } });
  assert.equal(dash.code, 2);
  assert.match(dash.stderr, /needs a shell name \(\$SHELL names none it knows\)\n {2}hint: Use one of: bash, zsh, fish, powershell/);
});

test("coinbase's function form: --name assume-role, then assume-role ACCOUNT ROLE, assume-role PROFILE, in bash and zsh", async () => {
  for (const shell of ['/bin/bash', 'zsh']) {
    const script = `eval "$(${rolecall} shell-init ${shell === 'zsh' ? 'zsh' : 'bash'} --name assume-role)"
command -v assume >/dev/null && echo "assume is defined too"
export AWS_PROFILE_ASSUME_ROLE=bastion
assume-role production read || exit 9
printf '%s\\n' "$AWS_ACCOUNT_NAME:$AWS_ACCOUNT_ROLE:$AWS_ACCOUNT_ID"
/usr/bin/aws sts get-caller-identity --endpoint-url ${testbed.aws.url} --query Arn --output text
assume-role admin || exit 8
printf '%s\\n' "$AWS_ACCOUNT_NAME:$AWS_ACCOUNT_ROLE:$AWS_ACCOUNT_ID"
assume-role --unset
printf '%s\\n' "\${AWS_ACCESS_KEY_ID-unset}"`;
    const result = await runProcess(shell, ['-c', script], { env: { ...home.env, SHELL: '/usr/bin/fish' } });
    assert.equal(result.code, 0, `${shell}: ${result.stderr}`);
    const lines = result.stdout.trim().split('\n');
    assert.equal(lines[0], 'production:read:333333333333', shell);
    assert.match(lines[1]!, /^arn:aws:sts::333333333333:assumed-role\/read\//);
    assert.equal(lines[2], 'production:admin:333333333333', shell);
    assert.equal(lines[3], 'unset');
    assert.equal(lines.length, 4);
  }
});

test('the function with no arguments asks on the terminal which profile or account, then which role, as coinbase did', async () => {
  const pty = new URL('../helpers/oidc-pty.py', import.meta.url).pathname;
  const script = `eval "$(${rolecall} shell-init bash)"
assume && printf 'set: %s\\n' "$AWS_ACCOUNT_NAME:$AWS_ACCOUNT_ROLE:$AWS_ACCOUNT_ID"`;
  const result = await runProcess('python3', [pty, '/bin/bash', '--norc', '--noprofile', '-c', script], {
    env: { ...home.env, AWS_PROFILE_ASSUME_ROLE: 'bastion', PTY_ANSWERS: 'Assume a profile, or an account=>ACCOUNT\nAssume into role=>ROLE', ACCOUNT: 'staging', ROLE: 'read' },
  });
  assert.equal(result.code, 0, result.stdout);
  assert.match(result.stdout, /\[typed ACCOUNT\][\s\S]*\[typed ROLE\]/);
  assert.match(result.stdout, /^set: staging:read:222222222222\r?$/m);
});

test('shell-init --name refuses a name the shells would not take', async () => {
  const result = await runProcess(process.execPath, [BIN, 'shell-init', 'bash', '--name', 'as sume;rm'], { env: home.env });
  assert.equal(result.code, 2);
  assert.equal(result.stdout, '');
  assert.match(result.stderr, /^rolecall: shell-init --name "as sume;rm" is not a function name the shells accept\n/);
});
