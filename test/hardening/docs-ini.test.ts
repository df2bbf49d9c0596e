// The config examples in README.md and docs/*.md are ones a user can paste as they are: doctor's
// checks of the shared files find nothing in them (an inline comment, which the AWS CLI keeps as
// part of the value; a section or key written twice), and no profile holds role_arn beside
// credential_process without a source, which the AWS CLI refuses ("Partial credentials found in
// assume-role, missing: source_profile or credential_source").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scanIni } from '../../src/app/doctor-files';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PAGES = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];

/** every ```ini block of the page, with the line it starts at */
function iniBlocks(page: string): { line: number; text: string }[] {
  const text = readFileSync(join(ROOT, page), 'utf8');
  return [...text.matchAll(/```ini\n([\s\S]*?)```/g)].map((m) => ({ line: text.slice(0, m.index).split('\n').length + 1, text: m[1]! }));
}

test("the docs' config examples pass doctor's file checks", () => {
  const found: string[] = [];
  for (const page of PAGES) {
    for (const block of iniBlocks(page)) {
      for (const finding of scanIni(`${page}:${block.line}`, block.text)) found.push(finding.message);
    }
  }
  assert.deepEqual(found, []);
});

test("no profile in the docs' examples has role_arn and credential_process without a source", () => {
  const found: string[] = [];
  for (const page of PAGES) {
    for (const block of iniBlocks(page)) {
      for (const section of block.text.split(/^(?=\[)/m)) {
        const keys = new Set([...section.matchAll(/^([a-z_]+)\s*=/gm)].map((m) => m[1]));
        if (keys.has('role_arn') && keys.has('credential_process') && !keys.has('source_profile') && !keys.has('credential_source')) {
          found.push(`${page}:${block.line}: ${section.split('\n')[0]}`);
        }
      }
    }
  }
  assert.deepEqual(found, []);
});
