// The AWS access portal API (portal.sso.REGION.amazonaws.com): GetRoleCredentials, ListAccounts,
// ListAccountRoles and Logout, each authorised by the x-amz-sso_bearer_token header. Role credentials
// are sessions of the emulator's STS, for the role Identity Center provisions per permission set
// (AWSReservedSSO_NAME_<hash>), so that STS, IAM, the federation endpoint and role chaining accept them.
import type { Sessions } from '../aws/sessions';
import { roleSessionPrincipal } from '../aws/identity';
import { portalFault, unauthorized } from './fault';
import { ACCOUNT_ACCESS_SCOPE, reservedRoleArn, type AccessToken, type IdentityCenterState } from './state';

export type PortalAnswer = Record<string, unknown> | undefined;

function bearer(state: IdentityCenterState, headers: Record<string, string | string[] | undefined>): { token: string; found: AccessToken } {
  const token = headers['x-amz-sso_bearer_token'];
  if (typeof token !== 'string' || token === '') throw unauthorized();
  const found = state.liveAccessToken(token);
  // a token registered for other scopes (CodeWhisperer's) cannot reach the portal
  if (!found || (found.scopes.length > 0 && !found.scopes.includes(ACCOUNT_ACCESS_SCOPE))) throw unauthorized();
  return { token, found };
}

function accountId(q: URLSearchParams): string {
  const id = q.get('account_id');
  if (id === null) throw portalFault('InvalidRequestException', 400, 'accountId is required');
  if (!/^\d{12}$/.test(id)) throw portalFault('InvalidRequestException', 400, `Invalid accountId: ${id}`);
  return id;
}

/** one page of `items` from next_token (an offset the emulator encodes), at most pageSize long */
function page<T>(state: IdentityCenterState, items: T[], q: URLSearchParams): { items: T[]; nextToken?: string } {
  const token = q.get('next_token');
  const start = token === null ? 0 : Number(Buffer.from(token, 'base64url').toString('utf8').replace(/^offset:/, ''));
  if (!Number.isSafeInteger(start) || start < 0 || start > items.length) throw portalFault('InvalidRequestException', 400, 'Invalid nextToken');
  const asked = q.get('max_result');
  const max = asked === null ? state.center.pageSize : Number(asked);
  if (!Number.isSafeInteger(max) || max < 1 || max > 100) throw portalFault('InvalidRequestException', 400, `Invalid maxResults: ${asked}`);
  const end = start + Math.min(max, state.center.pageSize);
  return { items: items.slice(start, end), ...(end < items.length ? { nextToken: Buffer.from(`offset:${end}`).toString('base64url') } : {}) };
}

function assignmentsOf(state: IdentityCenterState, user: string) {
  return state.center.assignments.filter((a) => a.user === user);
}

function getRoleCredentials(state: IdentityCenterState, sessions: Sessions, user: string, q: URLSearchParams): PortalAnswer {
  const account = accountId(q);
  const roleName = q.get('role_name');
  if (roleName === null || roleName === '') throw portalFault('InvalidRequestException', 400, 'roleName is required');
  const assigned = assignmentsOf(state, user).some((a) => a.account === account && a.permissionSet === roleName);
  const permissionSet = state.center.permissionSets.find((p) => p.name === roleName);
  // AWS's answer for a role the user is not assigned, a misspelt one, or an unknown account
  if (!assigned || !permissionSet) throw portalFault('ForbiddenException', 403, 'No access');
  const session = sessions.issue(roleSessionPrincipal(reservedRoleArn(account, roleName), user, undefined), 'GetRoleCredentials', permissionSet.sessionDurationSeconds);
  return {
    roleCredentials: {
      accessKeyId: session.accessKeyId,
      secretAccessKey: session.secretAccessKey,
      sessionToken: session.sessionToken,
      expiration: session.expiration.getTime(),
    },
  };
}

function listAccounts(state: IdentityCenterState, user: string, q: URLSearchParams): PortalAnswer {
  const ids = [...new Set(assignmentsOf(state, user).map((a) => a.account))].sort();
  const { items, nextToken } = page(state, ids, q);
  const accountList = items.map((id) => {
    const account = state.world.accounts[id];
    return { accountId: id, accountName: account?.name ?? account?.alias ?? id, emailAddress: account?.email ?? `aws-${id}@example.com` };
  });
  return { ...(nextToken ? { nextToken } : {}), accountList };
}

function listAccountRoles(state: IdentityCenterState, user: string, q: URLSearchParams): PortalAnswer {
  const account = accountId(q);
  const names = assignmentsOf(state, user)
    .filter((a) => a.account === account)
    .map((a) => a.permissionSet)
    .sort();
  const { items, nextToken } = page(state, names, q);
  return { ...(nextToken ? { nextToken } : {}), roleList: items.map((roleName) => ({ roleName, accountId: account })) };
}

export const PORTAL_OPERATIONS: Record<string, { method: string; name: string }> = {
  '/federation/credentials': { method: 'GET', name: 'GetRoleCredentials' },
  '/assignment/accounts': { method: 'GET', name: 'ListAccounts' },
  '/assignment/roles': { method: 'GET', name: 'ListAccountRoles' },
  '/logout': { method: 'POST', name: 'Logout' },
};

export function portalCall(
  state: IdentityCenterState,
  sessions: Sessions,
  name: string,
  headers: Record<string, string | string[] | undefined>,
  q: URLSearchParams,
): PortalAnswer {
  const { found } = bearer(state, headers);
  switch (name) {
    case 'GetRoleCredentials':
      return getRoleCredentials(state, sessions, found.user, q);
    case 'ListAccounts':
      return listAccounts(state, found.user, q);
    case 'ListAccountRoles':
      return listAccountRoles(state, found.user, q);
    default:
      // the sign-in ends: this access token, its refresh tokens, and every token refreshed from it
      state.revokeGrant(found.grant);
      return undefined;
  }
}
