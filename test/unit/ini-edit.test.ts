import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { setSection } from '../../src/config/ini-edit';
import { parseIni } from '../../src/config/ini';

const original = `# my config, hand-written
[default]
region = us-east-1   ; inline comment

[profile dev]
role_arn = arn:aws:iam::1:role/old
; a comment inside
s3 =
    max_concurrent_requests = 10
[profile other]
region = eu-west-1
`;

test('a new section is appended; everything before it is byte-identical', () => {
  const out = setSection(original, 'profile new', [['role_arn', 'arn:aws:iam::2:role/x'], ['region', 'us-west-2']]);
  assert.ok(out.startsWith(original));
  assert.equal(out.slice(original.length), '\n[profile new]\nrole_arn = arn:aws:iam::2:role/x\nregion = us-west-2\n');
});

test('an existing section: keys replaced in place, new keys after its last key (and its nested block), the rest untouched', () => {
  const out = setSection(original, 'profile dev', [['role_arn', 'arn:aws:iam::1:role/new'], ['mfa_serial', 'arn:aws:iam::1:mfa/me']]);
  assert.equal(
    out,
    original
      .replace('role_arn = arn:aws:iam::1:role/old', 'role_arn = arn:aws:iam::1:role/new')
      .replace('    max_concurrent_requests = 10\n', '    max_concurrent_requests = 10\nmfa_serial = arn:aws:iam::1:mfa/me\n'),
  );
});

test('the edited file parses with the new values and keeps the other sections (property)', () => {
  const key = fc.stringMatching(/^[a-z][a-z0-9_]{0,12}$/);
  const value = fc.stringMatching(/^[A-Za-z0-9:/._@+=-]{1,30}$/);
  fc.assert(
    fc.property(fc.uniqueArray(fc.tuple(key, value), { selector: ([k]) => k, minLength: 1, maxLength: 6 }), fc.constantFrom('profile dev', 'profile fresh', 'default'), (entries, header) => {
      const out = setSection(original, header, entries);
      const parsed = parseIni(out, '/tmp/config');
      const section = parsed.sections.get(header === 'default' ? 'default' : header);
      assert.ok(section, `section ${header} present`);
      for (const [k, v] of entries) assert.equal(section.values.get(k)?.value, v);
      assert.equal(parsed.sections.get('profile other')?.values.get('region')?.value, 'eu-west-1');
    }),
    { numRuns: 200, seed: 42 },
  );
});
