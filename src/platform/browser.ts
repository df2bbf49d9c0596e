// Opens a URL in the user's browser: the configured agent command (aws-oidc's `agent` array, `{}`
// replaced by the URL), else $BROWSER, else the platform opener. The URL carries the login's state
// and PKCE challenge, so it is never logged; it goes only to the child's argv. No shell ever sees
// it: the URL comes from the identity provider, and a shell would run what it hides (`|`, `%VAR%`).
// A browser profile (the console's) is opened as platform/browsers.ts says for the browser's family.
import { spawn } from 'node:child_process';
import { RolecallError } from '../errors';
import { inBrowserProfile } from './browsers';

export interface BrowserEnvironment {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
}

/**
 * The argv that opens `url` (in browser profile `profile`, when given), or undefined when there is no
 * way to show a browser here. Only http(s) URLs are opened: the openers also start programs (`file:`,
 * custom schemes), and the URL is the identity provider's to choose.
 */
export function browserArgv(url: string, agent: string[] | undefined, where: BrowserEnvironment, profile?: string): string[] | undefined {
  url = webUrl(url);
  const argv = commandFor(url, agent, where);
  return argv && profile !== undefined ? inBrowserProfile(argv, url, profile) : argv;
}

function commandFor(url: string, agent: string[] | undefined, where: BrowserEnvironment): string[] | undefined {
  if (agent && agent.length > 0) return withUrl(agent, url);
  // $BROWSER is a colon-separated list of commands (the sensible-browser convention); the first is used
  const fromEnv = where.env.BROWSER?.split(':').find((c) => c.trim() !== '');
  if (fromEnv) return withUrl(fromEnv.trim().split(/\s+/), url);
  switch (where.platform) {
    case 'darwin':
      return ['open', url];
    case 'win32':
      // the URL handler run directly, not cmd's `start`: cmd would interpret & | ^ %VAR% in the URL.
      // rundll32 takes the rest of its command line as the URL, so nothing in it may need quoting.
      return ['rundll32', 'url.dll,FileProtocolHandler', url.replace(/[^A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]/g, encodeURIComponent)];
    default:
      if (!where.env.DISPLAY && !where.env.WAYLAND_DISPLAY) return undefined;
      return ['xdg-open', url];
  }
}

/** The URL as a browser would send it (spaces, quotes and controls percent-encoded), if it is http(s). */
function webUrl(url: string): string {
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  if (parsed?.protocol !== 'https:' && parsed?.protocol !== 'http:') {
    throw new RolecallError('BROWSER_LAUNCH', `refusing to open "${parsed ? parsed.protocol : 'a malformed URL'}" in the browser: only http and https URLs are opened.`, {
      hint: 'Check the identity provider\'s authorization_endpoint (and the sign-in endpoint): it must be an https URL.',
    });
  }
  return parsed.href;
}

function withUrl(command: string[], url: string): string[] {
  return command.some((a) => a.includes('{}')) ? command.map((a) => a.split('{}').join(url)) : [...command, url];
}

/**
 * Starts the browser detached (it outlives rolecall) with no stdio. Resolves false when there is no
 * browser to start here; rejects with BROWSER_LAUNCH when the command cannot be run. `onFailure`
 * hears of a command that ends with a non-zero status while rolecall still runs (xdg-open with no
 * browser, an agent that fails), so that a waiting login can say so instead of waiting in vain.
 */
export async function openBrowser(
  url: string,
  agent: string[] | undefined,
  where: BrowserEnvironment,
  onFailure?: (status: number) => void,
  profile?: string,
): Promise<boolean> {
  const argv = browserArgv(url, agent, where, profile);
  if (!argv) return false;
  const [file, ...args] = argv as [string, ...string[]];
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { detached: true, stdio: 'ignore', env: where.env, windowsHide: true });
    child.once('error', (error) => {
      reject(new RolecallError('BROWSER_LAUNCH', `could not start the browser command "${file}": ${error.message}`, { cause: error }));
    });
    child.once('spawn', () => {
      child.unref();
      resolve(true);
    });
    child.once('exit', (status) => {
      if (status) onFailure?.(status);
    });
  });
}
