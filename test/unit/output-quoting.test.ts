// Every export format reads back as exactly the values that went in, for any string: checked with
// small re-parsers written from each shell's grammar (not from our quoting functions), over
// arbitrary Unicode, arbitrary Latin-1 bytes, and strings made mostly of quoting's troublemakers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RolecallError } from '../../src/errors';
import { CLEARED_VARIABLES, credentialEnv, renderCredentials, type Exports } from '../../src/output/render';
import type { Format } from '../../src/output/formats';

type Env = Map<string, string>;

// ---- POSIX sh (bash, zsh, dash): words with '...', "...", \x; commands split on ; and newline.
// Anything that would expand or glob unquoted ($, `, *, ?, [, ~ at a word start, #) is refused, so a
// value that leaks out of its quotes fails the test instead of being "parsed" by luck.
function posixCommands(script: string): string[][] {
  const commands: string[][] = [];
  let words: string[] = [];
  let word: string | undefined;
  let i = 0;
  const endCommand = () => {
    if (word !== undefined) words.push(word);
    word = undefined;
    if (words.length) commands.push(words);
    words = [];
  };
  while (i < script.length) {
    const c = script[i]!;
    if (c === "'") {
      const end = script.indexOf("'", i + 1);
      if (end < 0) throw new Error('unterminated single quote');
      word = (word ?? '') + script.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= script.length) throw new Error('unterminated double quote');
        const d = script[i]!;
        if (d === '"') break;
        if (d === '$' || d === '`') throw new Error('expansion inside double quotes');
        if (d === '\\' && '$`"\\\n'.includes(script[i + 1] ?? '')) {
          if (script[i + 1] !== '\n') value += script[i + 1];
          i += 2;
          continue;
        }
        value += d;
        i++;
      }
      word = (word ?? '') + value;
      i++;
    } else if (c === '\\') {
      const next = script[i + 1];
      if (next === undefined) throw new Error('trailing backslash');
      if (next !== '\n') word = (word ?? '') + next;
      i += 2;
    } else if (c === ' ' || c === '\t') {
      if (word !== undefined) words.push(word);
      word = undefined;
      i++;
    } else if (c === ';' || c === '\n') {
      endCommand();
      i++;
    } else if ('$`*?[|&<>(){}'.includes(c) || (word === undefined && (c === '#' || c === '~'))) {
      throw new Error(`unquoted ${JSON.stringify(c)}`);
    } else {
      word = (word ?? '') + c;
      i++;
    }
  }
  endCommand();
  return commands;
}

function runPosix(script: string, env: Env): void {
  for (const words of posixCommands(script)) {
    const [command, ...args] = words;
    if (command === 'export' && args.length === 1) {
      const [arg] = args as [string];
      const eq = arg.indexOf('=');
      assert.ok(eq > 0, `export without =: ${arg}`);
      env.set(arg.slice(0, eq), arg.slice(eq + 1));
    } else if (command === 'unset' && args[0] === '-v' && args.length === 2) {
      env.delete(args[1]!);
    } else {
      throw new Error(`unexpected command ${JSON.stringify(words)}`);
    }
  }
}

// ---- fish: '...' where only \\ and \' are escapes, "..." (no $ here), unquoted \x escapes.
function fishCommands(script: string): string[][] {
  const commands: string[][] = [];
  let words: string[] = [];
  let word: string | undefined;
  let i = 0;
  const endCommand = () => {
    if (word !== undefined) words.push(word);
    word = undefined;
    if (words.length) commands.push(words);
    words = [];
  };
  while (i < script.length) {
    const c = script[i]!;
    if (c === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= script.length) throw new Error('unterminated single quote');
        const d = script[i]!;
        if (d === "'") break;
        if (d === '\\' && (script[i + 1] === '\\' || script[i + 1] === "'")) {
          value += script[i + 1];
          i += 2;
          continue;
        }
        value += d;
        i++;
      }
      word = (word ?? '') + value;
      i++;
    } else if (c === ' ' || c === '\t') {
      if (word !== undefined) words.push(word);
      word = undefined;
      i++;
    } else if (c === ';' || c === '\n') {
      endCommand();
      i++;
    } else if ('$*?{}()[]|&<>"\\~#'.includes(c)) {
      throw new Error(`unquoted ${JSON.stringify(c)}`);
    } else {
      word = (word ?? '') + c;
      i++;
    }
  }
  endCommand();
  return commands;
}

