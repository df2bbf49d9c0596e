// What each format prints, line by line, for temporary and long-lived credentials.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RolecallError } from '../../src/errors';
import { CLEARED_VARIABLES, UNSET_VARIABLES, clearedVariables, credentialEnv, renderCredentials, renderUnset, type Exports } from '../../src/output/render';
import type { Credentials } from '../../src/sts/credentials';

const session: Credentials = {
  accessKeyId: 'ASIAQWERTYUIOPASDFGH',
  secretAccessKey: "wJalr/K7MDENG+bPx'RfiCY",
  sessionToken: 'FwoGZXIvYXdzEJr//////////wEaDK+abc=',
  expiration: new Date('2026-11-23T10:00:00.000Z'),
  accountId: '123456789012',
  arn: 'arn:aws:sts::123456789012:assumed-role/read/alice',
  chain: ['test'],
};
const longLived: Credentials = { accessKeyId: 'AKIAQWERTYUIOPASDFGH', secretAccessKey: 'secret/key+0', chain: ['test'] };
const withRegion: Exports = { credentials: session, region: 'eu-west-1', extra: { AWS_ACCOUNT_NAME: 'prod', AWS_ACCOUNT_ROLE: 'read' } };

function isInputInvalid(error: unknown): boolean {
  return error instanceof RolecallError && error.code === 'INPUT_INVALID';
}

test('process: credential_process JSON, Version 1, Expiration in whole UTC seconds, AccountId when known', () => {
  assert.equal(
    renderCredentials('process', withRegion),
    '{"Version":1,"AccessKeyId":"ASIAQWERTYUIOPASDFGH","SecretAccessKey":"wJalr/K7MDENG+bPx\'RfiCY","SessionToken":"FwoGZXIvYXdzEJr//////////wEaDK+abc=","Expiration":"2026-11-23T10:00:00Z","AccountId":"123456789012"}\n',
  );
});

test('process: long-lived keys have no SessionToken or Expiration', () => {
  assert.deepEqual(JSON.parse(renderCredentials('process', { credentials: longLived })), {
    Version: 1,
    AccessKeyId: 'AKIAQWERTYUIOPASDFGH',
    SecretAccessKey: 'secret/key+0',
  });
});

test('process: Expiration drops milliseconds by truncating, never pushing expiry later', () => {
  const credentials = { ...session, expiration: new Date('2026-11-23T10:00:00.999Z') };
  assert.equal(JSON.parse(renderCredentials('process', { credentials })).Expiration, '2026-11-23T10:00:00Z');
});

test('json: the shape of `aws sts assume-role` output, with AccountId, Arn and Region', () => {
  assert.deepEqual(JSON.parse(renderCredentials('json', withRegion)), {
    Credentials: {
      AccessKeyId: 'ASIAQWERTYUIOPASDFGH',
      SecretAccessKey: "wJalr/K7MDENG+bPx'RfiCY",
      SessionToken: 'FwoGZXIvYXdzEJr//////////wEaDK+abc=',
      Expiration: '2026-11-23T10:00:00Z',
    },
    AccountId: '123456789012',
    Arn: 'arn:aws:sts::123456789012:assumed-role/read/alice',
    Region: 'eu-west-1',
  });
});

test('bash/zsh/sh: unset what would conflict, then export every value in single quotes, each line ending with ;', () => {
  const expected = `unset -v AWS_PROFILE;
unset -v AWS_DEFAULT_PROFILE;
unset -v AWS_SECURITY_TOKEN;
unset -v AWS_SESSION_EXPIRATION;
unset -v AWSRUNAS_PROFILE;
export AWS_ACCESS_KEY_ID='ASIAQWERTYUIOPASDFGH';
export AWS_SECRET_ACCESS_KEY='wJalr/K7MDENG+bPx'\\''RfiCY';
export AWS_SESSION_TOKEN='FwoGZXIvYXdzEJr//////////wEaDK+abc=';
export AWS_CREDENTIAL_EXPIRATION='2026-11-23T10:00:00Z';
export AWS_ACCOUNT_ID='123456789012';
export AWS_REGION='eu-west-1';
export AWS_DEFAULT_REGION='eu-west-1';
export AWS_ACCOUNT_NAME='prod';
export AWS_ACCOUNT_ROLE='read';
`;
  for (const format of ['bash', 'zsh', 'sh'] as const) assert.equal(renderCredentials(format, withRegion), expected);
});

test('bash: long-lived keys also unset a stale session token and expiry', () => {
  const text = renderCredentials('bash', { credentials: longLived });
  assert.match(text, /^unset -v AWS_SESSION_TOKEN;$/m);
  assert.match(text, /^unset -v AWS_CREDENTIAL_EXPIRATION;$/m);
  assert.match(text, /^unset -v AWS_ACCOUNT_NAME;$/m);
  assert.doesNotMatch(text, /export AWS_SESSION_TOKEN/);
  assert.doesNotMatch(text, /AWS_REGION/);
});

