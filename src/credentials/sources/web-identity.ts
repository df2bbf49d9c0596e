// A role assumed with a web identity (AssumeRoleWithWebIdentity): the token of an OIDC sign-in
// with the profile's web_identity_* settings (aws-runas, aws-oidc, aws-cli-oidc's oidc), or the
// one in web_identity_token_file, as the AWS CLI reads it. With jump_role_arn, the sign-in assumes
// the jump role and role_arn is one hop further.
import { readFile } from 'node:fs/promises';
import { RolecallError } from '../../errors';
import type { Profile } from '../../config/profile';
import { describeSource, type Setting } from '../../config/source';
import { roleDuration } from '../../plan/build';
import { oidcSettings, type OidcSettings } from '../../plan/oidc';
import { stepOf } from '../../plan/step';
import { describeSessionPolicy, stsSessionPolicy, type PolicyStep } from '../../plan/session-policy';
import { withJump } from './assume-role';
import { oidcLogin } from './oidc-login';
import { defaultSessionName, withDurationRetry, type CredentialSource, type StepDeps } from './source';

export interface WebIdentityStep extends PolicyStep {
  kind: 'WebIdentity';
  roleArn: Setting;
  /** 'oidc': sign in with the web_identity_* settings; 'file': read web_identity_token_file */
  token: { from: 'oidc'; oidc: OidcSettings } | { from: 'file'; path: Setting };
  sessionName?: Setting;
  durationSeconds: Setting<number>;
}

export const isWebIdentity = stepOf<WebIdentityStep>('WebIdentity');

/** the profile means to sign in with OIDC (a key written blank too: the plan then says what is missing) */
function hasOidcLogin(profile: Profile): boolean {
  return profile.settings.has('web_identity_auth_url') || profile.settings.has('web_identity_client_id');
}

async function tokenFromFile(path: Setting): Promise<string> {
  try {
    return (await readFile(path.value, 'utf8')).trim();
  } catch (error) {
    throw new RolecallError('CONFIG_UNREADABLE', `cannot read web_identity_token_file ${path.value} (${describeSource(path.source)}): ${(error as Error).message}`);
  }
}

/** The token to present, and the session name to use when the profile names none. */
async function webIdentityToken(step: WebIdentityStep, deps: StepDeps): Promise<{ token: string; sessionName: string }> {
  if (step.token.from === 'file') return { token: await tokenFromFile(step.token.path), sessionName: defaultSessionName(deps) };
  const tokens = await oidcLogin(step.token.oidc, deps);
  const { sessionNameFromClaims } = await import('../../idp/oidc/session-name');
  const { tokenOfType } = await import('../../idp/oidc/sign-in');
  return { token: tokenOfType(tokens, step.token.oidc.tokenType), sessionName: sessionNameFromClaims(tokens.claims) };
}

export const webIdentity: CredentialSource<WebIdentityStep> = {
  kinds: ['WebIdentity'],
  roleSession: true,
  sessionPolicies: true,
  recognises: (profile) =>
    (profile.get('role_arn') !== undefined || profile.get('jump_role_arn') !== undefined) && (profile.get('web_identity_token_file') !== undefined || hasOidcLogin(profile)),
  plan(profile, ctx) {
    const tokenFile = profile.get('web_identity_token_file');
    const step: WebIdentityStep = {
      kind: 'WebIdentity',
      profile: profile.name,
      roleArn: (profile.get('jump_role_arn') ?? profile.get('role_arn'))!,
      token: tokenFile ? { from: 'file', path: tokenFile } : { from: 'oidc', oidc: oidcSettings(profile, ctx.flags) },
      sessionName: profile.get('role_session_name'),
      durationSeconds: roleDuration(profile, ctx.bounds),
    };
    return withJump(profile, step, ctx.bounds);
  },
  describe: (step) =>
    `AssumeRoleWithWebIdentity ${step.roleArn.value} with ${step.token.from === 'file' ? `the token in ${step.token.path.value}` : 'an OIDC login'}${describeSessionPolicy(step)} (profile ${step.profile})`,
  async run(step, _previous, deps) {
    const { token, sessionName } = await webIdentityToken(step, deps);
    return withDurationRetry(step.roleArn.value, step.durationSeconds, deps.log, (durationSeconds) =>
      deps.sts.assumeRoleWithWebIdentity({ roleArn: step.roleArn.value, sessionName: step.sessionName?.value ?? sessionName, durationSeconds, token, ...stsSessionPolicy(step) }),
    );
  },
};
