// The AWS INI reader: botocore's rules (checked against the AWS CLI's own botocore on fixtures and on
// generated files), our documented differences, errors naming file:line, and a round-trip property.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { listProfiles, readConfigFiles } from '../../src/config/files';
import { headerWords, parseIni, prefixedName, type IniFile } from '../../src/config/ini';
import { RolecallError } from '../../src/errors';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'config');
// Debian's AWS CLI v2 carries its own botocore; this is the parser `/usr/bin/aws` runs
const AWSCLI = '/usr/lib/python3/dist-packages/awscli';
const haveBotocore = existsSync(join(AWSCLI, 'botocore', 'configloader.py')) && existsSync('/usr/bin/python3');

type Raw = Record<string, Record<string, string | Record<string, string>>>;

/**
 * botocore's raw_config_parse for each file, in one python run; `null` where it refuses the file.
 * `lenient`: with configparser's strict=False, i.e. duplicate sections and keys merged (our rule).
 */
function botocore(paths: string[], lenient = false): (Raw | null)[] {
  const script = `
import sys, json, configparser
sys.path.insert(0, ${JSON.stringify(AWSCLI)})
import botocore.configloader as c
if ${lenient ? 'True' : 'False'}:
    class Lenient(configparser.RawConfigParser):
        def __init__(self, *a, **k):
            k['strict'] = False
            super().__init__(*a, **k)
    configparser.RawConfigParser = Lenient
out = []
for p in sys.argv[1:]:
    try: out.append(c.raw_config_parse(p))
    except Exception: out.append(None)
print(json.dumps(out))`;
  const run = spawnSync('/usr/bin/python3', ['-c', script, ...paths], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as (Raw | null)[];
}

/** Our parse in botocore's shape. */
function asRaw(file: IniFile): Raw {
  const raw: Raw = {};
  for (const [header, section] of file.sections) {
    const values: Record<string, string | Record<string, string>> = {};
    for (const [key, value] of section.values) values[key] = value.value;
    for (const [key, block] of section.nested) values[key] = Object.fromEntries([...block.value].map(([k, v]) => [k, v.value]));
    raw[header] = values;
  }
  return raw;
}

function ours(path: string): Raw | null {
  try {
    return asRaw(parseIni(readFileSync(path, 'utf8'), path));
  } catch (error) {
    assert.ok(error instanceof RolecallError && error.code === 'CONFIG_SYNTAX', String(error));
    return null;
  }
}

test('fixtures parse exactly as the AWS CLI parses them, refusals included', { skip: !haveBotocore && 'no Debian awscli' }, () => {
  const names = ['tricky.ini', 'credentials.ini', 'bad-no-header.ini', 'bad-nested.ini', 'bad-no-delimiter.ini', 'bad-empty-key.ini'];
  const paths = names.map((n) => join(FIXTURES, n));
  const theirs = botocore(paths);
  paths.forEach((path, i) => assert.deepEqual(ours(path), theirs[i], names[i]));
  // the fixtures do cover the tricky parts
  const tricky = theirs[0]!;
  assert.equal(tricky['profile "my dev"']?.description, 'first line\nsecond line\n\nafter a blank line');
  assert.deepEqual(tricky['profile dev']?.s3, { max_concurrent_requests: '10', Addressing_Style: 'path' });
  assert.equal(theirs[2], null);
});

test('the profiles are the ones `aws configure list-profiles` lists, in its order', { skip: !existsSync('/usr/bin/aws') && 'no /usr/bin/aws' }, () => {
  const env = { AWS_CONFIG_FILE: join(FIXTURES, 'tricky.ini'), AWS_SHARED_CREDENTIALS_FILE: join(FIXTURES, 'credentials.ini') };
  const run = spawnSync('/usr/bin/aws', ['configure', 'list-profiles'], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin', HOME: tmpdir(), ...env } });
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(listProfiles(readConfigFiles(env, tmpdir())), run.stdout.trim().split('\n'));
  assert.deepEqual(listProfiles(readConfigFiles(env, tmpdir())), ['default', 'dev', 'my dev', 'tricky', 'bastion', 'profile prefixed']);
});

test('generated files parse as the AWS CLI parses them', { skip: !haveBotocore && 'no Debian awscli' }, () => {
  const word = fc.stringMatching(/^[A-Za-z0-9_.-]{1,8}$/);
  // values never hold what we read as an inline comment (whitespace then # or ;), our one documented difference
  const value = fc.stringMatching(/^[ A-Za-z0-9=:/#;._"'[\]-]{0,12}$/).filter((v) => !/(^|\s)[#;]/.test(v));
  const indent = fc.constantFrom('', '', ' ', '  ', '\t');
  const line = fc.oneof(
    fc.tuple(indent, word, fc.constantFrom(' = ', '=', ': ', ' ='), value).map(([i, k, d, v]) => `${i}${k}${d}${v}`),
    fc.tuple(indent, word).map(([i, k]) => `${i}${k} =`),
    fc.tuple(indent, fc.constantFrom('#', ';'), value).map(([i, c, v]) => `${i}${c}${v}`),
    fc.constant(''),
    fc.tuple(indent, word, value).map(([i, k, v]) => `${i}${k} = ${v}`),
  );
  const section = fc.tuple(word, fc.array(line, { maxLength: 8 }));
  const file = fc.uniqueArray(section, { selector: ([h]) => h, minLength: 1, maxLength: 4 });
  const samples = fc.sample(file, { numRuns: 150, seed: 20261123 });
  const dir = mkdtempSync(join(tmpdir(), 'rolecall-ini-'));
  try {
    const paths = samples.map((sections, i) => {
      const path = join(dir, `${i}.ini`);
      writeFileSync(path, sections.map(([h, lines]) => `[${h}]\n${lines.join('\n')}\n`).join(''));
      return path;
    });
    // botocore refuses a key written twice in a section; we keep the later one (documented), which
    // is exactly what its own parser does with strict=False
    const theirs = botocore(paths, true);
    paths.forEach((path, i) => assert.deepEqual(ours(path), theirs[i], readFileSync(path, 'utf8')));
    const refused = theirs.filter((t) => t === null).length;
    const strictRefused = botocore(paths).filter((t) => t === null).length;
    // the generator reaches both outcomes and the duplicate-key case
    assert.ok(refused > 5 && refused < samples.length - 50, `refused ${refused}`);
    assert.ok(strictRefused > refused, `strict ${strictRefused} lenient ${refused}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('keys are lower-cased, indented block keys are not, values are trimmed, every value knows its line', () => {
  const file = parseIni('[profile Dev]\n  Region =  us-east-1  \nS3 =\n  Max_Concurrent = 10\n', '/home/u/.aws/config');
  const section = file.sections.get('profile Dev')!;
  assert.deepEqual(section.values.get('region'), { value: 'us-east-1', source: { kind: 'file', path: '/home/u/.aws/config', line: 2 } });
  assert.deepEqual(section.nested.get('s3')?.value.get('Max_Concurrent'), { value: '10', source: { kind: 'file', path: '/home/u/.aws/config', line: 4 } });
  assert.deepEqual(section.nested.get('s3')?.source, { kind: 'file', path: '/home/u/.aws/config', line: 3 });
});

test('inline comments after whitespace are stripped (the SDKs do; botocore keeps them in the value)', () => {
  const file = parseIni('[default]\nregion = us-east-1 # where we work\noutput = json ; format\nurl = https://x.example/#frag\nkey = a;b\n', 'c');
  const values = file.sections.get('default')!.values;
  assert.equal(values.get('region')?.value, 'us-east-1');
  assert.equal(values.get('output')?.value, 'json');
  assert.equal(values.get('url')?.value, 'https://x.example/#frag');
  assert.equal(values.get('key')?.value, 'a;b');
});

test('duplicate sections and keys merge, the later key winning (botocore refuses the file)', () => {
  const file = parseIni('[profile a]\nregion = us-east-1\nx = 1\n[profile b]\n[profile a]\nregion = eu-west-1\nregion = eu-west-2\n', 'c');
  const a = file.sections.get('profile a')!;
  assert.equal(a.values.get('region')?.value, 'eu-west-2');
  assert.deepEqual(a.values.get('region')?.source, { kind: 'file', path: 'c', line: 7 });
  assert.equal(a.values.get('x')?.value, '1');
  assert.deepEqual([...file.sections.keys()], ['profile a', 'profile b']);
});

test('CRLF and CR line ends and a UTF-8 byte order mark read like LF', () => {
  const lf = asRaw(parseIni('[default]\nregion = us-east-1\ns3 =\n  a = b\n', 'c'));
  assert.deepEqual(asRaw(parseIni('\uFEFF[default]\r\nregion = us-east-1\r\ns3 =\r\n  a = b\r\n', 'c')), lf);
  assert.deepEqual(asRaw(parseIni('[default]\rregion = us-east-1\rs3 =\r  a = b\r', 'c')), lf);
});

test('a malformed line is CONFIG_SYNTAX naming path:line and showing the line', () => {
  const cases: [string, number, RegExp][] = [
    ['region = us-east-1\n', 1, /a setting before any \[section\] header:\n {4}region = us-east-1$/],
    ['[default]\nregion = us-east-1\nthis is not a setting\n', 3, /expected "key = value" or "\[section\]":\n {4}this is not a setting$/],
    ['[default]\n= x\n', 2, /expected "key = value"/],
    ['[default]\ns3 =\n  no equals here\n', 3, /inside the indented block of "s3":\n {4}no equals here$/],
    ['[default]\nregion = us-east-1\n\n[profile broken\nrole_arn = x\n', 4, /the section header is not closed \(no "\]"\):\n {4}\[profile broken$/],
    ['[profile first\nregion = us-east-1\n', 1, /the section header is not closed/],
  ];
  for (const [text, line, message] of cases) {
    assert.throws(
      () => parseIni(text, '/home/u/.aws/config'),
      (e: unknown) => e instanceof RolecallError && e.code === 'CONFIG_SYNTAX' && e.message.startsWith(`/home/u/.aws/config:${line}: `) && message.test(e.message),
      text,
    );
  }
});

test('an unclosed header says how to close it', () => {
  assert.throws(() => parseIni('[profile broken \nregion = x\n', '/c'), { hint: 'Close it: [profile broken]' });
});

test('a malformed line that may hold a secret is not shown', () => {
  assert.throws(
    () => parseIni('[default]\naws_secret_access_key wJalrXUtnFEMI/K7MDENG\n', '/c'),
    (e: unknown) => e instanceof RolecallError && e.message.includes('/c:2') && !e.message.includes('wJalrXUtnFEMI'),
  );
});

test('headers split like botocore (shlex): quoted profile names, prefixes that must be whole words', () => {
  assert.deepEqual(headerWords('profile "my dev"'), ['profile', 'my dev']);
  assert.deepEqual(headerWords("profile 'a b'  "), ['profile', 'a b']);
  assert.deepEqual(headerWords('profile a\\ b'), ['profile', 'a b']);
  assert.equal(headerWords('profile "open'), undefined);
  assert.equal(prefixedName('profile dev', 'profile'), 'dev');
  assert.equal(prefixedName('profile  dev', 'profile'), 'dev');
  assert.equal(prefixedName('profiledev', 'profile'), undefined);
  assert.equal(prefixedName('profile a b', 'profile'), undefined);
  assert.equal(prefixedName('services local', 'services'), 'local');
  assert.equal(prefixedName('sso-session corp', 'sso-session'), 'corp');
});

test('property: any keys and values written as INI read back the same, with their lines', () => {
  const key = fc.stringMatching(/^[a-z][a-z0-9_.-]{0,15}$/);
  // printable text that does not start or end with whitespace and holds no inline comment
  const value = fc
    .string({ unit: fc.constantFrom(...'abcXYZ0129 =:/+#;[]"\'{}$\\_.-'.split('')), maxLength: 30 })
    .map((v) => v.trim())
    .filter((v) => !/\s[#;]/.test(v) && !/^[#;]/.test(v));
  const section = fc.tuple(fc.stringMatching(/^(profile )?[a-z0-9_-]{1,10}$/), fc.uniqueArray(fc.tuple(key, value), { selector: ([k]) => k, maxLength: 6 }));
  fc.assert(
    fc.property(fc.uniqueArray(section, { selector: ([h]) => h, maxLength: 5 }), (sections) => {
      const lines: string[] = [];
      const expected = new Map<string, Map<string, { value: string; line: number }>>();
      for (const [header, entries] of sections) {
        lines.push(`[${header}]`);
        const values = new Map<string, { value: string; line: number }>();
        for (const [k, v] of entries) {
          lines.push(`${k} = ${v}`);
          values.set(k, { value: v, line: lines.length });
        }
        expected.set(header, values);
      }
      const file = parseIni(lines.join('\n'), 'p');
      assert.deepEqual(
        new Map([...file.sections].map(([h, s]) => [h, new Map([...s.values].map(([k, v]) => [k, { value: v.value, line: (v.source as { line: number }).line }]))])),
        expected,
      );
    }),
    { numRuns: 300 },
  );
});
