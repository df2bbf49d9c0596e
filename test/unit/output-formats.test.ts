// Choosing the output format: --format values, and the default from the terminal and $SHELL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RolecallError } from '../../src/errors';
import { FORMATS, defaultFormat, parseFormat, shellFormat } from '../../src/output/formats';

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

test('defaultFormat: credential_process JSON when stdout is captured, whatever the shell', () => {
  assert.equal(defaultFormat(false, { SHELL: '/bin/zsh' }), 'process');
  assert.equal(defaultFormat(false, {}), 'process');
});

test("defaultFormat on a terminal: the login shell's syntax, sh when unknown", () => {
  const cases: [string | undefined, string][] = [
    ['/bin/bash', 'bash'],
    ['/usr/local/bin/zsh', 'zsh'],
    ['/opt/homebrew/bin/fish', 'fish'],
    ['/usr/bin/pwsh', 'powershell'],
    ['C:\\Program Files\\PowerShell\\7\\pwsh.exe', 'powershell'],
    ['/bin/dash', 'sh'],
    ['/bin/tcsh', 'sh'],
    [undefined, 'sh'],
  ];
  for (const [shell, format] of cases) {
    assert.equal(defaultFormat(true, shell === undefined ? {} : { SHELL: shell }), format, String(shell));
    assert.equal(shellFormat(shell === undefined ? {} : { SHELL: shell }), format);
  }
});
