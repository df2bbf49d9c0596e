// Reads an encrypted secrets.json the way an attacker holding the key would, independently of
// rolecall's own code: AES-256-GCM over the JSON of the secrets, key given in hex.
import { createDecipheriv } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { TEST_SECRETS_KEY } from './cli';

export interface Envelope {
  version: number;
  cipher: string;
  protection: string;
  salt?: string;
  iv: string;
  tag: string;
  data: string;
}

export function readEnvelope(path: string): Envelope {
  return JSON.parse(readFileSync(path, 'utf8')) as Envelope;
}

/** the secrets in the file, decrypted with `hexKey` (tempHome's by default) */
export function decryptSecretsFile(path: string, hexKey = TEST_SECRETS_KEY): Record<string, string> {
  const envelope = readEnvelope(path);
  const decipher = createDecipheriv('aes-256-gcm', Buffer.from(hexKey, 'hex'), Buffer.from(envelope.iv, 'base64'));
  decipher.setAuthTag(Buffer.from(envelope.tag, 'base64'));
  return JSON.parse(Buffer.concat([decipher.update(Buffer.from(envelope.data, 'base64')), decipher.final()]).toString('utf8')) as Record<string, string>;
}
