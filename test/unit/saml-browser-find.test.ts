// Which browser a SAML sign-in uses (saml_browser, else Chrome, Edge, Chromium, Brave where each
// platform installs them), and which requests are AWS's SAML endpoints, caught in the browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findBrowser } from '../../src/idp/saml/browser/find-browser';
import { isAwsSamlEndpoint, pageForHumans, samlFromForm } from '../../src/idp/saml/browser/aws-endpoint';
import { RolecallError } from '../../src/errors';
import type { Setting } from '../../src/config/source';

const file = (value: string): Setting => ({ value, source: { kind: 'file', path: '/home/u/.aws/config', line: 7 } });

function search(platform: NodeJS.Platform, installed: string[], env: NodeJS.ProcessEnv = { PATH: '/usr/local/bin:/usr/bin' }) {
  return { env, platform, home: '/home/u', isExecutable: (path: string) => installed.includes(path) };
}

function refusal(fn: () => unknown): RolecallError {
  try {
    fn();
  } catch (error) {
    if (error instanceof RolecallError) return error;
    throw error;
  }
  throw new Error('expected a RolecallError');
}

test('Linux: Chrome first, then Edge, Chromium, Brave, through PATH and their install directories', () => {
  assert.deepEqual(findBrowser(undefined, search('linux', ['/usr/bin/chromium', '/usr/bin/google-chrome'])), {
    path: '/usr/bin/google-chrome',
    label: 'Google Chrome',
    chosenBy: 'found by searching',
  });
  assert.equal(findBrowser(undefined, search('linux', ['/usr/bin/chromium', '/opt/brave.com/brave/brave'])).path, '/usr/bin/chromium');
  assert.equal(findBrowser(undefined, search('linux', ['/opt/microsoft/msedge/msedge', '/usr/bin/chromium'])).label, 'Microsoft Edge');
});

test('saml_browser names one (in any spelling) or a path; its source is said', () => {
  const installed = ['/usr/bin/chromium', '/usr/bin/brave-browser', '/home/u/bin/my-chrome'];
  assert.deepEqual(findBrowser(file('Brave'), search('linux', installed)), {
    path: '/usr/bin/brave-browser',
    label: 'Brave',
    chosenBy: 'named by saml_browser = Brave (/home/u/.aws/config:7)',
  });
  assert.equal(findBrowser(file('chromium-browser'), search('linux', installed)).path, '/usr/bin/chromium');
  assert.equal(findBrowser(file('/home/u/bin/my-chrome'), search('linux', installed)).path, '/home/u/bin/my-chrome');
  assert.equal(findBrowser(file('brave-browser'), search('linux', installed)).label, 'Brave');
});

test('macOS and Windows: the application bundles and Program Files / LocalAppData', () => {
  assert.equal(
    findBrowser(undefined, search('darwin', ['/home/u/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge'])).path,
    '/home/u/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge',
  );
  const env = { LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local', PROGRAMFILES: 'C:\\Program Files', 'PROGRAMFILES(X86)': 'C:\\Program Files (x86)' };
  assert.equal(
    findBrowser(file('edge'), search('win32', ['C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe'], env)).path,
    'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe',
  );
  assert.equal(findBrowser(undefined, search('win32', ['C:\\Users\\u\\AppData\\Local\\Google\\Chrome\\Application\\chrome.exe'], env)).label, 'Google Chrome');
});

test('none found: the error lists every place looked in, and the hint says how to name one', () => {
  const e = refusal(() => findBrowser(undefined, search('linux', [])));
  assert.equal(e.code, 'SAML_BROWSER_NOT_FOUND');
  assert.match(e.message, /^no Chromium-family browser found to sign in with: looked for Google Chrome \(google-chrome-stable, google-chrome, \/opt\/google\/chrome\/chrome\); Microsoft Edge \(.*\); Chromium \(chromium, chromium-browser, \/snap\/bin\/chromium\); Brave \(.*\)$/);
  assert.match(e.hint, /saml_browser = chrome \| edge \| chromium \| brave/);
  assert.match(e.hint, /never downloads a browser/);
  const named = refusal(() => findBrowser(file('edge'), search('linux', ['/usr/bin/chromium'])));
  assert.equal(named.message, 'Microsoft Edge, named by saml_browser = edge (/home/u/.aws/config:7), is not installed here: looked for microsoft-edge-stable, microsoft-edge, /opt/microsoft/msedge/msedge');
  const path = refusal(() => findBrowser(file('/opt/nowhere/chrome'), search('linux', [])));
  assert.equal(path.message, 'saml_browser = /opt/nowhere/chrome (/home/u/.aws/config:7): no executable file "/opt/nowhere/chrome" here');
  const firefox = refusal(() => findBrowser(file('firefox'), search('linux', ['/usr/bin/firefox'])));
  assert.equal(firefox.code, 'CONFIG_INVALID');
  assert.match(firefox.message, /Chromium-family browsers only/);
});

test("AWS's SAML endpoints: global, regional, GovCloud, China and /saml/acs/ID; nothing else", () => {
  for (const url of [
    'https://signin.aws.amazon.com/saml',
    'https://us-east-2.signin.aws.amazon.com/saml',
    'https://signin.aws.amazon.com/saml/acs/SAMLSP4SHN3UIS2D558H46',
    'https://eu-west-1.signin.aws.amazon.com/saml/acs/SAMLSP4SHN3UIS2D558H46',
    'https://signin.amazonaws-us-gov.com/saml',
    'https://us-gov-west-1.signin.amazonaws-us-gov.com/saml',
    'https://signin.amazonaws.cn/saml',
    'https://signin.aws.amazon.com/saml?SAMLart=x',
  ]) {
    assert.ok(isAwsSamlEndpoint(url), url);
  }
  for (const url of [
    'http://signin.aws.amazon.com/saml',
    'https://signin.aws.amazon.com/federation',
    'https://signin.aws.amazon.com.evil.example/saml',
    'https://evil.example/signin.aws.amazon.com/saml',
    'https://signin.aws.amazon.com/samlx',
  ]) {
    assert.ok(!isAwsSamlEndpoint(url), url);
  }
});

test('the posted form: SAMLResponse and RelayState, URL-decoded; messages show a page without its query', () => {
  assert.deepEqual(samlFromForm('SAMLResponse=PHNhbWxwOlJlc3BvbnNlLz4%3D&RelayState=https%3A%2F%2Fconsole.aws.amazon.com%2F'), {
    samlResponse: 'PHNhbWxwOlJlc3BvbnNlLz4=',
    relayState: 'https://console.aws.amazon.com/',
  });
  assert.deepEqual(samlFromForm('SAMLResponse=abc%2B%2F&RelayState='), { samlResponse: 'abc+/' });
  assert.equal(samlFromForm('RelayState=x'), undefined);
  assert.equal(samlFromForm(null), undefined);
  assert.equal(pageForHumans('https://corp.okta.com/login/step-up?stateToken=secret#x'), 'https://corp.okta.com/login/step-up');
});
