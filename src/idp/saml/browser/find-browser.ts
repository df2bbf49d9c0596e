// Which installed Chromium-family browser signs the user in to a SAML provider: the one that
// saml_browser names (chrome, edge, chromium, brave, a command on PATH or the path of an
// executable), else the first of Chrome, Edge, Chromium and Brave found in the places each
// platform installs them. rolecall never downloads a browser: none found is an error that says
// where it looked.
import { accessSync, constants, statSync } from 'node:fs';
import { posix, win32 } from 'node:path';
import { RolecallError } from '../../../errors';
import { describeSource, type Setting } from '../../../config/source';

export const BROWSER_NAMES = ['chrome', 'edge', 'chromium', 'brave'] as const;
export type BrowserName = (typeof BROWSER_NAMES)[number];

export interface FoundBrowser {
  /** the executable */
  path: string;
  /** what it is, for messages: "Google Chrome", or the path's file name for a browser named by path */
  label: string;
  /** how it was chosen: named by saml_browser (with its source), or found by searching */
  chosenBy: string;
}

export interface BrowserSearch {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  home: string;
  /** is `path` an executable file? (tests hand in their own) */
  isExecutable?: (path: string) => boolean;
}

const LABELS: Record<BrowserName, string> = { chrome: 'Google Chrome', edge: 'Microsoft Edge', chromium: 'Chromium', brave: 'Brave' };

/** other spellings users write for the four names */
const ALIASES: Record<string, BrowserName> = {
  chrome: 'chrome',
  'google-chrome': 'chrome',
  'google chrome': 'chrome',
  edge: 'edge',
  msedge: 'edge',
  'microsoft-edge': 'edge',
  'microsoft edge': 'edge',
  chromium: 'chromium',
  'chromium-browser': 'chromium',
  brave: 'brave',
  'brave-browser': 'brave',
};

/** browsers that speak no Chrome DevTools protocol rolecall could drive */
const NOT_CHROMIUM = /^(firefox|safari|librewolf|waterfox|epiphany|opera)$/i;

/** Commands looked up on PATH and absolute paths, in order, for each browser on each platform. */
export function candidates(name: BrowserName, where: Pick<BrowserSearch, 'env' | 'platform' | 'home'>): string[] {
  const { env, platform, home } = where;
  if (platform === 'darwin') {
    const app = { chrome: 'Google Chrome', edge: 'Microsoft Edge', chromium: 'Chromium', brave: 'Brave Browser' }[name];
    const inside = `${app}.app/Contents/MacOS/${app}`;
    return [posix.join('/Applications', inside), posix.join(home, 'Applications', inside)];
  }
  if (platform === 'win32') {
    const tail = {
      chrome: 'Google\\Chrome\\Application\\chrome.exe',
      edge: 'Microsoft\\Edge\\Application\\msedge.exe',
      chromium: 'Chromium\\Application\\chrome.exe',
      brave: 'BraveSoftware\\Brave-Browser\\Application\\brave.exe',
    }[name];
    const roots = [env.LOCALAPPDATA, env.PROGRAMFILES ?? env.ProgramFiles, env['PROGRAMFILES(X86)'] ?? env['ProgramFiles(x86)']].filter((r): r is string => !!r);
    return roots.map((root) => `${root}\\${tail}`);
  }
  return {
    chrome: ['google-chrome-stable', 'google-chrome', '/opt/google/chrome/chrome'],
    edge: ['microsoft-edge-stable', 'microsoft-edge', '/opt/microsoft/msedge/msedge'],
    chromium: ['chromium', 'chromium-browser', '/snap/bin/chromium'],
    brave: ['brave-browser', 'brave', '/opt/brave.com/brave/brave'],
  }[name];
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** `candidate` as an executable path: absolute paths as they are, commands through PATH */
function locate(candidate: string, search: BrowserSearch): string | undefined {
  const ok = search.isExecutable ?? executable;
  const path = search.platform === 'win32' ? win32 : posix;
  if (path.isAbsolute(candidate) || candidate.includes('/') || candidate.includes('\\')) return ok(candidate) ? candidate : undefined;
  for (const dir of (search.env.PATH ?? search.env.Path ?? '').split(path.delimiter).filter(Boolean)) {
    const full = path.join(dir, candidate);
    if (ok(full)) return full;
  }
  return undefined;
}

/** The browser for SAML sign-ins: saml_browser's, else the first found. */
export function findBrowser(named: Setting | undefined, search: BrowserSearch): FoundBrowser {
  if (named) return namedBrowser(named, search);
  const looked: string[] = [];
  for (const name of BROWSER_NAMES) {
    const list = candidates(name, search);
    for (const candidate of list) {
      const path = locate(candidate, search);
      if (path) return { path, label: LABELS[name], chosenBy: 'found by searching' };
    }
    looked.push(`${LABELS[name]} (${list.join(', ')})`);
  }
  throw new RolecallError('SAML_BROWSER_NOT_FOUND', `no Chromium-family browser found to sign in with: looked for ${looked.join('; ')}`);
}

function namedBrowser(named: Setting, search: BrowserSearch): FoundBrowser {
  const value = named.value.trim();
  const where = `saml_browser = ${value} (${describeSource(named.source)})`;
  if (NOT_CHROMIUM.test(value)) {
    throw new RolecallError('CONFIG_INVALID', `${where}: rolecall drives Chromium-family browsers only (Chrome, Edge, Chromium, Brave), through the DevTools protocol`, {
      hint: 'Set saml_browser to chrome, edge, chromium or brave, or the path of such a browser; the sign-in cookies live in rolecall\'s own browser profile, not your everyday one.',
    });
  }
  const name = ALIASES[value.toLowerCase()];
  if (name) {
    const list = candidates(name, search);
    for (const candidate of list) {
      const path = locate(candidate, search);
      if (path) return { path, label: LABELS[name], chosenBy: `named by ${where}` };
    }
    throw new RolecallError('SAML_BROWSER_NOT_FOUND', `${LABELS[name]}, named by ${where}, is not installed here: looked for ${list.join(', ')}`, {
      hint: `Install ${LABELS[name]}, or set saml_browser to the full path of its executable, or to another of chrome, edge, chromium, brave.`,
    });
  }
  const path = locate(value, search);
  if (!path) {
    throw new RolecallError('SAML_BROWSER_NOT_FOUND', `${where}: no executable ${/[\\/]/.test(value) ? 'file' : 'command'} "${value}" here`, {
      hint: 'Set saml_browser to chrome, edge, chromium or brave, or to the full path of a Chromium-family browser\'s executable.',
    });
  }
  return { path, label: path.split(/[\\/]/).pop() ?? value, chosenBy: `named by saml_browser (${describeSource(named.source)})` };
}
