// "Waiting for ..." on stderr while the user logs in: a spinner on a terminal, one plain line when
// stderr is a file or pipe (a credential_process under the AWS CLI), so logs stay readable.

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
