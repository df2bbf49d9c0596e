// A $BROWSER command for the Identity Center tests: `node --import tsx test/helpers/sso-browser.ts URL`.
// It is the person at the other end of an `aws sso login` or a rolecall sign-in: for a device code's
// verification URI it confirms the code, signs in and answers; for an authorization URL it signs in,
// answers, and follows the redirect to the loopback listener. Who and what come from TESTBED_USER,
// TESTBED_PASSWORD and TESTBED_CONSENT (approve|deny|ignore: open the page and do nothing); what it
// saw goes to the file TESTBED_AGENT_LOG, as browsers are started with no stdio.
import { appendFileSync } from 'node:fs';
import { approveDevice, authorizeInBrowser } from './sso-person';

const TSX = new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url).pathname;
export const SSO_BROWSER = `${process.execPath} --import ${TSX} ${new URL(import.meta.url).pathname}`;

async function main(url: string): Promise<void> {
  const env = process.env;
  const log = (line: string) => {
    if (env.TESTBED_AGENT_LOG) appendFileSync(env.TESTBED_AGENT_LOG, `${line}\n`);
  };
  const consent = env.TESTBED_CONSENT ?? 'approve';
  log(`opened ${new URL(url).pathname}`);
  if (consent === 'ignore') return;
  const person = { username: env.TESTBED_USER ?? 'alice', password: env.TESTBED_PASSWORD ?? '', consent: consent as 'approve' | 'deny' };
  if (new URL(url).pathname === '/device') {
    const page = await approveDevice(url, person);
    log(/device-success/.test(page) ? 'device approved' : /device-denied/.test(page) ? 'device denied' : `device page: ${page}`);
  } else {
    const { loopback } = await authorizeInBrowser(url, person);
    log(`loopback answered ${loopback.status}: ${/<h1>([^<]*)<\/h1>/.exec(loopback.text)?.[1] ?? loopback.text}`);
  }
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  main(process.argv[2] ?? '').catch((error: unknown) => {
    if (process.env.TESTBED_AGENT_LOG) appendFileSync(process.env.TESTBED_AGENT_LOG, `failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
