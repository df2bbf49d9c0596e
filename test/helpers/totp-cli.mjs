// An MFA device for tests, used as `mfa_process = node test/helpers/totp-cli.mjs BASE32SECRET`:
// prints the current RFC 6238 code (SHA-1, 6 digits, 30 s), as an authenticator app would show it.
import { createHmac } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
function base32(text) {
  let bits = '';
  for (const ch of text.replace(/=+$/, '').toUpperCase()) bits += ALPHABET.indexOf(ch).toString(2).padStart(5, '0');
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}
const counter = Buffer.alloc(8);
counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 1000 / 30)));
const mac = createHmac('sha1', base32(process.argv[2] ?? '')).update(counter).digest();
const offset = mac[mac.length - 1] & 0xf;
const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
process.stdout.write(`${String(code).padStart(6, '0')}\n`);
