// Opens a URL in the user's browser: the configured agent command (aws-oidc's `agent` array, `{}`
// replaced by the URL), else $BROWSER, else the platform opener. The URL carries the login's state
// and PKCE challenge, so it is never logged; it goes only to the child's argv.
import { spawn } from 'node:child_process';
import { RolecallError } from '../errors';

export interface BrowserEnvironment {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
}

/** The argv that opens `url`, or undefined when there is no way to show a browser here. */
export function browserArgv(url: string, agent: string[] | undefined, where: BrowserEnvironment): string[] | undefined {
  if (agent && agent.length > 0) return withUrl(agent, url);
  // $BROWSER is a colon-separated list of commands (the sensible-browser convention); the first is used
  const fromEnv = where.env.BROWSER?.split(':').find((c) => c.trim() !== '');
  if (fromEnv) return withUrl(fromEnv.trim().split(/\s+/), url);
  switch (where.platform) {
    case 'darwin':
      return ['open', url];
    case 'win32':
      // `start` is a cmd builtin; the empty title argument keeps a quoted URL from becoming the title
      return ['cmd', '/c', 'start', '""', url.replace(/&/g, '^&')];
    default:
      if (!where.env.DISPLAY && !where.env.WAYLAND_DISPLAY) return undefined;
      return ['xdg-open', url];
  }
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
export function openBrowser(url: string, agent: string[] | undefined, where: BrowserEnvironment, onFailure?: (status: number) => void): Promise<boolean> {
  const argv = browserArgv(url, agent, where);
  if (!argv) return Promise.resolve(false);
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
