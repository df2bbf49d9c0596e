// A Plan is the chain of steps that turns a profile into credentials, first step first. Each step
// names the profile it came from and carries the parsed settings (with their sources) it runs with:
// nothing reads the profile again, and the step is what the cache key hashes.
import type { Profile } from '../config/profile';
import type { Setting } from '../config/source';
import type { OidcSettings } from './oidc';
import type { SamlAssertionSource } from './saml';

export type Step =
  | {
      kind: 'StaticKeys';
      profile: string;
      /** 'file': the credentials/config file; 'env': credential_source = Environment; 'keyring': stored by `rolecall keys add` */
      origin: 'file' | 'env' | 'keyring';
      accessKeyId?: Setting;
      secretAccessKey?: Setting;
      sessionToken?: Setting;
    }
  | { kind: 'SessionToken'; profile: string; mfaSerial: Setting; durationSeconds: Setting<number> }
  /** the profile's credential_process, run as the AWS CLI would (rolecall auth, get-cred -j, other tools) */
  | { kind: 'Process'; profile: string; command: Setting }
  | {
      kind: 'AssumeRole';
      profile: string;
      roleArn: Setting;
      mfaSerial?: Setting;
      externalId?: Setting;
      sessionName?: Setting;
      durationSeconds: Setting<number>;
      /** the credentials that call AssumeRole are themselves a role session: AWS caps the duration at 1 h */
      chained: boolean;
    }
  | {
      kind: 'WebIdentity';
      profile: string;
      roleArn: Setting;
      /** 'oidc': sign in with the web_identity_* settings; 'file': read web_identity_token_file */
      token: { from: 'oidc'; oidc: OidcSettings } | { from: 'file'; path: Setting };
      sessionName?: Setting;
      durationSeconds: Setting<number>;
    }
  | {
      kind: 'Saml';
      profile: string;
      /** coinbase's SAML POST API, or aws-cli-oidc saml2: an OIDC login exchanged for an assertion */
      assertion: SamlAssertionSource;
      /** the role to pick from the assertion; absent: the preferred one, the only one, or ask */
      roleArn?: Setting;
      /** default_iam_role_arn: the role to pick when the assertion lists several */
      preferredRoleArn?: Setting;
      /** saml_provider_name: the IAM SAML provider to name instead of the one the assertion pairs with the role */
      providerName?: string;
      durationSeconds: Setting<number>;
    };

export type StepKind = Step['kind'];

export interface Plan {
  profile: Profile;
  steps: Step[];
  region?: Setting;
  /** STS endpoint override (endpoint_url.sts, then endpoint_url) */
  stsEndpoint?: Setting;
  /** IAM endpoint override (endpoint_url.iam, then endpoint_url) */
  iamEndpoint?: Setting;
}

/** One line per step for doctor, --debug and the credentials' source chain. */
export function describeStep(step: Step): string {
  switch (step.kind) {
    case 'StaticKeys':
      return `static keys of profile ${step.profile} (${step.origin === 'env' ? 'environment' : step.origin === 'keyring' ? 'OS keyring' : 'credentials file'})`;
    case 'Process':
      return `credential_process of profile ${step.profile}: ${step.command.value}`;
    case 'SessionToken':
      return `GetSessionToken with MFA ${step.mfaSerial.value} (profile ${step.profile})`;
    case 'AssumeRole':
      return `AssumeRole ${step.roleArn.value}${step.mfaSerial ? ` with MFA ${step.mfaSerial.value}` : ''} (profile ${step.profile})`;
    case 'WebIdentity':
      return `AssumeRoleWithWebIdentity ${step.roleArn.value} with ${step.token.from === 'file' ? `the token in ${step.token.path.value}` : 'an OIDC login'} (profile ${step.profile})`;
    case 'Saml':
      return `AssumeRoleWithSAML${step.roleArn ? ` ${step.roleArn.value}` : ''} with an assertion from ${step.assertion.from === 'post-api' ? 'the SAML POST API' : 'OIDC token exchange'} (profile ${step.profile})`;
  }
}
