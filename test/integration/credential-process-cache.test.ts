// Someone else's credential_process (a slow helper script standing in for granted, aws-sso-util or a
// corporate script) gets rolecall's cache and lock when used through rolecall: 32 calls at once run
// it once, its answer is reused until its Expiration enters the refresh window, an answer without
// an Expiration is never cached, and `credential_process = rolecall export P` makes the AWS CLI
// fast with it. doctor and --debug say whether the answer came from the cache.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestbed, type Testbed } from '../../testbed/index';
import { BIN, runProcess, runRolecall, type Home } from '../helpers/cli';
import { bastionHome } from '../helpers/bastion';

const AWS = '/usr/bin/aws';

interface ProcessJson {
  Version: number;
  AccessKeyId: string;
  Expiration?: string;
}

let testbed: Testbed;
let home: Home;
const runsOf = (name: string) => readFileSync(`${home.dir}/${name}.runs`, 'utf8').split('\n').filter(Boolean).length;

before(async () => {
  testbed = await startTestbed();
  home = bastionHome(testbed);
  // a slow helper that gets real role credentials (rolecall itself, uncached, standing in for another tool)
  const slow = home.write('slow-helper.sh', `#!/bin/sh\necho run >> "${home.dir}/slow.runs"\nsleep 1\nexec "${process.execPath}" "${BIN}" export deploy --format process --no-cache\n`, 0o700);
  // answers that expire in 18 seconds, and answers with no Expiration at all
  const short = home.write(
    'short-helper.sh',
    `#!/bin/sh\necho run >> "${home.dir}/short.runs"\nn=$(wc -l < "${home.dir}/short.runs")\nprintf '{"Version":1,"AccessKeyId":"ASIASHORT%08d","SecretAccessKey":"s","SessionToken":"t","Expiration":"%s"}\\n' "$n" "$(date -u -d @$(( $(date +%s) + 18 )) +%Y-%m-%dT%H:%M:%SZ)"\n`,
    0o700,
  );
  const forever = home.write('forever-helper.sh', `#!/bin/sh\necho run >> "${home.dir}/forever.runs"\nprintf '{"Version":1,"AccessKeyId":"AKIAFOREVER","SecretAccessKey":"s"}\\n'\n`, 0o700);
  home.write(
    '.aws/config',
    `${readFileSync(home.env.AWS_CONFIG_FILE!, 'utf8')}
[profile slow]
credential_process = ${slow}
endpoint_url = ${testbed.aws.url}

[profile fast]
credential_process = ${process.execPath} ${BIN} export slow --format process

[profile short]
credential_process = ${short}
refresh_window = 6s

[profile forever]
credential_process = ${forever}
`,
  );
});
after(async () => {
  home.remove();
  await testbed.close();
});

describe('any credential_process, cached and locked', { concurrency: false }, () => {
  it('32 parallel calls run the command once; the AWS CLI through `rolecall export` reuses the answer; --debug and doctor say it came from the cache', { timeout: 180_000 }, async () => {
    const before = testbed.aws.calls('AssumeRole');
    const runs = await Promise.all(Array.from({ length: 32 }, () => runRolecall(['export', 'slow', '--format', 'process'], { env: home.env, timeoutMs: 150_000 })));
    for (const run of runs) assert.equal(run.code, 0, run.stderr);
    const keys = new Set(runs.map((run) => (JSON.parse(run.stdout) as ProcessJson).AccessKeyId));
    assert.equal(keys.size, 1, 'every caller got the one answer');
    assert.equal(runsOf('slow'), 1, 'the helper ran once');
    assert.equal(testbed.aws.calls('AssumeRole') - before, 1);

    for (let i = 0; i < 2; i++) {
      const aws = await runProcess(AWS, ['sts', 'get-caller-identity', '--profile', 'fast', '--endpoint-url', testbed.aws.url, '--region', 'us-east-1', '--output', 'json'], { env: home.env, timeoutMs: 60_000 });
      assert.equal(aws.code, 0, aws.stderr);
      assert.match((JSON.parse(aws.stdout) as { Arn: string }).Arn, /^arn:aws:sts::222222222222:assumed-role\/deploy\//);
    }
    assert.equal(runsOf('slow'), 1, 'the AWS CLI calls were answered from the cache');

    const debug = await runRolecall(['whoami', 'slow', '--debug'], { env: home.env });
    assert.equal(debug.code, 0, debug.stderr);
    assert.match(debug.stderr, /using the cached credentials in \S+, valid until \d{4}-/);
    assert.doesNotMatch(debug.stderr, /running credential_process/);
    const doctor = await runRolecall(['doctor', 'slow'], { env: home.env });
    assert.match(doctor.stdout, /the credential_process's answers are cached by rolecall and shared by every call until their Expiration is 900s away/);
    assert.match(doctor.stdout, /the next call is answered from the cache, valid until \d{4}-\S+: no credential_process runs/);
    assert.equal(runsOf('slow'), 1);
  });

  it('an answer is reused until its Expiration enters the refresh window, then the command runs again', { timeout: 120_000 }, async () => {
    const first = await runRolecall(['export', 'short', '--format', 'process'], { env: home.env });
    assert.equal(first.code, 0, first.stderr);
    const answer = JSON.parse(first.stdout) as ProcessJson;
    const second = await runRolecall(['export', 'short', '--format', 'process'], { env: home.env });
    assert.equal(second.stdout, first.stdout);
    assert.equal(runsOf('short'), 1);
    // 18 s answers with refresh_window = 6s: from 6 s before the Expiration on, the command runs again
    await sleep(Math.max(0, Date.parse(answer.Expiration!) - 5000 - Date.now()));
    const doctor = await runRolecall(['doctor', 'short'], { env: home.env });
    assert.match(doctor.stdout, /nothing is cached for this profile: the next call runs every step/);
    const third = await runRolecall(['export', 'short', '--format', 'process', '--debug'], { env: home.env });
    assert.equal(third.code, 0, third.stderr);
    assert.match(third.stderr, /within the 6s refresh window: getting new ones/);
    assert.notEqual((JSON.parse(third.stdout) as ProcessJson).AccessKeyId, answer.AccessKeyId);
    assert.equal(runsOf('short'), 2);
  });

  it('an answer without an Expiration is not cached: the command runs on every call, and --debug says so', async () => {
    for (let i = 1; i <= 3; i++) {
      const run = await runRolecall(['export', 'forever', '--format', 'process', '--debug'], { env: home.env });
      assert.equal(run.code, 0, run.stderr);
      assert.equal((JSON.parse(run.stdout) as ProcessJson).AccessKeyId, 'AKIAFOREVER');
      assert.match(run.stderr, /credential_process of profile forever answered without an Expiration: not cached, it runs on every call/);
      assert.equal(runsOf('forever'), i);
    }
  });
});