function runFish(script: string, env: Env): void {
  let skipping = false;
  for (const words of fishCommands(script)) {
    const [command, ...args] = words;
    if (command === 'end') skipping = false;
    else if (skipping) continue;
    else if (command === 'if' && args[0] === 'set' && args[1] === '-q' && args.length === 3) skipping = !env.has(args[2]!);
    else if (command === 'set' && args[0] === '-e' && args.length === 2) env.delete(args[1]!);
    else if (command === 'set' && args[0] === '-gx' && args.length === 3) env.set(args[1]!, args[2]!);
    else throw new Error(`unexpected command ${JSON.stringify(words)}`);
  }
}

// ---- PowerShell: single-quoted strings, where any of ' ‘ ’ ‚ ‛ delimits and two in a row are one
// literal (the second); statements end at a newline outside a string.
const PS_QUOTES = "'\u2018\u2019\u201A\u201B";

function runPowerShell(script: string, env: Env): void {
  let i = 0;
  while (i < script.length) {
    const rest = script.slice(i);
    const assign = /^\$Env:([A-Za-z_][A-Za-z0-9_]*) = /.exec(rest);
    const remove = /^Remove-Item Env:([A-Za-z_][A-Za-z0-9_]*) -ErrorAction SilentlyContinue\n/.exec(rest);
    if (remove) {
      env.delete(remove[1]!);
      i += remove[0].length;
    } else if (assign) {
      i += assign[0].length;
      assert.ok(PS_QUOTES.includes(script[i]!), 'value is not single-quoted');
      i++;
      let value = '';
      for (;;) {
        if (i >= script.length) throw new Error('unterminated string');
        const c = script[i]!;
        if (PS_QUOTES.includes(c)) {
          if (!PS_QUOTES.includes(script[i + 1] ?? '')) break;
          value += script[i + 1];
          i += 2;
          continue;
        }
        value += c;
        i++;
      }
      i++;
      assert.equal(script[i], '\n', 'statement does not end after the string');
      i++;
      env.set(assign[1]!, value);
    } else {
      throw new Error(`unexpected statement at ${JSON.stringify(rest.slice(0, 40))}`);
    }
  }
}

