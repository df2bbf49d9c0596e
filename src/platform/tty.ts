// Prompts read and write /dev/tty, never stdin/stdout, so they work while the AWS CLI has
// captured the streams of a credential_process. With no terminal they fail with NO_TTY.
import { openSync, closeSync } from 'node:fs';
import { ReadStream, WriteStream } from 'node:tty';
import { RolecallError } from '../errors';
import { printable } from './printable';

export interface Prompter {
  /** ask for a line of text; `secret` hides what is typed */
  /** `hint`: how to give the answer without a terminal, said when there is none */
  ask(question: string, options?: { secret?: boolean; hint?: string }): Promise<string>;
  /** choose one of several labelled values */
  choose<T>(question: string, choices: { label: string; value: T }[], hint?: string): Promise<T>;
}

export interface TtyStreams {
  input: ReadStream;
  output: WriteStream;
  close(): void;
}

/** Opens the controlling terminal, or returns undefined when there is none. */
export function openTty(path = '/dev/tty'): TtyStreams | undefined {
  let readFd: number;
  let writeFd: number;
  try {
    readFd = openSync(path, 'r');
    writeFd = openSync(path, 'w');
  } catch {
    return undefined;
  }
  const input = new ReadStream(readFd);
  const output = new WriteStream(writeFd);
  // a terminal that reports no size (`script` without a real terminal, some CI terminals): the
  // prompts (clack reads output.columns) would wrap every character onto a line of its own
  output.columns ||= 80;
  output.rows ||= 24;
  return {
    input,
    output,
    close() {
      input.destroy();
      output.destroy();
      try {
        closeSync(readFd);
      } catch {
        // already closed by destroy()
      }
    },
  };
}

function noTty(question: string, hint?: string): RolecallError {
  return new RolecallError('NO_TTY', `there is no terminal to ask "${question.replace(/[:?]\s*$/, '')}"`, { hint });
}

function readLine(tty: TtyStreams, secret: boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const { input, output } = tty;
    let value = '';
    input.setRawMode(true);
    input.setEncoding('utf8');
    const done = (error?: Error) => {
      input.setRawMode(false);
      input.off('data', onData);
      input.pause();
      output.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done();
        // 130, as a shell reports a command stopped by SIGINT, so that a script or loop around rolecall stops too
        if (ch === '\u0003') return done(new RolecallError('INTERRUPTED', 'interrupted at the prompt'));
        if (ch === '\u0004' && value === '') return done(new RolecallError('USAGE', 'no input', { hint: 'The prompt was closed with Ctrl-D.' }));
        if (ch === '\u007f' || ch === '\b') {
          if (value.length > 0) {
            value = value.slice(0, -1);
            if (!secret) output.write('\b \b');
          }
          continue;
        }
        if (ch < ' ') continue;
        value += ch;
        if (!secret) output.write(ch);
      }
    };
    input.on('data', onData);
    input.resume();
  });
}

export function ttyPrompter(open: () => TtyStreams | undefined = openTty): Prompter {
  return {
    async ask(question, options = {}) {
      const tty = open();
      if (!tty) throw noTty(question, options.hint);
      try {
        tty.output.write(printable(question.endsWith(' ') ? question : `${question} `));
        const line = await readLine(tty, options.secret ?? false);
        // a password may begin or end with a space; anything else is trimmed
        return options.secret ? line : line.trim();
      } finally {
        tty.close();
      }
    },
    async choose(question, choices, hint) {
      const tty = open();
      if (!tty) throw noTty(question, hint);
      try {
        tty.output.write(`${printable(question)}\n`);
        choices.forEach((choice, i) => tty.output.write(`  [${i + 1}] ${printable(choice.label)}\n`));
        for (;;) {
          tty.output.write(`Choose 1-${choices.length}: `);
          const answer = (await readLine(tty, false)).trim();
          const index = Number(answer);
          const choice = Number.isInteger(index) ? choices[index - 1] : undefined;
          if (choice) return choice.value;
          tty.output.write(`"${answer}" is not a number between 1 and ${choices.length}.\n`);
        }
      } finally {
        tty.close();
      }
    },
  };
}
