// The user in front of the browser window that rolecall opens for a SAML sign-in (saml_sso_url):
// a virtual display (Xvfb) for the window, a saml_browser wrapper that starts Debian's Chromium
// with a DevTools port as well (Chromium writes it to DevToolsActivePort in the profile), and
// the test's agent, which attaches to that window over the port and signs in as a person would.
// Also: which browser processes run on a profile, to prove none outlives rolecall.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_PATH } from '../../testbed/idp/browser-login';

/** a saml_browser executable: Debian's Chromium, also listening for DevTools on a port of its choice */
export function chromiumWithDevToolsPort(dir: string): string {
  const path = join(dir, 'chromium-devtools');
  writeFileSync(path, `#!/bin/sh\nexec ${CHROMIUM_PATH} --remote-debugging-port=0 "$@"\n`, { mode: 0o755 });
  return path;
}

export interface Display {
  /** ":N", for DISPLAY */
  name: string;
  stop(): Promise<void>;
}

/** An X display of its own (Xvfb on a free display number). */
export async function startDisplay(): Promise<Display> {
  const child: ChildProcess = spawn('Xvfb', ['-displayfd', '3', '-nolisten', 'tcp', '-screen', '0', '1280x900x24'], { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const name = await new Promise<string>((resolve, reject) => {
    let out = '';
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(`:${out.trim()}`);
    });
    child.once('exit', (code) => reject(new Error(`Xvfb exited (${code}): ${stderr}`)));
  });
  return {
    name,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** the browser processes started with this profile (--user-data-dir), with their arguments */
function processesOf(profileDir: string): { pid: number; argv: string[] }[] {
  const found: { pid: number; argv: string[] }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (argv.some((a) => a === `--user-data-dir=${profileDir}`)) found.push({ pid: Number(entry), argv });
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** pids of the browser processes started with this profile */
export function browserProcesses(profileDir: string): number[] {
  return processesOf(profileDir).map((p) => p.pid);
}

/** the profile's browser runs with a window (its main process, the one without --type, is not headless) */
function windowRunning(profileDir: string): boolean {
  return processesOf(profileDir).some(({ argv }) => !argv.some((a) => a.startsWith('--type=')) && !argv.some((a) => a.startsWith('--headless')));
}

/** waits until no browser process of the profile is left; returns those still running after `ms` */
export async function browsersGone(profileDir: string, ms = 10_000): Promise<number[]> {
  const until = Date.now() + ms;
  let left = browserProcesses(profileDir);
  while (left.length > 0 && Date.now() < until) {
    await sleep(100);
    left = browserProcesses(profileDir);
  }
  return left;
}

/**
 * Attaches to the window rolecall's browser shows (its profile at `profileDir`) once a page matching
 * `url` is in it; the caller acts on the page and then calls `detach` (rolecall's browser stays).
 */
export async function attachToWindow(profileDir: string, url: RegExp, timeoutMs = 60_000): Promise<{ page: Page; detach(): Promise<void> }> {
  const until = Date.now() + timeoutMs;
  const portFile = join(profileDir, 'DevToolsActivePort');
  for (;;) {
    if (Date.now() > until) throw new Error(`no browser window with a page at ${url} in ${profileDir}`);
    // a file left by an earlier run names a dead port, and rolecall's try without a window is no window
    if (existsSync(portFile) && windowRunning(profileDir)) {
      const port = readFileSync(portFile, 'utf8').split('\n')[0];
      let browser: Browser | undefined;
      try {
        browser = await chromium.connectOverCDP(`http://127.0.0.1:${port}`, { timeout: 5000 });
        const page = browser.contexts().flatMap((c) => c.pages()).find((p) => url.test(p.url()));
        if (page) {
          const attached = browser;
          return { page, detach: () => attached.close().catch(() => undefined) };
        }
      } catch {
        // the browser is still starting
      }
      await browser?.close().catch(() => undefined);
    }
    await sleep(200);
  }
}
