// Checks every key rolecall reads before anything is called: each value is parsed once by its
// parser (config/keys.ts), with errors that name the value and where it came from, and session
// lengths are held to the session bounds. Unknown keys pass: the same files carry other tools' settings.
import { checkDurationBounds, SESSION_BOUNDS, type DurationBounds } from './duration';
import { specOf } from './keys';
import type { Profile } from './profile';
import { isRolecallError, type RolecallError } from '../errors';

/** Every bad value of the profile and its source_profile chain, each naming where it came from (doctor lists them all). */
export function profileProblems(profile: Profile, bounds: DurationBounds = SESSION_BOUNDS): RolecallError[] {
  const problems: RolecallError[] = [];
  for (const [key, raw] of profile.settings) {
    try {
      const parsed = profile.parsed(key);
      if (parsed && specOf(key)?.session) checkDurationBounds(raw, parsed.value as number, bounds, key);
    } catch (error) {
      if (!isRolecallError(error)) throw error;
      problems.push(error);
    }
  }
  return profile.sourceProfile ? [...problems, ...profileProblems(profile.sourceProfile, bounds)] : problems;
}

/** Throws CONFIG_INVALID (or DURATION_INVALID) for the first bad value, naming where it came from. */
export function validateProfile(profile: Profile, bounds: DurationBounds = SESSION_BOUNDS): void {
  const [first] = profileProblems(profile, bounds);
  if (first) throw first;
}
