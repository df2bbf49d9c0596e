// An error answer of the Identity Center emulator, shaped as AWS's restJson1 services send it:
// the exception's name in the x-amzn-ErrorType header, and a JSON body. SSO OIDC bodies carry the
// OAuth `error` and `error_description`; the portal's carry `message`. Names, statuses and texts are
// AWS's own, so that botocore, the AWS CLI and rolecall map them as in production.
export class SsoFault extends Error {
  constructor(
    /** the exception's name: AuthorizationPendingException, UnauthorizedException, ... */
    readonly type: string,
    readonly status: number,
    readonly body: Record<string, string>,
  ) {
    super(`${type}: ${body.error_description ?? body.message ?? ''}`);
  }
}

/** SSO OIDC: { error, error_description } with the OAuth error code */
export const oidcFault = (type: string, error: string, description: string, status = 400) =>
  new SsoFault(type, status, { error, error_description: description });

export const invalidRequest = (description: string) => oidcFault('InvalidRequestException', 'invalid_request', description);
export const invalidClient = (description: string) => oidcFault('InvalidClientException', 'invalid_client', description, 401);
export const invalidGrant = (description: string) => oidcFault('InvalidGrantException', 'invalid_grant', description);

/** the portal (GetRoleCredentials, ListAccounts, ...): { message } */
export const portalFault = (type: string, status: number, message: string) => new SsoFault(type, status, { message });

/** AWS's words for a missing, expired, revoked or foreign bearer token */
export const unauthorized = () => portalFault('UnauthorizedException', 401, 'Session token not found or invalid');
