// An MFA session (GetSessionToken) over an IAM user's keys: planned by static-keys when the profile
// has mfa_serial and the role above does not send the code itself, so that one code serves every
// role assumed with the session. Never a profile's source on its own.
import type { Profile } from '../../config/profile';
import type { Setting } from '../../config/source';
import { stepOf, type Step } from '../../plan/step';
import type { CredentialSource } from './source';

export interface SessionTokenStep extends Step {
  kind: 'SessionToken';
  mfaSerial: Setting;
  durationSeconds: Setting<number>;
}

export const isSessionToken = stepOf<SessionTokenStep>('SessionToken');

/** an MFA session lasts as long as STS allows: 12 hours */
const SESSION_TOKEN_SECONDS = 43200;

/** The MFA session over the profile's keys, when it has an MFA device and the step above does not carry the code. */
export function mfaSessionOver(profile: Profile, nextCarriesMfa: boolean): SessionTokenStep[] {
  const mfaSerial = profile.get('mfa_serial');
  if (!mfaSerial || nextCarriesMfa) return [];
  return [{ kind: 'SessionToken', profile: profile.name, mfaSerial, durationSeconds: { value: SESSION_TOKEN_SECONDS, source: { kind: 'default' } } }];
}

export const mfaSession: CredentialSource<SessionTokenStep> = {
  kinds: ['SessionToken'],
  roleSession: false,
  // planned by static-keys only
  recognises: () => false,
  plan: () => ({ steps: [], notices: [] }),
  describe: (step) => `GetSessionToken with MFA ${step.mfaSerial.value} (profile ${step.profile})`,
  async run(step, previous, deps) {
    const tokenCode = await deps.mfaCode(step.mfaSerial.value, step.profile);
    return deps.sts.getSessionToken(previous!, { serialNumber: step.mfaSerial.value, tokenCode, durationSeconds: step.durationSeconds.value });
  },
};
