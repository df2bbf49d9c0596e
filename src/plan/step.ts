// A Plan is the chain of steps that turns a profile into credentials, first step first. Each step
// names the credential source that runs it (its kind) and the profile it came from, and carries
// the parsed settings (with their sources) it runs with: nothing reads the profile again, and the
// step is what the cache key hashes. Each source defines its own steps (credentials/sources/).
import type { Profile } from '../config/profile';
import type { Setting } from '../config/source';

export interface Step {
  /** the step's kind: which credential source runs it */
  readonly kind: string;
  /** the profile the step came from */
  readonly profile: string;
}

export interface Plan {
  profile: Profile;
  steps: Step[];
  region?: Setting;
  /** STS endpoint override (endpoint_url.sts, then endpoint_url) */
  stsEndpoint?: Setting;
  /** IAM endpoint override (endpoint_url.iam, then endpoint_url) */
  iamEndpoint?: Setting;
}

/** A type guard for the steps of one kind: `const isAssumeRole = stepOf<AssumeRoleStep>('AssumeRole')`. */
export function stepOf<S extends Step>(kind: S['kind']): (step: Step) => step is S {
  return (step): step is S => step.kind === kind;
}
