// An MFA session (GetSessionToken) over an IAM user's keys: planned by static-keys when the profile
// has mfa_serial and the role above does not send the code itself, so that one code serves every
// role assumed with the session. With no mfa_serial, an MFA code given (or coinbase assume's
// bastion mode) still gets the session: the user's device is looked up with iam:ListMFADevices, as
// coinbase assume-role did, and cached with the session. Never a profile's source on its own.
import { RolecallError } from '../../errors';
import type { Profile } from '../../config/profile';
import { describeSource, type Setting } from '../../config/source';
import type { PlanContext } from '../../plan/build';
import { stepOf, type Step } from '../../plan/step';
import type { Credentials } from '../../sts/credentials';
import type { CredentialSource, StepDeps } from './source';

export interface SessionTokenStep extends Step {
  kind: 'SessionToken';
  /** absent: the IAM user's device, looked up with iam:ListMFADevices when the session is made */
  mfaSerial?: Setting;
  durationSeconds: Setting<number>;
}

export const isSessionToken = stepOf<SessionTokenStep>('SessionToken');

/** an MFA session lasts as long as STS allows: 12 hours */
const SESSION_TOKEN_SECONDS = 43200;

/**
 * The MFA session over the profile's keys, when it has an MFA device and the step above does not
 * carry the code; or, with no mfa_serial, when a code was given (or coinbase's mode asks for MFA)
 * and the keys are an IAM user's own (`userKeys`: session credentials cannot make an MFA session).
 */
export function mfaSessionOver(profile: Profile, userKeys: boolean, ctx: Pick<PlanContext, 'nextCarriesMfa' | 'flags'>): SessionTokenStep[] {
  const mfaSerial = profile.get('mfa_serial');
  const lookUp = userKeys && (ctx.flags.mfaCode !== undefined || ctx.flags.mfaAlways === true);
  if ((!mfaSerial && !lookUp) || ctx.nextCarriesMfa) return [];
  return [{ kind: 'SessionToken', profile: profile.name, mfaSerial, durationSeconds: { value: SESSION_TOKEN_SECONDS, source: { kind: 'default' } } }];
}

/**
 * The IAM user's MFA device, found as coinbase assume-role found it (iam:ListMFADevices); undefined
 * when the user has none and no code was given. A refused lookup, or a code given for a user with no
 * device, is an error naming mfa_serial: the code is never dropped silently.
 */
async function lookUpDevice(step: SessionTokenStep, keys: Credentials, deps: StepDeps): Promise<string | undefined> {
  const who = async () => (await deps.sts.getCallerIdentity(keys)).arn;
  let devices: string[];
  try {
    devices = await deps.mfaDevices(keys);
  } catch (error) {
    if (!(error instanceof RolecallError) || error.code !== 'STS_ACCESS_DENIED') throw error;
    const arn = await who();
    const account = /^arn:[^:]+:iam::(\d{12}):/.exec(arn)?.[1] ?? 'ACCOUNT';
    throw new RolecallError('MFA_DEVICE_UNKNOWN', `cannot find the MFA device of ${arn}: iam:ListMFADevices was refused (AccessDenied)${deps.mfaGiven ? ', so the MFA code given was not used' : ''}`, {
      hint: `Name the device in profile ${step.profile}: mfa_serial = arn:aws:iam::${account}:mfa/DEVICE in ${deps.env.AWS_CONFIG_FILE || '~/.aws/config'} (\`aws iam list-mfa-devices\` shows it).`,
      cause: error,
    });
  }
  const [serial] = devices;
  if (serial === undefined) {
    if (!deps.mfaGiven) return undefined;
    throw new RolecallError('MFA_DEVICE_UNKNOWN', `the MFA code (${describeSource(deps.mfaGiven.source)}) cannot be used: ${await who()} has no MFA device`, {
      hint: 'Drop the code, or add an MFA device to the IAM user and name it with mfa_serial.',
    });
  }
  deps.log.info(`Using the MFA device ${serial} (found with iam:ListMFADevices; set mfa_serial to skip the lookup)${devices.length > 1 ? `: the first of ${devices.length}` : ''}.`);
  return serial;
}

export const mfaSession: CredentialSource<SessionTokenStep> = {
  kinds: ['SessionToken'],
  roleSession: false,
  // planned by static-keys only
  recognises: () => false,
  plan: () => ({ steps: [], notices: [] }),
  describe: (step) => `GetSessionToken with MFA ${step.mfaSerial?.value ?? 'of the IAM user (its device looked up)'} (profile ${step.profile})`,
  async run(step, previous, deps) {
    const serial = step.mfaSerial?.value ?? (await lookUpDevice(step, previous!, deps));
    // no device and no code given (coinbase's bastion mode): the keys as they are
    if (serial === undefined) return previous!;
    const tokenCode = await deps.mfaCode(serial, step.profile);
    return deps.sts.getSessionToken(previous!, { serialNumber: serial, tokenCode, durationSeconds: step.durationSeconds.value });
  },
};
