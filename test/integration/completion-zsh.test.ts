// zsh completion as a zsh user meets it: a real interactive zsh in tmux, with the completion system
// loaded the way ~/.zshrc loads it (compinit), then `eval "$(rolecall completion zsh)"`, and Tab
// pressed. The script registers itself with compdef and never runs compinit or bashcompinit; without
// compinit it says what to add instead of failing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { startTestbed, type Testbed } from '../../testbed/index';
import { BIN, runProcess, type Home } from '../helpers/cli';
import { bastionHome } from '../helpers/bastion';

const missing = ['zsh', 'tmux'].filter((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0);
let testbed: Testbed;
let home: Home;
let socket: string;

before(async () => {
  testbed = await startTestbed();
  home = bastionHome(testbed);
  const bin = join(home.dir, 'bin');
  mkdirSync(bin);
  symlinkSync(BIN, join(bin, 'rolecall'));
  home.env.PATH = `${bin}:${process.env.PATH}`;
  socket = join(home.dir, 'tmux.sock');
});
after(async () => {
  spawnSync('tmux', ['-S', socket, 'kill-server'], { stdio: 'ignore' });
  home.remove();
  await testbed.close();
});

function tmux(...args: string[]): string {
  const result = spawnSync('tmux', ['-S', socket, ...args], { encoding: 'utf8', env: home.env });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout;
}

/** the screen, once it shows `expected` (or the last one after 20 s) */
async function screenShowing(expected: RegExp): Promise<string> {
  let screen = '';
  for (let i = 0; i < 100; i++) {
    screen = tmux('capture-pane', '-p', '-t', 'zsh');
    if (expected.test(screen)) return screen;
    await new Promise((r) => setTimeout(r, 200));
  }
  return screen;
}

/** types `line` (and Tab when asked) at the prompt of a fresh line */
function type(line: string, tab = false): void {
  tmux('send-keys', '-t', 'zsh', 'C-u');
  tmux('send-keys', '-t', 'zsh', '-l', line);
  if (tab) tmux('send-keys', '-t', 'zsh', 'Tab');
}

/** Tab after `typed` gives `expected` and a space (a word typed next, X, stands apart) */
async function completes(typed: string, expected: string, what: string): Promise<void> {
  type(typed, true);
  const line = (text: string) => new RegExp(`^zsh> ${text.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')}$`, 'm');
  assert.match(await screenShowing(line(expected)), line(expected), what);
  tmux('send-keys', '-t', 'zsh', '-l', 'X');
  assert.match(await screenShowing(line(`${expected} X`)), line(`${expected} X`), `${what}: a whole word, followed by a space`);
}

test('the script registers with compdef and runs neither compinit nor bashcompinit', async () => {
  const script = await runProcess(process.execPath, [BIN, 'completion', 'zsh'], { env: home.env });
  assert.equal(script.code, 0, script.stderr);
  assert.match(script.stdout, /^#compdef rolecall\n/);
  assert.match(script.stdout, /^ {2}compdef _rolecall rolecall$/m);
  const runs = script.stdout.split('\n').filter((line) => /^\s*(autoload\b.*)?\b(bash)?compinit\b/.test(line));
  assert.deepEqual(runs, [], 'no line runs compinit');
});

test('without compinit, loading it says what to add to ~/.zshrc and fails nothing', { skip: missing.includes('zsh') && 'zsh is not installed' }, async () => {
  const run = await runProcess('zsh', ['-f', '-c', 'eval "$(rolecall completion zsh)"; echo "status $?"'], { env: home.env });
  assert.equal(run.stdout, 'status 0\n');
  assert.equal(run.stderr, "rolecall completion: zsh's completion system is not loaded: put 'autoload -U compinit && compinit' before this line in ~/.zshrc\n");
});

test('Tab in an interactive zsh completes commands, flags, flag values and profiles', { skip: missing.length > 0 && `${missing.join(' and ')} not installed` }, async () => {
  tmux('new-session', '-d', '-s', 'zsh', '-x', '200', '-y', '50', 'zsh -f');
  tmux('send-keys', '-t', 'zsh', '-l', "PS1='zsh> '; autoload -U compinit && compinit -u && eval \"$(rolecall completion zsh)\" && echo loaded");
  tmux('send-keys', '-t', 'zsh', 'Enter');
  assert.match(await screenShowing(/^loaded$/m), /^loaded$/m);

  await completes('rolecall expo', 'rolecall export', 'the command name');
  await completes('rolecall export --form', 'rolecall export --format', 'a flag of export');
  await completes('rolecall export --format dot', 'rolecall export --format dotenv', 'a value of --format');
  await completes('rolecall exec prod-', 'rolecall exec prod-read', 'a profile from the config');
  type('rolecall exec read --server ', true);
  const servers = await screenShowing(/\becs\b.*\bimds\b/);
  assert.match(servers, /\becs\b.*\bimds\b/, 'both servers listed');
});
