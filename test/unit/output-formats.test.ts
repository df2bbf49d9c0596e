// Choosing the output format: --format values, and the default from the terminal (never from $SHELL).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RolecallError } from '../../src/errors';
import { EVAL_FORMAT, FORMATS, defaultFormat, parseFormat } from '../../src/output/formats';

test('parseFormat accepts every format, any case, and the shell aliases', () => {
  for (const format of FORMATS) assert.equal(parseFormat(format, 'flag --format'), format);
  assert.equal(parseFormat('PowerShell', 'flag --format'), 'powershell');
  assert.equal(parseFormat('pwsh', 'flag --format'), 'powershell');
  assert.equal(parseFormat('dash', 'flag --format'), 'sh');
});

test('parseFormat: an unknown format is a USAGE error naming the source, a close match and every format', () => {
  assert.throws(
    () => parseFormat('bsh', 'flag --format'),
    (e: unknown) =>
      e instanceof RolecallError &&
      e.code === 'USAGE' &&
      e.message.includes('"bsh" (from flag --format)') &&
      e.message.includes('Did you mean "bash"') &&
      e.hint.includes('process, env, bash, zsh, sh, fish, powershell, json, dotenv'),
  );
});

test('defaultFormat: credential_process JSON when stdout is captured, POSIX exports on a terminal', () => {
  assert.equal(defaultFormat(false), 'process');
  assert.equal(defaultFormat(true), 'sh');
  assert.equal(EVAL_FORMAT, 'sh');
});
