// Profile -> Plan, as a pure function. Walks source_profile from the profile down to the one that
// holds credentials, then returns the steps from there back up.
import { RolecallError } from '../errors';
import { checkDurationBounds, SESSION_BOUNDS, type DurationBounds } from '../config/duration';
import type { Profile } from '../config/profile';
import { describeSource, rank, type Setting } from '../config/source';
import { oidcSettings } from './oidc';
import { samlAssertionSource } from './saml';
import type { Plan, Step } from './step';

/** AWS caps sessions of roles assumed with role credentials at one hour. */
export const CHAINED_ROLE_MAX_SECONDS = 3600;
const DEFAULT_ROLE_SECONDS = 3600;
const SESSION_TOKEN_SECONDS = 43200;

export interface PlanResult {
  plan: Plan;
  /** things the user should know before the steps run (e.g. a duration capped for a chained role) */
  notices: string[];
}

/** duration_seconds or credentials_duration, whichever comes from the stronger source (duration_seconds on a tie) */
function roleDuration(profile: Profile, bounds: DurationBounds): Setting<number> {
  let best: 'duration_seconds' | 'credentials_duration' | undefined;
  for (const key of ['duration_seconds', 'credentials_duration'] as const) {
    const found = profile.get(key);
    if (found && (!best || rank(found.source) > rank(profile.get(best)!.source))) best = key;
  }
  if (!best) return { value: DEFAULT_ROLE_SECONDS, source: { kind: 'default' } };
  const chosen = profile.get(best)!;
  return { value: checkDurationBounds(profile.settings.get(best)!, chosen.value, bounds), source: chosen.source };
}

function isEnvironmentSource(profile: Profile): boolean {
  return profile.value('credential_source')?.toLowerCase() === 'environment';
}

interface Walk {
  steps: Step[];
  notices: string[];
}

/** what the command's flags change in how the plan is built */
export interface PlanFlags {
  /** --device: the browser flow's loopback redirect is not needed */
  device?: boolean;
}

