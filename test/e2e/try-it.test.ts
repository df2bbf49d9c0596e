// docs/try-it.md works as written, and the demo points to it. The walkthrough's config and
// credentials files are taken from the page itself (its ports moved to the testbed's), and the
// commands it lists are run as a user would: rolecall found on PATH, the MFA code and the IdP
// password typed on a terminal, and the browser login done by the headless-Chromium agent (the one
// thing a person does by hand there); the Okta part on a testbed shaped as Okta, its phone page
// pressed as the person would. `npm run demo` says its sign-in is scripted and names the page.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestbed, type Testbed } from '../../testbed/index';
import { AGENT_ARGV } from '../helpers/agent';
import { BIN, runProcess, tempHome, type Home } from '../helpers/cli';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PAGE = readFileSync(join(ROOT, 'docs', 'try-it.md'), 'utf8');
const PTY = fileURLToPath(new URL('../helpers/oidc-pty.py', import.meta.url));
const AWS = '/usr/bin/aws';

let testbed: Testbed;
let home: Home;
let env: NodeJS.ProcessEnv;
/** the page's text with its ports moved to the testbed's */
let page: string;

/** the fenced ```ini block that follows `marker` on the page */
function iniAfter(marker: string): string {
  const at = page.indexOf(marker);
  assert.ok(at >= 0, `the page has ${marker}`);
  return /```ini\n([\s\S]*?)```/.exec(page.slice(at))![1]!;
}

/** asserts that the page tells the user to run `command`, and runs it as `rolecall` on PATH */
function run(command: string, args: string[], extra: NodeJS.ProcessEnv = {}) {
  assert.ok(page.includes(command), `docs/try-it.md lists \`${command}\``);
  return runProcess('rolecall', args, { env: { ...env, ...extra } });
}

function onTerminal(command: string, args: string[], answers: [RegExp, string][], extra: NodeJS.ProcessEnv = {}) {
  assert.ok(page.includes(command), `docs/try-it.md lists \`${command}\``);
  return runProcess('python3', [PTY, 'rolecall', ...args], {
    env: { ...env, ...extra, PTY_ANSWERS: answers.map(([prompt, name]) => `${prompt.source}=>${name}`).join('\n') },
  });
}

before(async () => {
  testbed = await startTestbed();
  const idp = new URL(testbed.idp.issuer).host;
  const aws = new URL(testbed.aws.url).host;
  page = PAGE.replaceAll('127.0.0.1:9100', idp).replaceAll('127.0.0.1:9101', aws);
  home = tempHome();
  const bin = join(home.dir, 'bin');
  mkdirSync(bin);
  symlinkSync(BIN, join(bin, 'rolecall'));
  const config = home.write('rolecall-try/config', iniAfter('`~/rolecall-try/config`'));
  const credentials = home.write('rolecall-try/credentials', iniAfter('`~/rolecall-try/credentials`'));
  const alice = testbed.world.idpUsers.find((u) => u.username === 'alice')!;
  assert.ok(page.includes(`Sign in as \`alice\` with the password\n\`${alice.password}\``), 'the page gives alice\'s password');
  env = {
    ...home.env,
    PATH: `${bin}:${process.env.PATH}`,
    AWS_CONFIG_FILE: config,
    AWS_SHARED_CREDENTIALS_FILE: credentials,
    BROWSER: AGENT_ARGV.join(' '),
    TESTBED_USER: 'alice',
    TESTBED_PASSWORD: alice.password,
    IDP_PASSWORD: alice.password,
  };
  // the variables step 2 exports, ~ being the home
  const step2 = /```sh\n(mkdir -p ~\/rolecall-try\n[\s\S]*?)```/.exec(page)![1]!;
  for (const [, name, value] of step2.matchAll(/\b([A-Z_]+)=(~\/\S+)/g)) env[name!] = join(home.dir, value!.slice(2));
});
after(async () => {
  home.remove();
  await testbed.close();
});

