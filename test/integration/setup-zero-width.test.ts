// `rolecall setup` on a terminal that reports 0 columns (`script` without a real terminal, some CI
// terminals): the prompts are drawn 80 columns wide, not one character per line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BIN, runProcess, tempHome } from '../helpers/cli';

test('setup on a 0x0 terminal draws its first question and choices on lines of their own, 80 columns wide', async () => {
  const home = tempHome();
  try {
    const pty = new URL('../helpers/oidc-pty.py', import.meta.url).pathname;
    const run = await runProcess('python3', [pty, process.execPath, BIN, 'setup', '--no-login'], {
      env: { ...home.env, TERM: 'xterm-256color', PTY_SIZE: '0x0', PTY_UNTIL: 'coinbase bastion' },
    });
    const lines = run.stdout
      .replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '')
      .split(/\r?\n/)
      .map((line) => line.trimEnd());
    assert.ok(lines.includes('◆  How do you prove who you are?'), run.stdout);
    assert.ok(lines.includes('│  ○ IAM user keys with MFA -> AssumeRole (coinbase bastion)'), run.stdout);
    assert.ok(Math.max(...lines.map((line) => line.length)) <= 80, 'wrapped at 80 columns');
  } finally {
    home.remove();
  }
});
