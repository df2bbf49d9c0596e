// In each real shell: from-sts sets the credentials (POSIX by default whatever $SHELL is; fish asks for its own),
// `rolecall unset` takes every credential and profile variable away again, `unset --all` every AWS*.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { BIN, runProcess, tempHome, type Home } from '../helpers/cli';

let home: Home;
let file: string;

const EXPIRATION = new Date(Date.now() + 3600_000).toISOString().replace(/\.\d+Z$/, '+00:00');
const STS = {
  Credentials: {
    AccessKeyId: 'ASIA5EXAMPLEKEYID123',
    SecretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY',
    SessionToken: 'IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ+abc=',
    Expiration: EXPIRATION,
  },
  AssumedRoleUser: {
    AssumedRoleId: 'AROA3XFRBF535PLBIFPI4:DevAccount',
    Arn: 'arn:aws:sts::123456789123:assumed-role/OrganizationAccountAccessRole/DevAccount',
  },
};

// Everything a previous session may have left, plus variables unset must keep (region) or only --all takes.
const BEFORE: Record<string, string> = {
  AWS_ACCESS_KEY_ID: 'old',
  AWS_SECRET_ACCESS_KEY: 'old',
  AWS_SESSION_TOKEN: 'old',
  AWS_SECURITY_TOKEN: 'old',
  AWS_PROFILE: 'bastion',
  AWS_DEFAULT_PROFILE: 'bastion',
  AWS_ACCOUNT_NAME: 'staging',
  AWS_ACCOUNT_ROLE: 'read',
  AWS_REGION: 'eu-west-1',
  AWS_CUSTOM_THING: 'x',
};

before(() => {
  home = tempHome();
  file = home.write('sts.json', JSON.stringify(STS, null, 4));
});
after(() => home.remove());

interface Shell {
  name: string;
  path: string;
  argv: string[];
  prelude: string;
  apply(command: string): string;
  /** what this shell needs after a rolecall command: nothing for POSIX shells */
  format: string;
  /** print the names and values of exported AWS* variables, sorted */
  dump: string;
}

const POSIX_DUMP = `env | grep '^AWS' | LC_ALL=C sort; echo '=='`;
const SHELLS: Shell[] = [
  { name: 'bash', path: '/bin/bash', argv: ['--norc', '--noprofile', '-c'], prelude: 'rolecall() { "$NODE" "$ROLECALL_BIN" "$@"; }', format: '', apply: (c) => `source <(${c})`, dump: POSIX_DUMP },
  { name: 'zsh', path: '/usr/bin/zsh', argv: ['-f', '-c'], prelude: 'rolecall() { "$NODE" "$ROLECALL_BIN" "$@"; }', format: '', apply: (c) => `eval "$(${c})"`, dump: POSIX_DUMP },
  { name: 'dash', path: '/usr/bin/dash', argv: ['-c'], prelude: 'rolecall() { "$NODE" "$ROLECALL_BIN" "$@"; }', format: '', apply: (c) => `eval "$(${c})"`, dump: POSIX_DUMP },
  { name: 'fish', path: '/usr/bin/fish', argv: ['--no-config', '-c'], prelude: 'function rolecall; $NODE $ROLECALL_BIN $argv; end', format: ' --format fish', apply: (c) => `${c} | source`, dump: `env | grep '^AWS' | LC_ALL=C sort; echo '=='` },
];

const installed = (path: string) => spawnSync(path, ['-c', 'exit 0'], { stdio: 'ignore' }).status === 0;

for (const shell of SHELLS) {
  test(`${shell.name}: from-sts sets the role's credentials, unset clears them and keeps the region, unset --all clears every AWS*`, { skip: !installed(shell.path) && `${shell.name} is not installed` }, async () => {
    const script = [
      shell.prelude,
      shell.apply(`rolecall from-sts${shell.format} < ${file}`),
      shell.dump,
      shell.apply(`rolecall unset${shell.format}`),
      shell.dump,
      shell.apply(`rolecall unset --all${shell.format}`),
      shell.dump,
      'echo "PATH kept: $PATH"',
    ].join('\n');
    const env = { PATH: process.env.PATH, HOME: home.dir, LANG: 'C.UTF-8', ...BEFORE, SHELL: shell.path, NODE: process.execPath, ROLECALL_BIN: BIN };
    const result = await runProcess(shell.path, [...shell.argv, script], { env });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, '');
    const [afterFromSts, afterUnset, afterAll, rest] = result.stdout.split('==\n');
    assert.equal(
      afterFromSts,
      [
        'AWS_ACCESS_KEY_ID=ASIA5EXAMPLEKEYID123',
        'AWS_ACCOUNT_ID=123456789123',
        `AWS_CREDENTIAL_EXPIRATION=${EXPIRATION.replace('+00:00', 'Z')}`,
        'AWS_CUSTOM_THING=x',
        'AWS_REGION=eu-west-1',
        'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY',
        'AWS_SESSION_TOKEN=IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ+abc=',
        '',
      ].join('\n'),
    );
    assert.equal(afterUnset, 'AWS_CUSTOM_THING=x\nAWS_REGION=eu-west-1\n');
    assert.equal(afterAll, '');
    assert.equal(rest, `PATH kept: ${env.PATH}\n`);
  });
}
