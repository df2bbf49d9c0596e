// rolecall as npm users get it: `npm pack` makes a tarball that `npm install -g` puts into a fresh
// prefix and `npx` runs, with no build step, no install script, nothing pointing back into this
// checkout, and every file the CLI names (the guides, the manual page) inside the package. The
// installed copy answers --version and --help, serves a cache hit, and runs doctor.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestbed, type Testbed } from '../../testbed/index';
import { runProcess, type Home } from '../helpers/cli';
import { bastionHome } from '../helpers/bastion';

const ROOT = realpathSync(fileURLToPath(new URL('../..', import.meta.url)));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
// the npm cache this machine's `npm ci` filled: the tarball's one dependency comes from there
const NPM_CACHE = execFileSync('npm', ['config', 'get', 'cache'], { encoding: 'utf8' }).trim();

let work: string;
let tarball: string;
let prefix: string;
let installed: string;
let testbed: Testbed;
let home: Home;

/** the environment of a user whose PATH has the fresh prefix first */
function userEnv(): NodeJS.ProcessEnv {
  return { ...home.env, PATH: `${join(prefix, 'bin')}:${process.env.PATH}`, npm_config_cache: NPM_CACHE, npm_config_update_notifier: 'false' };
}

function npm(args: string[], env: NodeJS.ProcessEnv) {
  return runProcess('npm', [...args, '--prefer-offline', '--no-audit', '--no-fund'], { env, cwd: work, timeoutMs: 180_000 });
}

function sizeOf(path: string): number {
  const stats = lstatSync(path);
  if (!stats.isDirectory()) return stats.size;
  return readdirSync(path).reduce((sum, name) => sum + sizeOf(join(path, name)), 0);
}

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'rolecall-pack-'));
  testbed = await startTestbed();
  home = bastionHome(testbed);
  const pack = await runProcess('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work, ROOT], { env: { ...process.env, npm_config_update_notifier: 'false' }, cwd: work });
  assert.equal(pack.code, 0, pack.stderr);
  tarball = join(work, (JSON.parse(pack.stdout) as { filename: string }[])[0]!.filename);
  prefix = join(work, 'prefix');
  const install = await npm(['install', '--global', '--prefix', prefix, tarball], userEnv());
  assert.equal(install.code, 0, install.stderr);
  assert.doesNotMatch(install.stderr, /warn/i, 'installing prints no warning');
  installed = join(prefix, 'lib', 'node_modules', 'rolecall');
});
after(async () => {
  home.remove();
  await testbed.close();
  rmSync(work, { recursive: true, force: true });
});

test('the tarball carries the built CLI, the manual page and the guides, and no source, tests or install script', (t) => {
  const files = (function list(dir: string, base = ''): string[] {
    return readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? list(join(dir, name), `${base}${name}/`) : [`${base}${name}`]));
  })(installed).filter((f) => !f.startsWith('node_modules/'));
  assert.ok(files.includes('dist/bin.cjs') && files.includes('dist/main.cjs') && files.includes('dist/rolecall.1'), files.join(' '));
  assert.ok(files.includes('docs/README.md') && files.includes('README.md'), files.join(' '));
  assert.deepEqual(files.filter((f) => /^(src|test|testbed|scripts|bench)\/|\.ts$|rolecall-(linux|darwin|win32)/.test(f)), []);
  const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { scripts?: Record<string, string>; dependencies?: Record<string, string> };
  for (const hook of ['preinstall', 'install', 'postinstall', 'prepare']) assert.equal(manifest.scripts?.[hook], undefined, `no ${hook} script`);
  // the keyring's native addon, and the DevTools client of browser SAML sign-ins (imported only by one); everything else is bundled into dist/
  assert.deepEqual(Object.keys(manifest.dependencies ?? {}), ['@napi-rs/keyring', 'playwright-core']);
  // nothing installed points back into this checkout
  const bin = realpathSync(join(prefix, 'bin', 'rolecall'));
  assert.equal(bin, join(realpathSync(installed), 'dist', 'bin.cjs'));
  for (const file of ['dist/bin.cjs', 'dist/main.cjs', 'dist/rolecall.1']) assert.ok(!readFileSync(join(installed, file), 'utf8').includes(ROOT), `${file} names ${ROOT}`);
  assert.ok(existsSync(join(prefix, 'share', 'man', 'man1', 'rolecall.1')), 'npm links the manual page for man(1)');
  const bytes = sizeOf(installed);
  const own = bytes - sizeOf(join(installed, 'node_modules'));
  const devtools = sizeOf(join(installed, 'node_modules', 'playwright-core'));
  assert.ok(bytes - devtools < 10 * 1024 * 1024, `installed size ${bytes} bytes, ${devtools} of them playwright-core`);
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
  t.diagnostic(`installed size ${mb(bytes)}: rolecall ${mb(own)}, the keyring addon ${mb(bytes - own - devtools)}, playwright-core ${mb(devtools)}`);
});

