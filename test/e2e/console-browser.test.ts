// `rolecall login` opening a real browser: the profile's web_identity_agent (or $BROWSER) is a script
// that drives headless Chromium to the URL it is given; the page it lands on must be the testbed
// console signed in as the profile's role.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Testbed } from '../../testbed/index';
import { runRolecall, type Home } from '../helpers/cli';
import { bastionHome, useBastionTestbed } from '../helpers/bastion';

const PLAYWRIGHT = new URL('../../node_modules/playwright-core/index.mjs', import.meta.url).pathname;

// the browser agent: rolecall starts it detached with no stdio, so it reports through a file
const AGENT = `import { chromium } from ${JSON.stringify(PLAYWRIGHT)};
import { writeFileSync } from 'node:fs';
const [out, url] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
try {
  const page = await browser.newPage();
  await page.goto(url);
  const text = async (id) => (await page.locator('#' + id).textContent({ timeout: 15000 })) ?? '';
  writeFileSync(out, JSON.stringify({ title: await page.title(), identity: await text('identity'), account: await text('account'), alias: await text('alias'), path: new URL(page.url()).pathname }));
} catch (error) {
  writeFileSync(out, JSON.stringify({ error: String(error) }));
} finally {
  await browser.close();
}
`;

let testbed: Testbed;
let home: Home;
let agentPath: string;

useBastionTestbed((started, startedHome) => {
  testbed = started;
  home = startedHome;
  agentPath = home.write('console-agent.mjs', AGENT);
});

async function landed(out: string): Promise<Record<string, string>> {
  const deadline = Date.now() + 60_000;
  while (!existsSync(out)) {
    if (Date.now() > deadline) throw new Error('the browser agent never reported');
    await sleep(200);
  }
  return JSON.parse(readFileSync(out, 'utf8')) as Record<string, string>;
}

test('login opens the profile agent, and Chromium lands on the console as the role', async () => {
  const out = join(home.dir, 'agent-profile.json');
  const agentHome = bastionHome(
    testbed,
    `
[profile console]
role_arn = arn:aws:iam::333333333333:role/read
source_profile = bastion
web_identity_agent = ${JSON.stringify([process.execPath, agentPath, out, '{}'])}
`,
  );
  try {
    const run = await runRolecall(['login', 'console'], { env: { ...agentHome.env, AWS_ENDPOINT_URL_SIGNIN: testbed.aws.signinUrl } });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, '');
    assert.doesNotMatch(run.stderr, /SigninToken/);
    const page = await landed(out);
    assert.equal(page.error, undefined, page.error);
    assert.equal(page.title, 'AWS Management Console (testbed)');
    assert.equal(page.path, '/console');
    assert.match(page.identity!, /^arn:aws:sts::333333333333:assumed-role\/read\//);
    assert.equal(page.account, '333333333333');
    assert.equal(page.alias, 'production');
  } finally {
    agentHome.remove();
  }
});

test('login with $BROWSER: Chromium lands on the console as the chained role', async () => {
  const out = join(home.dir, 'agent-browser-env.json');
  const run = await runRolecall(['login', 'admin'], {
    env: { ...home.env, AWS_ENDPOINT_URL_SIGNIN: testbed.aws.signinUrl, BROWSER: `${process.execPath} ${agentPath} ${out}` },
  });
  assert.equal(run.code, 0, run.stderr);
  const page = await landed(out);
  assert.equal(page.error, undefined, page.error);
  assert.match(page.identity!, /^arn:aws:sts::333333333333:assumed-role\/admin\//);
  assert.equal(page.alias, 'production');
});

test('console_browser = Chromium with console_browser_profile = per-role: the real Chromium opens the console in that profile', async () => {
  const userData = join(home.dir, 'chromium-user-data');
  const chromiumHome = bastionHome(
    testbed,
    `
[profile in-chromium]
role_arn = arn:aws:iam::333333333333:role/read
source_profile = bastion
console_browser = ${JSON.stringify([
      '/usr/bin/chromium', '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', `--user-data-dir=${userData}`, '--dump-dom',
    ])}
console_browser_profile = per-role
`,
  );
  try {
    const before = testbed.aws.calls('login');
    const run = await runRolecall(['login', 'in-chromium'], { env: { ...chromiumHome.env, AWS_ENDPOINT_URL_SIGNIN: testbed.aws.signinUrl } });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /in browser profile "aws-333333333333-read"/);
    // Chromium keeps a profile's state in a directory of that name under its user data directory
    const profileDir = join(userData, 'aws-333333333333-read');
    for (const deadline = Date.now() + 60_000; !(existsSync(join(profileDir, 'Preferences')) && testbed.aws.calls('login') > before); await sleep(200)) {
      if (Date.now() > deadline) throw new Error(`Chromium did not sign in with profile directory ${profileDir}`);
    }
    assert.ok(!existsSync(join(userData, 'Default', 'Preferences')), 'not the Default profile');
  } finally {
    chromiumHome.remove();
  }
});
