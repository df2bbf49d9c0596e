// The @napi-rs/keyring native addon. Under Node.js it comes from node_modules; the single
// executable carries it as an asset (scripts/build-binary.mjs), written once into the cache
// directory under its content hash and loaded from there, since an addon loads only from a file.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IS_SEA } from '../platform/self';
import { KEYRING_ASSET } from '../platform/sea-assets';
import { writeFileAtomic } from './atomic-write';
import { ensureCacheDir, type StoreDeps } from './cache-dir';

export type KeyringBinding = typeof import('@napi-rs/keyring');

function addonFromAsset(deps: StoreDeps): KeyringBinding {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sea = require('node:sea') as typeof import('node:sea');
  const bytes = new Uint8Array(sea.getRawAsset(KEYRING_ASSET) as ArrayBuffer);
  const hash = createHash('sha256').update(bytes).digest('hex');
  const file = join(ensureCacheDir(deps), `keyring-${hash.slice(0, 16)}.node`);
  // the cache directory is the user's own (0700, checked); a file that differs is written again
  if (!existsSync(file) || createHash('sha256').update(readFileSync(file)).digest('hex') !== hash) writeFileAtomic(file, bytes, 0o700);
  const module = { exports: {} as KeyringBinding };
  process.dlopen(module, file);
  return module.exports;
}

export async function loadKeyringBinding(deps: StoreDeps): Promise<KeyringBinding> {
  return IS_SEA ? addonFromAsset(deps) : await import('@napi-rs/keyring');
}
