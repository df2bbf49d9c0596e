// `npm run demo`: rolecall's main job against the embedded testbed, with no cloud account.
// A user of aws-oidc keeps their ~/.aws-oidc/config and their credential_process line;
// the AWS CLI asks rolecall for credentials, rolecall opens the browser (headless Chromium here,
// playing the user at the testbed's OIDC provider), assumes the role with the ID token, and the
// AWS CLI calls STS as that role. The second call is a cache hit. The demo says that the sign-in is
// scripted, and where to do it by hand: docs/try-it.md.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { startTestbed } from '../testbed/index';
import { awsOidcTestbedConfig } from '../test/helpers/agent';

const root = new URL('..', import.meta.url).pathname;
const bin = join(root, 'dist', 'bin.cjs');
const AWS = '/usr/bin/aws';

function say(text: string) {
  process.stdout.write(`\n\u001b[1m${text}\u001b[0m\n`);
}

/** runs a command with the terminal's output; asynchronous, since the testbed answers from this process */
function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ ok: boolean; ms: number }> {
  process.stdout.write(`$ ${args.length ? [command, ...args].join(' ') : command}\n`);
  const started = process.hrtime.bigint();
  return new Promise((resolve) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('close', (code) => resolve({ ok: code === 0, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
  });
}

async function main(): Promise<number> {
  const testbed = await startTestbed();
  const home = mkdtempSync(join(tmpdir(), 'rolecall-demo-'));
  try {
    const alice = testbed.world.idpUsers.find((u) => u.username === 'alice')!;
    say(`Testbed up: OIDC provider ${testbed.idp.issuer}, STS/IAM ${testbed.aws.url}`);
    process.stdout.write(
      'The browser sign-in below is scripted: a headless Chromium plays alice at the testbed\'s login page.\n' +
        'To sign in with your own browser and try every command by hand, follow docs/try-it.md.\n',
    );

    mkdirSync(join(home, '.aws-oidc'), { recursive: true, mode: 0o700 });
    mkdirSync(join(home, '.aws'), { recursive: true, mode: 0o700 });
    const awsOidc = awsOidcTestbedConfig(testbed.idp.issuer);
    const awsConfig = `[profile demo]
region = us-east-1
credential_process = ${process.execPath} ${bin} auth testbed
`;
    writeFileSync(join(home, '.aws-oidc', 'config'), awsOidc, { mode: 0o600 });
    writeFileSync(join(home, '.aws', 'config'), awsConfig, { mode: 0o600 });
    say('~/.aws-oidc/config (aws-oidc\'s own format, unchanged):');
    process.stdout.write(awsOidc);
    say('~/.aws/config:');
    process.stdout.write(awsConfig);

    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: home,
      LANG: 'C.UTF-8',
      ROLECALL_CACHE_DIR: join(home, '.cache', 'rolecall'),
      ROLECALL_KEYRING: 'file',
      // rolecall's STS calls go to the testbed; the AWS CLI gets --endpoint-url below
      AWS_ENDPOINT_URL_STS: testbed.aws.url,
      // the browser agent plays alice at the IdP's login form
      TESTBED_USER: alice.username,
      TESTBED_PASSWORD: alice.password,
    };
    say('1. The AWS CLI runs credential_process; rolecall logs in through the browser (PKCE + loopback; scripted here) and assumes the role:');
    const first = await run(AWS, ['sts', 'get-caller-identity', '--profile', 'demo', '--endpoint-url', testbed.aws.url], env);
    if (!first.ok) return 1;
    say('2. Again: the credentials come from rolecall\'s cache, no browser, no STS call for credentials:');
    const before = testbed.aws.calls('AssumeRoleWithWebIdentity');
    const second = await run(AWS, ['sts', 'get-caller-identity', '--profile', 'demo', '--endpoint-url', testbed.aws.url], env);
    if (!second.ok) return 1;
    const logins = testbed.idp.counts().authorizations;
    say(
      `Done: ${logins} browser login, ${testbed.aws.calls('AssumeRoleWithWebIdentity')} AssumeRoleWithWebIdentity call ` +
        `(${testbed.aws.calls('AssumeRoleWithWebIdentity') - before} for the second run); first run ${first.ms.toFixed(0)} ms, second ${second.ms.toFixed(0)} ms.`,
    );
    process.stdout.write('Try it yourself, with your own browser and every command: docs/try-it.md\n');
    return 0;
  } finally {
    rmSync(home, { recursive: true, force: true });
    await testbed.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
