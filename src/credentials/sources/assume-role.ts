// A role assumed (AssumeRole) with the credentials of the profile below: its source_profile's, or
// the environment's (credential_source = Environment), with the profile's MFA device and external
// id. Also the second hop of a jump (jump_role_arn) after a web identity or SAML sign-in.
import { RolecallError } from '../../errors';
import type { DurationBounds } from '../../config/duration';
import type { Profile } from '../../config/profile';
import { describeSource, type Setting } from '../../config/source';
import { roleDuration, type Walk } from '../../plan/build';
import { stepOf, type Step } from '../../plan/step';
import { describeSessionPolicy, stsSessionPolicy, type PolicyStep } from '../../plan/session-policy';
import { defaultSessionName, withDurationRetry, type CredentialSource } from './source';
import { environmentKeys, isEnvironmentSource } from './static-keys';

export interface AssumeRoleStep extends PolicyStep {
  kind: 'AssumeRole';
  roleArn: Setting;
  mfaSerial?: Setting;
  externalId?: Setting;
  sessionName?: Setting;
  durationSeconds: Setting<number>;
  /** the credentials that call AssumeRole are themselves a role session: AWS caps the duration at 1 h */
  chained: boolean;
}

export const isAssumeRole = stepOf<AssumeRoleStep>('AssumeRole');

/** AWS caps sessions of roles assumed with role credentials at one hour. */
export const CHAINED_ROLE_MAX_SECONDS = 3600;

/** The AssumeRole step for `roleArn` of `profile`; a chained role's duration is capped, with a notice. */
function assumeRoleStep(profile: Profile, roleArn: Setting, chained: boolean, notices: string[], bounds: DurationBounds): AssumeRoleStep {
  let durationSeconds = roleDuration(profile, bounds);
  if (chained && durationSeconds.value > CHAINED_ROLE_MAX_SECONDS) {
    notices.push(
      `${roleArn.value} is assumed with role credentials (role chaining), which AWS caps at 1 hour: asking for 1h instead of ${durationSeconds.value}s (${describeSource(durationSeconds.source)}).`,
    );
    durationSeconds = { value: CHAINED_ROLE_MAX_SECONDS, source: durationSeconds.source };
  }
  return { kind: 'AssumeRole', profile: profile.name, roleArn, sessionName: profile.get('role_session_name'), durationSeconds, chained };
}

/**
 * A sign-in's step, then (with jump_role_arn) role_arn assumed with its credentials: the sign-in
 * assumes the jump role, and the profile's role is one hop further.
 */
export function withJump(profile: Profile, signIn: Step, bounds: DurationBounds): Walk {
  const notices: string[] = [];
  const roleArn = profile.get('role_arn');
  if (!profile.get('jump_role_arn') || !roleArn) return { steps: [signIn], notices };
  return { steps: [signIn, assumeRoleStep(profile, roleArn, true, notices, bounds)], notices };
}

export const assumeRole: CredentialSource<AssumeRoleStep> = {
  kinds: ['AssumeRole'],
  roleSession: true,
  sessionPolicies: true,
  recognises: (profile) => profile.get('role_arn') !== undefined,
  plan(profile, ctx) {
    const roleArn = profile.get('role_arn')!;
    const mfaSerial = profile.get('mfa_serial');
    let below: Walk;
    if (profile.sourceProfile) {
      below = ctx.below(profile.sourceProfile, mfaSerial !== undefined);
    } else if (isEnvironmentSource(profile)) {
      below = { steps: [environmentKeys(profile)], notices: [] };
    } else {
      throw new RolecallError('PROFILE_NO_CREDENTIALS', `profile "${profile.name}" sets role_arn (${describeSource(roleArn.source)}) but nothing to assume it with`, {
        hint: 'Add source_profile = <a profile with keys>, credential_source = Environment, or web_identity_* settings to the profile.',
      });
    }
    const chained = ctx.roleSession(below.steps[below.steps.length - 1]!);
    const assume = assumeRoleStep(profile, roleArn, chained, below.notices, ctx.bounds);
    return { steps: [...below.steps, { ...assume, mfaSerial, externalId: profile.get('external_id') }], notices: below.notices };
  },
  describe: (step) => `AssumeRole ${step.roleArn.value}${step.mfaSerial ? ` with MFA ${step.mfaSerial.value}` : ''}${describeSessionPolicy(step)} (profile ${step.profile})`,
  run: (step, previous, deps) =>
    withDurationRetry(step.roleArn.value, step.durationSeconds, deps.log, async (durationSeconds) =>
      deps.sts.assumeRole(previous!, {
        roleArn: step.roleArn.value,
        sessionName: step.sessionName?.value ?? defaultSessionName(deps),
        durationSeconds,
        externalId: step.externalId?.value,
        serialNumber: step.mfaSerial?.value,
        // an MFA code is accepted once: a retry asks for the next
        tokenCode: step.mfaSerial ? await deps.mfaCode(step.mfaSerial.value, step.profile) : undefined,
        ...stsSessionPolicy(step),
      }),
    ),
};
