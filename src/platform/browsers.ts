// The browsers rolecall knows by name, and how each family opens a URL in one of its profiles:
// Chromium-family browsers (Chrome, Chromium, Brave, Edge, Vivaldi) take --profile-directory=NAME;
// Firefox opens `ext+container:name=NAME&url=URL`, which the "Open external links in a container"
// extension turns into a tab of that container (creating it when it does not exist).
import { basename } from 'node:path';
import { RolecallError } from '../errors';

export type BrowserFamily = 'chromium' | 'firefox';

interface KnownBrowser {
  family: BrowserFamily;
  linux: string[];
  /** the application name for `open -na NAME --args` */
  mac: string;
  /** the program under %ProgramFiles% (or %LOCALAPPDATA% when marked) */
  windows: { base: 'ProgramFiles' | 'LOCALAPPDATA'; path: string };
}

export const BROWSERS: Record<string, KnownBrowser> = {
  chrome: { family: 'chromium', linux: ['google-chrome'], mac: 'Google Chrome', windows: { base: 'ProgramFiles', path: 'Google\\Chrome\\Application\\chrome.exe' } },
  chromium: { family: 'chromium', linux: ['chromium'], mac: 'Chromium', windows: { base: 'LOCALAPPDATA', path: 'Chromium\\Application\\chrome.exe' } },
  brave: { family: 'chromium', linux: ['brave-browser'], mac: 'Brave Browser', windows: { base: 'ProgramFiles', path: 'BraveSoftware\\Brave-Browser\\Application\\brave.exe' } },
  edge: { family: 'chromium', linux: ['microsoft-edge'], mac: 'Microsoft Edge', windows: { base: 'ProgramFiles', path: 'Microsoft\\Edge\\Application\\msedge.exe' } },
  vivaldi: { family: 'chromium', linux: ['vivaldi'], mac: 'Vivaldi', windows: { base: 'LOCALAPPDATA', path: 'Vivaldi\\Application\\vivaldi.exe' } },
  firefox: { family: 'firefox', linux: ['firefox'], mac: 'Firefox', windows: { base: 'ProgramFiles', path: 'Mozilla Firefox\\firefox.exe' } },
};

/** The command of a browser named by kind (`chrome`), or the command as given. */
export function browserCommand(command: string[], where: { env: NodeJS.ProcessEnv; platform: NodeJS.Platform }): string[] {
  const known = command.length === 1 ? BROWSERS[command[0]!.toLowerCase()] : undefined;
  if (!known) return command;
  switch (where.platform) {
    case 'darwin':
      // Chromium family: -n, a new instance that takes arguments (a running browser then opens the URL
      // in the profile named); Firefox takes the URL through open, from which a running Firefox gets it
      return known.family === 'firefox' ? ['open', '-a', known.mac] : ['open', '-na', known.mac, '--args'];
    case 'win32': {
      const base = where.env[known.windows.base] ?? (known.windows.base === 'ProgramFiles' ? 'C:\\Program Files' : '');
      return [`${base}\\${known.windows.path}`];
    }
    default:
      return known.linux;
  }
}

const FIREFOX = /firefox|librewolf|waterfox|iceweasel|floorp/;
const CHROMIUM = /chrom|brave|msedge|microsoft-edge|vivaldi|opera|thorium/;

/** The family of a browser command, from its program's name (or the application `open -a` names). */
export function familyOf(argv: readonly string[]): BrowserFamily | undefined {
  const names = argv[0] === 'open' ? argv.slice(1).filter((a) => !a.startsWith('-')) : argv.slice(0, 1);
  for (const name of names.map((n) => basename(n.replace(/\\/g, '/')).toLowerCase())) {
    if (FIREFOX.test(name)) return 'firefox';
    if (CHROMIUM.test(name)) return 'chromium';
  }
  return undefined;
}

/** The Firefox container URL for `url`, in the form the "Open external links in a container" extension reads. */
export function containerUrl(name: string, url: string): string {
  return `ext+container:name=${encodeURIComponent(name)}&url=${encodeURIComponent(url)}`;
}

/**
 * `argv` (which holds `url` in one of its arguments) changed to open the URL in profile `name`:
 * Chromium's --profile-directory before the URL, or Firefox's container URL in its place.
 */
export function inBrowserProfile(argv: string[], url: string, name: string): string[] {
  const family = familyOf(argv);
  if (family === 'firefox') return argv.map((arg) => arg.split(url).join(containerUrl(name, url)));
  if (family === 'chromium') {
    const at = argv.findIndex((arg) => arg.includes(url));
    return [...argv.slice(0, at), `--profile-directory=${name}`, ...argv.slice(at)];
  }
  throw new RolecallError('BROWSER_LAUNCH', `cannot open a browser profile with "${argv[0]}": rolecall knows the profiles of Chromium-family browsers and Firefox only`, {
    hint: `Name the browser with console_browser = ${Object.keys(BROWSERS).join('|')} (or its command) in the profile, or drop the browser profile.`,
  });
}
