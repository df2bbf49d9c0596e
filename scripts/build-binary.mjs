// npm run build:binary: rolecall as one executable that needs no Node.js on the machine, with
// Node's single executable applications (SEA) and postject:
//   1. bundle src/bin.ts as the executable's script, and src/main.ts as an asset with a V8 code
//      cache made for it (src/sea-main.ts loads it when the fast path cannot answer), both with
//      ROLECALL_SEA = true; the keyring addon is an asset too (src/store/keyring-binding.ts)
//   2. `node --experimental-sea-config` turns them into a blob
//   3. a copy of the node binary gets the blob injected: dist/rolecall-<platform>-<arch>[.exe]
// Usage: node scripts/build-binary.mjs [--node PATH] [--out FILE]
//   --node  the Node.js to embed (default: the one running this script)
//   --out   where to write the executable (default: dist/rolecall-<platform>-<arch>[.exe])
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { common } from './build.mjs';

const { values } = parseArgs({ options: { node: { type: 'string' }, out: { type: 'string' } } });
const node = resolve(values.node ?? process.execPath);
const platform = process.platform;
const out = resolve(values.out ?? `dist/rolecall-${platform}-${process.arch}${platform === 'win32' ? '.exe' : ''}`);
// a directory of its own beside the output, so that two builds at once (tests, bench) do not mix
// their files, and the finished executable is renamed into place
mkdirSync(dirname(out), { recursive: true });
const work = mkdtempSync(join(dirname(out), '.rolecall-sea-'));

/** runs a step; what it prints is shown only when it fails (postject's ELF parser warns about every .note section) */
function run(command, args) {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.status !== 0) {
    process.stderr.write(`${result.stdout ?? ''}${result.stderr ?? ''}`);
    throw new Error(`${command} ${args.join(' ')} failed (${result.status ?? result.signal ?? result.error})`);
  }
}

/** the keyring addon's .node file for this platform, the one `require('@napi-rs/keyring')` loads */
function keyringAddon() {
  const require = createRequire(import.meta.url);
  require('@napi-rs/keyring');
  const addon = Object.keys(require.cache).find((path) => path.endsWith('.node'));
  if (!addon) throw new Error('@napi-rs/keyring loaded no .node file: is its package for this platform installed?');
  return addon;
}

const sea = { ...common, define: { ...common.define, ROLECALL_SEA: 'true' } };
// the executable's own script: bin.ts, whose require('./main.cjs') loads main from the assets
const script = join(work, 'rolecall.cjs');
await build({
  ...sea,
  entryPoints: ['src/bin.ts'],
  outfile: script,
  plugins: [
    {
      name: 'main-from-asset',
      setup(b) {
        b.onResolve({ filter: /^\.\/main\.cjs$/ }, () => ({ path: resolve('src/sea-main.ts') }));
      },
    },
  ],
});
// main.cjs as an asset; the keyring addon is never imported there (src/store/keyring-binding.ts)
const main = join(work, 'main.cjs');
// playwright-core stays out too: browser SAML sign-ins need the npm package (docs/saml-browser.md)
await build({ ...sea, entryPoints: ['src/main.ts'], outfile: main, external: ['@napi-rs/keyring', 'playwright-core'] });
// its code cache, made by the Node.js that runs it (V8 refuses a cache from another version)
const cacheTool = join(work, 'code-cache.cjs');
await build({
  ...common,
  stdin: {
    contents: `import { readFileSync, writeFileSync } from 'node:fs';
import { codeCache } from './src/platform/sea-assets';
writeFileSync(process.argv[3], codeCache(readFileSync(process.argv[2], 'utf8'), require));`,
    resolveDir: resolve('.'),
    loader: 'ts',
  },
  outfile: cacheTool,
});
const cache = join(work, 'main.cjs.cache');
run(node, [cacheTool, main, cache]);

const blob = join(work, 'rolecall.blob');
const config = join(work, 'sea-config.json');
writeFileSync(
  config,
  JSON.stringify(
    {
      main: script,
      output: blob,
      disableExperimentalSEAWarning: true,
      useCodeCache: true,
      // names as in src/platform/sea-assets.ts
      assets: { 'main.cjs': main, 'main.cjs.cache': cache, 'keyring.node': keyringAddon() },
    },
    null,
    2,
  ),
);
// the blob must come from the very Node.js it is injected into
run(node, ['--experimental-sea-config', config]);

// injected into a copy beside the output, then renamed over it: the output is never half-made
const exe = join(work, 'rolecall');
copyFileSync(node, exe);
chmodSync(exe, 0o755);
if (platform === 'darwin') run('codesign', ['--remove-signature', exe]);
const postject = createRequire(import.meta.url).resolve('postject/dist/cli.js');
run(process.execPath, [
  postject,
  exe,
  'NODE_SEA_BLOB',
  blob,
  '--sentinel-fuse',
  'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2',
  ...(platform === 'darwin' ? ['--macho-segment-name', 'NODE_SEA'] : []),
]);
if (platform === 'darwin') run('codesign', ['--sign', '-', exe]);
renameSync(exe, out);
rmSync(work, { recursive: true, force: true });
process.stdout.write(`${out} (${(statSync(out).size / 1024 / 1024).toFixed(1)} MB, Node.js ${spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim()})\n`);
