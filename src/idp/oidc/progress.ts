// What the user must see while logging in. "Waiting for ..." on stderr: a spinner on a terminal,
// one plain line when stderr is a file or pipe, so logs stay readable. And the instructions (a URL
// to open, a device code), which also go to the terminal itself when stderr is captured: the AWS
// CLI keeps a credential_process's stderr to itself unless the process fails.
import type { Logger } from '../../platform/logger';
import { printable } from '../../platform/printable';
import { openTty, type TtyStreams } from '../../platform/tty';

export interface Progress {
  stop(): void;
}

const FRAMES = ['|', '/', '-', '\\'];

export function showProgress(message: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) {
    stream.write(`${message}\n`);
    return { stop() {} };
  }
  let frame = 0;
  const started = Date.now();
  const draw = () => {
    const seconds = Math.floor((Date.now() - started) / 1000);
    stream.write(`\r${FRAMES[frame++ % FRAMES.length]} ${message} (${seconds}s, Ctrl-C to cancel)\u001b[K`);
  };
  draw();
  const timer = setInterval(draw, 250);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      stream.write('\r\u001b[K');
    },
  };
}

export function tellUser(message: string, log: Logger, stderrIsTTY = process.stderr.isTTY === true, open: () => TtyStreams | undefined = openTty): void {
  log.info(message);
  if (stderrIsTTY) return;
  const tty = open();
  if (!tty) return;
  try {
    tty.output.write(`${printable(log.mask(message))}\n`);
  } finally {
    tty.close();
  }
}
