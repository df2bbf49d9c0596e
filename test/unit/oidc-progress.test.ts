import { test } from 'node:test';
import assert from 'node:assert/strict';
import { showProgress, tellUser } from '../../src/idp/oidc/progress';
import { createLogger } from '../../src/platform/logger';
import type { TtyStreams } from '../../src/platform/tty';
import { openBrowser } from '../../src/platform/browser';
import { RolecallError } from '../../src/errors';

function stream(isTTY: boolean) {
  const written: string[] = [];
  return { written, stream: { isTTY, write: (s: string) => written.push(s) > 0 } as unknown as NodeJS.WriteStream };
}

test('without a terminal the wait is one plain line, no spinner, with how long it lasts when it is limited', () => {
  const s = stream(false);
  showProgress('Waiting for the login in the browser...', undefined, s.stream).stop();
  showProgress('Waiting for the login in the browser...', 300, s.stream).stop();
  assert.deepEqual(s.written, ['Waiting for the login in the browser...\n', 'Waiting for the login in the browser... (up to 5m)\n']);
});

test('on a terminal a spinner line is drawn, with the time waited of the time allowed, and cleared when the wait ends', () => {
  const s = stream(true);
  showProgress('Waiting for the login in the browser...', undefined, s.stream).stop();
  assert.match(s.written[0]!, /^\r\| Waiting for the login in the browser\.\.\. \(0s, Ctrl-C to cancel\)/);
  assert.equal(s.written.at(-1), '\r\u001b[K');
  const limited = stream(true);
  showProgress('Waiting for the device login...', 330, limited.stream).stop();
  assert.match(limited.written[0]!, /^\r\| Waiting for the device login\.\.\. \(0s of 5m30s, Ctrl-C to cancel\)\u001b\[K$/);
});

test('openBrowser starts the agent detached, and a missing command is BROWSER_LAUNCH', async () => {
  assert.equal(await openBrowser('http://127.0.0.1:1/x', ['true'], { env: process.env, platform: 'linux' }), true);
  assert.equal(await openBrowser('http://127.0.0.1:1/x', undefined, { env: {}, platform: 'linux' }), false);
  await assert.rejects(openBrowser('http://127.0.0.1:1/x', ['/nonexistent/browser'], { env: process.env, platform: 'linux' }), (e: unknown) => {
    assert.ok(e instanceof RolecallError);
    assert.equal(e.code, 'BROWSER_LAUNCH');
    assert.match(e.message, /could not start the browser command "\/nonexistent\/browser": .*ENOENT/);
    assert.doesNotMatch(e.message, /127\.0\.0\.1/, 'the URL is not in the error');
    return true;
  });
});

test('instructions go to stderr, and to the terminal too when stderr is captured', () => {
  const logged: string[] = [];
  const log = createLogger({ write: (t) => logged.push(t) });
  const tty: string[] = [];
  let closed = 0;
  const fakeTty = () => ({ output: { write: (t: string) => tty.push(t) > 0 }, input: {}, close: () => void closed++ }) as unknown as TtyStreams;
  tellUser('Open this URL: http://idp/x', log, true, fakeTty);
  assert.deepEqual([logged, tty], [['Open this URL: http://idp/x\n'], []]);
  tellUser('Open this URL: http://idp/y', log, false, fakeTty);
  assert.deepEqual(tty, ['Open this URL: http://idp/y\n']);
  assert.equal(closed, 1);
  tellUser('no terminal at all', log, false, () => undefined);
  assert.equal(logged.at(-1), 'no terminal at all\n');
});
