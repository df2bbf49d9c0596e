// Errors and warnings a newcomer meets, through the built binary: each names the key, file or
// profile it is about, once, with nothing on stdout when the command fails.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestbed, type Testbed } from '../../testbed/index';
import { runRolecall, tempHome, type Home } from '../helpers/cli';
import { bastionHome } from '../helpers/bastion';

let testbed: Testbed;
before(async () => {
  testbed = await startTestbed();
});
after(async () => {
  await testbed.close();
});

function withHome(fn: (home: Home) => Promise<void>) {
  return async () => {
    const home = tempHome();
    try {
      await fn(home);
    } finally {
      home.remove();
    }
  };
}

test(
  'a session length out of bounds names its key, as every other bad value does',
  withHome(async (home) => {
    const config = home.write(
      '.aws/config',
      `[profile bastion]
[profile short]
role_arn = arn:aws:iam::123456789012:role/dev
source_profile = bastion
duration_seconds = 600
[profile long]
role_arn = arn:aws:iam::123456789012:role/dev
source_profile = bastion
credentials_duration = 20h
[profile never]
role_arn = arn:aws:iam::123456789012:role/dev
source_profile = bastion
credentials_duration = forever
`,
    );
    const expect = async (args: string[], message: string, env: NodeJS.ProcessEnv = {}) => {
      const result = await runRolecall(args, { env: { ...home.env, ...env } });
      assert.equal(result.code, 2, result.stderr);
      assert.equal(result.stdout, '');
      assert.equal(result.stderr.split('\n')[0], `rolecall: ${message}`);
    };
    await expect(['export', 'short'], `duration_seconds = "600" (${config}:5) is 10m, outside 15m..12h`);
    await expect(['export', 'long'], `credentials_duration = "20h" (${config}:9) is outside 15m..12h`);
    await expect(['export', 'never'], `credentials_duration = "forever" (${config}:13) is not a duration`);
    // the environment variable is named with the key it sets; a flag is named by its source alone
    await expect(['export', 'short'], 'duration_seconds = "99999" (environment variable AWS_ROLE_SESSION_TIMEOUT) is 27h46m39s, outside 15m..12h', { AWS_ROLE_SESSION_TIMEOUT: '99999' });
    await expect(['export', 'bastion', '--duration', '5m'], '"5m" (flag --duration) is outside 15m..12h');

    const doctor = await runRolecall(['doctor', 'short'], { env: home.env });
    assert.equal(doctor.code, 1);
    assert.match(doctor.stdout, new RegExp(` FAIL duration_seconds = "600" \\(${config.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:5\\) is 10m, outside 15m\\.\\.12h\n`));
  }),
);

test('a corrupt cache file is warned about once per run, then replaced', async () => {
  const home = bastionHome(testbed);
  try {
    const first = await runRolecall(['export', 'admin', '--format', 'env'], { env: home.env });
    assert.equal(first.code, 0, first.stderr);
    const dir = join(home.env.ROLECALL_CACHE_DIR!, 'credentials');
    const files = readdirSync(dir).map((name) => join(dir, name));
    assert.equal(files.length, 3, 'the MFA session, read and admin are cached');
    for (const file of files) writeFileSync(file, '{"version": 1, "accessKeyId": "trunc');
    const second = await runRolecall(['export', 'admin', '--format', 'env'], { env: home.env });
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /^AWS_ACCOUNT_ID=333333333333$/m);
    const warnings = second.stderr.split('\n').filter((line) => line.startsWith('warning: ignoring the corrupt cache file '));
    assert.deepEqual([...warnings].sort(), files.map((file) => `warning: ignoring the corrupt cache file ${file}; new credentials will replace it.`).sort());
    assert.equal(second.stderr, `${warnings.join('\n')}\n`, 'nothing else on stderr');
    const third = await runRolecall(['export', 'admin', '--format', 'env'], { env: home.env });
    assert.equal(third.stderr, '', 'the files were replaced');
  } finally {
    home.remove();
  }
});
