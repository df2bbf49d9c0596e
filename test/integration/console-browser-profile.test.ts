// `rolecall login` in the right browser profile: for each browser kind, the command rolecall starts
// and its arguments, recorded by stand-ins on PATH named like each browser (google-chrome, chromium,
// brave-browser, microsoft-edge, vivaldi, firefox: Firefox with its container extension cannot run
// here, and the real Chromium's profile directory is checked in test/e2e/console-browser.test.ts).
// The URL each one gets is followed to the testbed console. Also: the chained-role warning, --url
// unchanged, and the refusals.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestbed, type Testbed } from '../../testbed/index';
import { bastionHome } from '../helpers/bastion';
import { runRolecall, type Home } from '../helpers/cli';

const KINDS = ['chrome', 'chromium', 'brave', 'edge', 'vivaldi', 'firefox'];
const PROGRAMS = ['google-chrome', 'chromium', 'brave-browser', 'microsoft-edge', 'vivaldi', 'firefox', 'vivaldi-snapshot', 'xdg-open'];

// rolecall starts the browser detached with no stdio: the stand-in writes its argv to a file
const RECORDER = `#!${process.execPath}
const { writeFileSync, renameSync } = require('node:fs');
const out = require('node:path').join(process.env.ROLECALL_TEST_RECORD, require('node:path').basename(process.argv[1]) + '.json');
writeFileSync(out + '.tmp', JSON.stringify(process.argv.slice(2)));
renameSync(out + '.tmp', out);
`;

