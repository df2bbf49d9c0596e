// The structure stays: no src/ file imports one of a higher layer, and no files import each other,
// directly or around a loop (scripts/imports.ts, layers in docs/architecture.md). The checks are
// themselves checked on a small graph with one of each fault.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CREDENTIAL_ENTRY, credentialWalk, importCycles, importGraph, layerOf, LAYERS, upwardImports, type Edge } from '../../scripts/imports';

const edges = importGraph();

test('every src/ file is in a layer, and the graph is read (static, dynamic and type-only imports)', () => {
  const files = new Set(edges.flatMap((e) => [e.from, e.to]));
  for (const file of files) assert.ok(layerOf(file) >= 0);
  assert.ok(files.size > 100, `${files.size} files`);
  for (const kind of ['static', 'dynamic', 'type'] as const) assert.ok(edges.some((e) => e.kind === kind), `some ${kind} import`);
});

test('no import runs from a lower layer to a higher one', () => {
  const upward = upwardImports(edges).map((e) => `${e.from} -> ${e.to} (${LAYERS[layerOf(e.from)]!.name} -> ${LAYERS[layerOf(e.to)]!.name})`);
  assert.deepEqual(upward, [], 'move the import, or the code, so that it runs downward (docs/architecture.md, "Layers")');
});

test('no files import each other, directly or around a loop', () => {
  assert.deepEqual(importCycles(edges), []);
});

test('a CredentialRequest walks the credential core without climbing back', () => {
  const walk = credentialWalk(edges, CREDENTIAL_ENTRY);
  assert.ok(walk.files.includes('credentials/sources/index.ts'));
  assert.deepEqual(walk.climbs, []);
});

test('the checks find an upward import and a cycle when there is one', () => {
  const faulty: Edge[] = [
    { from: 'config/a.ts', to: 'cli/b.ts', kind: 'type' },
    { from: 'plan/x.ts', to: 'plan/y.ts', kind: 'static' },
    { from: 'plan/y.ts', to: 'plan/z.ts', kind: 'dynamic' },
    { from: 'plan/z.ts', to: 'plan/x.ts', kind: 'type' },
    { from: 'app/ok.ts', to: 'config/a.ts', kind: 'static' },
  ];
  assert.deepEqual(upwardImports(faulty), [faulty[0]]);
  assert.deepEqual(importCycles(faulty), [['plan/x.ts', 'plan/y.ts', 'plan/z.ts']]);
  assert.throws(() => layerOf('nowhere/file.ts'), /in no layer/);
});

test('the layers table in docs/architecture.md is the one the check uses', () => {
  const doc = readFileSync(new URL('../../docs/architecture.md', import.meta.url), 'utf8');
  const rows = doc.slice(doc.indexOf('## Layers'), doc.indexOf('## Adding a credential source')).split('\n').filter((line) => /^\| [a-z]/.test(line) && !line.startsWith('| layer |'));
  assert.deepEqual(
    rows.map((row) => row.split('|').slice(1, 3).map((cell) => cell.trim())),
    LAYERS.map((layer) => [layer.name, layer.paths.map((p) => `\`${p}\``).join(', ')]),
  );
});
