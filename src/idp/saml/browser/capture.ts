// Signs in to a SAML identity provider in the user's own Chromium-family browser, driven through
// the DevTools protocol (playwright-core, loaded only here): opens the provider's start URL for the
// AWS app in rolecall's persistent browser profile, lets the user do whatever the provider asks,
// and catches the form POST to AWS's sign-in endpoint inside the browser. The request is answered
// by rolecall, never sent, and the window closes.
//
// headless: 'false' shows a window at once; 'true' never does, and fails as soon as the provider
// wants the user; 'auto' tries without a window first (the saved session usually posts at once)
// and opens one only when the provider wants the user and a window can be shown here.
//
// The browser never outlives rolecall: it is closed on success, errors, the timeout and Ctrl-C /
// SIGTERM / SIGHUP (then the signal is raised again); when rolecall is killed outright, the
// browser's DevTools pipe closes and Chromium exits with it.
import type { BrowserContext, BrowserType, Page, Request } from 'playwright-core';
import { launchFailure, loadChromium, sandboxed } from './devtools';
import { RolecallError } from '../../../errors';
import type { Logger } from '../../../platform/logger';
import { AWS_SIGNIN_HOST, isAwsSamlEndpoint, pageForHumans, samlFromForm, type PostedSaml } from './aws-endpoint';
import type { FoundBrowser } from './find-browser';

export type HeadlessMode = 'auto' | 'true' | 'false';

export interface CaptureRequest {
  /** saml_sso_url: the provider's start URL for the AWS app */
  startUrl: string;
  browser: FoundBrowser;
  /** the persistent browser profile (cookies of the provider's session) */
  profileDir: string;
  headless: HeadlessMode;
  /** how long the user has to finish the sign-in once a window is shown (and the whole run without one) */
  timeoutMs: number;
  /** a window can be shown here (macOS, Windows, or a Linux display) */
  canShowWindow: boolean;
  /** the browser's environment (proxies, DISPLAY) */
  env: NodeJS.ProcessEnv;
  log: Logger;
  /** where the settings came from, for the hints: "saml_browser_headless (~/.aws/config:12)" */
  describe: { headless: string; timeout: string };
}

export interface CaptureResult extends PostedSaml {
  /** the AWS endpoint the provider posted to */
  endpoint: string;
}

/** without a window: quiet this long (no navigation, no request in flight) means the page waits for the user */
const SETTLE_MS = 4000;
/** without a window in 'auto': try at most this long before showing one */
const PROBE_MAX_MS = 20_000;
const POLL_MS = 250;
const CLOSE_GRACE_MS = 10_000;
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

const DONE_PAGE = page('Signed in', 'rolecall has the sign-in for the command line. This window closes by itself.');
const BLOCKED_PAGE = page('Stopped', 'rolecall stopped this request to AWS sign-in: the browser window is only for signing in to your identity provider.');

