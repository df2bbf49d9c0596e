// In the single executable, what bin.ts's require('./main.cjs') gets (scripts/build-binary.mjs maps
// it here): main.cjs, carried as an asset and compiled only when the fast path cannot answer, with
// the V8 code cache the build made for it. Keeping it out of the executable's own script keeps a
// cache hit as cheap as under node: only bin.ts is compiled at start-up.
import { getAsset, getRawAsset } from 'node:sea';
import { dirname } from 'node:path';
import { MAIN_ASSET, MAIN_CACHE_ASSET, compileModule } from './platform/sea-assets';

const compiled = compileModule(getAsset(MAIN_ASSET, 'utf8') as string, Buffer.from(getRawAsset(MAIN_CACHE_ASSET) as ArrayBuffer));

export const { main } = compiled.run(require, process.execPath, dirname(process.execPath)) as typeof import('./main');
