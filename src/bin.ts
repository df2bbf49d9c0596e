// The entry point. Kept to node:fs/node:path so that a cache hit answers in about the time
// Node takes to start; everything else is in main.cjs, loaded only when needed.

function run(): void {
  const argv = process.argv.slice(2);
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