// ---- dotenv: the npm package's parse() (lib/main.js), restated.
const DOTENV_LINE = /(?:^|^)\s*(?:export\s+)?([\w.-]+)(?:\s*=\s*?|:\s+?)(\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"|\s*`(?:\\`|[^`])*`|[^#\r\n]+)?\s*(?:#.*)?(?:$|$)/gm;

function parseDotenv(text: string): Env {
  const env: Env = new Map();
  const source = text.replace(/\r\n?/gm, '\n');
  DOTENV_LINE.lastIndex = 0;
  for (let match = DOTENV_LINE.exec(source); match; match = DOTENV_LINE.exec(source)) {
    let value = (match[2] ?? '').trim();
    const quote = value[0];
    value = value.replace(/^(['"`])([\s\S]*)\1$/gm, '$2');
    if (quote === '"') value = value.replace(/\\n/g, '\n').replace(/\\r/g, '\r');
    env.set(match[1]!, value);
  }
  return env;
}

// ---- env: docker's --env-file reader (opts/envfile.go): lines (a trailing CR dropped), left-trimmed,
// # comments and blank lines skipped, the value everything after the first =.
function parseEnvFile(text: string): Env {
  const env: Env = new Map();
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '').trimStart();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    assert.ok(eq > 0, `line without =: ${line}`);
    env.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return env;
}

const SHELLS: Record<string, (script: string, env: Env) => void> = {
  bash: runPosix,
  zsh: runPosix,
  sh: runPosix,
  fish: runFish,
  powershell: runPowerShell,
};

function exportsWith(values: [string, string, string, string]): Exports {
  const [accessKeyId, secretAccessKey, sessionToken, name] = values;
  return {
    credentials: { accessKeyId, secretAccessKey, sessionToken, expiration: new Date('2026-11-23T10:00:00Z'), chain: [] },
    region: 'eu-west-1',
    extra: { AWS_ACCOUNT_NAME: name },
  };
}

function expectedEnv(exports: Exports, before: Env): Env {
  const env = new Map(before);
  for (const name of CLEARED_VARIABLES) env.delete(name);
  for (const [name, value] of Object.entries(credentialEnv(exports))) env.set(name, value);
  return env;
}

// A shell already holding stale values of everything an export must replace or clear.
const STALE: Env = new Map([...CLEARED_VARIABLES, 'AWS_ACCESS_KEY_ID', 'HOME'].map((name) => [name, `stale ${name}`]));

const noNul = (s: string) => s.replaceAll('\0', '');
const unicode = fc.string({ unit: 'binary', maxLength: 40 }).map(noNul).filter((s) => !/\p{Cs}/u.test(s));
const latin1 = fc.uint8Array({ maxLength: 40 }).map((bytes) => noNul(Buffer.from(bytes).toString('latin1')));
const tricky = fc.string({
  unit: fc.constantFrom("'", '"', '\\', '$', '`', '\n', '\r', ' ', '\t', '#', ';', '*', '=', '\u2018', '\u2019', '\u201A', '\u201B', 'a', 'n', 'é', '😀', '\u0085'),
  maxLength: 30,
});
const value = fc.oneof(unicode, latin1, tricky);
const values = fc.tuple(value, value, value, value);

for (const [format, run] of Object.entries(SHELLS)) {
  test(`${format}: any values read back exactly, and stale variables are cleared`, () => {
    fc.assert(
      fc.property(values, (vals) => {
        const exports = exportsWith(vals);
        const env = new Map(STALE);
        run(renderCredentials(format as Format, exports), env);
        assert.deepEqual(env, expectedEnv(exports, STALE));
      }),
      { numRuns: 400 },
    );
  });
}

/**
 * The contract of the dotenv format: double quotes cannot hold " \ $ `; single quotes and backticks
 * cannot hold a CR, their own quote or a trailing \ (read as an escaped closing quote); a bare
 * value cannot hold $ # a line break, blanks at either end or an opening quote.
 */
function dotenvCanHold(v: string): boolean {
  const bare = v !== '' && !/[$#\r\n]/.test(v) && v.trim() === v && !/^['"`]/.test(v);
  return !/["\\$`]/.test(v) || !/['\r]|\\$/.test(v) || !/[`\r]|\\$/.test(v) || bare;
}

test('dotenv: a value reads back exactly, or is refused when no dotenv quoting can hold it', () => {
  fc.assert(
    fc.property(values, (vals) => {
      const exports = exportsWith(vals);
      const impossible = vals.some((v) => !dotenvCanHold(v));
      let text: string;
      try {
        text = renderCredentials('dotenv', exports);
      } catch (error) {
        assert.ok(impossible, `refused a value dotenv can hold: ${String(error)}`);
        assert.ok(error instanceof RolecallError && error.code === 'INPUT_INVALID');
        return;
      }
      assert.ok(!impossible, 'rendered a value dotenv cannot hold');
      assert.deepEqual(parseDotenv(text), new Map(Object.entries(credentialEnv(exports))));
    }),
    { numRuns: 400 },
  );
});

test('env: a value reads back exactly, or is refused when it has a line break', () => {
  fc.assert(
    fc.property(values, (vals) => {
      const exports = exportsWith(vals);
      const impossible = vals.some((v) => /[\r\n]/.test(v));
      if (impossible) {
        assert.throws(() => renderCredentials('env', exports), (e: unknown) => e instanceof RolecallError && e.code === 'INPUT_INVALID');
        return;
      }
      assert.deepEqual(parseEnvFile(renderCredentials('env', exports)), new Map(Object.entries(credentialEnv(exports))));
    }),
    { numRuns: 400 },
  );
});

test('json and process: any value reads back through JSON.parse', () => {
  fc.assert(
    fc.property(values, (vals) => {
      const exports = exportsWith(vals);
      const process = JSON.parse(renderCredentials('process', exports)) as Record<string, unknown>;
      assert.deepEqual([process.AccessKeyId, process.SecretAccessKey, process.SessionToken], vals.slice(0, 3));
      const sts = JSON.parse(renderCredentials('json', exports)) as { Credentials: Record<string, unknown> };
      assert.deepEqual([sts.Credentials.AccessKeyId, sts.Credentials.SecretAccessKey, sts.Credentials.SessionToken], vals.slice(0, 3));
    }),
    { numRuns: 200 },
  );
});

test('the re-parsers reject what a shell would expand, so a value escaping its quotes is caught', () => {
  assert.throws(() => runPosix("export A='x'$HOME;", new Map()), /unquoted "\$"/);
  assert.throws(() => runFish("set -gx A 'x'(pwd);", new Map()), /unquoted "\("/);
  assert.throws(() => runPowerShell("$Env:A = 'x' + $HOME\n", new Map()), /does not end/);
  assert.throws(() => runPosix("export A='it's';", new Map()), /unterminated/);
});