test('the installed rolecall answers --version and --help, and every guide its help names is installed', async () => {
  const env = userEnv();
  const version = await runProcess('rolecall', ['--version'], { env, cwd: work });
  assert.equal(version.code, 0, version.stderr);
  assert.equal(version.stdout, `rolecall ${pkg.version}\n`);
  const help = await runProcess('rolecall', ['--help'], { env, cwd: work });
  assert.equal(help.code, 0);
  const guides = /The guides the help names \(docs\/\*\.md\) are in (.+)\n/.exec(help.stdout)?.[1];
  assert.equal(guides, join(realpathSync(installed), 'docs'), help.stdout);
  const named = new Set<string>();
  const commands = help.stdout.split('\nCommands:\n')[1]!.split('\n\n')[0]!.split('\n').map((l) => l.trim().split(/\s+/)[0]!);
  for (const name of commands) {
    const text = (await runProcess('rolecall', ['help', name], { env, cwd: work })).stdout;
    for (const [doc] of text.matchAll(/docs\/[\w.-]+\.md/g)) named.add(doc);
  }
  assert.ok(named.size > 0, 'the help names guides');
  for (const doc of named) assert.ok(existsSync(join(installed, doc)), `${doc} is named by the help but not installed`);
  const man = await runProcess('man', ['rolecall'], { env: { ...env, MANPATH: join(prefix, 'share', 'man'), MANPAGER: 'cat', MANWIDTH: '100' }, cwd: work });
  assert.equal(man.code, 0, man.stderr);
  assert.match(man.stdout, /^ROLECALL\(1\)/, '`man rolecall` finds the page in the prefix');
});

test('the installed rolecall serves a cache hit and runs doctor', async () => {
  const env = userEnv();
  const first = await runProcess('rolecall', ['export', 'read', '--format', 'process'], { env, cwd: work });
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /^\{"Version":1,"AccessKeyId":"ASIA/);
  const assumed = testbed.aws.calls('AssumeRole');
  const hit = await runProcess('rolecall', ['export', 'read', '--format', 'process'], { env, cwd: work });
  assert.equal(hit.code, 0, hit.stderr);
  assert.equal(hit.stdout, first.stdout, 'the same credentials, from the cache');
  assert.equal(testbed.aws.calls('AssumeRole'), assumed, 'no STS call for the hit');
  const doctor = await runProcess('rolecall', ['doctor', 'read'], { env, cwd: work });
  assert.equal(doctor.code, 0, doctor.stdout + doctor.stderr);
  assert.match(doctor.stdout, /^profile read \(from argument PROFILE\)/);
  assert.match(doctor.stdout, /\n  ok   STS http:\/\/127\.0\.0\.1:\d+ answers/);
});

test('npx runs the tarball', async () => {
  const run = await npm(['exec', '--yes', `--package=${tarball}`, '--', 'rolecall', '--version'], { ...userEnv(), PATH: dirname(process.execPath) + ':' + process.env.PATH });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, `rolecall ${pkg.version}\n`);
});