function page(title: string, text: string): string {
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>rolecall: ${title}</title></head><body><h1>${title}</h1><p>${text}</p></body></html>`;
}

type Outcome = { kind: 'posted'; result: CaptureResult } | { kind: 'wanted'; where: string };

/** Thrown inside a run when a signal arrives; turned back into the signal once the browser is closed. */
class Interrupted extends Error {
  constructor(readonly signal: NodeJS.Signals) {
    super(`interrupted by ${signal}`);
  }
}

interface Interruption {
  promise: Promise<never>;
  dispose(): void;
}

function interruption(): Interruption {
  let reject!: (error: Interrupted) => void;
  const promise = new Promise<never>((_, r) => (reject = r));
  promise.catch(() => undefined);
  const handlers = SIGNALS.map((signal) => {
    const handler = () => reject(new Interrupted(signal));
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  return { promise, dispose: () => handlers.forEach(([signal, handler]) => process.off(signal, handler)) };
}

export async function captureSamlResponse(request: CaptureRequest): Promise<CaptureResult> {
  const chromium = await loadChromium();
  const stop = interruption();
  try {
    if (request.headless === 'false') return await visibleRun(chromium, request, stop);
    const first = await run(chromium, request, stop, { visible: false, probe: true });
    if (first.kind === 'posted') return first.result;
    if (request.headless === 'true') {
      throw new RolecallError('SAML_BROWSER_SIGN_IN_NEEDED', `the identity provider wants you to sign in (its page ${first.where} did not post to AWS by itself), and ${request.describe.headless} says never to show a window`, {
        hint: 'Sign in once with a window: run the command with saml_browser_headless = auto (or false) on a machine with a display; the saved session then serves headless runs.',
      });
    }
    if (!request.canShowWindow) {
      throw new RolecallError('SAML_BROWSER_SIGN_IN_NEEDED', `the identity provider wants you to sign in (its page ${first.where} did not post to AWS by itself), and no window can be shown here: no display (DISPLAY or WAYLAND_DISPLAY)`, {
        hint: 'Run the command once on a desktop session (or with ssh -X) to sign in; the saved session then serves runs without a window.',
      });
    }
    return await visibleRun(chromium, request, stop);
  } catch (error) {
    if (error instanceof Interrupted) {
      // the browser is closed: die of the signal, as without rolecall's handler
      stop.dispose();
      process.kill(process.pid, error.signal);
      await new Promise(() => undefined);
    }
    throw error;
  } finally {
    stop.dispose();
  }
}

async function visibleRun(chromium: BrowserType, request: CaptureRequest, stop: Interruption): Promise<CaptureResult> {
  request.log.info(`Sign in to your identity provider in the ${request.browser.label} window (rolecall waits up to ${Math.round(request.timeoutMs / 1000)}s)...`);
  const outcome = await run(chromium, request, stop, { visible: true, probe: false });
  if (outcome.kind !== 'posted') throw new RolecallError('INTERNAL', 'a browser run with a window ended without a sign-in');
  return outcome.result;
}

/** navigator.webdriver stays false: some providers (Google) refuse sign-ins in a browser that says it is automated */
const LAUNCH_ARGS = ['--disable-blink-features=AutomationControlled', '--no-default-browser-check'];

async function launch(chromium: BrowserType, request: CaptureRequest, visible: boolean): Promise<BrowserContext> {
  try {
    return await chromium.launchPersistentContext(request.profileDir, {
      executablePath: request.browser.path,
      headless: !visible,
      args: LAUNCH_ARGS,
      ignoreDefaultArgs: ['--enable-automation'],
      chromiumSandbox: sandboxed(),
      // the window's own size, not an emulated viewport
      viewport: visible ? null : { width: 1280, height: 800 },
      env: request.env,
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
      timeout: 60_000,
    });
  } catch (error) {
    request.log.debug(`launching ${request.browser.path}: ${error instanceof Error ? error.message : String(error)}`);
    throw launchFailure(request.browser, error);
  }
}

/** Closes the browser; one that does not answer is killed when rolecall exits (playwright-core's exit handler). */
async function close(context: BrowserContext | undefined, log: Logger): Promise<void> {
  if (!context) return;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_GRACE_MS)));
  await Promise.race([context.close().catch((error: Error) => log.debug(`closing the browser: ${error.message}`)), late]);
  clearTimeout(timer);
}

async function run(chromium: BrowserType, request: CaptureRequest, stop: Interruption, mode: { visible: boolean; probe: boolean }): Promise<Outcome> {
  const launching = launch(chromium, request, mode.visible);
  let context: BrowserContext | undefined;
  const ended = { done: false, timers: [] as NodeJS.Timeout[] };
  try {
    context = await Promise.race([launching, stop.promise]);
    const opened = context;
    const posted = new Promise<Outcome>((resolve) => {
      void opened.route(AWS_SIGNIN_HOST, async (route) => {
        const req = route.request();
        const saml = req.method() === 'POST' && isAwsSamlEndpoint(req.url()) ? await postedSaml(req) : undefined;
        if (saml) {
          request.log.debug(`caught the SAML POST to ${pageForHumans(req.url())}`);
          resolve({ kind: 'posted', result: { ...saml, endpoint: req.url() } });
        } else {
          request.log.debug(`stopped a ${req.method()} request to ${pageForHumans(req.url())}`);
        }
        await route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: saml ? DONE_PAGE : BLOCKED_PAGE }).catch(() => undefined);
      });
    });
    const tab = opened.pages()[0] ?? (await opened.newPage());
    const watch = watchPage(tab);
    if (mode.visible) await tab.bringToFront().catch(() => undefined);
    const failures = new Promise<never>((_, reject) => {
      tab.goto(request.startUrl, { timeout: request.timeoutMs }).catch((error: Error) => {
        const net = /net::(ERR_[A-Z_]+)/.exec(error.message);
        // a form posted during the load (the provider's own redirects) is not a failure
        if (net && net[1] !== 'ERR_ABORTED') {
          reject(
            new RolecallError('NETWORK', `the browser could not open saml_sso_url ${pageForHumans(request.startUrl)}: ${net[1]}`, {
              hint: "Check saml_sso_url (the identity provider's start URL for the AWS app), the network, a proxy or VPN.",
            }),
          );
        }
      });
      const closed = async () =>
        mode.visible
          ? new RolecallError('SAML_BROWSER_CLOSED', `the browser window was closed before the identity provider posted the sign-in to AWS (it was on ${await watch.where()})`)
          : new RolecallError('SAML_BROWSER_FAILED', `${request.browser.label} exited while on ${await watch.where()}`, {
              hint: 'Run with --debug to see what the browser said, or set saml_browser_headless = false.',
            });
      opened.on('close', () => void closed().then(reject));
      if (mode.visible) {
        // closing the last tab ends the sign-in, even where the browser keeps running without windows
        const lastTab = () => {
          if (opened.pages().length === 0) void closed().then(reject);
        };
        tab.on('close', lastTab);
        opened.on('page', (p) => p.on('close', lastTab));
      }
      if (!mode.probe) {
        const late = async () =>
          new RolecallError(
            'SAML_BROWSER_TIMEOUT',
            `the identity provider did not post the sign-in to AWS within ${Math.round(request.timeoutMs / 1000)}s (${request.describe.timeout}); the browser was on ${await watch.where()}`,
          );
        ended.timers.push(setTimeout(() => void late().then(reject), request.timeoutMs));
      }
    });
    const wanted = mode.probe ? waitForUser(watch, Math.min(PROBE_MAX_MS, request.timeoutMs), ended) : new Promise<never>(() => undefined);
    return await Promise.race([posted, failures, wanted, stop.promise]);
  } finally {
    ended.done = true;
    ended.timers.forEach(clearTimeout);
    // interrupted while starting: the browser still comes up, and is closed
    await close(context ?? (await launching.catch(() => undefined)), request.log);
  }
}

async function postedSaml(req: Request): Promise<PostedSaml | undefined> {
  const type = (await req.headerValue('content-type').catch(() => null)) ?? '';
  if (type.toLowerCase().startsWith('multipart/form-data')) {
    // the HTTP-POST binding's forms are urlencoded; a provider that sends multipart is read all the same
    const form = await new Response(new Uint8Array(req.postDataBuffer() ?? Buffer.alloc(0)), { headers: { 'content-type': type } }).formData().catch(() => undefined);
    const samlResponse = form?.get('SAMLResponse');
    const relayState = form?.get('RelayState');
    return typeof samlResponse === 'string' && samlResponse !== '' ? { samlResponse, ...(typeof relayState === 'string' && relayState ? { relayState } : {}) } : undefined;
  }
  return samlFromForm(req.postData());
}

interface PageWatch {
  /** the page's URL (origin and path), title and the HTTP status of its document, for messages */
  where(): Promise<string>;
  /** ms since the last navigation or request start/end in the page */
  quietFor(): number;
  inFlight(): number;
  page: Page;
}

function watchPage(page: Page): PageWatch {
  let last = Date.now();
  let inFlight = 0;
  let status: number | undefined;
  // what the page last showed, still known once it is closed
  let url = '';
  let title = '';
  const touch = () => (last = Date.now());
  const remember = () => {
    url = page.url();
    page.title().then(
      (t) => (title = t.trim()),
      () => undefined,
    );
  };
  page.on('request', () => {
    inFlight += 1;
    touch();
  });
  const done = () => {
    inFlight = Math.max(0, inFlight - 1);
    touch();
  };
  page.on('requestfinished', done);
  page.on('requestfailed', done);
  page.on('framenavigated', (frame) => {
    if (frame !== page.mainFrame()) return;
    touch();
    title = '';
    url = frame.url();
  });
  page.on('response', (response) => {
    if (response.request().isNavigationRequest() && response.request().frame() === page.mainFrame()) status = response.status();
  });
  page.on('domcontentloaded', remember);
  page.on('load', remember);
  return {
    page,
    where: async () => {
      if (!page.isClosed()) {
        url = page.url();
        title = (await page.title().catch(() => title)).trim();
      }
      const details = [title ? `"${title.slice(0, 80)}"` : '', status && status >= 400 ? `HTTP ${status}` : ''].filter(Boolean).join(', ');
      const shown = url ? pageForHumans(url) : 'no page yet';
      return details ? `${shown} (${details})` : shown;
    },
    quietFor: () => Date.now() - last,
    inFlight: () => inFlight,
  };
}

const USER_INPUT = `(() => [...document.querySelectorAll('input, textarea, select')].some((el) => {
  const type = (el.getAttribute('type') || '').toLowerCase();
  if (['hidden', 'submit', 'button', 'image', 'reset', 'checkbox', 'radio'].includes(type)) return false;
  const box = el.getBoundingClientRect();
  const style = getComputedStyle(el);
  return box.width > 0 && box.height > 0 && style.visibility !== 'hidden' && style.display !== 'none';
}))()`;

/** a field for the user to fill in any frame of the page */
async function asksForInput(page: Page): Promise<boolean> {
  for (const frame of page.frames()) {
    const found = await frame.evaluate(USER_INPUT).catch(() => false);
    if (found === true) return true;
  }
  return false;
}

/**
 * Resolves when the page (without a window) waits for the user: it shows a field to fill in, or
 * has been quiet for SETTLE_MS without posting, or `maxMs` have passed. Stops polling once the run ended.
 */
function waitForUser(watch: PageWatch, maxMs: number, ended: { done: boolean; timers: NodeJS.Timeout[] }): Promise<Outcome> {
  const started = Date.now();
  return new Promise((resolve) => {
    const tick = async () => {
      if (ended.done) return;
      const wanted =
        Date.now() - started >= maxMs || (watch.inFlight() === 0 && watch.quietFor() >= SETTLE_MS) || (watch.quietFor() >= POLL_MS && (await asksForInput(watch.page)));
      if (ended.done) return;
      if (wanted) resolve({ kind: 'wanted', where: await watch.where() });
      else ended.timers.push(setTimeout(() => void tick(), POLL_MS));
    };
    ended.timers.push(setTimeout(() => void tick(), POLL_MS));
  });
}
