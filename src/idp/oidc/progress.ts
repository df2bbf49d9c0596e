// What the user must see while logging in. "Waiting for ..." on stderr: a spinner on a terminal,
// one plain line when stderr is a file or pipe, so logs stay readable. And the instructions (a URL
// to open, a device code), which also go to the terminal itself when stderr is captured: the AWS
// CLI keeps a credential_process's stderr to itself unless the process fails.
import { formatDuration } from '../../config/duration';
import type { Logger } from '../../platform/logger';
import { printable } from '../../platform/printable';
import { openTty, type TtyStreams } from '../../platform/tty';

export interface Progress {
  stop(): void;
}

const FRAMES = ['|', '/', '-', '\\'];

/**
 * `limitSeconds`: how long the wait lasts before rolecall gives up (web_identity_timeout), shown beside
 * the time waited: "(12s of 5m, Ctrl-C to cancel)"; a plain line says "(up to 5m)".
 */
export function showProgress(message: string, limitSeconds?: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  const limit = limitSeconds === undefined ? '' : formatDuration(limitSeconds);
  if (!stream.isTTY) {
    stream.write(`${message}${limit ? ` (up to ${limit})` : ''}\n`);
    return { stop() {} };
  }
  let frame = 0;
  const started = Date.now();
  const draw = () => {
    const waited = formatDuration((Date.now() - started) / 1000);
    stream.write(`\r${FRAMES[frame++ % FRAMES.length]} ${message} (${waited}${limit ? ` of ${limit}` : ''}, Ctrl-C to cancel)\u001b[K`);
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
