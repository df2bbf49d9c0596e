// The logger on its own: what it masks (every registered secret, in every kind of line, however
// often it appears), what it leaves alone (values too short to be secrets), and the control
// characters it never sends to the terminal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '../../src/platform/logger';
import { printable } from '../../src/platform/printable';

function recording(debug = true) {
  const lines: string[] = [];
  return { log: createLogger({ debug, write: (text) => lines.push(text) }), lines };
}

test('every registered secret is masked in info, warning and debug lines, each time it appears', () => {
  const { log, lines } = recording();
  log.redact('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
  log.redact('FwoGZXIvYXdzEBaaDOSESSIONTOKEN+/=');
  log.info('secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY and again wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
  log.warn('token FwoGZXIvYXdzEBaaDOSESSIONTOKEN+/= in a warning');
  log.debug('Authorization: FwoGZXIvYXdzEBaaDOSESSIONTOKEN+/=; key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
  assert.deepEqual(lines, [
    'secret **** and again ****\n',
    'warning: token **** in a warning\n',
    'debug: Authorization: ****; key=****\n',
  ]);
});

test('mask() hides the secrets in text rendered elsewhere (error messages), and registering twice changes nothing', () => {
  const { log } = recording();
  log.redact('hunter2-correct-horse');
  log.redact('hunter2-correct-horse');
  assert.equal(log.mask('refused password hunter2-correct-horse for alice'), 'refused password **** for alice');
  assert.equal(log.mask('nothing secret here'), 'nothing secret here');
});

test('a secret that contains another is masked whole, whichever was registered first', () => {
  const { log } = recording();
  log.redact('abcdef123456');
  log.redact('xyz-abcdef123456-xyz');
  assert.doesNotMatch(log.mask('value xyz-abcdef123456-xyz end'), /abcdef|xyz-/);
});

test('values shorter than six characters and empty values are not registered (they would mask ordinary words)', () => {
  const { log, lines } = recording();
  log.redact('');
  log.redact(undefined);
  log.redact('the');
  log.info('the profile');
  assert.deepEqual(lines, ['the profile\n']);
});

test('debug lines are written only with --debug, and are masked too', () => {
  const quiet = recording(false);
  quiet.log.redact('s3cr3t-value');
  quiet.log.debug('s3cr3t-value');
  assert.deepEqual(quiet.lines, []);
  assert.equal(quiet.log.debugEnabled, false);
});

test('control characters from outside are shown as \\xNN, never sent: C0 but newline and tab, DEL, C1', () => {
  const { log, lines } = recording();
  log.warn('provider says \u001b]0;owned\u0007 then \u001b[2J, \u009b31m, a\rb, tab\tand\nnewline, \u007f');
  assert.deepEqual(lines, ['warning: provider says \\x1b]0;owned\\x07 then \\x1b[2J, \\x9b31m, a\\x0db, tab\tand\nnewline, \\x7f\n']);
  for (let code = 0; code < 0xa0; code++) {
    const c = String.fromCharCode(code);
    const shown = printable(c);
    if (c === '\n' || c === '\t' || (code >= 0x20 && code < 0x7f)) assert.equal(shown, c);
    else assert.equal(shown, `\\x${code.toString(16).padStart(2, '0')}`);
  }
  assert.equal(printable('é ü 日本 👍'), 'é ü 日本 👍', 'printable text outside the control ranges is left alone');
});

test('a secret is masked before control characters are escaped: an escape inside a secret cannot reveal it', () => {
  const { log, lines } = recording();
  log.redact('pass\u001bword-123');
  log.info('password pass\u001bword-123 refused');
  assert.deepEqual(lines, ['password **** refused\n']);
});

test('a secret is masked also as it travels in a URL, a form body or JSON', () => {
  const { log, lines } = recording();
  const secret = 'p@ss w"rd/&=+1';
  log.redact(secret);
  log.info(`url ${encodeURIComponent(secret)} form ${new URLSearchParams({ password: secret }).toString()} json ${JSON.stringify({ secret })}`);
  assert.deepEqual(lines, ['url **** form password=**** json {"secret":"****"}\n']);
});
