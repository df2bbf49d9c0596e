// `rolecall shims install|uninstall|list` through the built binary, with real directories on PATH:
// where the shims go, that an old tool's own file is never overwritten or removed, what `list`
// shows, and doctor's word on which of a shim and an old tool runs.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { installRolecall, runProcess, runRolecall, tempHome, type Home } from '../helpers/cli';

const TOOLS = ['aws-oidc', 'aws-cli-oidc', 'aws-runas', 'assume-role'];
let home: Home;
let local: string;
let old: string;

before(() => {
  home = tempHome();
  installRolecall(home);
  local = join(home.dir, '.local', 'bin');
  old = join(home.dir, 'old-tools');
  mkdirSync(old);
  // the old aws-oidc, as its installer left it
  writeFileSync(join(old, 'aws-oidc'), '#!/bin/sh\necho "the old aws-oidc $*"\n', { mode: 0o755 });
  home.write('.aws/config', '[default]\nregion = us-east-1\n');
});
after(() => home.remove());

const rolecall = (args: string[], env = home.env) => runProcess('rolecall', args, { env });

test('install writes the four shims into ~/.local/bin when it is on PATH, and they run rolecall', async () => {
  const env = { ...home.env, PATH: `${local}:${old}:${home.env.PATH}` };
  const result = await rolecall(['shims', 'install'], env);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stderr, `Wrote ${TOOLS.map((t) => join(local, t)).join(', ')}.\n`);
  for (const tool of TOOLS) {
    assert.equal(statSync(join(local, tool)).mode & 0o777, 0o755);
    assert.match(readFileSync(join(local, tool), 'utf8'), new RegExp(`^#!/bin/sh\\n# rolecall shim for ${tool}: `));
  }
  // rolecall is on PATH here, so the shims run it by name
  assert.match(readFileSync(join(local, 'aws-oidc'), 'utf8'), /\nexec rolecall "\$@"\n$/);
  const version = await runProcess('aws-oidc', ['--version'], { env });
  assert.equal(version.code, 0, version.stderr);
  assert.match(version.stdout, /^rolecall \d+\.\d+\.\d+/);
  // assume-role sourced by a shell that is neither bash nor zsh: it says so and returns, instead of
  // replacing the shell (an rc file sourcing it would otherwise end the login)
  const sourced = await runProcess('dash', ['-c', '. "$(command -v assume-role)"; echo "the shell goes on: $?"'], { env });
  assert.equal(sourced.code, 0, sourced.stderr);
  assert.equal(sourced.stdout, 'the shell goes on: 1\n');
  assert.match(sourced.stderr, /^assume-role: sourced, it defines the assume-role function in bash and zsh only; here use eval "\$\(assume-role ACCOUNT ROLE \[MFA\]\)"\n$/);

  const list = await rolecall(['shims', 'list'], env);
  assert.equal(list.code, 0, list.stderr);
  assert.equal(
    list.stdout,
    [
      `aws-oidc\t${join(local, 'aws-oidc')}\trolecall shim`,
      `aws-oidc\t${join(old, 'aws-oidc')}\tanother program (shadowed)`,
      `aws-cli-oidc\t${join(local, 'aws-cli-oidc')}\trolecall shim`,
      `aws-runas\t${join(local, 'aws-runas')}\trolecall shim`,
      `assume-role\t${join(local, 'assume-role')}\trolecall shim`,
      '',
    ].join('\n'),
  );

  // doctor: the shim comes first, so `aws-oidc` runs rolecall
  const first = await rolecall(['doctor', '--no-cache'], env);
  assert.match(first.stdout, new RegExp(`info rolecall's aws-oidc shim \\(${join(local, 'aws-oidc')}\\) comes first on PATH, before the old aws-oidc at ${join(old, 'aws-oidc')}: \`aws-oidc\` runs rolecall`));
  // the old tool first: it still runs, and doctor says what to do
  const shadowed = await rolecall(['doctor', '--no-cache'], { ...env, PATH: `${old}:${local}:${home.env.PATH}` });
  assert.match(shadowed.stdout, new RegExp(`WARN the old aws-oidc at ${join(old, 'aws-oidc')} comes first on PATH, before rolecall's shim at ${join(local, 'aws-oidc')}: \`aws-oidc\` still runs the old tool`));
  assert.match(shadowed.stdout, new RegExp(`Uninstall the old aws-oidc, or put ${local} before ${old} in PATH\\.`));
});

test("install never overwrites a file that is not rolecall's, and writes nothing then; uninstall removes only rolecall's", async () => {
  const env = { ...home.env, PATH: `${local}:${old}:${home.env.PATH}` };
  const before = readFileSync(join(old, 'aws-oidc'), 'utf8');
  const refused = await rolecall(['shims', 'install', old], env);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, new RegExp(`^rolecall: shims install will not overwrite ${join(old, 'aws-oidc')}: it is not rolecall's\\n  hint: `));
  assert.equal(readFileSync(join(old, 'aws-oidc'), 'utf8'), before);
  assert.equal(existsSync(join(old, 'aws-runas')), false, 'nothing written');

  // into a directory that is not on PATH: written, with a warning
  const elsewhere = join(home.dir, 'elsewhere');
  const off = await rolecall(['shims', 'install', elsewhere], env);
  assert.equal(off.code, 0, off.stderr);
  assert.match(off.stderr, new RegExp(`warning: ${elsewhere} is not on your PATH: add it, or the shims will not be found by name\\.`));

  // uninstall without DIR: every rolecall shim on PATH; the old tool stays, so does a DIR not on PATH
  const removed = await rolecall(['shims', 'uninstall'], env);
  assert.equal(removed.code, 0, removed.stderr);
  assert.equal(removed.stderr, `Removed ${TOOLS.map((t) => join(local, t)).join(', ')}.\n`);
  assert.equal(readFileSync(join(old, 'aws-oidc'), 'utf8'), before);
  assert.ok(existsSync(join(elsewhere, 'aws-runas')));
  const named = await rolecall(['shims', 'uninstall', elsewhere], env);
  assert.equal(named.code, 0, named.stderr);
  assert.equal(existsSync(join(elsewhere, 'aws-runas')), false);
  const none = await rolecall(['shims', 'uninstall'], env);
  assert.equal(none.stderr, 'No rolecall shims on your PATH.\n');
});

test('without a writable directory of yours on PATH, install asks for one', async () => {
  const result = await runRolecall(['shims', 'install'], { env: { ...home.env, PATH: '/usr/bin:/bin' } });
  assert.equal(result.code, 2);
  assert.match(result.stderr, /^rolecall: shims install found no directory on your PATH that it can write under your home directory\n {2}hint: Name one: rolecall shims install DIR/);
  const bad = await rolecall(['shims', 'remove'], home.env);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^rolecall: shims does not know "remove"/);
});
