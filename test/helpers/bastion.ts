// A user's machine set up like seed 003's bastion account: alice's IAM user keys in the credentials
// file, her MFA device answered by an mfa_process, and role profiles pointing at the testbed's STS.
import { after, before } from 'node:test';
import { tempHome, type Home } from './cli';
import { startTestbed, type Testbed } from '../../testbed/index';

export const TOTP_CLI = new URL('./totp-cli.mjs', import.meta.url).pathname;
export const ALICE_TOTP = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

export function bastionHome(testbed: Testbed, extraConfig = ''): Home {
  const home = tempHome();
  const alice = testbed.world.users.find((u) => u.name === 'alice')!;
  const bob = testbed.world.users.find((u) => u.name === 'bob')!;
  home.write(
    '.aws/credentials',
    `[bastion]
aws_access_key_id = ${alice.accessKeyId}
aws_secret_access_key = ${alice.secretAccessKey}

[bob]
aws_access_key_id = ${bob.accessKeyId}
aws_secret_access_key = ${bob.secretAccessKey}
`,
  );
  home.write(
    '.aws/config',
    `[default]
region = us-east-1

[profile bastion]
mfa_serial = ${alice.mfa!.serial}
mfa_process = ${process.execPath} ${TOTP_CLI} ${ALICE_TOTP}
endpoint_url = ${testbed.aws.url}

[profile bob]
endpoint_url = ${testbed.aws.url}

[profile read]
role_arn = arn:aws:iam::222222222222:role/read
source_profile = bastion

[profile prod-read]
role_arn = arn:aws:iam::333333333333:role/read
source_profile = bastion
duration_seconds = 43200

[profile admin]
role_arn = arn:aws:iam::333333333333:role/admin
source_profile = read

[profile audit]
role_arn = arn:aws:iam::222222222222:role/audit
source_profile = admin
duration_seconds = 7200

[profile deploy]
role_arn = arn:aws:iam::222222222222:role/deploy
source_profile = bob
external_id = deploy-ext-42
${extraConfig}`,
  );
  return home;
}

/**
 * A bastion home with profile deploy-short, whose role sessions last `seconds`, and the environment
 * that lets rolecall ask for them (it keeps AWS's 900 s minimum for users; ROLECALL_MIN_SESSION_SECONDS
 * lowers it for the testbed, whose minSessionSeconds must be as low).
 */
export function shortSessionHome(testbed: Testbed, seconds: number): { home: Home; env: NodeJS.ProcessEnv } {
  const home = bastionHome(
    testbed,
    `
[profile deploy-short]
role_arn = arn:aws:iam::222222222222:role/deploy
source_profile = bob
external_id = deploy-ext-42
duration_seconds = ${seconds}
`,
  );
  return { home, env: { ...home.env, ROLECALL_MIN_SESSION_SECONDS: String(seconds) } };
}

/**
 * A file's tests share one testbed and one bastion home: started before them (`started` keeps them and
 * adds what the file needs), removed after them.
 */
export function useBastionTestbed(started: (testbed: Testbed, home: Home) => void): void {
  let testbed: Testbed | undefined;
  let home: Home | undefined;
  before(async () => {
    testbed = await startTestbed();
    home = bastionHome(testbed);
    started(testbed, home);
  });
  after(async () => {
    home?.remove();
    await testbed?.close();
  });
}
