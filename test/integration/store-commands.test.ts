// `rolecall clear` and `rolecall keys` through the built binary: what they say and what they change.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestbed, type Testbed } from '../../testbed/index';
import { runRolecall } from '../helpers/cli';
import { bastionHome } from '../helpers/bastion';
import { decryptSecretsFile } from '../helpers/secrets-file';

let testbed: Testbed;
before(async () => {
  testbed = await startTestbed();
});
after(async () => {
  await testbed.close();
});

test('clear PROFILE forgets its cached credentials, so the next call goes to STS again', async () => {
  const home = bastionHome(testbed);
  try {
    const first = await runRolecall(['export', 'read', '--format', 'process'], { env: home.env });
    assert.equal(first.code, 0, first.stderr);
    await runRolecall(['export', 'bob', '--format', 'process'], { env: home.env });
    testbed.aws.resetCalls();
    const cleared = await runRolecall(['clear', 'read'], { env: home.env });
    assert.equal(cleared.code, 0, cleared.stderr);
    assert.equal(cleared.stdout, '');
    assert.match(cleared.stderr, /^Removed 2 cached credential sets for profile read\.\n$/);
    const again = await runRolecall(['clear', 'read'], { env: home.env });
    assert.equal(again.stderr, 'No cached credentials for profile read.\n');
    const next = await runRolecall(['export', 'read', '--format', 'process'], { env: home.env });
    assert.equal(next.code, 0, next.stderr);
    assert.notEqual(next.stdout, first.stdout);
    assert.equal(testbed.aws.calls('AssumeRole'), 1);
  } finally {
    home.remove();
  }
});

test('clear --all forgets every cached credential and the stored IdP sign-ins, keeping passwords', async () => {
  const home = bastionHome(testbed);
  try {
    assert.equal((await runRolecall(['export', 'read', '--format', 'process'], { env: home.env })).code, 0);
    const cache = join(home.dir, '.cache', 'rolecall');
    writeFileSync(join(cache, 'secrets.json'), JSON.stringify({ 'refresh:https://idp:cli': 'rt', 'password:prod': 'pw' }), { mode: 0o600 });
    const cleared = await runRolecall(['clear', '--all'], { env: home.env });
    assert.equal(cleared.code, 0, cleared.stderr);
    assert.match(cleared.stderr, /Removed 2 cached credential sets\./);
    assert.match(cleared.stderr, /Forgot 1 identity provider sign-in \(refresh tokens\)\./);
    // the store is said once, and the clear-text file an older rolecall wrote is encrypted
    assert.match(cleared.stderr, /warning: secrets \(refresh tokens, passwords, keys\) are kept in the encrypted file \S+secrets\.json: ROLECALL_KEYRING=file\. Protection: AES-256-GCM with the key in ROLECALL_SECRETS_KEY/);
    assert.match(cleared.stderr, /warning: the secrets file \S+secrets\.json was in clear text \(written by an older rolecall\); it is now encrypted\./);
    assert.deepEqual(readdirSync(join(cache, 'credentials')), []);
    assert.deepEqual(readdirSync(join(cache, 'fast')), []);
    assert.doesNotMatch(readFileSync(join(cache, 'secrets.json'), 'utf8'), /"pw"|password:prod/);
    assert.deepEqual(decryptSecretsFile(join(cache, 'secrets.json')), { 'password:prod': 'pw' });
    const list = await runRolecall(['clear', '--all'], { env: home.env });
    assert.match(list.stderr, /^No cached credentials of any profile\.\n/);
    assert.doesNotMatch(list.stderr, /are kept in/, 'said once');
    assert.match(list.stderr, /\nNo identity provider sign-ins were stored\.\nNo IAM Identity Center sessions were signed in\.\n$/);
  } finally {
    home.remove();
  }
});

test("aws-cli-oidc's clear-secret forgets what clear --all forgets", async () => {
  const home = bastionHome(testbed);
  try {
    assert.equal((await runRolecall(['export', 'read', '--format', 'process'], { env: home.env })).code, 0);
    const cache = join(home.dir, '.cache', 'rolecall');
    writeFileSync(join(cache, 'secrets.json'), JSON.stringify({ 'refresh:https://idp:cli': 'rt', 'password:prod': 'pw' }), { mode: 0o600 });
    const cleared = await runRolecall(['clear-secret'], { env: home.env });
    assert.equal(cleared.code, 0, cleared.stderr);
    assert.match(cleared.stderr, /Removed 2 cached credential sets\./);
    assert.match(cleared.stderr, /Forgot 1 identity provider sign-in \(refresh tokens\)\./);
    assert.deepEqual(readdirSync(join(cache, 'credentials')), []);
    assert.deepEqual(decryptSecretsFile(join(cache, 'secrets.json')), { 'password:prod': 'pw' });
    const extra = await runRolecall(['clear-secret', 'read'], { env: home.env });
    assert.equal(extra.code, 2);
    assert.match(extra.stderr, /clear-secret takes no arguments\n {2}hint: To forget one profile only, run `rolecall clear PROFILE`/);
  } finally {
    home.remove();
  }
});

test('clear and keys refuse what they cannot do, with the usage', async () => {
  const home = bastionHome(testbed);
  try {
    const none = await runRolecall(['clear'], { env: home.env });
    assert.equal(none.code, 2);
    assert.match(none.stderr, /rolecall: clear needs a PROFILE, or --all\n {2}hint: Usage: rolecall clear \[PROFILE \[--sso\] \| --all\]/);
    const both = await runRolecall(['clear', 'read', '--all'], { env: home.env });
    assert.equal(both.code, 2);
    const keys = await runRolecall(['keys', 'list'], { env: home.env });
    assert.equal(keys.code, 2);
    assert.match(keys.stderr, /rolecall: keys takes add or rm and one PROFILE, got: list/);
    const rm = await runRolecall(['keys', 'rm', 'bastion'], { env: home.env });
    assert.equal(rm.code, 0, rm.stderr);
    assert.match(rm.stderr, /No keys were stored for profile bastion in the encrypted file \S+secrets\.json\./);
    // keys add asks on the terminal only; without one it says so instead of hanging
    const add = await runRolecall(['keys', 'add', 'bastion'], { env: home.env });
    assert.equal(add.code, 1);
    assert.match(add.stderr, /no terminal/);
  } finally {
    home.remove();
  }
});
