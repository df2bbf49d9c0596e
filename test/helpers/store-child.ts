// A child process for the store tests (bundled by the test with esbuild):
//   login KEY DIR     under withLock: if DIR/result exists print "hit", else "login" after 300 ms and write it
//                     (with HOLD_UNTIL_WAITED=1, also not before another process has said it waits: DIR/waiting)
//   hold KEY          take the lock, print "locked", then wait to be killed
//   write FILE        rewrite FILE atomically in a loop with alternating 256 KiB contents; "ready" after the first
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger } from '../../src/platform/logger';
import { withLock } from '../../src/store/lock';
import { writeFileAtomic } from '../../src/store/atomic-write';

const [mode, arg, dir] = process.argv.slice(2);
const deps = { env: process.env, home: process.env.HOME ?? '/nonexistent', log: createLogger() };
const staleAfterMs = Number(process.env.STALE_MS ?? 600_000);

async function main(): Promise<void> {
  if (mode === 'login') {
    const result = join(dir!, 'result');
    const outcome = await withLock(
      arg!,
      deps,
      async () => {
        if (existsSync(result)) return 'hit';
        await sleep(300);
        // on a loaded machine the others may start after a 300 ms login: hold it until one waits (10 s at most)
        for (const deadline = Date.now() + 10_000; process.env.HOLD_UNTIL_WAITED === '1' && !existsSync(join(dir!, 'waiting')) && Date.now() < deadline; ) await sleep(50);
        writeFileSync(result, String(process.pid));
        return 'login';
      },
      {
        staleAfterMs,
        onWait: (pid) => {
          writeFileSync(join(dir!, 'waiting'), '');
          process.stderr.write(`waiting for rolecall pid ${pid}\n`);
        },
      },
    );
    process.stdout.write(`${outcome}\n`);
  } else if (mode === 'hold') {
    await withLock(arg!, deps, async () => {
      process.stdout.write('locked\n');
      await sleep(3_600_000);
    });
  } else if (mode === 'write') {
    for (let i = 0; ; i++) {
      writeFileAtomic(arg!, (i % 2 ? 'b' : 'a').repeat(256 * 1024));
      if (i === 0) process.stdout.write('ready\n');
    }
  }
}

void main();
