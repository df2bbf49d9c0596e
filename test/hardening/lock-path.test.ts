// What another program (or a user's mistake) can leave at a lock path: a dangling symbolic link or
// a directory. rolecall used to loop on them without sleeping and never reach its deadline check,
// spinning a CPU until killed; now it stops at once with an error that names the path.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, rmSync, symlinkSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { useBastionTestbed } from '../helpers/bastion';
import { runRolecall, type Home } from '../helpers/cli';

describe('a lock path that is not a lock file', () => {
  let home: Home;
  let cache: string;

  useBastionTestbed((_testbed, startedHome) => {
    home = startedHome;
    cache = home.env.ROLECALL_CACHE_DIR!;
  });

  /** fills the cache once, then empties it and plants `plant` at the lock path of every key */
  async function planted(plant: (path: string) => void): Promise<string[]> {
    rmSync(cache, { recursive: true, force: true });
    const first = await runRolecall(['export', 'read', '--format', 'process'], { env: home.env });
    assert.equal(first.code, 0, first.stderr);
    const keys = readdirSync(join(cache, 'credentials')).map((name) => name.replace(/\.json$/, ''));
    assert.ok(keys.length > 0);
    for (const sub of ['credentials', 'fast', 'locks']) rmSync(join(cache, sub), { recursive: true, force: true });
    mkdirSync(join(cache, 'locks'), { recursive: true, mode: 0o700 });
    const paths = keys.map((key) => join(cache, 'locks', `${key}.lock`));
    paths.forEach(plant);
    return paths;
  }

  const cases = [
    { what: 'a symbolic link', plant: (path: string) => symlinkSync(join(cache, 'nowhere'), path) },
    {
      what: 'a directory',
      plant: (path: string) => {
        mkdirSync(path);
        // old enough to look abandoned: the takeover then failed to remove it, round and round
        utimesSync(path, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
      },
    },
  ];
  for (const { what, plant } of cases) {
    it(`${what} at the lock path: a clear error at once, no spinning`, async () => {
      const paths = await planted(plant);
      const began = Date.now();
      const result = await runRolecall(['export', 'read', '--format', 'process'], { env: home.env, timeoutMs: 20_000 });
      const seconds = (Date.now() - began) / 1000;
      assert.equal(result.signal, null, `rolecall had to be killed after ${seconds.toFixed(1)} s`);
      assert.equal(result.code, 1, result.stderr);
      assert.equal(result.stdout, '');
      const named = paths.find((path) => result.stderr.includes(path));
      assert.ok(named, `the error names the lock path:\n${result.stderr}`);
      assert.match(result.stderr, new RegExp(`the lock \\S+\\.lock is ${what}, not a lock file rolecall made\\n {2}hint: Remove it \\(rm -r \\S+\\.lock\\)`));
      assert.ok(seconds < 10, `took ${seconds.toFixed(1)} s`);
    });
  }
});
