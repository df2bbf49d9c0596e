// The keys table in docs/configuration.md is the one in the code: the block between its markers is
// regenerated from src/config/keys.ts and must be byte-equal, and every variable that sets a key is
// listed in the page's table of environment variables too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { keyTable } from '../../src/config/keys';
import { BEGIN, CONFIG_DOC_PATH, END, renderKeysTable, withKeysTable } from '../../scripts/keys-doc';

const page = readFileSync(CONFIG_DOC_PATH, 'utf8');

test('the keys table in docs/configuration.md is what scripts/keys-doc.ts generates from src/config/keys.ts', () => {
  assert.equal(withKeysTable(page, renderKeysTable()), page, 'run `node --import tsx scripts/keys-doc.ts` and commit docs/configuration.md');
});

test('every key has one row, and every variable that sets a key is in the environment variables table', () => {
  const rows = page.slice(page.indexOf(BEGIN), page.indexOf(END)).split('\n');
  const variables = page.slice(page.indexOf('## Environment variables'), page.indexOf('## The seeds'));
  for (const [key, spec] of keyTable()) {
    assert.equal(rows.filter((line) => line.startsWith(`| \`${key}\` |`)).length, 1, `${key} has one row`);
    for (const name of [...(spec.env ?? []), ...(spec.assumeEnv ? [spec.assumeEnv] : [])]) {
      assert.match(variables, new RegExp(`\`${name}\``), `${name} (sets ${key}) is in the environment variables table`);
    }
  }
});