/** the steps that produce credentials for `profile`; `nextCarriesMfa`: the AssumeRole above sends its own MFA code */
function walk(profile: Profile, nextCarriesMfa: boolean, bounds: DurationBounds, flags: PlanFlags): Walk {
  const roleArn = profile.get('role_arn');
  const jumpRoleArn = profile.get('jump_role_arn');
  const sessionName = profile.get('role_session_name');

  const assertion = samlAssertionSource(profile, flags);
  if (assertion) {
    const samlStep: Step = {
      kind: 'Saml',
      profile: profile.name,
      assertion,
      roleArn: jumpRoleArn ?? roleArn,
      preferredRoleArn: profile.get('default_iam_role_arn'),
      providerName: profile.value('saml_provider_name'),
      durationSeconds: roleDuration(profile, bounds),
    };
    return withJump(profile, samlStep, jumpRoleArn ? roleArn : undefined, bounds);
  }

  const tokenFile = profile.get('web_identity_token_file');
  // a key written blank still says the profile means to sign in (the sign-in then says what is missing)
  const oidc = profile.settings.get('web_identity_auth_url') ?? profile.settings.get('web_identity_client_id');
  if ((roleArn || jumpRoleArn) && (tokenFile || oidc)) {
    const first = (jumpRoleArn ?? roleArn)!;
    const webStep: Step = {
      kind: 'WebIdentity',
      profile: profile.name,
      roleArn: first,
      token: tokenFile ? { from: 'file', path: tokenFile } : { from: 'oidc', oidc: oidcSettings(profile, flags) },
      sessionName,
      durationSeconds: roleDuration(profile, bounds),
    };
    return withJump(profile, webStep, jumpRoleArn ? roleArn : undefined, bounds);
  }

  if (roleArn) {
    const mfaSerial = profile.get('mfa_serial');
    let below: Walk;
    if (profile.sourceProfile) {
      below = walk(profile.sourceProfile, mfaSerial !== undefined, bounds, flags);
    } else if (isEnvironmentSource(profile)) {
      below = { steps: [{ kind: 'StaticKeys', profile: profile.name, origin: 'env' }], notices: [] };
    } else {
      throw new RolecallError(
        'PROFILE_NO_CREDENTIALS',
        `profile "${profile.name}" sets role_arn (${describeSource(roleArn.source)}) but nothing to assume it with`,
        { hint: 'Add source_profile = <a profile with keys>, credential_source = Environment, or web_identity_* settings to the profile.' },
      );
    }
    const last = below.steps[below.steps.length - 1]!;
    const chained = last.kind === 'AssumeRole' || last.kind === 'WebIdentity' || last.kind === 'Saml';
    const assume = assumeRoleStep(profile, roleArn, chained, below.notices, bounds);
    return { steps: [...below.steps, { ...assume, mfaSerial, externalId: profile.get('external_id') }], notices: below.notices };
  }

  const accessKeyId = profile.get('aws_access_key_id');
  const secretAccessKey = profile.get('aws_secret_access_key');
  const process = profile.get('credential_process');
  if (process && !accessKeyId) return { steps: [{ kind: 'Process', profile: profile.name, command: process }], notices: [] };
  if (oidc && !accessKeyId && !secretAccessKey && !isEnvironmentSource(profile)) {
    throw new RolecallError('PROFILE_NO_CREDENTIALS', `profile "${profile.name}" has an OIDC login (${oidc === profile.settings.get('web_identity_auth_url') ? 'web_identity_auth_url' : 'web_identity_client_id'}, ${describeSource(oidc.source)}) but no role_arn to assume with it`, {
      hint: 'Add role_arn = arn:aws:iam::ACCOUNT:role/NAME to the profile (aws-oidc: role_arn in the [[AuthProvider]] or --role_arn; aws-cli-oidc: default_iam_role_arn or -r).',
    });
  }
  let keys: Step;
  if (accessKeyId || secretAccessKey) {
    if (!accessKeyId || !secretAccessKey) {
      const present = (accessKeyId ?? secretAccessKey)!;
      throw new RolecallError(
        'PROFILE_NO_CREDENTIALS',
        `profile "${profile.name}" has ${accessKeyId ? 'aws_access_key_id' : 'aws_secret_access_key'} (${describeSource(present.source)}) but not ${accessKeyId ? 'aws_secret_access_key' : 'aws_access_key_id'}`,
        { hint: 'Both keys of the IAM user must be in the credentials file; `aws configure --profile NAME` writes them.' },
      );
    }
    keys = { kind: 'StaticKeys', profile: profile.name, origin: 'file', accessKeyId, secretAccessKey, sessionToken: profile.get('aws_session_token') };
  } else if (isEnvironmentSource(profile)) {
    keys = { kind: 'StaticKeys', profile: profile.name, origin: 'env' };
  } else {
    // `rolecall keys add PROFILE` keeps the keys in the OS keyring; the runner says so if they are not there either
    keys = { kind: 'StaticKeys', profile: profile.name, origin: 'keyring' };
  }
  const mfaSerial = profile.get('mfa_serial');
  if (mfaSerial && !nextCarriesMfa) {
    return {
      steps: [keys, { kind: 'SessionToken', profile: profile.name, mfaSerial, durationSeconds: { value: SESSION_TOKEN_SECONDS, source: { kind: 'default' } } }],
      notices: [],
    };
  }
  return { steps: [keys], notices: [] };
}

function assumeRoleStep(profile: Profile, roleArn: Setting, chained: boolean, notices: string[], bounds: DurationBounds): Extract<Step, { kind: 'AssumeRole' }> {
  let durationSeconds = roleDuration(profile, bounds);
  if (chained && durationSeconds.value > CHAINED_ROLE_MAX_SECONDS) {
    notices.push(
      `${roleArn.value} is assumed with role credentials (role chaining), which AWS caps at 1 hour: asking for 1h instead of ${durationSeconds.value}s (${describeSource(durationSeconds.source)}).`,
    );
    durationSeconds = { value: CHAINED_ROLE_MAX_SECONDS, source: durationSeconds.source };
  }
  return { kind: 'AssumeRole', profile: profile.name, roleArn, sessionName: profile.get('role_session_name'), durationSeconds, chained };
}

function withJump(profile: Profile, first: Step, target: Setting | undefined, bounds: DurationBounds): Walk {
  const notices: string[] = [];
  if (!target) return { steps: [first], notices };
  return { steps: [first, assumeRoleStep(profile, target, true, notices, bounds)], notices };
}

/** The region and the STS and IAM endpoints the profile's plan calls (a service's own endpoint first). */
export function endpoints(profile: Profile): Pick<Plan, 'region' | 'stsEndpoint' | 'iamEndpoint'> {
  const endpoint = profile.get('endpoint_url');
  return { region: profile.get('region'), stsEndpoint: profile.get('endpoint_url.sts') ?? endpoint, iamEndpoint: profile.get('endpoint_url.iam') ?? endpoint };
}

export function buildPlan(profile: Profile, bounds: DurationBounds = SESSION_BOUNDS, flags: PlanFlags = {}): PlanResult {
  const { steps, notices } = walk(profile, false, bounds, flags);
  return { plan: { profile, steps, ...endpoints(profile) }, notices };
}
