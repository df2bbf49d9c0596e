// The AWS shared config/credentials INI format, read the way the AWS CLI v2 reads it (botocore's
// raw_config_parse on Python's RawConfigParser), with every value's file:line. Where we differ from
// botocore it is on purpose and documented in docs/configuration.md:
//  - inline comments (` #`, ` ;` after whitespace) are stripped, as the Go and JS SDKs do; botocore
//    keeps them in the value, which only ever produces values nobody meant;
//  - duplicate sections and keys are merged (later key wins), as the Go and JS SDKs do; botocore
//    refuses the whole file.
import { RolecallError } from '../errors';
import { setting, type Setting, type Source } from './source';

export interface IniSection {
  /** the header as written between the brackets: "default", "profile dev", "services local", "dev" */
  header: string;
  /** where the section (its first header) starts */
  source: Source;
  /** plain values; keys lower-cased as botocore does */
  values: Map<string, Setting<string>>;
  /** indented sub-sections (`s3 =` then indented `key = value` lines); inner keys kept as written, as botocore does */
  nested: Map<string, Setting<Map<string, Setting<string>>>>;
}

export interface IniFile {
  path: string;
  /** by header, in the order they first appear */
  sections: Map<string, IniSection>;
}

const COMMENT = /^[#;]/;
const INLINE_COMMENT = /\s[#;]/;
// configparser's SECTCRE and OPTCRE (delimiters `=` and `:`), applied to the stripped line
const HEADER = /^\[(.+)\]/;
const OPTION = /^(.*?)\s*([=:])\s*(.*)$/;
// the Python configparser section that feeds every other section
const DEFAULTS = 'DEFAULT';

/** The line as an error may show it: never a secret the line might hold. */
function showLine(text: string): string {
  const trimmed = text.trim();
  if (/secret|password|token|credential/i.test(trimmed)) return `${trimmed.split(/[\s=:]/)[0]} …(rest hidden: it may hold a secret)`;
  return trimmed.length > 120 ? `${trimmed.slice(0, 120)}…` : trimmed;
}

function syntaxError(path: string, line: number, text: string, what: string, hint?: string): RolecallError {
  return new RolecallError('CONFIG_SYNTAX', `${path}:${line}: ${what}:\n    ${showLine(text)}`, hint ? { hint } : {});
}

function emptySection(header: string, source: Source): IniSection {
  return { header, source, values: new Map(), nested: new Map() };
}

interface PendingOption {
  key: string;
  line: number;
  lines: { text: string; line: number }[];
}

/** what a malformed line does: thrown (every command), or reported and skipped (doctor, which reports them all) */
type OnSyntaxError = (error: RolecallError) => void;
const throwIt: OnSyntaxError = (error) => {
  throw error;
};

function store(section: IniSection, option: PendingOption, path: string, onError: OnSyntaxError): void {
  const first = option.lines[0]!;
  // configparser joins continuation lines with newlines and drops trailing empty ones
  const kept = option.lines.slice(0, option.lines.findLastIndex((l) => l.text !== '') + 1);
  const source: Source = { kind: 'file', path, line: option.line };
  if (first.text === '' && kept.length > 1) {
    const nested = new Map<string, Setting<string>>();
    for (const { text, line } of kept.slice(1)) {
      if (text === '') continue;
      const equals = text.indexOf('=');
      if (equals < 0) {
        onError(syntaxError(path, line, text, `expected "key = value" inside the indented block of "${option.key}"`));
        continue;
      }
      nested.set(text.slice(0, equals).trim(), setting(text.slice(equals + 1).trim(), { kind: 'file', path, line }));
    }
    section.values.delete(option.key);
    section.nested.set(option.key, setting(nested, source));
  } else {
    section.nested.delete(option.key);
    section.values.set(option.key, setting(kept.map((l) => l.text).join('\n'), source));
  }
}

/**
 * `onError`: by default a malformed line throws; doctor passes a function that collects each one,
 * and the parse goes on (an unclosed header still opens its section).
 */
export function parseIni(text: string, path: string, onError: OnSyntaxError = throwIt): IniFile {
  const sections = new Map<string, IniSection>();
  let defaults: IniSection | undefined;
  let current: IniSection | undefined;
  let option: PendingOption | undefined;
  let indentLevel = 0;
  const finish = () => {
    if (option && current) store(current, option, path, onError);
    option = undefined;
  };

  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  lines.forEach((raw, index) => {
    const line = index + 1;
    if (COMMENT.test(raw.trim())) return;
    const comment = raw.search(INLINE_COMMENT);
    const value = (comment >= 0 ? raw.slice(0, comment) : raw).trim();
    if (value === '') {
      // an empty line inside a value belongs to it (configparser's empty_lines_in_values)
      option?.lines.push({ text: '', line });
      return;
    }
    const indent = raw.search(/\S/);
    if (option && indent > indentLevel) {
      option.lines.push({ text: value, line });
      return;
    }
    finish();
    indentLevel = indent;
    const unclosed = value.startsWith('[') && !value.includes(']');
    if (unclosed) onError(syntaxError(path, line, raw, 'the section header is not closed (no "]")', `Close it: ${value.replace(/\s*$/, ']')}`));
    const header = unclosed ? [value, value.slice(1).trim()] : HEADER.exec(value);
    if (header) {
      const name = header[1]!;
      const source: Source = { kind: 'file', path, line };
      if (name === DEFAULTS) {
        defaults ??= emptySection(name, source);
        current = defaults;
      } else {
        current = sections.get(name);
        if (!current) sections.set(name, (current = emptySection(name, source)));
      }
      return;
    }
    if (!current) return onError(syntaxError(path, line, raw, 'a setting before any [section] header'));
    const match = OPTION.exec(value);
    if (!match || match[1] === '') return onError(syntaxError(path, line, raw, 'expected "key = value" or "[section]"'));
    option = { key: match[1]!.toLowerCase(), line, lines: [{ text: match[3]!.trim(), line }] };
  });
  finish();

  if (defaults) {
    for (const section of sections.values()) {
      for (const [key, value] of defaults.values) if (!section.values.has(key) && !section.nested.has(key)) section.values.set(key, value);
      for (const [key, value] of defaults.nested) if (!section.values.has(key) && !section.nested.has(key)) section.nested.set(key, value);
    }
  }
  return { path, sections };
}

/**
 * A header split into words the way botocore does (Python's shlex.split): `profile "my dev"` ->
 * ["profile", "my dev"]. Undefined when the quotes do not close.
 */
export function headerWords(header: string): string[] | undefined {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: string | undefined;
  for (let i = 0; i < header.length; i++) {
    const c = header[i]!;
    const next = header[i + 1];
    if (quote) {
      if (c === quote) quote = undefined;
      else if (quote === '"' && c === '\\' && (next === '"' || next === '\\')) word += header[++i];
      else word += c;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      inWord = true;
      if (c === '"' || c === "'") quote = c;
      else if (c === '\\' && next !== undefined) word += header[++i];
      else word += c;
    }
  }
  if (quote) return undefined;
  if (inWord) words.push(word);
  return words;
}

/** `[PREFIX name]` -> name; undefined when the header is not of that kind. */
export function prefixedName(header: string, prefix: 'profile' | 'sso-session' | 'services'): string | undefined {
  if (!header.startsWith(prefix)) return undefined;
  const words = headerWords(header);
  return words && words.length === 2 && words[0] === prefix ? words[1] : undefined;
}

/** Both sections' keys, the one written later in the file winning each key. */
export function mergeSections(a: IniSection, b: IniSection): IniSection {
  const lineOf = (s: Source) => (s.kind === 'file' ? s.line : 0);
  const merged = emptySection(a.header, a.source);
  const keys = new Set([...a.values.keys(), ...a.nested.keys(), ...b.values.keys(), ...b.nested.keys()]);
  for (const key of keys) {
    const fromA = (a.values.get(key) ?? a.nested.get(key))?.source;
    const fromB = (b.values.get(key) ?? b.nested.get(key))?.source;
    const winner = fromA && (!fromB || lineOf(fromA) > lineOf(fromB)) ? a : b;
    const value = winner.values.get(key);
    if (value) merged.values.set(key, value);
    else merged.nested.set(key, winner.nested.get(key)!);
  }
  return merged;
}
