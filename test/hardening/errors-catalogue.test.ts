// The error catalogue in the docs is the one in the code: docs/errors.md is regenerated and must be
// byte-equal, every code has a row, and every code raised in src/ is a catalogue code. Codes that
// no file in src/ names are printed (as a diagnostic) so that the catalogue does not grow dead rows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CATALOGUE, type ErrorCode } from '../../src/errors';
import { DOC_PATH, renderErrorsDoc } from '../../scripts/errors-doc';

const SRC = new URL('../../src', import.meta.url).pathname;
const codes = Object.keys(CATALOGUE) as ErrorCode[];

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sources(path, out);
    else if (path.endsWith('.ts')) out.push(path);
  }
  return out;
}

test('docs/errors.md is what scripts/errors-doc.ts generates from CATALOGUE', () => {
  assert.equal(readFileSync(DOC_PATH, 'utf8'), renderErrorsDoc(), 'run `node --import tsx scripts/errors-doc.ts` and commit docs/errors.md');
});

test('every catalogue code has one row with its exit status and hint', () => {
  const doc = readFileSync(DOC_PATH, 'utf8');
  for (const code of codes) {
    const rows = doc.split('\n').filter((line) => line.startsWith(`| \`${code}\` |`));
    assert.equal(rows.length, 1, `${code} must have exactly one row`);
    assert.ok(rows[0]!.includes(`| ${CATALOGUE[code].exit} |`), `${code} row shows exit ${CATALOGUE[code].exit}`);
    assert.ok(CATALOGUE[code].hint.length > 20, `${code} has a real hint`);
  }
});

test('every RolecallError raised in src/ uses a catalogue code; unraised codes are listed', (t) => {
  const files = sources(SRC).filter((f) => f !== join(SRC, 'errors.ts'));
  const raised = new Set<string>();
  const named = new Set<string>();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/new RolecallError\(\s*'([A-Z_]+)'/g)) raised.add(m[1]!);
    // codes also travel as values (a mapping table, a variable typed ErrorCode)
    for (const m of text.matchAll(/'([A-Z][A-Z_]+)'/g)) if (m[1]! in CATALOGUE) named.add(m[1]!);
  }
  for (const code of raised) assert.ok(code in CATALOGUE, `src raises unknown code ${code}`);
  const unused = codes.filter((c) => !raised.has(c) && !named.has(c));
  t.diagnostic(`codes never named in src/ outside errors.ts: ${unused.join(', ') || 'none'}`);
  assert.ok(raised.size > 20);
});
