// Profiles and error checks for unit tests: a profile from plain key/value pairs, each value
// written at a line of one config file (or given its own source), and `rejects`, which checks a
// RolecallError's code, message and hint.
import assert from 'node:assert/strict';
import { Profile } from '../../src/config/profile';
import type { Setting, Source } from '../../src/config/source';
import { RolecallError } from '../../src/errors';

export const CONFIG_PATH = '/home/u/.aws/config';

export interface ProfileOptions {
  name?: string;
  nameSource?: Source;
  sourceProfile?: Profile;
  /** the line of the first value; each further value is on the next line */
  line?: number;
  /** settings with a source of their own (an environment variable, a flag), after the file's */
  extra?: ReadonlyMap<string, Setting>;
}

/** A profile whose values are written in CONFIG_PATH, one a line from `line` (default 2) on. */
export function profileOf(values: Record<string, string>, options: ProfileOptions = {}): Profile {
  let line = options.line ?? 2;
  const settings = new Map<string, Setting>();
  for (const [key, value] of Object.entries(values)) settings.set(key, { value, source: { kind: 'file', path: CONFIG_PATH, line: line++ } });
  for (const [key, value] of options.extra ?? []) settings.set(key, value);
  return new Profile({ name: options.name ?? 'p', nameSource: options.nameSource ?? { kind: 'default' }, settings, sourceProfile: options.sourceProfile });
}

/** `run` throws a RolecallError with this code whose message (and hint, when given) match. */
export function rejects(run: () => unknown, code: string, message: RegExp, hint?: RegExp): void {
  assert.throws(run, (e: unknown) => {
    assert.ok(e instanceof RolecallError, String(e));
    assert.equal(e.code, code);
    assert.match(e.message, message);
    if (hint) assert.match(e.hint, hint);
    return true;
  });
}

/** The same for a promise. */
export async function rejectsAsync(run: () => Promise<unknown>, code: string, message: RegExp, hint?: RegExp): Promise<void> {
  await assert.rejects(run, (e: unknown) => {
    assert.ok(e instanceof RolecallError, String(e));
    assert.equal(e.code, code);
    assert.match(e.message, message);
    if (hint) assert.match(e.hint, hint);
    return true;
  });
}
