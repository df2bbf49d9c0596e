// A browser "agent" command for rolecall (web_identity_agent / aws-oidc's agent array), for tests
// and the demo: `node --import tsx test/helpers/browser-agent.ts URL`. It opens URL in headless
// chromium and acts as the user at the testbed IdP (or its Identity Center): confirms a device code
// when the page asks, signs in as TESTBED_USER / TESTBED_PASSWORD, answers consent
// (TESTBED_CONSENT=approve|deny, default approve), waits until the loopback page (or the device
// page) says how the login ended, and exits. TESTBED_CONSENT=close opens the page and closes the browser
// (a user who gives up). A console sign-in URL (the testbed's federation endpoint) is followed to
// the console page, and whose console it is gets logged ("console: ARN"), so the same agent serves
// aws-oidc's recipe of one browser profile for the IdP and the console. Progress goes to the file
// TESTBED_AGENT_LOG, as rolecall starts agents with no stdio.
import { appendFileSync } from 'node:fs';
import { launchChromium, signIn } from '../../testbed/idp/browser-login';

const url = process.argv[2];
const env = process.env;
const log = (line: string) => {
  if (env.TESTBED_AGENT_LOG) appendFileSync(env.TESTBED_AGENT_LOG, `${new Date().toISOString()} ${line}\n`);
};

async function main(): Promise<number> {
  if (!url) {
    log('usage: browser-agent.ts URL');
    return 2;
  }
  const consent = (env.TESTBED_CONSENT ?? 'approve') as 'approve' | 'deny' | 'close';
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(url);
    if (new URL(url).pathname.endsWith('/federation')) {
      log(`console: ${(await page.locator('#identity').textContent({ timeout: 15_000 })) ?? ''}`);
      return 0;
    }
    log(`opened the login page ${new URL(page.url()).pathname}`);
    if (consent === 'close') return 0;
    // a device code's verification_uri_complete first shows the code to confirm
    if ((await page.locator('#confirm').count()) > 0) await page.locator('#confirm').click();
    await signIn(page, { username: env.TESTBED_USER ?? 'alice', password: env.TESTBED_PASSWORD ?? '', consent });
    await page.locator('h1', { hasText: /Login successful|Login failed|Request approved|Request denied/ }).waitFor({ timeout: 30_000 });
    log(`the loopback page says: ${(await page.locator('h1').textContent()) ?? ''}`);
    return 0;
  } finally {
    await browser.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    log(`failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
