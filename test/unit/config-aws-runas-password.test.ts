// Decoding the passwords `aws-runas password` stores, against aws-runas's encoder written
// independently in Python (test/helpers/aws-runas-password.py), for passwords of every length class
// the encoder pads differently, and what is not in its form.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { decodeAwsRunasPassword } from '../../src/config/aws-runas-password';

const ENCODER = new URL('../helpers/aws-runas-password.py', import.meta.url).pathname;
const hasCryptography = spawnSync('python3', ['-c', 'import cryptography'], { stdio: 'ignore' }).status === 0;
const URL_KEY = 'https://example.org/oauth2';

function encode(password: string, url: string, cost: number): string {
  const run = spawnSync('python3', [ENCODER, password, url, String(cost)], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return run.stdout.trim();
}

test("aws-runas's encoding decodes to the password, for the lengths aws-runas's own tests use", { skip: !hasCryptography && "python3's cryptography package is missing" }, () => {
  // aws-runas's test passwords: short, not a block multiple, exactly one block, two blocks; and more
  const passwords = ['short', 'something not a multiple of the encryption blocksize', '1234567890ABCDEF', '0123456789abcdef1234567890ABCDEF', "carol's \"quoted\" $password\\", 'pässwörd 🔑'];
  for (const password of passwords) {
    const encoded = encode(password, URL_KEY, 4);
    assert.match(encoded, /^4\$[A-Z2-7]+\$[A-Za-z0-9+/]+$/);
    assert.equal(decodeAwsRunasPassword(encoded, URL_KEY), password, password);
  }
  // aws-runas's own cost (18, what `aws-runas password` writes) is in test/integration/seed-aws-runas.test.ts
});

test('another URL as the key does not decode (the value belongs to another IdP)', { skip: !hasCryptography && "python3's cryptography package is missing" }, () => {
  const encoded = encode('correct horse battery staple', URL_KEY, 4);
  assert.equal(decodeAwsRunasPassword(encoded, 'https://example.org/oauth3'), undefined);
});

test('values not in aws-runas form are not decoded (the caller takes them as written, as aws-runas did)', () => {
  for (const value of ['hunter2', 'a$b', 'zz$AAAA$AAAA', '12$not base32!$AAAA', '4$AAAAAAAAAAAAA$short', '4$AAAAAAAAAAAAA$AAAA$extra', '99$AAAAAAAAAAAAA$' + 'A'.repeat(43)]) {
    assert.equal(decodeAwsRunasPassword(value, URL_KEY), undefined, value);
  }
});
