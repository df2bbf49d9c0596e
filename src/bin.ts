// The entry point. A cache hit for `rolecall export P --format process` is answered here with
// node builtins only (src/fastpath), in about the time Node takes to start; everything else is in
// main.cjs, loaded only when needed.
import { fstatSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { serveFromCache } from './fastpath/serve';

/**
 * node:tty (with net and streams behind it) costs more than the whole cache hit; a character
 * device is a terminal or /dev/null, and either way the full path decides, so this errs safe.
 */
function stdoutMayBeTerminal(): boolean {
  try {
    return fstatSync(1).isCharacterDevice();
  } catch {
    return true;
  }
}

/** process.stdout would load net and streams; a blocking write of a few hundred bytes needs neither */
function print(text: string): void {
  let buffer = Buffer.from(text);
  while (buffer.length > 0) {
    try {
      buffer = buffer.subarray(writeSync(1, buffer));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      process.stdout.write(buffer);
      return;
    }
  }
}

function run(): void {
  const argv = process.argv.slice(2);
  const hit = serveFromCache({ argv, env: process.env, home: process.env.HOME || homedir(), stdoutIsTTY: stdoutMayBeTerminal(), nowMs: Date.now() });
  if (hit !== undefined) {
    print(hit);
    return;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { main } = require('./main.cjs') as typeof import('./main');
  main(argv).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`rolecall: unexpected error: ${String(error)}\n`);
      process.exitCode = 70;
    },
  );
}

run();
