// Browser SAML (saml_sso_url) end to end: the built rolecall drives Debian's Chromium (headless, or
// a window on an Xvfb display that the test's agent attaches to and signs in on, as a person
// would) to the testbed IdP's AWS app, catches the POST to https://signin.aws.amazon.com/saml
// inside the browser, and trades the assertion at the validating STS emulator. The AWS CLI uses
// the result through credential_process; no browser process outlives any run.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestbed, type Testbed } from '../../testbed/index';
import { CHROMIUM_PATH, ssoSignIn, type SsoLogin } from '../../testbed/idp/browser-login';
import { totpCode } from '../../testbed/aws/totp';
import { BIN, installRolecall, runProcess, runRolecall, tempHome, type Home, type RunResult } from '../helpers/cli';
import { attachToWindow, browserProcesses, browsersGone, chromiumWithDevToolsPort, startDisplay, type Display } from '../helpers/saml-window';

const AWS = '/usr/bin/aws';
const DEVELOPER = 'arn:aws:iam::222222222222:role/saml-developer';
const OPERATOR = 'arn:aws:iam::333333333333:role/saml-operator';

let testbed: Testbed;
let display: Display;

before(async () => {
  testbed = await startTestbed();
  display = await startDisplay();
});
after(async () => {
  await display.stop();
  await testbed.close();
});

const user = (name: string) => testbed.world.idpUsers.find((u) => u.username === name)!;
const alice = (): SsoLogin => ({ username: 'alice', password: user('alice').password, totp: () => totpCode(user('alice').totpSecretBase32!), remember: true });

interface SamlHome extends Home {
  profileDir: string;
  /** the environment with the Xvfb display (a desktop session) */
  desktop: NodeJS.ProcessEnv;
}

/** a home whose profile `corp` signs in at the testbed's `app` with the DevTools-port Chromium */
function samlHome(options: { app?: string; extra?: string; roleArn?: string | null } = {}): SamlHome {
  const home = tempHome();
  installRolecall(home);
  const browser = chromiumWithDevToolsPort(home.dir);
  const roleArn = options.roleArn === undefined ? DEVELOPER : options.roleArn;
  home.write(
    '.aws/config',
    `[profile corp]
region = us-east-1
saml_sso_url = ${testbed.idp.samlAppUrl(options.app ?? 'aws')}
saml_browser = ${browser}
saml_browser_timeout = 60
${roleArn ? `role_arn = ${roleArn}\n` : ''}${options.extra ?? ''}
[profile corp-cli]
region = us-east-1
credential_process = rolecall export corp --format process
`,
  );
  home.env.AWS_ENDPOINT_URL_STS = testbed.aws.url;
  return Object.assign(home, {
    profileDir: join(home.dir, '.local', 'share', 'rolecall', 'browser-profile'),
    desktop: { ...home.env, DISPLAY: display.name },
  });
}

/** rolecall with a window for the sign-in: the test's agent signs in in it */
async function signInWithWindow(home: SamlHome, args: string[], login = alice()): Promise<RunResult> {
  const run = runRolecall(args, { env: home.desktop, timeoutMs: 120_000 });
  const { page, detach } = await attachToWindow(home.profileDir, /\/saml\/signin/);
  try {
    await ssoSignIn(page, login);
  } finally {
    await detach();
  }
  return run;
}

async function callerArn(env: NodeJS.ProcessEnv): Promise<string> {
  const r = await runProcess(AWS, ['sts', 'get-caller-identity', '--profile', 'corp-cli', '--endpoint-url', testbed.aws.url, '--query', 'Arn', '--output', 'text'], { env, timeoutMs: 120_000 });
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.trim();
}

