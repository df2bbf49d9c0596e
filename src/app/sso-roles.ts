// Every account and role the person signed in to an Identity Center session may use: ListAccounts,
// then ListAccountRoles for each account (every page of both), a few accounts at a time.
import type { SsoEndpoints, SsoLogin, SsoSession } from '../idp/sso/session';
import { ssoError } from '../idp/sso/api';
import { listAccountRoles, listAccounts } from '../idp/sso/portal';
import { withSsoToken, type SsoTokenDeps } from '../idp/sso/sign-in';
import { describeSession } from '../idp/sso/session';

export interface SsoRole {
  accountId: string;
  accountName: string;
  emailAddress?: string;
  roleName: string;
}

const PARALLEL_ACCOUNTS = 4;

/** sorted by account name, then role name */
export async function listSsoRoles(session: SsoSession, endpoints: SsoEndpoints, login: SsoLogin, deps: SsoTokenDeps): Promise<SsoRole[]> {
  let roles: SsoRole[];
  try {
    roles = await withSsoToken(session, endpoints, login, deps, async (token) => {
      const found: SsoRole[] = [];
      const accounts = await listAccounts(endpoints.portal, token, deps.log);
      for (let i = 0; i < accounts.length; i += PARALLEL_ACCOUNTS) {
        const batch = accounts.slice(i, i + PARALLEL_ACCOUNTS);
        const names = await Promise.all(batch.map((account) => listAccountRoles(endpoints.portal, token, account.accountId, deps.log)));
        batch.forEach((account, j) => {
          for (const roleName of names[j]!) found.push({ ...account, roleName });
        });
      }
      return found;
    });
  } catch (error) {
    throw ssoError(error, 'ListAccounts', `the accounts of ${describeSession(session)}`);
  }
  return roles.sort((a, b) => a.accountName.localeCompare(b.accountName) || a.accountId.localeCompare(b.accountId) || a.roleName.localeCompare(b.roleName));
}
