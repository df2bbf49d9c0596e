// The entry point. A cache hit for `rolecall export P --format process` is answered here with
// node builtins only (src/fastpath), in about the time Node takes to start; everything else is in
// main.cjs, loaded only when needed.
import { homedir } from 'node:os';
import { isatty } from 'node:tty';
import { serveFromCache } from './fastpath/serve';

function run(): void {
  const argv = process.argv.slice(2);
  const hit = serveFromCache({ argv, env: process.env, home: process.env.HOME || homedir(), stdoutIsTTY: isatty(1), nowMs: Date.now() });
  if (hit !== undefined) {
    process.stdout.write(hit);
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
