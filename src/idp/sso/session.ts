// An IAM Identity Center session as the AWS CLI configures it: a [sso-session NAME] section, or the
// legacy form (sso_start_url and sso_region in the profile itself), plus where its two services
// answer and how rolecall signs in to it.

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

export interface SsoLogin {
  /** 'browser': authorization code with PKCE and a loopback redirect (the AWS CLI's default since 2.22); 'device': the device code */
  flow: 'browser' | 'device';
  /** the browser command (`{}` for the URL), else $BROWSER or the platform's opener */
  agent?: string[];
  /** print the URL instead of opening a browser */
  noBrowser: boolean;
  /** how long to wait for the person to finish, in seconds */
  timeoutSeconds: number;
}

/** the scope that reaches the portal; the AWS CLI asks for it in the browser sign-in when none is configured */
export const ACCOUNT_ACCESS_SCOPE = 'sso:account:access';

/** AWS's hosts for the region, in its partition (the SDKs' endpoint rules for these two services) */
export function defaultEndpoints(region: string): SsoEndpoints {
  const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return { oidc: `https://oidc.${region}.${suffix}`, portal: `https://portal.sso.${region}.${suffix}` };
}

/** how a session is named to people: the [sso-session NAME], or the start URL of the legacy form */
export function describeSession(session: SsoSession): string {
  return session.name ? `sso-session ${session.name} (${session.startUrl})` : session.startUrl;
}
