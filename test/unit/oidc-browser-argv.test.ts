import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserArgv } from '../../src/platform/browser';

const url = 'https://idp.example.com/auth?state=s&code_challenge=c';
const linux = (env: NodeJS.ProcessEnv) => ({ env, platform: 'linux' as const });

test('the agent array gets the URL in place of {} or appended', () => {
  assert.deepEqual(browserArgv(url, ['open', '-b', 'com.google.chrome', '-n', '--args', '--profile-directory=Profile 1', '{}'], linux({})), [
    'open', '-b', 'com.google.chrome', '-n', '--args', '--profile-directory=Profile 1', url,
  ]);
  assert.deepEqual(browserArgv(url, ['open', '-b', 'com.google.chrome'], linux({})), ['open', '-b', 'com.google.chrome', url]);
  assert.deepEqual(browserArgv(url, ['firefox', '--url={}'], linux({})), ['firefox', `--url=${url}`]);
});

test('$BROWSER comes next, then the platform opener', () => {
  assert.deepEqual(browserArgv(url, undefined, linux({ BROWSER: 'w3m -o x:lynx', DISPLAY: ':0' })), ['w3m', '-o', 'x', url]);
  assert.deepEqual(browserArgv(url, undefined, linux({ DISPLAY: ':0' })), ['xdg-open', url]);
  assert.deepEqual(browserArgv(url, undefined, linux({ WAYLAND_DISPLAY: 'wayland-0' })), ['xdg-open', url]);
  assert.deepEqual(browserArgv(url, undefined, { env: {}, platform: 'darwin' }), ['open', url]);
  assert.deepEqual(browserArgv(url, undefined, { env: {}, platform: 'win32' }), ['rundll32', 'url.dll,FileProtocolHandler', url]);
});

// a hostile provider's authorization_endpoint (or the query it makes rolecall add) carrying what cmd.exe
// interprets: on Windows the URL used to go to `cmd /c start "" URL` with only & escaped
const hostile = 'https://idp.example.com/auth|calc.exe^&whoami?x="%COMSPEC%"&y=<a>`b`{c}\\d &z=%PATH%';

test('Windows opens the URL without cmd, with nothing in it a command line would split or interpret', () => {
  const argv = browserArgv(hostile, undefined, { env: {}, platform: 'win32' })!;
  assert.deepEqual(argv.slice(0, 2), ['rundll32', 'url.dll,FileProtocolHandler']);
  assert.equal(argv.length, 3);
  assert.ok(!argv.includes('cmd') && !argv.includes('/c'), argv.join(' '));
  // only the URL's own characters: no quote, space, |, ^, <, >, backquote, braces or backslash
  assert.match(argv[2]!, /^[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]+$/);
  // and it is still the same address: the browser decodes it to what the provider wrote
  assert.equal(decodeURIComponent(new URL(argv[2]!).pathname), decodeURIComponent(new URL(hostile).pathname));
  assert.equal(new URL(argv[2]!).searchParams.get('x'), '"%COMSPEC%"');
  assert.equal(new URL(argv[2]!).searchParams.get('y'), '<a>`b`{c}\\d ');
});

test('every platform hands the URL over as one argument of its own, never to a shell', () => {
  for (const platform of ['linux', 'darwin', 'win32', 'freebsd'] as const) {
    const argv = browserArgv(hostile, undefined, { env: { DISPLAY: ':0' }, platform })!;
    assert.equal(argv.length, platform === 'win32' ? 3 : 2, platform);
    assert.ok(!['sh', 'bash', 'cmd', 'cmd.exe', 'powershell'].includes(argv[0]!), `${platform}: ${argv[0]}`);
    assert.equal(new URL(argv.at(-1)!).host, 'idp.example.com');
  }
});

test('only http and https URLs are opened: the openers would also start programs', () => {
  for (const bad of ['file:///C:/Windows/System32/calc.exe', 'javascript:alert(1)', 'ms-settings:', 'not a url', '\\\\host\\share\\x.exe']) {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      assert.throws(() => browserArgv(bad, undefined, { env: { DISPLAY: ':0' }, platform }), { code: 'BROWSER_LAUNCH' }, `${platform} ${bad}`);
    }
    assert.throws(() => browserArgv(bad, ['firefox', '{}'], linux({})), { code: 'BROWSER_LAUNCH' });
    assert.throws(() => browserArgv(bad, undefined, linux({ BROWSER: 'firefox' })), { code: 'BROWSER_LAUNCH' });
  }
  assert.deepEqual(browserArgv('http://127.0.0.1:8080/cb', undefined, linux({ DISPLAY: ':0' })), ['xdg-open', 'http://127.0.0.1:8080/cb']);
});

test('Linux without a display and without agent or $BROWSER has no browser', () => {
  assert.equal(browserArgv(url, undefined, linux({})), undefined);
  assert.equal(browserArgv(url, [], linux({})), undefined);
});

test('a browser named by kind: its command on each platform; a browser profile in each family\'s form', async () => {
  const { browserCommand, inBrowserProfile, familyOf } = await import('../../src/platform/browsers');
  const where = (platform: NodeJS.Platform, env: NodeJS.ProcessEnv = {}) => ({ env, platform });
  assert.deepEqual(browserCommand(['chrome'], where('linux')), ['google-chrome']);
  assert.deepEqual(browserCommand(['Brave'], where('darwin')), ['open', '-na', 'Brave Browser', '--args']);
  assert.deepEqual(browserCommand(['firefox'], where('darwin')), ['open', '-a', 'Firefox']);
  assert.deepEqual(browserCommand(['edge'], where('win32', { ProgramFiles: 'D:\\Apps' })), ['D:\\Apps\\Microsoft\\Edge\\Application\\msedge.exe']);
  assert.deepEqual(browserCommand(['vivaldi'], where('win32', { LOCALAPPDATA: 'C:\\Users\\me\\AppData\\Local' })), ['C:\\Users\\me\\AppData\\Local\\Vivaldi\\Application\\vivaldi.exe']);
  assert.deepEqual(browserCommand(['/opt/bin/chrome', '--incognito'], where('linux')), ['/opt/bin/chrome', '--incognito'], 'a command is kept as it is');

  const mac = browserArgv(url, browserCommand(['chrome'], where('darwin')), where('darwin'), 'Work');
  assert.deepEqual(mac, ['open', '-na', 'Google Chrome', '--args', '--profile-directory=Work', url]);
  const win = browserArgv(url, browserCommand(['firefox'], where('win32')), where('win32'), 'Prod');
  assert.deepEqual(win, ['C:\\Program Files\\Mozilla Firefox\\firefox.exe', `ext+container:name=Prod&url=${encodeURIComponent(url)}`]);
  assert.deepEqual(inBrowserProfile(['chromium', '--app={}'.replace('{}', url)], url, 'W'), ['chromium', '--profile-directory=W', `--app=${url}`]);
  assert.equal(familyOf(['C:\\Program Files\\LibreWolf\\librewolf.exe']), 'firefox');
  assert.equal(familyOf(['open', '-b', 'com.google.chrome', '-n', '--args']), 'chromium', 'aws-oidc\'s macOS recipe names Chrome by its bundle id');
  assert.equal(familyOf(['open']), undefined);
  assert.throws(() => browserArgv(url, undefined, linux({ DISPLAY: ':0' }), 'Work'), /cannot open a browser profile with "xdg-open"/);
});
