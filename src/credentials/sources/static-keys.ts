// An IAM user's keys: from the credentials file, the environment (credential_source = Environment)
// or the OS keyring (`rolecall keys add`), with an MFA session over them (mfa-session.ts) when the
// profile has mfa_serial and the role above does not send the code itself. The last source asked:
// every profile no other source takes is one of these, except a sign-in with no role to use it for
// (an OIDC login without role_arn, an Identity Center session without sso_role_name), refused here.
import { createHash } from 'node:crypto';
import { RolecallError } from '../../errors';
import type { Profile } from '../../config/profile';
import { describeSource, type Setting } from '../../config/source';
import { stepOf, type Step } from '../../plan/step';
import { keysSecretName } from '../../store/secret-names';
import type { Credentials } from '../../sts/credentials';
import { mfaSessionOver } from './mfa-session';
import type { CredentialSource, StepDeps } from './source';

export interface StaticKeysStep extends Step {
  kind: 'StaticKeys';
  /** 'file': the credentials/config file; 'env': credential_source = Environment; 'keyring': stored by `rolecall keys add` */
  origin: 'file' | 'env' | 'keyring';
  accessKeyId?: Setting;
  secretAccessKey?: Setting;
  sessionToken?: Setting;
  /** with 'keyring': nobody named this profile and no file has it (the default, asked for by default) */
  unnamed?: true;
}

export const isStaticKeys = stepOf<StaticKeysStep>('StaticKeys');
export function isEnvironmentSource(profile: Profile): boolean {
  return profile.value('credential_source')?.toLowerCase() === 'environment';
}

/** The keys of the environment (AWS_ACCESS_KEY_ID...), for a profile with credential_source = Environment. */
export function environmentKeys(profile: Profile): StaticKeysStep {
  return { kind: 'StaticKeys', profile: profile.name, origin: 'env' };
}

