// The cache-hit path as the AWS CLI meets it: after one full-path export, the next identical call
// is answered by dist/bin.cjs alone (main.cjs made unloadable proves it) with the same bytes; a
// config edit sends it back through the full path; and 32 concurrent credential_process calls
// through the real AWS CLI v2 cause one MFA session and one AssumeRole.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestbed, type Testbed } from '../../testbed/index';
import { BIN, runProcess, runRolecall, type Home } from '../helpers/cli';
import { bastionHome } from '../helpers/bastion';

const AWS = '/usr/bin/aws';

let testbed: Testbed;
let fastOnly: string;

before(async () => {
  testbed = await startTestbed();
  // a copy of the entry whose main.cjs refuses to load: whatever it answers, it answered alone
  const dir = mkdtempSync(join(tmpdir(), 'rolecall-fastonly-'));
  copyFileSync(BIN, join(dir, 'bin.cjs'));
  writeFileSync(join(dir, 'main.cjs'), 'process.stderr.write("main.cjs loaded\\n"); process.exit(99);\n');
  fastOnly = join(dir, 'bin.cjs');
});
after(async () => {
  rmSync(join(fastOnly, '..'), { recursive: true, force: true });
  await testbed.close();
});

const consumer = `
[profile consumer]
credential_process = ${process.execPath} ${BIN} export read --format process
region = us-east-1
`;

function withHome(fn: (home: Home) => Promise<void>): () => Promise<void> {
  return async () => {
    const home = bastionHome(testbed, consumer);
    try {
      await fn(home);
    } finally {
      home.remove();
    }
  };
}

test(
  'a cache hit is answered without main.cjs, byte for byte what the full path printed',
  withHome(async (home) => {
    const full = await runRolecall(['export', 'read', '--format', 'process'], { env: home.env });
    assert.equal(full.code, 0, full.stderr);
    assert.match(full.stdout, /^\{"Version":1,"AccessKeyId":"ASIA/);
    for (const argv of [
      ['export', 'read', '--format', 'process'],
      ['export', 'read', '--format=process'],
      ['export', 'read'], // stdout is a pipe: process is the default
    ]) {
      const fast = await runProcess(process.execPath, [fastOnly, ...argv], { env: home.env });
      assert.equal(fast.stderr, '', argv.join(' '));
      assert.equal(fast.code, 0);
      assert.equal(fast.stdout, full.stdout, argv.join(' '));
    }
    // the same request through the full path (--debug) finds the same cached credentials
    const again = await runRolecall(['export', 'read', '--format', 'process', '--debug'], { env: home.env });
    assert.equal(again.stdout, full.stdout);
  }),
);

test(
  'any doubt goes to the full path: an edited config, --refresh, another profile, another AWS_REGION',
  withHome(async (home) => {
    const full = await runRolecall(['export', 'read', '--format', 'process'], { env: home.env });
    assert.equal(full.code, 0, full.stderr);
    const viaMain = async (argv: string[], env = home.env) => {
      const r = await runProcess(process.execPath, [fastOnly, ...argv], { env });
      assert.equal(r.code, 99, `${argv.join(' ')} should have needed main.cjs`);
    };
    await viaMain(['export', 'read', '--format', 'process', '--refresh']);
    await viaMain(['export', 'admin', '--format', 'process']);
    await viaMain(['export', 'read', '--format', 'process'], { ...home.env, AWS_REGION: 'eu-west-1' });
    appendFileSync(join(home.dir, '.aws', 'config'), '\n[profile other]\nregion = eu-west-1\n');
    await viaMain(['export', 'read', '--format', 'process']);
    // the full path run after the edit records the new state, and the fast path answers again
    const after = await runRolecall(['export', 'read', '--format', 'process'], { env: home.env });
    assert.equal(after.stdout, full.stdout);
    const fast = await runProcess(process.execPath, [fastOnly, 'export', 'read', '--format', 'process'], { env: home.env });
    assert.equal(fast.code, 0, fast.stderr);
    assert.equal(fast.stdout, full.stdout);
  }),
);

test(
  '32 concurrent credential_process calls through the AWS CLI v2: one MFA session, one AssumeRole, the same credentials',
  { timeout: 180_000 },
  withHome(async (home) => {
    testbed.aws.resetCalls();
    const calls = await Promise.all(
      Array.from({ length: 32 }, () =>
        runProcess(AWS, ['configure', 'export-credentials', '--profile', 'consumer', '--format', 'process'], { env: home.env, timeoutMs: 150_000 }),
      ),
    );
    for (const c of calls) assert.equal(c.code, 0, c.stderr);
    const keys = new Set(calls.map((c) => (JSON.parse(c.stdout) as { AccessKeyId: string }).AccessKeyId));
    assert.equal(keys.size, 1, 'every caller got the same credentials');
    assert.equal(testbed.aws.calls('GetSessionToken'), 1);
    assert.equal(testbed.aws.calls('AssumeRole'), 1);
  }),
);

test(
  'a 900-second session is served from the cache (the refresh window is at most a third of its life), by the fast path too',
  withHome(async (home) => {
    appendFileSync(home.env.AWS_CONFIG_FILE!, '\n[profile short]\nrole_arn = arn:aws:iam::222222222222:role/read\nsource_profile = bastion\nduration_seconds = 900\n');
    const first = await runRolecall(['export', 'short', '--format', 'process'], { env: home.env });
    assert.equal(first.code, 0, first.stderr);
    const minutes = (Date.parse((JSON.parse(first.stdout) as { Expiration: string }).Expiration) - Date.now()) / 60000;
    assert.ok(minutes > 14 && minutes <= 15, `a ${minutes}-minute session`);
    testbed.aws.resetCalls();
    const again = await runRolecall(['export', 'short', '--format', 'process'], { env: home.env });
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout, first.stdout);
    const fast = await runProcess(process.execPath, [fastOnly, 'export', 'short', '--format', 'process'], { env: home.env });
    assert.equal(fast.code, 0, fast.stderr);
    assert.equal(fast.stdout, first.stdout);
    assert.equal(testbed.aws.calls('AssumeRole'), 0);
  }),
);
