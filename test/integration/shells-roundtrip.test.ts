// Exports evaluated by the real shells hold exactly the values that went in. For each shell, one
// script runs 200 generated cases in one process: set stale values, run the rendered export lines
// as `source` would, then `env -0` shows what a child process would inherit, byte for byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { CLEARED_VARIABLES, credentialEnv, renderCredentials, type Exports } from '../../src/output/render';
import type { ShellFormat } from '../../src/output/formats';

const CASES = 200;
const END = '--rolecall-case-end--';

const noNul = (s: string) => s.replaceAll('\0', '');
const unicode = fc.string({ unit: 'binary', maxLength: 40 }).map(noNul).filter((s) => !/\p{Cs}/u.test(s));
const latin1 = fc.uint8Array({ maxLength: 40 }).map((bytes) => noNul(Buffer.from(bytes).toString('latin1')));
// quoting troublemakers, plus fish's internal private-use and noncharacter code points
const tricky = fc.string({
  unit: fc.constantFrom("'", '"', '\\', '$', '`', '\n', '\r', ' ', '\t', '#', ';', '*', '~', '{', '=', '%', '!', '\u2018', '\u2019', 'é', '😀', '\u0085', '\uF600', '\uF6FF', '\uFDD0', '\uFFFE', 'a'),
  maxLength: 30,
});
const value = fc.oneof(unicode, latin1, tricky);

function cases(): Exports[] {
  const extremes = ["'", "''\\''", '\\', '\\\\\'', '$(touch /tmp/rolecall-pwned)', '`id`', '\n', ' lead and trail ', '*', ''];
  const generated = fc.sample(fc.tuple(value, value, value, value), { numRuns: CASES - extremes.length, seed: 20261123 });
  return [...extremes.map((v) => [v, v, v, v] as const), ...generated].map(([accessKeyId, secretAccessKey, sessionToken, name]) => ({
    credentials: { accessKeyId, secretAccessKey, sessionToken, expiration: new Date('2026-11-23T10:00:00Z'), chain: [] },
    region: 'eu-west-1',
    extra: { AWS_ACCOUNT_NAME: name },
  }));
}

interface Shell {
  format: ShellFormat;
  argv: string[];
  /** a line that sets a stale value (plain ASCII, so no quoting questions) */
  stale(name: string): string;
}

const POSIX_STALE = (name: string) => `export ${name}=stale-${name}`;
const SHELLS: Shell[] = [
  { format: 'bash', argv: ['bash', '--norc', '--noprofile'], stale: POSIX_STALE },
  { format: 'zsh', argv: ['zsh', '-f'], stale: POSIX_STALE },
  { format: 'sh', argv: ['dash'], stale: POSIX_STALE },
  { format: 'fish', argv: ['fish', '--no-config'], stale: (name) => `set -gx ${name} stale-${name}` },
];

function installed(command: string): boolean {
  return spawnSync(command, ['-c', 'exit 0'], { stdio: 'ignore' }).status === 0;
}

// env -0 output: NAME=value entries split by NUL, cases split by the END marker. Bytes are kept as
// latin1 strings (one char per byte) so the comparison is byte for byte.
function parseEnvDumps(output: Buffer): Map<string, string>[] {
  const dumps: Map<string, string>[] = [];
  let current = new Map<string, string>();
  for (const entry of output.toString('latin1').split('\0').slice(0, -1)) {
    if (entry === END) {
      dumps.push(current);
      current = new Map();
      continue;
    }
    const eq = entry.indexOf('=');
    current.set(entry.slice(0, eq), entry.slice(eq + 1));
  }
  return dumps;
}

const asBytes = (text: string) => Buffer.from(text, 'utf8').toString('latin1');

for (const shell of SHELLS) {
  const command = shell.argv[0]!;
  test(`${command}: ${CASES} rendered exports, sourced, give a child exactly those bytes and clear stale variables`, { skip: !installed(command) && `${command} is not installed` }, () => {
    const all = cases();
    const script = all
      .map((exports) => [...CLEARED_VARIABLES.map(shell.stale), renderCredentials(shell.format, exports), `env -0; printf '%s\\0' '${END}'`].join('\n'))
      .join('\n');
    const dir = mkdtempSync(join(tmpdir(), 'rolecall-shells-'));
    try {
      const file = join(dir, `cases.${shell.format}`);
      writeFileSync(file, script);
      const result = spawnSync(shell.argv[0]!, [...shell.argv.slice(1), file], { env: { PATH: process.env.PATH, LANG: 'C.UTF-8', HOME: dir }, cwd: dir, maxBuffer: 64 * 1024 * 1024 });
      assert.equal(result.status, 0, result.stderr.toString());
      assert.equal(result.stderr.toString(), '');
      const dumps = parseEnvDumps(result.stdout);
      assert.equal(dumps.length, all.length);
      all.forEach((exports, i) => {
        const env = dumps[i]!;
        for (const [name, expected] of Object.entries(credentialEnv(exports))) {
          assert.equal(env.get(name), asBytes(expected), `case ${i}: ${name} from ${JSON.stringify(expected)}`);
        }
        for (const name of CLEARED_VARIABLES.filter((n) => !(n in credentialEnv(exports)))) {
          assert.equal(env.get(name), undefined, `case ${i}: ${name} should be unset`);
        }
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('powershell: rendered exports read back in pwsh', { skip: !installed('pwsh') && 'pwsh is not installed (the unit re-parser covers its quoting)' }, () => {
  const all = cases().slice(0, 50);
  const script = all.map((exports) => `${renderCredentials('powershell', exports)}[Console]::Out.Write($Env:AWS_SECRET_ACCESS_KEY + [char]0)`).join('\n');
  const result = spawnSync('pwsh', ['-NoProfile', '-NonInteractive', '-Command', '-'], { input: script, env: { PATH: process.env.PATH, LANG: 'C.UTF-8' } });
  assert.equal(result.status, 0, result.stderr.toString());
  assert.deepEqual(result.stdout.toString('utf8').split('\0').slice(0, -1), all.map((e) => e.credentials.secretAccessKey));
});