function keysOf(profile: Profile): StaticKeysStep {
  const accessKeyId = profile.get('aws_access_key_id');
  const secretAccessKey = profile.get('aws_secret_access_key');
  if (accessKeyId || secretAccessKey) {
    if (!accessKeyId || !secretAccessKey) {
      const present = (accessKeyId ?? secretAccessKey)!;
      throw new RolecallError(
        'PROFILE_NO_CREDENTIALS',
        `profile "${profile.name}" has ${accessKeyId ? 'aws_access_key_id' : 'aws_secret_access_key'} (${describeSource(present.source)}) but not ${accessKeyId ? 'aws_secret_access_key' : 'aws_access_key_id'}`,
        { hint: 'Both keys of the IAM user must be in the credentials file; `aws configure --profile NAME` writes them.' },
      );
    }
    return { kind: 'StaticKeys', profile: profile.name, origin: 'file', accessKeyId, secretAccessKey, sessionToken: profile.get('aws_session_token') };
  }
  if (isEnvironmentSource(profile)) return environmentKeys(profile);
  // an OIDC login that no other source took has no role to assume
  const oidc = profile.settings.get('web_identity_auth_url') ?? profile.settings.get('web_identity_client_id');
  if (oidc) {
    throw new RolecallError('PROFILE_NO_CREDENTIALS', `profile "${profile.name}" has an OIDC login (${oidc === profile.settings.get('web_identity_auth_url') ? 'web_identity_auth_url' : 'web_identity_client_id'}, ${describeSource(oidc.source)}) but no role_arn to assume with it`, {
      hint: 'Add role_arn = arn:aws:iam::ACCOUNT:role/NAME to the profile (aws-oidc: role_arn in the [[AuthProvider]] or --role_arn; aws-cli-oidc: default_iam_role_arn or -r).',
    });
  }
  // an Identity Center session (the AWS CLI's token-only profile) that no role names: nothing to get credentials for
  const sso = profile.get('sso_session') ?? profile.get('sso_start_url');
  if (sso) {
    const key = profile.get('sso_session') ? 'sso_session' : 'sso_start_url';
    const session = profile.value('sso_session');
    throw new RolecallError('PROFILE_NO_CREDENTIALS', `profile "${profile.name}" signs in to IAM Identity Center (${key} = ${sso.value.trim()}, ${describeSource(sso.source)}) but names no sso_account_id and sso_role_name: there is no role to get credentials for`, {
      hint: `Add sso_account_id and sso_role_name to the profile: \`rolecall list-roles --profile ${profile.name}\` lists the accounts and roles you may use${session ? `, and \`rolecall setup --sso-session ${session}\` writes a profile for each` : ''}.`,
    });
  }
  // `rolecall keys add PROFILE` keeps the keys in the OS keyring; running the step says so if they are not there either
  const unnamed = profile.nameSource.kind === 'default' && [...profile.settings.values()].every((s) => s.source.kind !== 'file');
  return { kind: 'StaticKeys', profile: profile.name, origin: 'keyring', ...(unnamed ? { unnamed: true as const } : {}) };
}

async function keys(step: StaticKeysStep, deps: StepDeps): Promise<Credentials> {
  const chain = [describeKeys(step)];
  if (step.origin === 'file') {
    const origin = { kind: 'file' as const, profile: step.profile, idAt: describeSource(step.accessKeyId!.source), secretAt: describeSource(step.secretAccessKey!.source) };
    const c: Credentials = { accessKeyId: step.accessKeyId!.value, secretAccessKey: step.secretAccessKey!.value, sessionToken: step.sessionToken?.value, chain, origin };
    deps.log.redact(c.secretAccessKey);
    deps.log.redact(c.sessionToken);
    return c;
  }
  if (step.origin === 'env') {
    const id = deps.env.AWS_ACCESS_KEY_ID;
    const secret = deps.env.AWS_SECRET_ACCESS_KEY;
    if (!id || !secret) {
      throw new RolecallError('PROFILE_NO_CREDENTIALS', `profile "${step.profile}" has credential_source = Environment but AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY are not set`, {
        hint: 'Export the source keys into the environment first, or use source_profile instead.',
      });
    }
    deps.log.redact(secret);
    deps.log.redact(deps.env.AWS_SESSION_TOKEN);
    return { accessKeyId: id, secretAccessKey: secret, sessionToken: deps.env.AWS_SESSION_TOKEN || undefined, chain, origin: { kind: 'env' } };
  }
  const stored = await deps.secrets().get(keysSecretName(step.profile));
  if (!stored && step.unnamed) {
    throw new RolecallError('PROFILE_NO_CREDENTIALS', `no profile was named, and there is no default one: no [${step.profile}] in the config or credentials file, and no keys for it in the OS keyring`, {
      hint: 'Name a profile (rolecall COMMAND PROFILE, --profile P or AWS_PROFILE; `aws configure list-profiles` lists yours), or write one with `rolecall setup`.',
    });
  }
  if (!stored) {
    throw new RolecallError('PROFILE_NO_CREDENTIALS', `profile "${step.profile}" has no credentials: no keys in the credentials file and none in the OS keyring`, {
      hint: `Add aws_access_key_id/aws_secret_access_key for [${step.profile}] to the credentials file, store them with \`rolecall keys add ${step.profile}\`, or give the profile a role_arn with a source.`,
    });
  }
  const { accessKeyId, secretAccessKey } = JSON.parse(stored) as { accessKeyId: string; secretAccessKey: string };
  deps.log.redact(secretAccessKey);
  return { accessKeyId, secretAccessKey, chain, origin: { kind: 'keyring', profile: step.profile } };
}

function describeKeys(step: StaticKeysStep): string {
  return `static keys of profile ${step.profile} (${step.origin === 'env' ? 'environment' : step.origin === 'keyring' ? 'OS keyring' : 'credentials file'})`;
}

export const staticKeys: CredentialSource<StaticKeysStep> = {
  kinds: ['StaticKeys'],
  roleSession: false,
  recognises: () => true,
  plan(profile, ctx) {
    const keys = keysOf(profile);
    // only an IAM user's own keys make an MFA session with a device looked up (not session credentials)
    const userKeys = keys.origin === 'keyring' || (keys.origin === 'file' && !keys.sessionToken);
    return { steps: [keys, ...mfaSessionOver(profile, userKeys, ctx)], notices: [] };
  },
  // the secret is part of the identity, but never put in the key's text in the clear, even to be hashed with the rest
  cacheKeyOf: (step) => (step.secretAccessKey ? { ...step, secretAccessKey: createHash('sha256').update(step.secretAccessKey.value).digest('hex') } : step),
  describe: describeKeys,
  run: (step, _previous, deps) => keys(step, deps),
};
