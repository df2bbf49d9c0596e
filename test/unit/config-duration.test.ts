// Durations: plain seconds and Go duration strings, bounds, errors naming the value and its source.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { formatDuration, parseDuration } from '../../src/config/duration';
import type { Setting } from '../../src/config/source';
import { RolecallError } from '../../src/errors';

const fromFile = (value: string): Setting => ({ value, source: { kind: 'file', path: '/home/u/.aws/config', line: 7 } });

test('accepted forms', () => {
  const table: [string, number][] = [
    ['3600', 3600],
    ['900', 900],
    ['43200', 43200],
    ['1h', 3600],
    ['90m', 5400],
    ['1h30m', 5400],
    ['3600s', 3600],
    ['1.5h', 5400],
    ['1h0m0s', 3600],
    ['12h', 43200],
    ['15m', 900],
    ['0.25h', 900],
    ['.5h', 1800],
    ['2h0.5m', 7230],
    ['3600000ms', 3600],
    [' 1h ', 3600],
  ];
  for (const [text, seconds] of table) assert.equal(parseDuration(fromFile(text)), seconds, text);
});

test('refused forms name the value and where it came from', () => {
  for (const text of ['', 'h', '1x', '1 h', '-1h', '1h-30m', 'PT1H', '1hour', '1e3', 'one hour']) {
    assert.throws(
      () => parseDuration({ value: text, source: { kind: 'env', name: 'CREDENTIALS_DURATION' } }, { min: 0, max: 43200 }),
      (e: unknown) =>
        e instanceof RolecallError &&
        e.code === 'DURATION_INVALID' &&
        e.message === `"${text}" (environment variable CREDENTIALS_DURATION) is not a duration`,
      text,
    );
  }
});

test('bounds: 15m..12h by default, others on request', () => {
  assert.throws(
    () => parseDuration(fromFile('14m59s')),
    (e: unknown) => e instanceof RolecallError && e.code === 'DURATION_INVALID' && e.message === '"14m59s" (/home/u/.aws/config:7) is outside 15m..12h',
  );
  assert.throws(() => parseDuration(fromFile('12h1s')), { message: '"12h1s" (/home/u/.aws/config:7) is outside 15m..12h' });
  assert.throws(() => parseDuration(fromFile('86400')), { message: '"86400" (/home/u/.aws/config:7) is 24h, outside 15m..12h' });
  // a value already written as a duration is not repeated (--duration 5m)
  assert.throws(() => parseDuration({ value: '5m', source: { kind: 'flag', name: '--duration' } }), { message: '"5m" (flag --duration) is outside 15m..12h' });
  assert.equal(parseDuration(fromFile('5m'), { min: 60, max: 3600 }), 300);
});

test('formatDuration', () => {
  assert.equal(formatDuration(0), '0s');
  assert.equal(formatDuration(59), '59s');
  assert.equal(formatDuration(900), '15m');
  assert.equal(formatDuration(3600), '1h');
  assert.equal(formatDuration(5400), '1h30m');
  assert.equal(formatDuration(43201), '12h1s');
  assert.equal(formatDuration(3661), '1h1m1s');
});

test('property: formatDuration and plain seconds read back as the same seconds', () => {
  fc.assert(
    fc.property(fc.integer({ min: 900, max: 43200 }), (seconds) => {
      assert.equal(parseDuration(fromFile(formatDuration(seconds))), seconds);
      assert.equal(parseDuration(fromFile(String(seconds))), seconds);
    }),
  );
});

test('property: h/m/s parts in any split add up', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 720 }), fc.integer({ min: 0, max: 3600 }), (h, m, s) => {
      const total = h * 3600 + m * 60 + s;
      fc.pre(total >= 900 && total <= 43200);
      assert.equal(parseDuration(fromFile(`${h}h${m}m${s}s`)), total);
    }),
  );
});
