// The single executable's assets: their names, and how main.cjs is compiled from one. Shared by
// the build (scripts/build-binary.mjs runs codeCache() under the Node.js it embeds) and by
// src/sea-main.ts at run time, since V8 accepts a code cache only for the very same source text.
import { Script } from 'node:vm';

export const MAIN_ASSET = 'main.cjs';
export const MAIN_CACHE_ASSET = 'main.cjs.cache';
export const KEYRING_ASSET = 'keyring.node';

type ModuleFunction = (exports: object, req: NodeJS.Require, module: { exports: object }, filename: string, dir: string) => void;

/** compiles a CommonJS module's source as Node wraps a module, with a code cache when there is one */
export function compileModule(source: string, cachedData?: Buffer): { script: Script; run: (req: NodeJS.Require, filename: string, dir: string) => object } {
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: MAIN_ASSET, cachedData });
  return {
    script,
    run(req, filename, dir) {
      const loaded = { exports: {} };
      (script.runInThisContext() as ModuleFunction)(loaded.exports, req, loaded, filename, dir);
      return loaded.exports;
    },
  };
}

/** the code cache for main.cjs, made after its top level has run so that what ran is compiled already */
export function codeCache(source: string, req: NodeJS.Require): Buffer {
  const compiled = compileModule(source);
  compiled.run(req, MAIN_ASSET, '.');
  return compiled.script.createCachedData();
}
