// Ctrl-C at a question of the `rolecall setup` wizard ends it: "setup cancelled", exit 130, nothing
// written, and the terminal is let go (the process does not wait for a second Ctrl-C).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { BIN, runProcess, tempHome } from '../helpers/cli';

test('Ctrl-C at the first question of setup ends the command with 130 and writes nothing', async () => {
  const home = tempHome();
  try {
    const pty = new URL('../helpers/oidc-pty.py', import.meta.url).pathname;
    const run = await runProcess('python3', [pty, process.execPath, BIN, 'setup', '--no-login'], {
      env: { ...home.env, TERM: 'xterm-256color', PTY_SIZE: '40x120', CTRL_C: '\u0003', PTY_ANSWERS: 'coinbase bastion=>CTRL_C' },
      timeoutMs: 20_000,
    });
    assert.equal(run.code, 130, run.stdout);
    assert.match(run.stdout.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, ''), /^rolecall: setup cancelled; nothing was written\r$/m);
    assert.ok(!existsSync(home.env.AWS_CONFIG_FILE!), 'nothing written');
  } finally {
    home.remove();
  }
});
