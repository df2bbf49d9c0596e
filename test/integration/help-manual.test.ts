// The help a user reads: `rolecall help COMMAND` is `COMMAND --help`, `-v` is `--version`, the manual
// page rendered by man(1) says everything --help says, and errors start with "rolecall:" (in red
// on a terminal, unless NO_COLOR is set to something).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runProcess, runRolecall, tempHome } from '../helpers/cli';

const MANUAL = fileURLToPath(new URL('../../dist/rolecall.1', import.meta.url));
const PTY = fileURLToPath(new URL('../helpers/oidc-pty.py', import.meta.url));
const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
const home = tempHome();

/** the command names, as `rolecall --help` lists them */
async function commandNames(): Promise<string[]> {
  const top = await runRolecall(['--help'], { env: home.env });
  assert.equal(top.code, 0);
  const block = top.stdout.split('\nCommands:\n')[1]!.split('\n\n')[0]!;
  return block.split('\n').map((line) => line.trim().split(/\s+/)[0]!);
}

test('an example broken over two lines keeps its backslash, so its words do not run together', async () => {
  for (const name of await commandNames()) {
    const help = (await runRolecall(['help', name], { env: home.env })).stdout;
    const examples = help.split('\nExamples')[1]?.split('\n\n')[0] ?? '';
    for (const line of examples.split('\n')) {
      // a backslash at a line's end inside the help's template literal joins the lines with the indent's spaces
      assert.doesNotMatch(line, /\S {3,}--?[a-z]|-- {2,}\S/, `rolecall help ${name}: ${line}`);
    }
    for (const [index, line] of examples.split('\n').entries()) {
      if (line.endsWith(' \\')) assert.match(examples.split('\n')[index + 1] ?? '', /^ {4,}\S/, `rolecall help ${name}: the line after ${line}`);
    }
  }
});

test('help COMMAND prints what COMMAND --help prints, for every command; help alone lists them', async () => {
  const names = await commandNames();
  assert.ok(names.length >= 18, `commands listed: ${names.join(' ')}`);
  for (const name of names) {
    const viaHelp = await runRolecall(['help', name], { env: home.env });
    const viaFlag = await runRolecall([name, '--help'], { env: home.env });
    assert.equal(viaHelp.code, 0, viaHelp.stderr);
    assert.match(viaHelp.stdout, new RegExp(`^Usage: rolecall ${name}\\b`));
    assert.equal(viaHelp.stdout, viaFlag.stdout, `help ${name}`);
  }
  const top = await runRolecall(['help'], { env: home.env });
  assert.equal(top.code, 0);
  assert.match(top.stdout, /Run `rolecall help <command>`/);
  const bare = await runRolecall([], { env: home.env });
  assert.equal(bare.code, 2, 'no command at all is a usage error');
  assert.equal(bare.stdout, top.stdout);
});

test('help with an unknown command is a usage error with the closest name', async () => {
  const run = await runRolecall(['help', 'exprot'], { env: home.env });
  assert.equal(run.code, 2);
  assert.equal(run.stdout, '');
  assert.equal(run.stderr, 'rolecall: help: there is no command "exprot". Did you mean "export"?\n  hint: Run `rolecall help` for the list of commands.\n');
});

test('-v, --version and version print the version of the package', async () => {
  for (const flag of ['-v', '--version', 'version']) {
    const run = await runRolecall([flag], { env: home.env });
    assert.equal(run.code, 0);
    assert.equal(run.stdout, `rolecall ${VERSION}\n`, flag);
  }
});

test('man -l renders the manual page, and it carries every line of every --help', async () => {
  const man = await runProcess('man', ['-l', MANUAL], { env: { ...home.env, MANWIDTH: '100', MANPAGER: 'cat', PAGER: 'cat' } });
  assert.equal(man.code, 0, man.stderr);
  assert.equal(man.stderr, '', 'groff has no complaint about the page');
  assert.match(man.stdout, /^ROLECALL\(1\) +User Commands +ROLECALL\(1\)\n/);
  assert.match(man.stdout, new RegExp(`rolecall ${VERSION.replace(/\./g, '\\.')}`));
  const normalize = (text: string) => text.replace(/\s+/g, ' ').trim();
  const page = normalize(man.stdout);
  let lines = 0;
  for (const name of await commandNames()) {
    const help = await runRolecall(['help', name], { env: home.env });
    for (const line of help.stdout.split('\n')) {
      if (!line.trim()) continue;
      // the page has the usage under the command's name, without "Usage:", and the global flags once, as a section
      const expected = line === 'Global flags:' ? 'GLOBAL FLAGS' : normalize(line.replace(/^Usage: /, ''));
      assert.ok(page.includes(expected), `the manual page lacks this line of \`rolecall ${name} --help\`: ${line}`);
      lines += 1;
    }
  }
  assert.ok(lines > 300, `${lines} lines compared`);
  // flags keep ASCII hyphens, so that what is copied from the page can be pasted into a shell
  assert.match(man.stdout, / --format F/);
});

test('errors start with "rolecall:", in bold red on a terminal; NO_COLOR set to something turns colour off', async () => {
  const plain = await runRolecall(['exec', 'read'], { env: home.env });
  assert.equal(plain.stderr.split('\n')[0], 'rolecall: exec needs a command to run', 'no colour when stderr is not a terminal');
  const onTerminal = async (env: NodeJS.ProcessEnv) => {
    const run = await runProcess('python3', [PTY, process.execPath, new URL('../../dist/bin.cjs', import.meta.url).pathname, 'exec', 'read'], { env });
    assert.equal(run.code, 2);
    return run.stdout;
  };
  const withoutNoColor: NodeJS.ProcessEnv = { ...home.env, TERM: 'xterm-256color' };
  delete withoutNoColor.NO_COLOR;
  assert.match(await onTerminal(withoutNoColor), /^\u001b\[1;31mrolecall:\u001b\[0m exec needs a command to run\r\n {2}\u001b\[2mhint:\u001b\[0m Usage:/);
  assert.match(await onTerminal({ ...withoutNoColor, NO_COLOR: '' }), /^\u001b\[1;31mrolecall:/, 'an empty NO_COLOR does not count (no-color.org)');
  assert.match(await onTerminal({ ...withoutNoColor, NO_COLOR: '1' }), /^rolecall: exec needs a command to run\r\n {2}hint: /);
});
