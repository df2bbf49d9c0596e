// Bundles rolecall into two CommonJS files, and writes the manual page from the help texts:
//   dist/bin.cjs     - the entry: answers cache hits with node:fs/node:path only, else loads main.cjs
//   dist/main.cjs    - every command, the SDK and the IdP clients, loaded lazily by bin.cjs
//   dist/rolecall.1  - `man rolecall`, from the same texts as --help (src/cli/help.ts)
// scripts/build-binary.mjs reuses `common` for the single executable.
import { build } from 'esbuild';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
export const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: false,
  legalComments: 'none',
  define: { ROLECALL_VERSION: JSON.stringify(pkg.version), ROLECALL_SEA: 'false' },
  logLevel: 'warning',
};

async function buildPackage() {
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
    // loaded from node_modules at run time: the keyring's native addon, and playwright-core (the
    // DevTools client of browser SAML sign-ins, 14 MB with files it reads), imported only by a sign-in
    external: ['@napi-rs/keyring', 'playwright-core'],
  });
  chmodSync('dist/bin.cjs', 0o755);
  const { manPage } = createRequire(import.meta.url)('../dist/main.cjs');
  writeFileSync('dist/rolecall.1', await manPage(pkg.version));
}

// run as a script (npm run build), not when imported by build-binary.mjs
if (import.meta.url === pathToFileURL(process.argv[1]).href) await buildPackage();
