// The role picker through a real pseudo-terminal: tmux runs a tiny script that calls chooseRole
// with the real /dev/tty prompter; we read the screen and type like a user.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const root = resolve(import.meta.dirname, '../..');

async function waitFor(what: string, check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

test('choosing the second role in the picker on /dev/tty', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rolecall-saml-picker-'));
  const socket = `rolecall-saml-picker-${process.pid}`;
  const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  t.after(() => {
    try {
      tmux('kill-server');
    } catch {
      // already gone with its only session
    }
    rmSync(dir, { recursive: true, force: true });
  });
  const script = join(dir, 'pick.ts');
  const out = join(dir, 'chosen.json');
  writeFileSync(
    script,
    `import { writeFileSync } from 'node:fs';
import { chooseRole } from ${JSON.stringify(join(root, 'src/idp/saml/choose-role.ts'))};
import { ttyPrompter } from ${JSON.stringify(join(root, 'src/platform/tty.ts'))};
const roles = [
  { roleArn: 'arn:aws:iam::222222222222:role/saml-developer', principalArn: 'arn:aws:iam::222222222222:saml-provider/testbed' },
  { roleArn: 'arn:aws:iam::333333333333:role/saml-operator', principalArn: 'arn:aws:iam::333333333333:saml-provider/testbed' },
];
const accounts = new Map([['staging', '222222222222'], ['production', '333333333333']]);
void chooseRole(roles, {}, { prompt: ttyPrompter(), accounts }).then((role) => writeFileSync(${JSON.stringify(out)}, JSON.stringify(role)));
`,
  );
  // stdout goes to /dev/null and stderr to a file: whatever the screen shows came through /dev/tty
  const errors = join(dir, 'stderr.txt');
  const command = `cd ${JSON.stringify(root)} && ${JSON.stringify(process.execPath)} --import tsx ${JSON.stringify(script)} >/dev/null 2>${JSON.stringify(errors)}; sleep 30`;
  tmux('new-session', '-d', '-x', '120', '-y', '30', '-s', 'picker', command);
  const screen = () => tmux('capture-pane', '-p', '-t', 'picker');
  await waitFor('the picker', () => screen().includes('Choose 1-2:')).catch((error: Error) => {
    throw new Error(`${error.message}; screen:\n${screen()}\nstderr:\n${existsSync(errors) ? readFileSync(errors, 'utf8') : ''}`);
  });
  const shown = screen();
  assert.match(shown, /Select the role to assume:/);
  assert.match(shown, /\[1\] staging \(222222222222\) \/ saml-developer/);
  assert.match(shown, /\[2\] production \(333333333333\) \/ saml-operator/);

  tmux('send-keys', '-t', 'picker', '2', 'Enter');
  // the file exists a moment before the JSON is in it: wait for the JSON, or a loaded machine reads it empty
  await waitFor('the choice', () => existsSync(out) && readFileSync(out, 'utf8') !== '');
  assert.deepEqual(JSON.parse(readFileSync(out, 'utf8')), {
    roleArn: 'arn:aws:iam::333333333333:role/saml-operator',
    principalArn: 'arn:aws:iam::333333333333:saml-provider/testbed',
  });
});