test('fish: set -gx with fish single quotes, guarded set -e', () => {
  const text = renderCredentials('fish', { credentials: { ...session, secretAccessKey: "a\\b'c" } });
  assert.match(text, /^if set -q AWS_PROFILE; set -e AWS_PROFILE; end;$/m);
  assert.match(text, /^set -gx AWS_SECRET_ACCESS_KEY 'a\\\\b\\'c';$/m);
  assert.match(text, /^set -gx AWS_ACCESS_KEY_ID 'ASIAQWERTYUIOPASDFGH';$/m);
});

test('powershell: $Env: assignments with doubled quotes (typographic ones too), Remove-Item for the rest', () => {
  const text = renderCredentials('powershell', { credentials: { ...session, secretAccessKey: "it's \u2019q\u2019" } });
  assert.match(text, /^Remove-Item Env:AWS_PROFILE -ErrorAction SilentlyContinue$/m);
  assert.ok(text.includes("$Env:AWS_SECRET_ACCESS_KEY = 'it''s \u2019\u2019q\u2019\u2019'\n"));
});

test('env: KEY=value taken literally (docker --env-file), no unset lines', () => {
  assert.equal(
    renderCredentials('env', { credentials: { ...session, secretAccessKey: `a "b" 'c' $d` } }),
    `AWS_ACCESS_KEY_ID=ASIAQWERTYUIOPASDFGH
AWS_SECRET_ACCESS_KEY=a "b" 'c' $d
AWS_SESSION_TOKEN=FwoGZXIvYXdzEJr//////////wEaDK+abc=
AWS_CREDENTIAL_EXPIRATION=2026-11-23T10:00:00Z
AWS_ACCOUNT_ID=123456789012
`,
  );
});

test('env: a value with a line break is refused, naming the variable but not the value', () => {
  assert.throws(
    () => renderCredentials('env', { credentials: { ...longLived, secretAccessKey: 'Xq7\nZz9' } }),
    (e: unknown) => isInputInvalid(e) && /AWS_SECRET_ACCESS_KEY/.test((e as Error).message) && !/Xq7|Zz9/.test((e as Error).message),
  );
});

test('dotenv: double quotes for ordinary values, then single quotes, backticks or a bare value when the value needs them', () => {
  const render = (secretAccessKey: string) => renderCredentials('dotenv', { credentials: { ...longLived, secretAccessKey } }).split('\n')[1];
  assert.equal(render('plain/key+0'), 'AWS_SECRET_ACCESS_KEY="plain/key+0"');
  assert.equal(render('two\nlines'), 'AWS_SECRET_ACCESS_KEY="two\\nlines"');
  assert.equal(render('a"b\\c$d'), `AWS_SECRET_ACCESS_KEY='a"b\\c$d'`);
  assert.equal(render(`a"b'c`), 'AWS_SECRET_ACCESS_KEY=`a"b\'c`');
  // a value no quote holds is written bare when dotenv takes it as it is
  assert.equal(render('a"b\'c`d'), 'AWS_SECRET_ACCESS_KEY=a"b\'c`d');
  // a backslash before a closing quote would read as an escaped quote
  assert.equal(render('a"b\\'), 'AWS_SECRET_ACCESS_KEY=a"b\\');
  assert.throws(() => render('a"b\'c`$d'), isInputInvalid);
  assert.throws(() => render(' "\'`'), isInputInvalid);
});

test('a NUL or a lone surrogate is refused in every text format', () => {
  for (const format of ['bash', 'fish', 'powershell', 'env', 'dotenv'] as const) {
    assert.throws(() => renderCredentials(format, { credentials: { ...longLived, secretAccessKey: 'a\0b' } }), /NUL/);
    assert.throws(() => renderCredentials(format, { credentials: { ...longLived, sessionToken: 'a\uD800b' } }), /lone surrogate/);
  }
});

test('credentialEnv: what exec gives the child; extra wins; clearedVariables lists the rest', () => {
  assert.deepEqual(credentialEnv(withRegion), {
    AWS_ACCESS_KEY_ID: 'ASIAQWERTYUIOPASDFGH',
    AWS_SECRET_ACCESS_KEY: "wJalr/K7MDENG+bPx'RfiCY",
    AWS_SESSION_TOKEN: 'FwoGZXIvYXdzEJr//////////wEaDK+abc=',
    AWS_CREDENTIAL_EXPIRATION: '2026-11-23T10:00:00Z',
    AWS_ACCOUNT_ID: '123456789012',
    AWS_REGION: 'eu-west-1',
    AWS_DEFAULT_REGION: 'eu-west-1',
    AWS_ACCOUNT_NAME: 'prod',
    AWS_ACCOUNT_ROLE: 'read',
  });
  assert.deepEqual(clearedVariables(withRegion), ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_SECURITY_TOKEN', 'AWS_SESSION_EXPIRATION', 'AWSRUNAS_PROFILE']);
  assert.ok(CLEARED_VARIABLES.every((name) => UNSET_VARIABLES.includes(name)));
});

test('extra variables must be names a shell can set', () => {
  assert.throws(() => renderCredentials('bash', { credentials: longLived, extra: { 'BAD-NAME': 'x' } }), isInputInvalid);
});

test('renderUnset: every credential and profile variable by default, in each shell; not for value-only formats', () => {
  const bash = renderUnset('bash');
  for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_SECURITY_TOKEN', 'AWS_PROFILE', 'AWS_DEFAULT_PROFILE']) {
    assert.match(bash, new RegExp(`^unset -v ${name};$`, 'm'));
  }
  assert.doesNotMatch(bash, /AWS_REGION|AWS_CONFIG_FILE/);
  assert.equal(renderUnset('fish', ['AWS_X']), 'if set -q AWS_X; set -e AWS_X; end;\n');
  assert.equal(renderUnset('powershell', ['AWS_X']), 'Remove-Item Env:AWS_X -ErrorAction SilentlyContinue\n');
  for (const format of ['process', 'json', 'env', 'dotenv'] as const) {
    assert.throws(() => renderUnset(format), (e: unknown) => e instanceof RolecallError && e.code === 'USAGE');
  }
  assert.throws(() => renderUnset('sh', ['X; rm -rf ~']), isInputInvalid);
});
