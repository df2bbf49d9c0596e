// The reliability figures in README.md and docs/reliability.md are the ones a run recorded
// (docs/figures.json, written by scripts/figures.ts), never numbers copied by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFigures, renderedPages } from '../../scripts/figures';

test('README.md and docs/reliability.md show exactly the recorded figures', () => {
  for (const page of renderedPages(readFigures())) {
    assert.equal(page.now, page.wanted, `${page.path} differs from docs/figures.json: run \`node --import tsx scripts/figures.ts --docs\``);
  }
});

test('the recorded figures come from a full run: faults of every outcome, kill points on writes, fuzz and scans', () => {
  const figures = readFigures();
  for (const outcome of ['credentials', 'clear error', 'files intact'] as const) {
    assert.ok(figures.faults.some((f) => f.outcome === outcome), `a fault survived with ${outcome}`);
  }
  const kills = figures.faults.filter((f) => f.outcome === 'files intact');
  assert.ok(kills.every((f) => /^kill -9 after .*, of /.test(f.fault)), 'every kill names the write point it hit');
  assert.ok(Object.keys(figures.fuzz.nightly).length > 0 && Object.keys(figures.fuzz.everyRun).length > 0, 'both fuzz runs recorded');
  assert.ok(figures.idTokens.misaddressedInDate > 0 && figures.idTokens.accepted > 0);
  assert.ok(figures.scans.length > 0);
});
