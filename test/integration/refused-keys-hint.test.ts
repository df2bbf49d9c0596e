// When AWS refuses the keys that signed a call (InvalidClientTokenId, SignatureDoesNotMatch), the hint
// names where those keys came from: the credentials file (path, line, profile), the OS keyring
// (`rolecall keys add`), the environment, or the step that made temporary credentials.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import type { Testbed } from '../../testbed/index';
import { BIN, runProcess, runRolecall, type Home } from '../helpers/cli';
import { bastionHome, useBastionTestbed } from '../helpers/bastion';

let testbed: Testbed;

useBastionTestbed((started) => {
  testbed = started;
});

const bob = () => testbed.world.users.find((u) => u.name === 'bob')!;

async function refused(args: string[], env: NodeJS.ProcessEnv): Promise<string[]> {
  const result = await runRolecall(args, { env });
  assert.equal(result.code, 1, result.stderr);
  assert.equal(result.stdout, '');
  return result.stderr.trim().split('\n');
}

async function withHome(extraConfig: string, run: (home: Home) => Promise<void>) {
  const home = bastionHome(testbed, extraConfig);
  try {
    await run(home);
  } finally {
    home.remove();
  }
}

test('keys from the credentials file: the hint names the file, line and profile of the refused key', async () => {
  await withHome('', async (home) => {
    const credentials = home.write('.aws/credentials', `[bob]\naws_access_key_id = AKIANOSUCHKEY0000000\naws_secret_access_key = whatever-secret\n`);
    const unknown = await refused(['export', 'deploy'], home.env);
    assert.match(unknown[0]!, /InvalidClientTokenId/);
    assert.equal(unknown[1], `  hint: The access key id is not known to AWS: check aws_access_key_id of profile bob at ${credentials}:2, or whether the key was deactivated.`);
    home.write('.aws/credentials', `[bob]\naws_access_key_id = ${bob().accessKeyId}\naws_secret_access_key = not-the-secret\n`);
    const wrong = await refused(['export', 'deploy'], home.env);
    assert.match(wrong[0]!, /SignatureDoesNotMatch/);
    assert.equal(wrong[1], `  hint: The secret access key does not belong to the access key id: check aws_secret_access_key of profile bob at ${credentials}:3.`);
  });
});

test('keys from the OS keyring (`rolecall keys add`): the hint says to replace them with keys add, for STS and IAM calls', async () => {
  await withHome('', async (home) => {
    const pty = new URL('../helpers/oidc-pty.py', import.meta.url).pathname;
    const add = await runProcess('python3', [pty, process.execPath, BIN, 'keys', 'add', 'bob'], {
      env: { ...home.env, KEY_ID: bob().accessKeyId, SECRET: 'not-the-secret', PTY_ANSWERS: 'access key id for profile bob:=>KEY_ID\nsecret access key:=>SECRET' },
    });
    assert.equal(add.code, 0, add.stdout);
    const credentials = home.env.AWS_SHARED_CREDENTIALS_FILE!;
    writeFileSync(credentials, readFileSync(credentials, 'utf8').replace(/\[bob\]\naws_access_key_id = .*\naws_secret_access_key = .*\n/, ''));
    const wrong = await refused(['export', 'deploy'], home.env);
    assert.match(wrong[0]!, /AssumeRole .*SignatureDoesNotMatch/);
    assert.equal(wrong[1], '  hint: The secret access key that `rolecall keys add` keeps for profile bob in the OS keyring does not belong to its access key id: replace the keys with `rolecall keys add bob`.');
    const iam = await refused(['list-roles', '--profile', 'bob', '--claim', 'op.example:aud', '--json'], home.env);
    assert.match(iam[0]!, /^rolecall: ListRoles failed: .*SignatureDoesNotMatch/);
    assert.equal(iam[1], wrong[1]);
  });
});

test('keys from the environment (credential_source = Environment): the hint names the variables', async () => {
  const config = `\n[profile env-deploy]\nrole_arn = arn:aws:iam::222222222222:role/deploy\ncredential_source = Environment\nexternal_id = deploy-ext-42\nendpoint_url = ${testbed.aws.url}\n`;
  await withHome(config, async (home) => {
    const unknown = await refused(['export', 'env-deploy'], { ...home.env, AWS_ACCESS_KEY_ID: 'AKIANOSUCHKEY0000000', AWS_SECRET_ACCESS_KEY: 'whatever-secret' });
    assert.match(unknown[0]!, /InvalidClientTokenId/);
    assert.equal(unknown[1], '  hint: The access key id is not known to AWS: check AWS_ACCESS_KEY_ID in the environment, or whether the key was deactivated.');
    const wrong = await refused(['export', 'env-deploy'], { ...home.env, AWS_ACCESS_KEY_ID: bob().accessKeyId, AWS_SECRET_ACCESS_KEY: 'not-the-secret' });
    assert.match(wrong[0]!, /SignatureDoesNotMatch/);
    assert.equal(wrong[1], '  hint: The secret access key does not belong to the access key id: check AWS_SECRET_ACCESS_KEY in the environment (it must be the pair of AWS_ACCESS_KEY_ID).');
  });
});

test('temporary credentials from a credential_process: the hint names the step that made them, not a file', async () => {
  await withHome('', async (home) => {
    const expiration = new Date(Date.now() + 3600_000).toISOString();
    const script = home.write(
      'bogus-creds.mjs',
      `console.log(JSON.stringify({ Version: 1, AccessKeyId: 'ASIANOSUCHKEY0000000', SecretAccessKey: 'whatever-secret', SessionToken: 'bm8tc3VjaC10b2tlbg==', Expiration: '${expiration}' }));\n`,
    );
    const config = readFileSync(home.env.AWS_CONFIG_FILE!, 'utf8');
    writeFileSync(
      home.env.AWS_CONFIG_FILE!,
      `${config}\n[profile minted]\ncredential_process = ${process.execPath} ${script}\n\n[profile minted-deploy]\nrole_arn = arn:aws:iam::222222222222:role/deploy\nsource_profile = minted\nexternal_id = deploy-ext-42\nendpoint_url = ${testbed.aws.url}\n`,
    );
    const unknown = await refused(['export', 'minted-deploy'], home.env);
    assert.match(unknown[0]!, /InvalidClientTokenId/);
    assert.equal(unknown[1], `  hint: AWS does not know the temporary credentials that signed the call (from credential_process of profile minted: ${process.execPath} …): they were revoked or their key deactivated; get new ones there.`);
  });
});
