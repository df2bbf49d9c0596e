// The AWS access portal's operations: GetRoleCredentials, ListAccounts and ListAccountRoles (every
// page, following nextToken), Logout. The access token travels in x-amz-sso_bearer_token only.
import type { Logger } from '../../platform/logger';
import type { Credentials } from '../../sts/credentials';
import { ssoCall } from './api';

export interface SsoAccount {
  accountId: string;
  accountName: string;
  emailAddress?: string;
}

const str = (v: unknown) => (typeof v === 'string' ? v : '');

function get(endpoint: string, operation: string, path: string, token: string, query: Record<string, string | undefined>, log: Logger) {
  return ssoCall({ operation, service: 'portal', endpoint, method: 'GET', path, query, bearer: token }, log);
}

/** every item of a paginated list: AWS may answer fewer than asked, so nextToken decides */
async function allPages<T>(fetchPage: (nextToken: string | undefined) => Promise<Record<string, unknown>>, listKey: string, toItem: (raw: Record<string, unknown>) => T): Promise<T[]> {
  const items: T[] = [];
  let next: string | undefined;
  const seen = new Set<string>();
  do {
    const page = await fetchPage(next);
    const list = Array.isArray(page[listKey]) ? (page[listKey] as Record<string, unknown>[]) : [];
    items.push(...list.map(toItem));
    next = typeof page.nextToken === 'string' && page.nextToken !== '' ? page.nextToken : undefined;
    // a service that hands back the same token would page forever
    if (next !== undefined && seen.has(next)) break;
    if (next !== undefined) seen.add(next);
  } while (next !== undefined);
  return items;
}

export async function getRoleCredentials(endpoint: string, token: string, input: { accountId: string; roleName: string }, log: Logger): Promise<Credentials> {
  const answer = await get(endpoint, 'GetRoleCredentials', 'federation/credentials', token, { role_name: input.roleName, account_id: input.accountId }, log);
  const raw = (answer.roleCredentials ?? {}) as Record<string, unknown>;
  const credentials: Credentials = {
    accessKeyId: str(raw.accessKeyId),
    secretAccessKey: str(raw.secretAccessKey),
    sessionToken: str(raw.sessionToken),
    // epoch milliseconds
    expiration: new Date(typeof raw.expiration === 'number' ? raw.expiration : Number.NaN),
    accountId: input.accountId,
    chain: [],
  };
  log.redact(credentials.secretAccessKey);
  log.redact(credentials.sessionToken);
  return credentials;
}

export function listAccounts(endpoint: string, token: string, log: Logger): Promise<SsoAccount[]> {
  return allPages(
    (next) => get(endpoint, 'ListAccounts', 'assignment/accounts', token, { next_token: next }, log),
    'accountList',
    (raw) => ({ accountId: str(raw.accountId), accountName: str(raw.accountName), ...(typeof raw.emailAddress === 'string' ? { emailAddress: raw.emailAddress } : {}) }),
  );
}

export function listAccountRoles(endpoint: string, token: string, accountId: string, log: Logger): Promise<string[]> {
  return allPages(
    (next) => get(endpoint, 'ListAccountRoles', 'assignment/roles', token, { account_id: accountId, next_token: next }, log),
    'roleList',
    (raw) => str(raw.roleName),
  );
}

export async function logout(endpoint: string, token: string, log: Logger): Promise<void> {
  await ssoCall({ operation: 'Logout', service: 'portal', endpoint, method: 'POST', path: 'logout', bearer: token }, log);
}
