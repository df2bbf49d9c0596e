// kill -9 of a rolecall that holds the login lock in the middle of its MFA step: the next caller
// takes the abandoned lock over at once (no waiting for the 10-minute bound) and succeeds.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestbed, type Testbed } from '../../testbed/index';
import { BIN, runRolecall } from '../helpers/cli';
import { bastionHome } from '../helpers/bastion';

let testbed: Testbed;
before(async () => {
  testbed = await startTestbed();
});
after(async () => {
  await testbed.close();
});

test('kill -9 of the lock owner mid-login: the next caller recovers at once and succeeds', { timeout: 60_000 }, async () => {
  const home = bastionHome(testbed);
  try {
    const started = join(home.dir, 'STARTED');
    const hang = join(home.dir, 'HANG');
    // the MFA device "takes its time" while HANG exists: the owner sits inside the lock
    const config = join(home.dir, '.aws', 'config');
    writeFileSync(config, readFileSync(config, 'utf8').replace(/^mfa_process = (.*)$/m, `mfa_process = touch ${started}; while [ -f ${hang} ]; do sleep 0.1; done; $1`));
    writeFileSync(hang, '');
    const owner = spawn(process.execPath, [BIN, 'export', 'read', '--format', 'process'], { env: home.env, stdio: 'ignore', detached: true });
    while (!existsSync(started)) await sleep(50);
    // the whole process group: rolecall and its mfa_process shell
    process.kill(-owner.pid!, 'SIGKILL');
    await new Promise((resolve) => owner.once('exit', resolve));
    rmSync(hang);
    const locks = join(home.dir, '.cache', 'rolecall', 'locks');
    assert.equal(readdirSync(locks).filter((f) => f.endsWith('.lock')).length, 1, 'the killed owner left its lock behind');
    testbed.aws.resetCalls();
    const began = Date.now();
    const next = await runRolecall(['export', 'read', '--format', 'process'], { env: home.env });
    assert.equal(next.code, 0, next.stderr);
    assert.match(next.stdout, /^\{"Version":1,"AccessKeyId":"ASIA/);
    assert.ok(Date.now() - began < 20_000, 'recovered without waiting for the bound');
    assert.equal(testbed.aws.calls('GetSessionToken'), 1);
    assert.equal(testbed.aws.calls('AssumeRole'), 1);
    assert.deepEqual(readdirSync(locks), []);
  } finally {
    home.remove();
  }
});
