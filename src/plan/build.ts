// Profile -> Plan, as a pure function. The credential sources (credentials/sources/, handed in by
// the caller) are asked in order whether the profile is theirs; the first plans its steps, walking
// down source_profile where it builds on another profile's credentials.
import { checkDurationBounds, SESSION_BOUNDS, type DurationBounds } from '../config/duration';
import type { Profile } from '../config/profile';
import { rank, type Setting } from '../config/source';
import type { Plan, Step } from './step';
import { withSessionPolicy } from './session-policy';

const DEFAULT_ROLE_SECONDS = 3600;

export interface PlanResult {
  plan: Plan;
  /** things the user should know before the steps run (e.g. a duration capped for a chained role) */
  notices: string[];
}

/** The steps that produce a profile's credentials, first step first, and what to tell the user. */
export interface Walk {
  steps: Step[];
  notices: string[];
}

/** what the command's flags change in how the plan is built */
export interface PlanFlags {
  /** --device: the browser flow's loopback redirect is not needed */
  device?: boolean;
  /**
   * an MFA code the user gave (--mfa-code, assume's MFA argument): an IAM user's keys then get an MFA
   * session even when no mfa_serial names the device (it is looked up), so the code is never dropped
   */
  mfaCode?: Setting;
  /** coinbase assume's bastion mode, which always signed in with MFA: the same, without a code given */
  mfaAlways?: boolean;
}

export interface PlanContext {
  bounds: DurationBounds;
  flags: PlanFlags;
  /** the step above sends its own MFA code (an AssumeRole with mfa_serial): no MFA session is needed below it */
  nextCarriesMfa: boolean;
  /** the steps for a profile this one builds on (its source_profile) */
  below(profile: Profile, nextCarriesMfa: boolean): Walk;
  /** whether a step's credentials are a role session (a role assumed with them is chained, 1 hour at most) */
  roleSession(step: Step): boolean;
}

/** What planning needs of a credential source; credentials/sources/source.ts adds how its steps run. */
export interface SourcePlanner {
  /** the step kinds it plans and runs */
  readonly kinds: readonly string[];
  /** its credentials are a role session */
  readonly roleSession: boolean;
  /** its steps assume a role and take a session policy (the last step of a plan carries the profile's) */
  readonly sessionPolicies?: boolean;
  /** the profile gets its credentials from this source (the registry's order decides between several) */
  recognises(profile: Profile): boolean;
  plan(profile: Profile, ctx: PlanContext): Walk;
}

/** duration_seconds or credentials_duration, whichever comes from the stronger source (duration_seconds on a tie) */
export function roleDuration(profile: Profile, bounds: DurationBounds): Setting<number> {
  let best: 'duration_seconds' | 'credentials_duration' | undefined;
  for (const key of ['duration_seconds', 'credentials_duration'] as const) {
    const found = profile.get(key);
    if (found && (!best || rank(found.source) > rank(profile.get(best)!.source))) best = key;
  }
  if (!best) return { value: DEFAULT_ROLE_SECONDS, source: { kind: 'default' } };
  const chosen = profile.get(best)!;
  return { value: checkDurationBounds(profile.settings.get(best)!, chosen.value, bounds, best), source: chosen.source };
}

/** The region and the STS and IAM endpoints the profile's plan calls (a service's own endpoint first). */
export function endpoints(profile: Profile): Pick<Plan, 'region' | 'stsEndpoint' | 'iamEndpoint'> {
  const endpoint = profile.get('endpoint_url');
  return { region: profile.get('region'), stsEndpoint: profile.get('endpoint_url.sts') ?? endpoint, iamEndpoint: profile.get('endpoint_url.iam') ?? endpoint };
}

export function buildPlan(profile: Profile, sources: readonly SourcePlanner[], bounds: DurationBounds = SESSION_BOUNDS, flags: PlanFlags = {}): PlanResult {
  const walk = (p: Profile, nextCarriesMfa: boolean): Walk => {
    // the last source (static keys: from the files, the environment or the keyring) recognises every profile
    const source = sources.find((s) => s.recognises(p))!;
    return source.plan(p, { bounds, flags, nextCarriesMfa, below: walk, roleSession: (step) => sources.some((s) => s.roleSession && s.kinds.includes(step.kind)) });
  };
  const walked = walk(profile, false);
  const { notices } = walked;
  const steps = withSessionPolicy(walked.steps, profile, (step) => sources.some((s) => s.sessionPolicies === true && s.kinds.includes(step.kind)));
  return { plan: { profile, steps, ...endpoints(profile) }, notices };
}
