// STS misbehaving between rolecall and AWS: 5xx answers, Throttling, a connection reset halfway
// through a response, and a local clock 10 minutes off. Each time the user gets working credentials
// (retries with backoff) or, when the fault persists, a clear error with a hint and exit 1 within a
// bounded time, and no credentials are cached from a failed run.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startTestbed, type Testbed } from '../../testbed/index';
import { runRolecall, type Home } from '../helpers/cli';
import { bastionHome } from '../helpers/bastion';
import { htmlServerError, internalFailure, reset, serviceUnavailable, startStsProxy, throttling, type Fault, type StsProxy } from './sts-proxy';
import { recordFault } from './figures';

const SKEW_CLOCK = new URL('./skew-clock.cjs', import.meta.url).pathname;
let testbed: Testbed;
let proxy: StsProxy;
const homes: Home[] = [];

before(async () => {
  testbed = await startTestbed();
  proxy = await startStsProxy(testbed.aws.url);
});
after(async () => {
  for (const h of homes) h.remove();
  await proxy.close();
  await testbed.close();
});

function home(): Home {
  const h = bastionHome(testbed);
  h.env.AWS_ENDPOINT_URL_STS = proxy.url;
  homes.push(h);
  return h;
}

async function exportRead(h: Home, extraEnv: NodeJS.ProcessEnv = {}) {
  const started = Date.now();
  const result = await runRolecall(['export', 'read', '--format', 'process'], { env: { ...h.env, ...extraEnv }, timeoutMs: 60_000 });
  return { ...result, seconds: (Date.now() - started) / 1000 };
}

function assertCredentials(result: { code: number | null; stdout: string; stderr: string }) {
  assert.equal(result.code, 0, result.stderr);
  const json = JSON.parse(result.stdout) as { Version: number; AccessKeyId: string; AccountId: string };
  assert.equal(json.Version, 1);
  assert.match(json.AccessKeyId, /^ASIA/);
  assert.equal(json.AccountId, '222222222222');
}

function assertClearError(result: { code: number | null; stdout: string; stderr: string }, message: RegExp) {
  assert.equal(result.code, 1, result.stderr);
  assert.equal(result.stdout, '', 'nothing on stdout, the protocol stream');
  assert.match(result.stderr, message);
  assert.match(result.stderr, /\n {2}hint: \S/);
  assert.doesNotMatch(result.stderr, /bug in rolecall|\n\s+at /, 'no internal error or stack trace');
}

function cachedCredentials(h: Home): string[] {
  const dir = join(h.env.ROLECALL_CACHE_DIR!, 'credentials');
  return existsSync(dir) ? readdirSync(dir) : [];
}

const transient: [string, Fault, number][] = [
  ['HTTP 500 InternalFailure', internalFailure, 2],
  ['HTTP 503 ServiceUnavailable', serviceUnavailable, 3],
  ['Throttling', throttling, 3],
  ['a connection reset mid-response', reset, 2],
];

for (const [name, fault, times] of transient) {
  test(`${name} ${times} times, then STS answers: retried with backoff, credentials printed`, async () => {
    const h = home();
    testbed.aws.resetCalls();
    proxy.fail(fault, times);
    const result = await exportRead(h);
    assertCredentials(result);
    assert.equal(proxy.seen(), times + 2, `${times} faulty answers, then GetSessionToken and AssumeRole`);
    assert.equal(testbed.aws.calls(), 2);
    recordFault(`${name} x${times} then recovery`, 'credentials');
  });
}

const persistent: [string, Fault, RegExp][] = [
  ['HTTP 503 ServiceUnavailable', serviceUnavailable, /^rolecall: .*GetSessionToken.*(ServiceUnavailable|unavailable)/im],
  ['Throttling', throttling, /^rolecall: .*GetSessionToken.*(Throttl|Rate exceeded)/im],
  ['connection resets', reset, /^rolecall: .*GetSessionToken/im],
];

for (const [name, fault, message] of persistent) {
  test(`${name} on every attempt: a clear error with a hint after a bounded number of attempts, nothing cached`, async () => {
    const h = home();
    proxy.fail(fault, Infinity);
    const result = await exportRead(h);
    assertClearError(result, message);
    assert.ok(proxy.seen() >= 2 && proxy.seen() <= 5, `retried a bounded number of times (${proxy.seen()} attempts)`);
    assert.ok(result.seconds < 30, `gave up after ${result.seconds} s`);
    assert.deepEqual(cachedCredentials(h), []);
    proxy.fail(fault, 0);
    recordFault(`${name} persistent`, 'clear error');
  });
}

test('HTTP 500 with an HTML page (a proxy or load balancer, not STS) on every attempt: named as such, not "did not answer"', async () => {
  const h = home();
  proxy.fail(htmlServerError, Infinity);
  const result = await exportRead(h);
  assertClearError(result, /^rolecall: GetSessionToken .*failed: the endpoint http:\/\/127\.0\.0\.1:\d+ answered HTTP 500 with an HTML page \(500 Internal Server Error\), not an AWS answer/m);
  assert.doesNotMatch(result.stderr, /did not answer/);
  assert.match(result.stderr, /hint: Something between rolecall and STS answered instead of AWS: check endpoint_url and AWS_ENDPOINT_URL_STS .*proxy/);
  assert.deepEqual(cachedCredentials(h), []);
  proxy.fail(htmlServerError, 0);
});

for (const minutes of [10, -10]) {
  test(`a local clock ${minutes} minutes off: STS still answers (the SDK corrects its offset from the Date header)`, async () => {
    const h = home();
    proxy.fail(reset, 0);
    const result = await exportRead(h, { NODE_OPTIONS: `--require ${SKEW_CLOCK}`, ROLECALL_TEST_CLOCK_OFFSET_MS: String(minutes * 60_000) });
    assertCredentials(result);
    // each signed call is refused once as skewed; the SDK learns the offset from the Date header and signs
    // again (one STS client per source credentials, so GetSessionToken and AssumeRole each learn it)
    assert.equal(proxy.seen(), 4, 'GetSessionToken and AssumeRole each refused once for skew, then answered');
    recordFault(`local clock ${minutes} min off`, 'credentials');
  });
}
