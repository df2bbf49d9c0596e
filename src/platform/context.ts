// What every use-case may touch of the outside world, handed in so tests can replace it.
import type { Clock } from './clock';
import type { Logger } from './logger';
import type { Prompter } from './tty';

export interface Context {
  env: NodeJS.ProcessEnv;
  clock: Clock;
  log: Logger;
  prompt: Prompter;
  /** the protocol stream: only what the output format promises */
  stdout: (text: string) => void;
  stdoutIsTTY: boolean;
  /** reads all of standard input */
  readStdin: () => Promise<string>;
  home: string;
}
