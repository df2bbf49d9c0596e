// The flags every command that gets credentials shares, and the CredentialRequest they make.
import type { CredentialRequest } from '../credentials/resolve';
import type { Setting } from '../config/source';
import { stringFlag, booleanFlag } from './args';
import type { Options, Parsed } from './command';

export const CREDENTIAL_OPTIONS: Options = {
  duration: { type: 'string', short: 'd' },
  'mfa-code': { type: 'string' },
  'role-arn': { type: 'string' },
  device: { type: 'boolean' },
  'no-browser': { type: 'boolean' },
  password: { type: 'string', short: 'P' },
  policy: { type: 'string' },
  'policy-arn': { type: 'string', multiple: true },
};

export const CREDENTIAL_HELP = `Credential flags:
  -d, --duration D   session length: seconds or a Go duration (1h, 90m); 15m..12h (default: the profile's, else 1h)
  --mfa-code CODE    the current MFA code: the MFA device's, or Okta's or Keycloak's one-time code
                     (otherwise mfa_process, then a prompt on the terminal)
  --role-arn ARN     assume this role instead of the profile's role_arn
  --device           OIDC and IAM Identity Center: sign in with a device code (for SSH and headless machines)
  --no-browser       OIDC and IAM Identity Center: print the sign-in URL instead of opening a browser
  -P, --password PW  OIDC/SAML password (visible to other users in the process list: prefer \`rolecall password\`)
  --policy FILE|JSON a session policy: the role session may do only what both the role and this allow (session_policy)
  --policy-arn ARN   a managed policy that narrows the role session the same way; repeat for more (session_policy_arns)`;

function flagSetting(parsed: Parsed, name: string): Setting | undefined {
  const value = stringFlag(parsed, name);
  return value === undefined ? undefined : { value, source: { kind: 'flag', name: `--${name}` } };
}

/** --policy and --policy-arn (repeatable) as the settings session_policy and session_policy_arns. */
export function sessionPolicyFlags(parsed: Parsed): Map<string, Setting> {
  const settings = new Map<string, Setting>();
  const policy = flagSetting(parsed, 'policy');
  if (policy) settings.set('session_policy', policy);
  const arns = parsed.values['policy-arn'];
  if (Array.isArray(arns) && arns.length) settings.set('session_policy_arns', { value: arns.join(','), source: { kind: 'flag', name: '--policy-arn' } });
  return settings;
}

/** The request for `PROFILE` as given (argument, then --profile, then the environment). */
export function credentialRequest(parsed: Parsed, positionalProfile: string | undefined): CredentialRequest {
  const overrides = sessionPolicyFlags(parsed);
  const duration = flagSetting(parsed, 'duration');
  // credentials_duration takes seconds and Go durations alike (1h, 90m)
  if (duration) overrides.set('credentials_duration', duration);
  const roleArn = flagSetting(parsed, 'role-arn');
  if (roleArn) overrides.set('role_arn', roleArn);
  const region = parsed.globals.region;
  if (region) overrides.set('region', { value: region, source: { kind: 'flag', name: '--region' } });
  const profileName: Setting | undefined = positionalProfile
    ? { value: positionalProfile, source: { kind: 'argument', name: 'PROFILE' } }
    : parsed.globals.profile
      ? { value: parsed.globals.profile, source: { kind: 'flag', name: '--profile' } }
      : undefined;
  return {
    profileName,
    overrides,
    mfaCode: flagSetting(parsed, 'mfa-code'),
    refresh: parsed.globals.refresh,
    noCache: parsed.globals.noCache,
    device: booleanFlag(parsed, 'device'),
    noBrowser: booleanFlag(parsed, 'no-browser'),
    password: stringFlag(parsed, 'password'),
  };
}