test('the bastion part: doctor, the MFA code typed once, then whoami, exec and exports from the cache', async () => {
  const doctor = await run('rolecall doctor production', ['doctor', 'production']);
  assert.equal(doctor.code, 0, doctor.stdout + doctor.stderr);
  assert.match(doctor.stdout, /steps:\n {2}1\. static keys of profile bastion \(credentials file\)\n {2}2\. GetSessionToken with MFA arn:aws:iam::111111111111:mfa\/alice \(profile bastion\)\n {2}3\. AssumeRole arn:aws:iam::222222222222:role\/read \(profile staging\)\n {2}4\. AssumeRole arn:aws:iam::333333333333:role\/admin \(profile production\)\n/);

  const code = testbed.aws.totp('arn:aws:iam::111111111111:mfa/alice');
  const exported = await onTerminal('rolecall export staging --format env', ['export', 'staging', '--format', 'env'], [[/MFA code for arn:aws:iam::111111111111:mfa\/alice/, 'CODE']], { CODE: code });
  assert.equal(exported.code, 0, exported.stdout);
  assert.match(exported.stdout, /AWS_ACCOUNT_ID=222222222222/);

  const sessions = testbed.aws.calls('GetSessionToken');
  const whoami = await run('rolecall whoami production', ['whoami', 'production']);
  assert.equal(whoami.code, 0, whoami.stderr);
  assert.match(whoami.stdout, /^arn {6}arn:aws:sts::333333333333:assumed-role\/admin\//m);
  assert.equal(testbed.aws.calls('GetSessionToken'), sessions, 'no second MFA question: the session is reused');

  const exec = await run('rolecall exec production -- aws sts get-caller-identity', ['exec', 'production', '--', AWS, 'sts', 'get-caller-identity', '--endpoint-url', testbed.aws.url]);
  assert.equal(exec.code, 0, exec.stderr);
  assert.equal((JSON.parse(exec.stdout) as { Account: string }).Account, '333333333333');

  const bash = await run('eval "$(rolecall export production --format bash)"', ['export', 'production', '--format', 'bash']);
  assert.match(bash.stdout, /^export AWS_ACCESS_KEY_ID=/m);
  const unset = await run('rolecall unset --format bash', ['unset', '--format', 'bash']);
  assert.match(unset.stdout, /unset -v AWS_SECRET_ACCESS_KEY;/);
});

test('the OIDC part: the browser login, the stored password, and the AWS CLI asking rolecall', async () => {
  const browser = await run('rolecall export dev --format env', ['export', 'dev', '--format', 'env']);
  assert.equal(browser.code, 0, browser.stderr);
  assert.match(browser.stdout, /AWS_ACCOUNT_ID=222222222222/);

  const stored = await onTerminal('rolecall password dev-password', ['password', 'dev-password'], [[/Password for profile dev-password:/, 'IDP_PASSWORD'], [/Type it again:/, 'IDP_PASSWORD']]);
  assert.equal(stored.code, 0, stored.stdout);
  const grants = testbed.idp.counts();
  const password = await run('rolecall export dev-password --format env', ['export', 'dev-password', '--format', 'env', '--refresh']);
  assert.equal(password.code, 0, password.stderr);
  assert.match(password.stdout, /AWS_ACCOUNT_ID=222222222222/);
  assert.equal(testbed.idp.counts().authorizations, grants.authorizations, 'no browser');

  const cli = await runProcess(AWS, ['sts', 'get-caller-identity', '--profile', 'dev-cli', '--endpoint-url', testbed.aws.url], { env });
  assert.ok(page.includes('aws sts get-caller-identity --profile dev-cli'));
  assert.equal(cli.code, 0, cli.stderr);
  assert.match((JSON.parse(cli.stdout) as { Arn: string }).Arn, /^arn:aws:sts::222222222222:assumed-role\/oidc-developer\//);
});

test('Okta with MFA: the testbed shaped as Okta, the password typed, the number read off the terminal and pressed on the phone page', async () => {
  const section = PAGE.slice(PAGE.indexOf('## 5. Okta with MFA'), PAGE.indexOf('## 6.'));
  assert.ok(section.includes('npm run testbed -- --idp-port 9100 --aws-port 9101 --shape okta --number-challenge'));
  const okta = await startTestbed({ idp: { shape: 'okta' } });
  try {
    okta.idp.okta.setPush({ numberChallenge: true });
    const moved = section.replaceAll('127.0.0.1:9100', new URL(okta.idp.origin).host).replaceAll('127.0.0.1:9101', new URL(okta.aws.url).host);
    const profile = /```ini\n([\s\S]*?)```/.exec(moved)![1]!;
    const config = home.write('rolecall-try/okta-config', `[default]\nregion = us-east-1\nendpoint_url = ${okta.aws.url}\n\n${profile}`);
    assert.ok(moved.includes('rolecall export okta --format env'));
    const screen = join(home.dir, 'okta-terminal.log');
    const running = runProcess('python3', [PTY, 'rolecall', 'export', 'okta', '--format', 'env'], {
      env: { ...env, AWS_CONFIG_FILE: config, PTY_LOG: screen, PTY_ANSWERS: `Password for alice at ${okta.idp.origin.replaceAll('.', '\\.')}:=>IDP_PASSWORD` },
    });
    const phone = /`(http:\/\/[^`]+\/testbed\/okta-verify)`/.exec(moved)![1]!;
    let number: string | undefined;
    for (let tries = 0; number === undefined && tries < 400; tries++) {
      number = /tap (\d+) to sign in alice at/.exec(existsSync(screen) ? readFileSync(screen, 'utf8') : '')?.[1];
      if (number === undefined) await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(number, 'the number is on the terminal');
    const page = await (await fetch(phone)).text();
    assert.match(page, new RegExp(`<button>${number}</button>`), 'the phone page offers the number');
    const pressed = await fetch(phone, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ user: 'alice', answer: 'approve', number }).toString() });
    assert.equal(pressed.status, 200);
    const result = await running;
    assert.equal(result.code, 0, result.stdout);
    assert.match(result.stdout, /AWS_ACCOUNT_ID=222222222222/);
  } finally {
    await okta.close();
  }
});

test('the rest of the tour: console URL, list-roles, assume and clear', async () => {
  const signin = `${testbed.aws.url}/federation`;
  assert.ok(page.includes(`AWS_ENDPOINT_URL_SIGNIN=${signin} rolecall login staging --url`));
  const login = await run('rolecall login staging --url', ['login', 'staging', '--url'], { AWS_ENDPOINT_URL_SIGNIN: signin });
  assert.equal(login.code, 0, login.stderr);
  assert.ok(login.stdout.startsWith(`${signin}?Action=login&`), login.stdout);

  const claim = `${new URL(testbed.idp.issuer).host}:aud`;
  const roles = await run(`rolecall list-roles --claim ${claim} --client-id rolecall-cli --profile staging`, ['list-roles', '--claim', claim, '--client-id', 'rolecall-cli', '--profile', 'staging']);
  assert.equal(roles.code, 0, roles.stderr);
  assert.match(roles.stdout, /^oidc-developer +arn:aws:iam::222222222222:role\/oidc-developer +rolecall-cli$/m);

  const aliases = /^echo '\{.*\}' > ~\/\S+$/m.exec(page)![0];
  const written = await runProcess('bash', ['-c', aliases], { env });
  assert.equal(written.code, 0, `${aliases}: ${written.stderr}`);
  const assumed = await run('AWS_PROFILE_ASSUME_ROLE=bastion rolecall assume staging read --format env', ['assume', 'staging', 'read', '--format', 'env'], { AWS_PROFILE_ASSUME_ROLE: 'bastion' });
  assert.equal(assumed.code, 0, assumed.stderr);
  assert.match(assumed.stdout, /AWS_ACCOUNT_ID=222222222222/);

  const cleared = await run('rolecall clear --all', ['clear', '--all']);
  assert.equal(cleared.code, 0, cleared.stderr);
});

test('npm run demo says that its browser sign-in is scripted and points to docs/try-it.md', async () => {
  const demo = await runProcess(process.execPath, ['--import', 'tsx', 'scripts/demo.ts'], { env: { ...process.env }, cwd: ROOT, timeoutMs: 120_000 });
  assert.equal(demo.code, 0, demo.stdout + demo.stderr);
  assert.match(demo.stdout, /The browser sign-in below is scripted: a headless Chromium plays alice at the testbed's login page\.\nTo sign in with your own browser and try every command by hand, follow docs\/try-it\.md\./);
  assert.match(demo.stdout, /Try it yourself, with your own browser and every command: docs\/try-it\.md\n$/);
});
