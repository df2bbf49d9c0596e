// Drives the testbed IdP's pages in a real browser (playwright-core with Debian's chromium), the
// way a user would: used by the IdP's own tests and by every test or demo that logs in, through
// OIDC (signIn, approveDevice) or SAML single sign-on (ssoSignIn).
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** headless chromium from the system; never a downloaded browser */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export interface Login {
  username: string;
  password: string;
  /** what to answer on the consent page; default approve */
  consent?: 'approve' | 'deny';
}

/**
 * fills the login form on `page` (already at the IdP's login page), then answers the consent page;
 * use a fresh browser context: in one that already signed in, the IdP skips both pages
 */
export async function signIn(page: Page, login: Login): Promise<void> {
  await page.locator('#username').fill(login.username);
  await page.locator('#password').fill(login.password);
  await page.locator('#submit').click();
  await page.locator(`#${login.consent ?? 'approve'}`).click();
}

/**
 * Completes a device authorization (RFC 8628) as the user: opens the verification URI (with
 * userCode: the plain one, where the code is typed in; without: verification_uri_complete, which
 * goes straight to the confirmation), confirms, signs in, answers consent and, when approving,
 * waits for the success page.
 */
export async function approveDevice(page: Page, verificationUri: string, login: Login, userCode?: string): Promise<void> {
  await page.goto(verificationUri);
  if (userCode !== undefined) {
    await page.locator('#user-code').fill(userCode);
    await page.locator('#continue').click();
  }
  await page.locator('#confirm').click();
  await signIn(page, login);
  if ((login.consent ?? 'approve') === 'approve') await page.locator('#device-success').waitFor();
}

export interface SsoLogin {
  username: string;
  password: string;
  /** the TOTP code, for users with a device (the page after the password asks for it) */
  totp?: () => string;
  /** tick "Stay signed in": the session cookie then outlives the browser */
  remember?: boolean;
}

/** Signs in on the SAML sign-in pages (`page` is at /saml/signin): password, then the TOTP code if asked. */
export async function ssoSignIn(page: Page, login: SsoLogin): Promise<void> {
  await page.locator('#username').fill(login.username);
  await page.locator('#password').fill(login.password);
  if (login.remember) await page.locator('#remember').check();
  await page.locator('#submit').click();
  if (login.totp) {
    await page.locator('#totp').fill(login.totp());
    await page.locator('#verify').click();
  }
}
