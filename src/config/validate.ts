// Checks every key rolecall reads before anything is called: each value is parsed once by its
// parser (config/keys.ts), with errors that name the value and where it came from, and session
// lengths are held to the session bounds. Unknown keys pass: the same files carry other tools' settings.
import { checkDurationBounds, SESSION_BOUNDS, type DurationBounds } from './duration';
import { specOf } from './keys';
import type { Profile } from './profile';

/** Throws CONFIG_INVALID (or DURATION_INVALID) for the first bad value, naming where it came from. */
export function validateProfile(profile: Profile, bounds: DurationBounds = SESSION_BOUNDS): void {
  for (const [key, raw] of profile.settings) {
    const parsed = profile.parsed(key);
    if (parsed && specOf(key)?.session) checkDurationBounds(raw, parsed.value as number, bounds);
  }
  if (profile.sourceProfile) validateProfile(profile.sourceProfile, bounds);
}
