// The IAM Identity Center settings of a profile, read from the AWS CLI's keys (a profile's
// sso_account_id and sso_role_name, its [sso-session] or, in the legacy form, its own sso_start_url
// and sso_region) into what a step carries, checked as the plan is built with errors that name
// where each value came from. Required keys and their checks are botocore's.
import { RolecallError } from '../errors';
import type { Profile } from '../config/profile';
import { describeSource } from '../config/source';

/** an Identity Center session: a [sso-session NAME] section, or the legacy form in the profile */
export interface SsoSession {
  /** the [sso-session NAME]; absent for the legacy form */
  name?: string;
  startUrl: string;
  /** the Identity Center instance's region (sso_region), where SSO OIDC and the portal answer */
  region: string;
  /** sso_registration_scopes; absent when not set (botocore then registers without scopes) */
  registrationScopes?: string[];
}

export interface SsoEndpoints {
  /** SSO OIDC: RegisterClient, CreateToken, the authorization page */
  oidc: string;
  /** the AWS access portal: GetRoleCredentials, ListAccounts, ListAccountRoles, Logout */
  portal: string;
}

/** how rolecall signs in to the session when it must (the flags of the command may add --device) */
export interface SsoLoginSettings {
  /** sso_use_device_code, or the legacy form (which the AWS CLI signs in with a device code only) */
  useDeviceCode: boolean;
  /** the browser command (web_identity_agent), else $BROWSER or the platform's opener */
  agent?: string[];
  /** web_identity_timeout: how long to wait for the person, in seconds */
  timeoutSeconds: number;
}

export interface IdentityCenterSettings {
  session: SsoSession;
  accountId: string;
  roleName: string;
  endpoints: SsoEndpoints;
  login: SsoLoginSettings;
}

const DEFAULT_TIMEOUT_SECONDS = 300;

/** how a session is named to people: the [sso-session NAME] with its start URL, or the start URL of the legacy form */
export function describeSession(session: SsoSession): string {
  return session.name ? `sso-session ${session.name} (${session.startUrl})` : session.startUrl;
}

/** AWS's hosts for the region, in its partition (the SDKs' endpoint rules for these two services) */
function defaultEndpoints(region: string): SsoEndpoints {
  const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return { oidc: `https://oidc.${region}.${suffix}`, portal: `https://portal.sso.${region}.${suffix}` };
}

/** endpoint_url.sso_oidc / endpoint_url.sso (variables, services section), else endpoint_url, else AWS's */
export function ssoEndpoints(profile: Profile, region: string): SsoEndpoints {
  const general = profile.value('endpoint_url');
  const aws = defaultEndpoints(region);
  return { oidc: profile.value('endpoint_url.sso_oidc') ?? general ?? aws.oidc, portal: profile.value('endpoint_url.sso') ?? general ?? aws.portal };
}

/** the session of a profile that names one (sso_session) or holds the legacy keys; undefined when it has neither */
export function ssoSessionOf(profile: Profile): SsoSession | undefined {
  const name = profile.get('sso_session');
  const startUrl = profile.get('sso_start_url');
  const region = profile.get('sso_region');
  if (!name && !startUrl && !region) return undefined;
  const missing = [!startUrl && 'sso_start_url', !region && 'sso_region'].filter(Boolean);
  if (missing.length) {
    const where = name ? `its [sso-session ${name.value.trim()}] (named at ${describeSource(name.source)})` : `profile "${profile.name}"`;
    throw new RolecallError('CONFIG_INVALID', `${where} is missing ${missing.join(' and ')}: rolecall cannot sign in to IAM Identity Center without them`, {
      hint: name
        ? `Add them to [sso-session ${name.value.trim()}] (\`aws configure sso-session\` writes it).`
        : 'Add them to the profile, or move to an [sso-session] section (`aws configure sso` writes one).',
    });
  }
  return {
    ...(name ? { name: name.value.trim() } : {}),
    startUrl: startUrl!.value.trim(),
    region: region!.value,
    ...(profile.value('sso_registration_scopes') ? { registrationScopes: profile.value('sso_registration_scopes') } : {}),
  };
}

/** the login settings of a session (also for list-roles and setup, which sign in without a role) */
export function ssoLoginSettings(profile: Profile, session: SsoSession): SsoLoginSettings {
  return {
    useDeviceCode: profile.value('sso_use_device_code') === true || session.name === undefined,
    ...(profile.value('web_identity_agent') ? { agent: profile.value('web_identity_agent') } : {}),
    timeoutSeconds: profile.value('web_identity_timeout') ?? DEFAULT_TIMEOUT_SECONDS,
  };
}

/**
 * The profile's Identity Center settings when it is an Identity Center profile (sso_account_id or
 * sso_role_name set, as botocore decides); throws CONFIG_INVALID naming what is missing.
 */
export function identityCenterSettings(profile: Profile): IdentityCenterSettings | undefined {
  const accountId = profile.get('sso_account_id');
  const roleName = profile.get('sso_role_name');
  if (!accountId && !roleName) return undefined;
  const set = (accountId ?? roleName)!;
  if (!accountId || !roleName) {
    throw new RolecallError(
      'CONFIG_INVALID',
      `profile "${profile.name}" has ${accountId ? 'sso_account_id' : 'sso_role_name'} (${describeSource(set.source)}) but not ${accountId ? 'sso_role_name' : 'sso_account_id'}: an IAM Identity Center profile needs both`,
      { hint: 'Add the missing key; `rolecall list-roles --sso-session NAME` lists the accounts and roles you may use.' },
    );
  }
  const session = ssoSessionOf(profile);
  if (!session) {
    throw new RolecallError('CONFIG_INVALID', `profile "${profile.name}" uses IAM Identity Center (sso_account_id at ${describeSource(accountId.source)}) but names no sso_session`, {
      hint: 'Add sso_session = NAME with an [sso-session NAME] section holding sso_start_url and sso_region (or, the legacy form, sso_start_url and sso_region in the profile).',
    });
  }
  return {
    session,
    accountId: accountId.value,
    roleName: roleName.value,
    endpoints: ssoEndpoints(profile, session.region),
    login: ssoLoginSettings(profile, session),
  };
}
