// Session policies narrow the session of the LAST role a plan assumes (AssumeRole,
// AssumeRoleWithWebIdentity or AssumeRoleWithSAML take `Policy` and `PolicyArns`): the step that
// assumes it carries them, so they are part of its cache key, its description and its STS call.
// The steps below it are unchanged: an MFA session or a jump role is shared with the unnarrowed profile.
import { RolecallError } from '../errors';
import type { Profile } from '../config/profile';
import { describeSource, type Setting } from '../config/source';
import type { Step } from './step';

export interface SessionPolicy {
  /** the policy document, JSON without spaces */
  policy?: Setting<string>;
  /** managed policy ARNs */
  arns?: Setting<string[]>;
}

/** A step that may carry a session policy (the role-assuming steps of assume-role, web-identity and saml). */
export interface PolicyStep extends Step {
  sessionPolicy?: SessionPolicy;
}

/** What the last step is, in users' words, when it takes no session policy. */
const NOT_A_ROLE: Readonly<Record<string, string>> = {
  IdentityCenter: 'IAM Identity Center (GetRoleCredentials takes no session policy)',
  Process: 'its credential_process',
  StaticKeys: 'long-lived keys',
  SessionToken: 'an MFA session (GetSessionToken takes no session policy)',
};

/** The profile's session policy settings, if it has any. */
export function sessionPolicyOf(profile: Profile): SessionPolicy | undefined {
  const policy = profile.get('session_policy');
  const arns = profile.get('session_policy_arns');
  return policy || arns ? { ...(policy && { policy }), ...(arns && { arns }) } : undefined;
}

/** The steps with the profile's session policy on the last one, which must assume a role (`takesPolicy`). */
export function withSessionPolicy(steps: Step[], profile: Profile, takesPolicy: (step: Step) => boolean): Step[] {
  const sessionPolicy = sessionPolicyOf(profile);
  if (!sessionPolicy) return steps;
  const last = steps[steps.length - 1]!;
  if (!takesPolicy(last)) {
    const named = sessionPolicy.policy ?? sessionPolicy.arns!;
    const key = sessionPolicy.policy ? 'session_policy' : 'session_policy_arns';
    throw new RolecallError('CONFIG_INVALID', `${key} (${describeSource(named.source)}) narrows a role session, but profile ${profile.name} assumes no role: its credentials come from ${NOT_A_ROLE[last.kind] ?? last.kind}`, {
      hint: 'Session policies go with AssumeRole, AssumeRoleWithWebIdentity and AssumeRoleWithSAML: add a profile with role_arn over this one and give it the policy, or leave the policy out.',
    });
  }
  return [...steps.slice(0, -1), { ...last, sessionPolicy } as PolicyStep];
}

/** " with session policy (N characters) and policy ARNs a, b" for the step's description, or "". */
export function describeSessionPolicy(step: PolicyStep): string {
  const p = step.sessionPolicy;
  if (!p) return '';
  const parts = [p.policy && `session policy (${p.policy.value.length} characters)`, p.arns && `policy ARN${p.arns.value.length > 1 ? 's' : ''} ${p.arns.value.join(', ')}`].filter(Boolean);
  return ` narrowed by ${parts.join(' and ')}`;
}

/** What the STS call sends: Policy and PolicyArns. */
export function stsSessionPolicy(step: PolicyStep): { policy?: string; policyArns?: string[] } {
  const p = step.sessionPolicy;
  return p ? { policy: p.policy?.value, policyArns: p.arns?.value } : {};
}
