// Every account and role the person signed in to an Identity Center session may use: ListAccounts,
// then ListAccountRoles for each account (every page of both), a few accounts at a time; and which
// profile of the config file uses each.
import type { ConfigFiles } from '../config/files';
import type { Profile } from '../config/profile';
import type { Context } from '../platform/context';
import { describeSession, ssoEndpoints, ssoLoginSettings, ssoSessionOf, type SsoEndpoints, type SsoSession } from '../plan/identity-center';
import { ssoError } from '../idp/sso/api';
import { listAccountRoles, listAccounts } from '../idp/sso/portal';
import { ssoLogin, type SsoLogin } from '../idp/sso/session';
import { withSsoToken, type SsoTokenDeps } from '../idp/sso/sign-in';
import { RolecallError } from '../errors';

export interface SsoRole {
  accountId: string;
  accountName: string;
  emailAddress?: string;
  roleName: string;
}

const PARALLEL_ACCOUNTS = 4;

/** sorted by account name, then role name */
async function listSsoRoles(session: SsoSession, endpoints: SsoEndpoints, login: SsoLogin, deps: SsoTokenDeps): Promise<SsoRole[]> {
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

/** the session of an Identity Center profile (or of an [sso-session] resolved as one), its roles, signed in as needed */
export async function rolesOfSession(profile: Profile, flags: { device?: boolean; noBrowser?: boolean }, ctx: Context): Promise<{ session: SsoSession; roles: SsoRole[] }> {
  const session = ssoSessionOf(profile);
  if (!session) {
    throw new RolecallError('USAGE', `profile "${profile.name}" is not an IAM Identity Center profile: it names no sso_session or sso_start_url`, {
      hint: 'Name the session with --sso-session NAME, or use a profile with sso_session.',
    });
  }
  const login = ssoLogin(ssoLoginSettings(profile, session), flags);
  const roles = await listSsoRoles(session, ssoEndpoints(profile, session.region), login, { env: ctx.env, home: ctx.home, clock: ctx.clock, log: ctx.log });
  return { session, roles };
}

/** the profile of the file that uses the role: sso_account_id and sso_role_name, with this session or the legacy form of its start URL */
export function profileUsing(files: ConfigFiles, role: Pick<SsoRole, 'accountId' | 'roleName'>, session: SsoSession): string | undefined {
  for (const [name, section] of files.configProfiles) {
    const get = (key: string) => section.values.get(key)?.value.trim();
    if (get('sso_account_id') !== role.accountId || get('sso_role_name') !== role.roleName) continue;
    const named = get('sso_session');
    if (named !== undefined ? named === session.name : get('sso_start_url') === session.startUrl) return name;
  }
  return undefined;
}