describe('login --browser-profile and console_browser', { concurrency: true }, () => {
  let testbed: Testbed;
  let home: Home;
  let env: NodeJS.ProcessEnv;
  let runs = 0;

  before(async () => {
    testbed = await startTestbed();
    home = bastionHome(
      testbed,
      `
[profile chrome-per-role]
role_arn = arn:aws:iam::333333333333:role/read
source_profile = bastion
console_browser = chrome
console_browser_profile = per-role

[profile firefox-per-account]
role_arn = arn:aws:iam::333333333333:role/read
source_profile = bastion
console_browser = firefox
console_browser_profile = per-account

[profile named]
role_arn = arn:aws:iam::222222222222:role/read
source_profile = bastion
console_browser = ["vivaldi-snapshot", "--new-window", "{}"]
console_browser_profile = {profile} ({account})

[profile unsignable]
role_arn = arn:aws:iam::222222222222:role/read
source_profile = unknown-keys

[profile unknown-keys]
endpoint_url = ${testbed.aws.url}
${KINDS.map((kind) => `
[profile in-${kind}]
role_arn = arn:aws:iam::222222222222:role/read
source_profile = bastion
console_browser = ${kind}
`).join('')}`,
    );
    for (const program of PROGRAMS) home.write(`bin/${program}`, RECORDER, 0o755);
    // keys AWS does not know: a profile over them fails at its first STS call, so an error about anything
    // else shows that no call was made
    home.write('.aws/credentials', `${readFileSync(home.env.AWS_SHARED_CREDENTIALS_FILE!, 'utf8')}
[unknown-keys]
aws_access_key_id = AKIAUNKNOWNUNKNOWN01
aws_secret_access_key = unknown
`);
    env = { ...home.env, PATH: `${join(home.dir, 'bin')}:${home.env.PATH}`, AWS_ENDPOINT_URL_SIGNIN: testbed.aws.signinUrl, DISPLAY: ':99' };
  });
  after(async () => {
    home?.remove();
    await testbed?.close();
  });

  /** runs `rolecall login ...` and returns the argv the browser got */
  async function opened(args: string[], program: string): Promise<{ argv: string[]; stderr: string }> {
    const record = join(home.dir, `record-${(runs += 1)}`);
    mkdirSync(record);
    const run = await runRolecall(['login', ...args], { env: { ...env, ROLECALL_TEST_RECORD: record } });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, '', 'nothing on stdout when a browser opens');
    const file = join(record, `${program}.json`);
    for (const deadline = Date.now() + 20_000; !existsSync(file); await sleep(50)) {
      if (Date.now() > deadline) throw new Error(`${program} was not started: ${run.stderr}`);
    }
    const argv = JSON.parse(readFileSync(file, 'utf8')) as string[];
    rmSync(record, { recursive: true });
    return { argv, stderr: run.stderr };
  }

  /** follows a sign-in URL to the testbed console: whose console it is */
  async function identity(url: string): Promise<string> {
    const login = await fetch(url, { redirect: 'manual' });
    assert.equal(login.status, 302, await login.text());
    const html = await (await fetch(new URL(login.headers.get('location')!, url))).text();
    return /id="identity">([^<]*)</.exec(html)?.[1] ?? '';
  }

  const signIn = (url: string) => {
    const parsed = new URL(url);
    assert.equal(`${parsed.origin}${parsed.pathname}`, testbed.aws.signinUrl);
    assert.equal(parsed.searchParams.get('Action'), 'login');
  };

  const chromium = [
    { kind: 'chrome', program: 'google-chrome' },
    { kind: 'chromium', program: 'chromium' },
    { kind: 'brave', program: 'brave-browser' },
    { kind: 'edge', program: 'microsoft-edge' },
    { kind: 'vivaldi', program: 'vivaldi' },
  ];
  for (const { kind, program } of chromium) {
    it(`${kind}: ${program} --profile-directory=NAME URL, and the URL signs in as the role`, async () => {
      const { argv, stderr } = await opened([`in-${kind}`, '--browser-profile', 'Work'], program);
      assert.equal(argv.length, 2, JSON.stringify(argv));
      assert.equal(argv[0], '--profile-directory=Work');
      signIn(argv[1]!);
      assert.match(await identity(argv[1]!), /^arn:aws:sts::222222222222:assumed-role\/read\//);
      assert.match(stderr, /Opened the AWS console as arn:aws:sts::222222222222:assumed-role\/read\/\S+ in browser profile "Work"\./);
    });
  }

  it('firefox: one argument, the container URL the "Open external links in a container" extension reads', async () => {
    const { argv } = await opened(['in-firefox', '--browser-profile', 'Prod & Co'], 'firefox');
    assert.equal(argv.length, 1, JSON.stringify(argv));
    const [container] = argv as [string];
    assert.match(container, /^ext\+container:name=Prod%20%26%20Co&url=http%3A%2F%2F127\.0\.0\.1%3A\d+%2Ffederation%3FAction%3Dlogin%26/);
    // the extension: decodeURIComponent of what Firefox hands it, then URLSearchParams after the scheme
    const params = new URLSearchParams(decodeURIComponent(encodeURIComponent(container)).slice('ext+container:'.length));
    assert.equal(params.get('name'), 'Prod & Co');
    const url = params.get('url')!;
    signIn(url);
    assert.ok(new URL(url).searchParams.get('SigninToken'), 'the whole URL, its & and + intact');
    assert.match(await identity(url), /^arn:aws:sts::222222222222:assumed-role\/read\//);
  });

  it('console_browser_profile = per-role (chrome) and per-account (firefox): one profile or container for each', async () => {
    const role = await opened(['chrome-per-role'], 'google-chrome');
    assert.equal(role.argv[0], '--profile-directory=aws-333333333333-read');
    const account = await opened(['firefox-per-account'], 'firefox');
    assert.match(account.argv[0]!, /^ext\+container:name=aws-333333333333&url=/);
  });

  it('a browser command of its own: its arguments kept, the profile before the URL, {profile} and {account} filled in', async () => {
    const { argv } = await opened(['named'], 'vivaldi-snapshot');
    assert.equal(argv.length, 3, JSON.stringify(argv));
    assert.deepEqual(argv.slice(0, 2), ['--new-window', '--profile-directory=named (222222222222)']);
    signIn(argv[2]!);
  });

  it('without a browser profile the browser gets the URL alone; --url prints it and opens nothing', async () => {
    const plain = await opened(['in-firefox'], 'firefox');
    assert.equal(plain.argv.length, 1);
    signIn(plain.argv[0]!);
    const printed = await runRolecall(['login', 'chrome-per-role', '--url', '--browser-profile', 'Work'], { env: { ...env, ROLECALL_TEST_RECORD: '/nonexistent' } });
    assert.equal(printed.code, 0, printed.stderr);
    signIn(printed.stdout.trim());
    assert.equal(printed.stdout, `${printed.stdout.trim()}\n`);
  });

  it('a chained role\'s console warns that it lasts 1 hour at most', async () => {
    const run = await runRolecall(['login', 'admin', '--url'], { env });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /warning: profile admin assumes its role with another role's credentials \(role chaining\): AWS caps that session at 1 hour, so this console lasts 1 hour at most \(the role session ends at \d{4}-\d\d-\d\dT/);
    const direct = await runRolecall(['login', 'read', '--url'], { env });
    assert.doesNotMatch(direct.stderr, /role chaining/);
  });

  it('refuses a browser profile for a browser whose profiles rolecall does not know, before signing in; and bad templates', async () => {
    const opener = await runRolecall(['login', 'unsignable', '--browser-profile', 'Work'], { env });
    assert.equal(opener.code, 1);
    assert.match(opener.stderr, /cannot open a browser profile with "xdg-open": rolecall knows the profiles of Chromium-family browsers and Firefox only/);
    assert.match(opener.stderr, /hint: Name the browser with console_browser = chrome\|chromium\|brave\|edge\|vivaldi\|firefox/);
    const signing = await runRolecall(['login', 'unsignable', '--url'], { env });
    assert.match(signing.stderr, /InvalidClientTokenId|access key id is not known/, `the same profile fails at STS once it gets there: ${signing.stderr}`);
    const template = await runRolecall(['login', 'in-chrome', '--browser-profile', 'aws-{region}'], { env });
    assert.equal(template.code, 2);
    assert.match(template.stderr, /console_browser_profile = "aws-\{region\}" \(flag --browser-profile\) names \{region\}, which rolecall does not fill in/);
    const slash = await runRolecall(['login', 'in-chrome', '--browser-profile', '../Default'], { env });
    assert.equal(slash.code, 2);
    assert.match(slash.stderr, /is not a name a browser profile can have/);
  });
});

