// `rolecall setup` (or any rolecall command) on a real terminal: tmux runs it with the home's
// environment alone, stderr into a file, and the test reads the screen, types keys and waits for
// the exit status, as a person at the terminal would.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { BIN, type Home } from './cli';

export interface WizardTerminal {
  screen(): string;
  /** waits until the screen shows `text` (20 s at most) */
  until(what: string, text: string | RegExp): Promise<void>;
  keys(...keys: string[]): void;
  /** the exit status and stderr, once the command has ended */
  done(): Promise<{ status: string; stderr: string }>;
  close(): void;
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

async function waitFor(what: string, check: () => boolean, detail: () => string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; screen:\n${detail()}`);
    await sleep(100);
  }
}

export function wizardTerminal(home: Home, args: string[], size = { x: 120, y: 40 }): WizardTerminal {
  const socket = `rolecall-${args[0]}-${process.pid}-${Date.now()}`;
  const tmux = (...a: string[]) => execFileSync('tmux', ['-L', socket, ...a], { encoding: 'utf8' });
  const stderrPath = join(home.dir, `${socket}-stderr.txt`);
  const donePath = join(home.dir, `${socket}-exit.txt`);
  const vars = Object.entries(home.env).map(([k, v]) => `${k}=${shellQuote(v ?? '')}`);
  const command = `env -i ${vars.join(' ')} TERM=xterm-256color ${shellQuote(process.execPath)} ${shellQuote(BIN)} ${args.map(shellQuote).join(' ')} 2>${shellQuote(stderrPath)}; echo $? > ${shellQuote(donePath)}; sleep 30`;
  tmux('new-session', '-d', '-x', String(size.x), '-y', String(size.y), '-s', 'rc', command);
  const screen = () => tmux('capture-pane', '-p', '-t', 'rc');
  return {
    screen,
    until: (what, text) => waitFor(what, () => (typeof text === 'string' ? screen().includes(text) : text.test(screen())), screen),
    keys: (...k) => void tmux('send-keys', '-t', 'rc', ...k),
    async done() {
      await waitFor('the command to end', () => existsSync(donePath), () => `${screen()}\nstderr:\n${existsSync(stderrPath) ? readFileSync(stderrPath, 'utf8') : ''}`);
      return { status: readFileSync(donePath, 'utf8').trim(), stderr: readFileSync(stderrPath, 'utf8') };
    },
    close() {
      try {
        tmux('kill-server');
      } catch {
        // already gone with its only session
      }
    },
  };
}
