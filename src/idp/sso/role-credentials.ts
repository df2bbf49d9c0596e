// The credentials of an Identity Center profile: GetRoleCredentials with the session's access token.
// When the portal refuses the token (UnauthorizedException: logged out, revoked by an administrator,
// expired early), the session is refreshed or signed in again once, and the call repeated.
import type { Credentials } from '../../sts/credentials';
import { SsoApiError, ssoError } from './api';
import { getRoleCredentials } from './portal';
import { describeSession, type SsoEndpoints, type SsoLogin, type SsoSession } from './session';
import { ssoAccessToken, type SsoTokenDeps } from './sign-in';

export interface RoleRequest {
  session: SsoSession;
  endpoints: SsoEndpoints;
  login: SsoLogin;
  accountId: string;
  roleName: string;
}

export async function ssoRoleCredentials(request: RoleRequest, deps: SsoTokenDeps): Promise<Credentials> {
  const { session, endpoints, login, accountId, roleName } = request;
  const what = `role ${roleName} in account ${accountId} (${describeSession(session)})`;
  const call = (token: string) => getRoleCredentials(endpoints.portal, token, { accountId, roleName }, deps.log);
  const token = await ssoAccessToken(session, endpoints, login, deps);
  try {
    return await call(token);
  } catch (error) {
    if (!(error instanceof SsoApiError && error.type === 'UnauthorizedException')) throw ssoError(error, 'GetRoleCredentials', what);
    deps.log.debug(`the portal refused the token (${error.message})`);
  }
  const again = await ssoAccessToken(session, endpoints, login, deps, { refused: token });
  try {
    return await call(again);
  } catch (error) {
    throw ssoError(error, 'GetRoleCredentials', what);
  }
}
