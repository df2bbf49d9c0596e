// The single executable (npm run build:binary) on a machine without Node.js: PATH holds a shell and
// nothing else, and the executable answers --version, gets credentials from the testbed's STS,
// serves the next call from the cache, runs a command with them, loads the keyring addon it
// carries, and says plainly that a saml_sso_url profile needs the npm package.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestbed, type Testbed } from '../../testbed/index';
import { runProcess, type Home } from '../helpers/cli';
import { bastionHome } from '../helpers/bastion';
import { keyringAvailable } from '../helpers/keyring';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const EXE = join(ROOT, 'dist', `rolecall-${process.platform}-${process.arch}`);
const VERSION = (JSON.parse(spawnSync('npm', ['pkg', 'get', 'version', '--json'], { cwd: ROOT, encoding: 'utf8' }).stdout) as string);

let testbed: Testbed;
let home: Home;
let env: NodeJS.ProcessEnv;

before(async () => {
  const built = spawnSync(process.execPath, ['scripts/build-binary.mjs'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(built.status, 0, built.stderr);
  assert.equal(built.stderr, '', 'the build prints no warnings');
  testbed = await startTestbed();
  home = bastionHome(testbed);
  // a PATH with a shell and keyctl, and no node anywhere on it
  const bin = join(home.dir, 'bin');
  mkdirSync(bin);
  for (const tool of ['sh', 'keyctl']) {
    const found = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
    if (found) symlinkSync(found, join(bin, tool));
  }
  env = { ...home.env, PATH: bin };
});
after(async () => {
  home?.remove();
  await testbed?.close();
});

test('the executable is one file that runs without node on PATH', async () => {
  assert.ok(statSync(EXE).mode & 0o100, 'executable');
  const which = spawnSync('sh', ['-c', 'command -v node'], { env, encoding: 'utf8' });
  assert.notEqual(which.status, 0, 'no node on this PATH');
  assert.equal(which.stdout, '');
  for (const flag of ['--version', '-v']) {
    const run = await runProcess(EXE, [flag], { env });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, `rolecall ${VERSION}\n`);
    assert.equal(run.stderr, '', 'no experimental-feature warning');
  }
  const help = await runProcess(EXE, ['help', 'exec'], { env });
  assert.match(help.stdout, /^Usage: rolecall exec /);
  // what it writes to run itself again names the executable alone, not node and a script
  const completion = await runProcess(EXE, ['completion', 'bash'], { env });
  assert.ok(completion.stdout.includes(`'${EXE}' completion --candidates`), completion.stdout);
});

test('the executable gets credentials, serves the next call from its cache, and runs a command with them', async () => {
  const first = await runProcess(EXE, ['export', 'deploy', '--format', 'process'], { env });
  assert.equal(first.code, 0, first.stderr);
  const creds = JSON.parse(first.stdout) as { AccessKeyId: string; SecretAccessKey: string };
  assert.match(creds.AccessKeyId, /^ASIA/);
  const calls = testbed.aws.calls('AssumeRole');
  const hit = await runProcess(EXE, ['export', 'deploy', '--format', 'process'], { env });
  assert.equal(hit.code, 0, hit.stderr);
  assert.equal(hit.stdout, first.stdout, 'the cached credentials');
  assert.equal(testbed.aws.calls('AssumeRole'), calls, 'no STS call');
  const exec = await runProcess(EXE, ['exec', 'deploy', '--', 'sh', '-c', 'printf "%s %s" "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY"; exit 7'], { env });
  assert.equal(exec.code, 7, exec.stderr);
  assert.equal(exec.stdout, `${creds.AccessKeyId} ${creds.SecretAccessKey}`);
});

test('the executable loads the keyring addon it carries', { skip: !keyringAvailable('keyutils') && 'keyctl (Debian keyutils) is not installed' }, async () => {
  const run = await runProcess('keyctl', ['session', '-', EXE, 'keys', 'rm', 'bob'], { env: { ...env, ROLECALL_KEYRING: 'keyutils' } });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /No keys were stored for profile bob in the kernel keyring \(keyutils\), session keyring\./);
  const cache = env.ROLECALL_CACHE_DIR!;
  const addons = readdirSync(cache).filter((f) => /^keyring-[0-9a-f]{16}\.node$/.test(f));
  assert.equal(addons.length, 1, readdirSync(cache).join(' '));
  assert.equal(statSync(join(cache, addons[0]!)).mode & 0o777, 0o700);
  assert.ok(existsSync(cache));
});

test('the executable says plainly that a saml_sso_url profile needs the npm package, before looking for a browser, and doctor says the same', async () => {
  const config = home.write('.aws/saml-browser-config', `[profile corp]\nsaml_sso_url = ${testbed.idp.origin}/saml/app/aws/sso\nrole_arn = arn:aws:iam::222222222222:role/saml-developer\n`);
  const run = await runProcess(EXE, ['export', 'corp', '--format', 'env'], { env: { ...env, AWS_CONFIG_FILE: config } });
  assert.equal(run.code, 1);
  assert.equal(run.stdout, '');
  const lines = run.stderr.split('\n').filter((line) => line.startsWith('rolecall:') || line.startsWith('  hint:'));
  assert.deepEqual(lines, [
    'rolecall: this single-file executable has no DevTools client (playwright-core) to drive the browser a saml_sso_url profile signs in with',
    '  hint: Install rolecall from npm (npm install -g rolecall), which brings playwright-core along; the single-file executable cannot drive a browser.',
  ]);
  const doctor = await runProcess(EXE, ['doctor', 'corp'], { env: { ...env, AWS_CONFIG_FILE: config } });
  assert.equal(doctor.code, 1);
  assert.match(doctor.stdout, /\n {2}FAIL this single-file executable has no DevTools client \(playwright-core\) to drive the browser a saml_sso_url profile signs in with\n/);
});
