// Bundles rolecall into two CommonJS files:
//   dist/bin.cjs  - the entry: answers cache hits with node:fs/node:path only, else loads main.cjs
//   dist/main.cjs - every command, the SDK and the IdP clients, loaded lazily by bin.cjs
import { build } from 'esbuild';
import { chmodSync, readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: false,
  legalComments: 'none',
  define: { ROLECALL_VERSION: JSON.stringify(pkg.version) },
  logLevel: 'warning',
};

await build({
  ...common,
  entryPoints: ['src/bin.ts'],
  outfile: 'dist/bin.cjs',
  banner: { js: '#!/usr/bin/env node' },
  external: ['./main.cjs'],
});
await build({
  ...common,
  entryPoints: ['src/main.ts'],
  outfile: 'dist/main.cjs',
  // native addon: loaded from node_modules at run time
  external: ['@napi-rs/keyring'],
});
chmodSync('dist/bin.cjs', 0o755);
