// The credentials of an Identity Center profile: GetRoleCredentials with the session's access token
// (signed in again once if the portal refuses it).
import type { Credentials } from '../../sts/credentials';
import { ssoError } from './api';
import { getRoleCredentials } from './portal';
import { describeSession, type SsoEndpoints, type SsoSession } from '../../plan/identity-center';
import type { SsoLogin } from './session';
import { withSsoToken, type SsoTokenDeps } from './sign-in';

export interface RoleRequest {
  session: SsoSession;
  endpoints: SsoEndpoints;
  login: SsoLogin;
  accountId: string;
  roleName: string;
}

export async function ssoRoleCredentials(request: RoleRequest, deps: SsoTokenDeps): Promise<Credentials> {
  const { session, endpoints, login, accountId, roleName } = request;
  try {
    return await withSsoToken(session, endpoints, login, deps, (token) => getRoleCredentials(endpoints.portal, token, { accountId, roleName }, deps.log));
  } catch (error) {
    throw ssoError(error, 'GetRoleCredentials', `role ${roleName} in account ${accountId} (${describeSession(session)})`);
  }
}
