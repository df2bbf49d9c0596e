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
  assert.deepEqual(browserArgv(url, undefined, { env: {}, platform: 'win32' }), ['cmd', '/c', 'start', '""', url.replace(/&/g, '^&')]);
});

test('Linux without a display and without agent or $BROWSER has no browser', () => {
  assert.equal(browserArgv(url, undefined, linux({})), undefined);
  assert.equal(browserArgv(url, [], linux({})), undefined);
});
