// A SAML assertion from the identity provider's own sign-in page, in the user's Chromium-family
// browser (saml_sso_url): finds the browser, keeps one sign-in at a time in rolecall's browser
// profile (a lock: Chromium refuses two browsers on one profile), and returns the SAMLResponse the
// page posted to AWS (./capture.ts does the browser's part). Also what `clear --all` forgets.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { describeSource, type Setting } from '../../../config/source';
import type { Logger } from '../../../platform/logger';
import type { SamlBrowser } from '../../../plan/saml';
import { ensureDataDir } from '../../../store/cache-dir';
import { browserProfileDir, dataDir } from '../../../store/layout';
import { withLock } from '../../../store/lock';
import { requireSecureUrl } from '../secure-url';
import { captureSamlResponse } from './capture';
import { findBrowser } from './find-browser';
import { requireDevtools } from './devtools';

/** the lock (under the cache directory's locks/) that one browser sign-in at a time holds */
const PROFILE_LOCK = 'saml-browser-profile';

export interface SamlBrowserDeps {
  env: NodeJS.ProcessEnv;
  home: string;
  log: Logger;
  platform: NodeJS.Platform;
}

/** A window can be shown: always on macOS and Windows; elsewhere with an X11 or Wayland display. */
export function canShowWindow(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): boolean {
  return platform === 'darwin' || platform === 'win32' || !!env.DISPLAY || !!env.WAYLAND_DISPLAY;
}

function where(name: string, s: Setting<unknown> | undefined): string {
  return s && s.source.kind !== 'default' ? `${name} (${describeSource(s.source)})` : `${name} (default)`;
}

/** The base64 SAMLResponse the identity provider's page posted to AWS. */
export async function assertionFromBrowser(settings: SamlBrowser, deps: SamlBrowserDeps): Promise<string> {
  const start = requireSecureUrl(settings.startUrl, { what: 'the SAML sign-in page (saml_sso_url)', allowInsecure: settings.allowInsecure, code: 'SAML_INSECURE', log: deps.log });
  requireDevtools();
  const browser = findBrowser(settings.browser, { env: deps.env, platform: deps.platform, home: deps.home });
  // the profile will hold the provider's session cookie: never in a directory another user planted
  const profileDir = browserProfileDir(ensureDataDir(deps));
  mkdirSync(profileDir, { recursive: true, mode: 0o700 });
  const timeoutMs = settings.timeoutSeconds.value * 1000;
  deps.log.debug(`SAML sign-in at ${start.origin} with ${browser.label} (${browser.path}, ${browser.chosenBy}), profile ${profileDir}, headless ${settings.headless.value}`);
  const captured = await withLock(
    PROFILE_LOCK,
    { env: deps.env, home: deps.home, log: deps.log },
    () =>
      captureSamlResponse({
        startUrl: start.href,
        browser,
        profileDir,
        headless: settings.headless.value,
        timeoutMs,
        canShowWindow: canShowWindow(deps.env, deps.platform),
        env: deps.env,
        log: deps.log,
        describe: { headless: where('saml_browser_headless', settings.headless), timeout: where('saml_browser_timeout', settings.timeoutSeconds) },
      }),
    {
      // a sign-in holds it for at most its timeout (twice: a try without a window, then one with)
      staleAfterMs: 2 * timeoutMs + 60_000,
      onWait: (pid) => deps.log.info(`waiting for rolecall pid ${pid}, which is signing in with the browser`),
    },
  );
  deps.log.redact(captured.samlResponse);
  deps.log.debug(`the identity provider posted to ${captured.endpoint}`);
  return captured.samlResponse;
}

/**
 * `clear --all`: rolecall's browser forgets the identity providers' sessions (its profile goes,
 * once no sign-in is running on it). True when there was one.
 */
export async function forgetBrowserSessions(deps: Omit<SamlBrowserDeps, 'platform'>): Promise<boolean> {
  const profileDir = browserProfileDir(dataDir(deps.env, deps.home));
  if (!existsSync(profileDir)) return false;
  ensureDataDir(deps); // a planted link would have the profile removed from a directory of someone else's
  await withLock(PROFILE_LOCK, deps, async () => rmSync(profileDir, { recursive: true, force: true }), {
    onWait: (pid) => deps.log.info(`waiting for rolecall pid ${pid}, which is signing in with the browser`),
  });
  return true;
}
