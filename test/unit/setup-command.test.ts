// The credential_process line setup writes for the AWS CLI: `rolecall` when that name on PATH is
// this very script, else node and the script by full paths, quoted so that the AWS CLI splits it right.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rolecallCommand, setupSections } from '../../src/app/setup';

test('the bare name when PATH leads to this script, full paths when it does not or leads elsewhere', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rolecall setup '));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const script = join(dir, 'lib', 'bin.cjs');
  mkdirSync(join(dir, 'lib'));
  writeFileSync(script, '');
  mkdirSync(join(dir, 'bin'));
  mkdirSync(join(dir, 'other'));
  writeFileSync(join(dir, 'other', 'rolecall'), '');
  symlinkSync(script, join(dir, 'bin', 'rolecall'));

  assert.equal(rolecallCommand({ PATH: `/nowhere:${join(dir, 'bin')}` }, ['/usr/bin/node', script]), 'rolecall');
  // another rolecall first on PATH is not this one: the AWS CLI must run this one
  assert.equal(rolecallCommand({ PATH: join(dir, 'other') }, ['/usr/bin/node', script]), `/usr/bin/node "${script}"`);
  assert.equal(rolecallCommand({}, ['/opt/my node/node', script]), `"/opt/my node/node" "${script}"`);
  // the single executable is one file: the same rules, without node
  assert.equal(rolecallCommand({ PATH: join(dir, 'bin') }, [script]), 'rolecall');
  assert.equal(rolecallCommand({}, [script]), `"${script}"`);
});

test('the companion profile carries the region, and is only there when asked for', () => {
  const answers = { kind: 'oidc' as const, profile: 'dev', issuer: 'https://idp', clientId: 'cli', roleArn: 'arn:aws:iam::123456789012:role/dev', region: 'eu-west-1' };
  assert.deepEqual(setupSections(answers, 'rolecall').map(([header]) => header), ['profile dev']);
  assert.deepEqual(setupSections({ ...answers, cliProfile: 'dev-cli' }, 'rolecall')[1], [
    'profile dev-cli',
    [
      ['credential_process', 'rolecall export dev --format process'],
      ['region', 'eu-west-1'],
    ],
  ]);
});
