// aws-runas's stored passwords. `aws-runas password PROFILE` writes the IdP password into the
// credentials file, in a section named by the IdP URL (`[https://example.org/oauth2]`,
// `web_identity_password = 12$SALT$CIPHERTEXT`), obfuscated with that URL as the key: scrypt
// (N = 2^cost, r = 8, p = 1) derives an AES-128 key from the URL and the salt, AES-CBC with a random IV
// encrypts the password's base64 rotated by half the alphabet, padded with '=' (aws-runas's
// credentials/helpers/password_encoder.go). rolecall reads it so that a password stored that way
// keeps working; `doctor` says that `rolecall password` (the OS keyring) is safer.
import { createDecipheriv, scryptSync } from 'node:crypto';
import type { ConfigFiles } from './files';

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const BLOCK = 16;

/** aws-runas's rot32: each base64 character moved half the alphabet on. */
function rot32(text: string): string {
  return [...text].map((c) => BASE64[(BASE64.indexOf(c) + 32) % 64]).join('');
}

/** RFC 4648 base32 without padding (Go's base32.StdEncoding.WithPadding(NoPadding)); undefined when it is not that. */
function base32(text: string): Buffer | undefined {
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const c of text) {
    const digit = BASE32.indexOf(c);
    if (digit < 0) return undefined;
    value = (value << 5) | digit;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((value >> bits) & 0xff);
    }
  }
  return Buffer.from(out);
}

/** Go's base64.RawStdEncoding; undefined when the text is not that. */
function rawBase64(text: string): Buffer | undefined {
  return /^[A-Za-z0-9+/]*$/.test(text) && text.length % 4 !== 1 ? Buffer.from(text, 'base64') : undefined;
}

/**
 * The password `aws-runas password` stored for the IdP at `url`, or undefined when `encoded` is not in
 * its form (aws-runas then used the value as written, and so does readAwsRunasPassword).
 */
export function decodeAwsRunasPassword(encoded: string, url: string): string | undefined {
  const [costHex, saltText, cipherText, ...more] = encoded.split('$');
  if (more.length || costHex === undefined || saltText === undefined || cipherText === undefined || !/^[0-9a-f]{1,2}$/i.test(costHex)) return undefined;
  const cost = Number.parseInt(costHex, 16);
  const salt = base32(saltText);
  const data = rawBase64(cipherText);
  // aws-runas writes cost 18; more than 2^20 would take seconds and gigabytes for nothing
  if (cost < 1 || cost > 20 || !salt || !data || data.length < 2 * BLOCK || data.length % BLOCK !== 0) return undefined;
  const n = 2 ** cost;
  const key = scryptSync(Buffer.from(url, 'utf8'), salt, BLOCK, { N: n, r: 8, p: 1, maxmem: 129 * 8 * n + 1024 * 1024 });
  const decipher = createDecipheriv('aes-128-cbc', key, data.subarray(0, BLOCK)).setAutoPadding(false);
  const padded = Buffer.concat([decipher.update(data.subarray(BLOCK)), decipher.final()]).toString('latin1');
  const plain = rawBase64(rot32(padded.replace(/=+$/, '')));
  // a wrong key (another URL) decrypts to noise, which is not rotated base64 of UTF-8 text
  if (plain === undefined) return undefined;
  const text = plain.toString('utf8');
  return Buffer.from(text, 'utf8').equals(plain) ? text : undefined;
}

/**
 * The web_identity_password aws-runas stored for the IdP at `url` in the credentials file, decoded
 * (a value not in aws-runas's form is taken as written, as aws-runas took it), with where it is.
 */
export function readAwsRunasPassword(files: ConfigFiles, url: string): { password: string; where: string } | undefined {
  const section = files.credentialProfiles.get(url) ?? files.credentialProfiles.get(url.replace(/\/$/, ''));
  const stored = section?.values.get('web_identity_password');
  if (!stored || stored.value === '') return undefined;
  // the key is the URL as aws-runas read it from the config, which named the section
  const { header } = section!;
  return { password: decodeAwsRunasPassword(stored.value, header) ?? stored.value, where: `web_identity_password in [${header}] of ${files.credentials.path}` };
}