describe('a first sign-in in a window, then the saved session without one', () => {
  let home: SamlHome;
  before(() => {
    home = samlHome();
  });
  after(() => home.remove());

  test('auto: no saved session, so a window opens; the user signs in (password, TOTP, stay signed in); the AWS CLI gets the role', async () => {
    testbed.idp.resetCounts();
    testbed.aws.resetCalls();
    const first = await signInWithWindow(home, ['export', 'corp', '--format', 'process']);
    assert.equal(first.code, 0, first.stderr);
    const json = JSON.parse(first.stdout) as { AccessKeyId: string; Expiration: string };
    assert.match(json.AccessKeyId, /^ASIA/);
    assert.match(first.stderr, /Sign in to your identity provider in the chromium-devtools window \(rolecall waits up to 60s\)/);
    assert.deepEqual(testbed.idp.ssoCounts().signIns, 1);
    assert.equal(testbed.aws.calls('AssumeRoleWithSAML'), 1);
    assert.deepEqual(await browsersGone(home.profileDir), [], 'no browser survives the run');

    // the AWS CLI through credential_process: the cache answers, no browser at all
    assert.equal(await callerArn(home.env), 'arn:aws:sts::222222222222:assumed-role/saml-developer/alice@example.com');
    assert.equal(testbed.aws.calls('AssumeRoleWithSAML'), 1);
  });

  test('the saved session: headless, no display, no typing; the assertion is caught and never sent', async () => {
    testbed.idp.resetCounts();
    testbed.aws.resetCalls();
    const fresh = await runRolecall(['export', 'corp', '--format', 'process', '--refresh'], { env: { ...home.env, ROLECALL_DEBUG: '1' }, timeoutMs: 90_000 });
    assert.equal(fresh.code, 0, fresh.stderr);
    assert.deepEqual(testbed.idp.ssoCounts(), { starts: 1, signIns: 0, assertions: 1 });
    assert.equal(testbed.aws.calls('AssumeRoleWithSAML'), 1);
    assert.doesNotMatch(fresh.stderr, /Sign in to your identity provider/);
    assert.match(fresh.stderr, /caught the SAML POST to https:\/\/signin\.aws\.amazon\.com\/saml/);
    assert.deepEqual(await browsersGone(home.profileDir), []);
  });

  test('32 parallel credential_process calls open one browser and make one STS call', async () => {
    const cleared = await runRolecall(['clear', 'corp'], { env: home.env });
    assert.equal(cleared.code, 0, cleared.stderr);
    testbed.idp.resetCounts();
    testbed.aws.resetCalls();
    // the command line the AWS CLI runs for corp-cli, 32 times at once
    const runs = await Promise.all(Array.from({ length: 32 }, () => runRolecall(['export', 'corp', '--format', 'process'], { env: home.env, timeoutMs: 120_000 })));
    assert.deepEqual(runs.map((r) => r.code), Array(32).fill(0), runs.map((r) => r.stderr).join(''));
    const keys = new Set(runs.map((r) => (JSON.parse(r.stdout) as { AccessKeyId: string }).AccessKeyId));
    assert.equal(keys.size, 1, 'every caller gets the one session');
    assert.equal(testbed.idp.ssoCounts().assertions, 1, 'one browser sign-in');
    assert.equal(testbed.aws.calls('AssumeRoleWithSAML'), 1);
    assert.deepEqual(await browsersGone(home.profileDir), []);
  });

  test('clear --all signs the browser out: the next run without a window needs a sign-in', async () => {
    const cleared = await runRolecall(['clear', '--all'], { env: home.env });
    assert.equal(cleared.code, 0, cleared.stderr);
    assert.match(cleared.stderr, /Forgot the identity provider sessions of rolecall's SAML sign-in browser\./);
    assert.equal(existsSync(home.profileDir), false);
    const again = await runRolecall(['export', 'corp'], { env: home.env, timeoutMs: 90_000 });
    assert.equal(again.code, 1);
    assert.match(again.stderr, /the identity provider wants you to sign in/);
  });
});

test('headless without a saved session: the clear error that a window is needed, naming the page; no browser left', async () => {
  const home = samlHome({ extra: 'saml_browser_headless = true\n' });
  try {
    const never = await runRolecall(['export', 'corp'], { env: home.desktop, timeoutMs: 90_000 });
    assert.equal(never.code, 1);
    assert.equal(never.stdout, '');
    assert.match(never.stderr, /the identity provider wants you to sign in \(its page http:\/\/127\.0\.0\.1:\d+\/saml\/signin \("Sign in to the rolecall testbed"\) did not post to AWS by itself\), and saml_browser_headless \(.*config:\d+\) says never to show a window/);
    assert.match(never.stderr, /hint: Sign in once with a window/);
    // auto, but no display: the same, saying why
    home.write('.aws/config', readFileSync(join(home.dir, '.aws', 'config'), 'utf8').replace('saml_browser_headless = true', 'saml_browser_headless = auto'));
    const noDisplay = await runRolecall(['export', 'corp'], { env: home.env, timeoutMs: 90_000 });
    assert.equal(noDisplay.code, 1);
    assert.match(noDisplay.stderr, /no window can be shown here: no display \(DISPLAY or WAYLAND_DISPLAY\)/);
    assert.deepEqual(await browsersGone(home.profileDir), []);
  } finally {
    home.remove();
  }
});

test('no role_arn and two roles without a terminal: the roles are listed with their account aliases', async () => {
  const home = samlHome({ roleArn: null });
  try {
    home.write('.aws/accounts', JSON.stringify({ staging: '222222222222', production: '333333333333' }));
    const r = await signInWithWindow(home, ['export', 'corp']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /the SAML assertion lists 2 roles and there is no terminal to ask which one:/);
    assert.match(r.stderr, new RegExp(`${DEVELOPER}  \\(staging \\(222222222222\\) / saml-developer\\)`));
    assert.match(r.stderr, new RegExp(`${OPERATOR}  \\(production \\(333333333333\\) / saml-operator\\)`));
    // named on the command line: the saved session, headless
    const named = await runRolecall(['export', 'corp', '--role-arn', OPERATOR, '--format', 'process'], { env: home.env, timeoutMs: 90_000 });
    assert.equal(named.code, 0, named.stderr);
  } finally {
    home.remove();
  }
});

test('the POST to AWS never leaves the machine: a proxy that sees the browser traffic sees nothing for AWS sign-in', async () => {
  const connects: string[] = [];
  const proxy: Server = createServer((req, res) => {
    connects.push(`${req.method} ${req.url}`);
    res.writeHead(403).end();
  });
  proxy.on('connect', (req, socket) => {
    connects.push(`CONNECT ${req.url}`);
    socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', () => resolve()));
  const proxyUrl = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
  const home = samlHome();
  try {
    const env = { ...home.desktop, https_proxy: proxyUrl, http_proxy: proxyUrl };
    // this Chromium sends https through the proxy: a page on another host shows up there
    const probe = await runProcess(CHROMIUM_PATH, ['--headless', '--no-sandbox', '--disable-gpu', `--user-data-dir=${join(home.dir, 'probe')}`, '--dump-dom', 'https://control.example/'], { env, timeoutMs: 60_000 });
    assert.ok(probe.code !== null);
    assert.ok(connects.includes('CONNECT control.example:443'), `the proxy saw ${connects.join(', ')}`);
    connects.length = 0;

    const r = await signInWithWindow(home, ['export', 'corp'], alice());
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(connects.filter((c) => /signin\.aws\.amazon\.com/.test(c)), []);
  } finally {
    home.remove();
    proxy.close();
  }
});

describe('no stray browser, whatever ends the run', () => {
  async function waitingWindow(home: SamlHome) {
    const child = spawn(process.execPath, [BIN, 'export', 'corp'], { env: home.desktop, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
    const { detach } = await attachToWindow(home.profileDir, /\/saml\/signin/);
    await detach();
    assert.ok(browserProcesses(home.profileDir).length > 0);
    return { child, done, stderr: () => stderr };
  }

  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    test(`${signal} while the window waits for the user: the browser is closed, rolecall dies of the signal`, async () => {
      const home = samlHome({ extra: 'saml_browser_headless = false\n' });
      try {
        const run = await waitingWindow(home);
        run.child.kill(signal);
        const end = await run.done;
        assert.deepEqual(end, { code: null, signal });
        assert.deepEqual(await browsersGone(home.profileDir), [], run.stderr());
      } finally {
        home.remove();
      }
    });
  }

  test('SIGKILL: the browser loses its DevTools pipe and exits with rolecall', async () => {
    const home = samlHome({ extra: 'saml_browser_headless = false\n' });
    try {
      const run = await waitingWindow(home);
      run.child.kill('SIGKILL');
      await run.done;
      assert.deepEqual(await browsersGone(home.profileDir, 15_000), []);
    } finally {
      home.remove();
    }
  });

  test('the user closes the window: SAML_BROWSER_CLOSED with where it was', async () => {
    const home = samlHome({ extra: 'saml_browser_headless = false\n' });
    try {
      const run = runRolecall(['export', 'corp'], { env: home.desktop, timeoutMs: 90_000 });
      const { page, detach } = await attachToWindow(home.profileDir, /\/saml\/signin/);
      await page.close();
      await detach();
      const r = await run;
      assert.equal(r.code, 1);
      assert.match(r.stderr, /the browser window was closed before the identity provider posted the sign-in to AWS \(it was on http:\/\/127\.0\.0\.1:\d+\/saml\/signin/);
      assert.deepEqual(await browsersGone(home.profileDir), []);
    } finally {
      home.remove();
    }
  });

  test('the provider never posts (an app not assigned): SAML_BROWSER_TIMEOUT names the page and its status', async () => {
    const home = samlHome({ app: 'not-assigned', extra: 'saml_browser_headless = false\n' });
    try {
      home.write('.aws/config', readFileSync(join(home.dir, '.aws', 'config'), 'utf8').replace('saml_browser_timeout = 60', 'saml_browser_timeout = 4'));
      const r = await runRolecall(['export', 'corp'], { env: home.desktop, timeoutMs: 90_000 });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /the identity provider did not post the sign-in to AWS within 4s \(saml_browser_timeout \(.*config:\d+\)\); the browser was on http:\/\/127\.0\.0\.1:\d+\/saml\/app\/not-assigned\/sso \("Application not assigned", HTTP 404\)/);
      assert.match(r.stderr, /hint: Finish the sign-in sooner or raise saml_browser_timeout/);
      assert.deepEqual(await browsersGone(home.profileDir), []);
    } finally {
      home.remove();
    }
  });
});

test('an assertion without AWS roles: SAML_NO_ROLES, with the administrator hint', async () => {
  const home = samlHome();
  try {
    const r = await signInWithWindow(home, ['export', 'corp'], { username: 'dave', password: user('dave').password, remember: true });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^rolecall: the SAML assertion has no https:\/\/aws\.amazon\.com\/SAML\/Attributes\/Role attribute values$/m);
    assert.match(r.stderr, /hint: The assertion lists no AWS roles: the IdP administrator must map the https:\/\/aws\.amazon\.com\/SAML\/Attributes\/Role attribute/);
    assert.equal(r.stdout, '');
  } finally {
    home.remove();
  }
});

test('samlify builds the Response (an independent SAML implementation): SessionDuration caps the session; exec, exec --server and login work', async () => {
  const home = samlHome({ app: 'aws-samlify', extra: 'duration_seconds = 43200\n' });
  try {
    const first = await signInWithWindow(home, ['export', 'corp', '--format', 'process']);
    assert.equal(first.code, 0, first.stderr);
    const hours = (Date.parse((JSON.parse(first.stdout) as { Expiration: string }).Expiration) - Date.now()) / 3600_000;
    assert.ok(hours > 1.9 && hours <= 2, `the assertion's SessionDuration 7200 caps 43200: ${hours} h`);

    const exec = await runRolecall(['exec', 'corp', '--', AWS, 'sts', 'get-caller-identity', '--endpoint-url', testbed.aws.url, '--query', 'Arn', '--output', 'text'], { env: home.env });
    assert.equal(exec.code, 0, exec.stderr);
    assert.equal(exec.stdout.trim(), 'arn:aws:sts::222222222222:assumed-role/saml-developer/alice@example.com');

    const server = await runRolecall(['exec', 'corp', '--server', 'ecs', '--', AWS, 'sts', 'get-caller-identity', '--endpoint-url', testbed.aws.url, '--query', 'Arn', '--output', 'text'], { env: home.env });
    assert.equal(server.code, 0, server.stderr);
    assert.equal(server.stdout.trim(), 'arn:aws:sts::222222222222:assumed-role/saml-developer/alice@example.com');

    const login = await runRolecall(['login', 'corp', '--url'], { env: { ...home.env, AWS_ENDPOINT_URL_SIGNIN: testbed.aws.signinUrl } });
    assert.equal(login.code, 0, login.stderr);
    assert.match(login.stdout, /Action=login/);
    assert.deepEqual(await browsersGone(home.profileDir), []);
  } finally {
    home.remove();
  }
});

test('doctor: the browser is found and starts; a missing one is a failed check naming where it looked', async () => {
  const home = samlHome();
  try {
    const ok = await runRolecall(['doctor', 'corp'], { env: home.env, timeoutMs: 90_000 });
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /ok {3}the browser for SAML sign-ins starts: chromium-devtools \d+\.[\d.]+ \(\/.*\/chromium-devtools, named by saml_browser \(.*config:4\)\); no display here/);
    home.write('.aws/config', `[profile corp]\nregion = us-east-1\nsaml_sso_url = ${testbed.idp.samlAppUrl('aws')}\nsaml_browser = brave\n`);
    const missing = await runRolecall(['doctor', 'corp'], { env: home.env, timeoutMs: 90_000 });
    assert.notEqual(missing.code, 0);
    assert.match(missing.stdout + missing.stderr, /Brave, named by saml_browser = brave .* is not installed here: looked for brave-browser, brave, \/opt\/brave\.com\/brave\/brave/);
  } finally {
    home.remove();
  }
});
