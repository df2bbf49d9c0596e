// The DevTools client that drives the installed browser (playwright-core), loaded on first use
// only: nothing of it is on the cache-hit path or in the CLI's start-up. Also how a sign-in browser
// is started here, and doctor's check that it starts at all.
import type { BrowserType } from 'playwright-core';
import { RolecallError } from '../../../errors';
import { IS_SEA } from '../../../platform/self';
import type { FoundBrowser } from './find-browser';

const FROM_NPM = 'Install rolecall from npm (npm install -g rolecall), which brings playwright-core along; the single-file executable cannot drive a browser.';

/**
 * Throws in the single executable, which leaves playwright-core out (scripts/build-binary.mjs): said
 * plainly and before a browser is looked for, not as the failed import's words.
 */
export function requireDevtools(): void {
  if (IS_SEA) throw new RolecallError('SAML_BROWSER_FAILED', 'this single-file executable has no DevTools client (playwright-core) to drive the browser a saml_sso_url profile signs in with', { hint: FROM_NPM });
}

export async function loadChromium(): Promise<BrowserType> {
  requireDevtools();
  try {
    return (await import('playwright-core')).chromium;
  } catch (error) {
    throw new RolecallError('SAML_BROWSER_FAILED', `the DevTools client (playwright-core) that drives the browser cannot be loaded: ${(error as Error).message}`, {
      hint: FROM_NPM,
    });
  }
}

/** Chromium refuses its sandbox to root; everyone else keeps it. */
export function sandboxed(): boolean {
  return process.getuid?.() !== 0;
}

/** Starts the browser without a window and a throwaway profile, and says its version (doctor). */
export async function browserVersion(browser: FoundBrowser, env: NodeJS.ProcessEnv): Promise<string> {
  const chromium = await loadChromium();
  try {
    const started = await chromium.launch({ executablePath: browser.path, headless: true, chromiumSandbox: sandboxed(), env, timeout: 60_000, handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false });
    try {
      return started.version();
    } finally {
      await started.close();
    }
  } catch (error) {
    throw launchFailure(browser, error);
  }
}

/** A browser that did not start, in one line: playwright-core's first line, without its own prefix. */
export function launchFailure(browser: FoundBrowser, error: unknown): RolecallError {
  const message = error instanceof Error ? error.message : String(error);
  const first = message.split('\n').find((line) => line.trim() !== '') ?? message;
  return new RolecallError('SAML_BROWSER_FAILED', `${browser.label} (${browser.path}, ${browser.chosenBy}) did not start: ${first.replace(/^[\w.]+: /, '').slice(0, 300)}`, {
    hint: `Check that the browser starts by hand (${browser.path} --version); run with --debug for its own messages, or name another with saml_browser.`,
  });
}
