// Turns what openid-client throws into rolecall errors that say which IdP refused what, and why.
import { AuthorizationResponseError, ClientError, ResponseBodyError, WWWAuthenticateChallengeError } from 'openid-client';
import { RolecallError, isRolecallError, type ErrorCode } from '../../errors';

const BY_OAUTH_ERROR: Record<string, ErrorCode> = {
  access_denied: 'OIDC_DENIED',
  invalid_grant: 'OIDC_DENIED',
  expired_token: 'OIDC_DEVICE_EXPIRED',
  unauthorized_client: 'OIDC_GRANT_UNSUPPORTED',
  unsupported_grant_type: 'OIDC_GRANT_UNSUPPORTED',
};

/** the network failure under a fetch TypeError, e.g. "ECONNREFUSED 127.0.0.1:9" */
function networkCause(error: unknown): string | undefined {
  if (!(error instanceof TypeError)) return undefined;
  const cause = error.cause as { code?: string; message?: string } | undefined;
  if (cause?.code || cause?.message) return cause.code ? `${cause.code}${cause.message ? ` (${cause.message})` : ''}` : cause.message;
  return /fetch failed/.test(error.message) ? error.message : undefined;
}

/**
 * @param what what rolecall was doing, e.g. "the token request"
 * @param issuer the IdP, named in every message
 */
const CLIENT_AUTH_HINT =
  'Check the client id and client_secret (web_identity_client_secret): the identity provider did not accept them as this client. If it takes the secret only in the form, or only in the Authorization header, set web_identity_client_auth_method (client_secret_post, client_secret_basic).';

export function oidcError(error: unknown, what: string, issuer: string): RolecallError {
  if (isRolecallError(error)) return error;
  // rolecall's own error from the fetch openid-client was given (an answer past the bound), wrapped
  if (error instanceof ClientError && isRolecallError(error.cause)) return error.cause;
  if (error instanceof ResponseBodyError || error instanceof AuthorizationResponseError) {
    const code = BY_OAUTH_ERROR[error.error] ?? 'OIDC_ERROR';
    const description = error.error_description ? `: ${error.error_description}` : '';
    return new RolecallError(code, `${issuer} refused ${what} (${error.error}${description})`, { cause: error, hint: error.error === 'invalid_client' ? CLIENT_AUTH_HINT : undefined });
  }
  // a 401 with a WWW-Authenticate challenge: the client's own authentication failed
  if (error instanceof WWWAuthenticateChallengeError) {
    const challenge = error.cause[0]?.parameters;
    const detail = challenge?.error ? `${challenge.error}${challenge.error_description ? `: ${challenge.error_description}` : ''}` : `HTTP ${error.status}`;
    return new RolecallError('OIDC_ERROR', `${issuer} refused the client's authentication for ${what} (${detail})`, { cause: error, hint: CLIENT_AUTH_HINT });
  }
  const network = networkCause(error);
  // Node's certificate errors: UNABLE_TO_VERIFY_LEAF_SIGNATURE, SELF_SIGNED_CERT_IN_CHAIN, CERT_HAS_EXPIRED, ERR_TLS_CERT_ALTNAME_INVALID, ...
  if (network && /CERT|SSL|TLS|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|SELF_SIGNED|DEPTH_ZERO/.test(network)) {
    return new RolecallError('NETWORK', `the TLS connection to the identity provider ${issuer} failed for ${what}: ${network.split('\n')[0]}`, {
      hint: 'A private CA goes in web_identity_client_ca (client_auth_ca), a client certificate in web_identity_client_cert/_key (client_auth_cert/_key).',
      cause: error,
    });
  }
  if (network) return new RolecallError('NETWORK', `could not reach the identity provider ${issuer} for ${what}: ${network}`, { cause: error });
  if (error instanceof ClientError) {
    // openid-client replaces the detailed message with a generic one and keeps the detail as the cause
    const detail =
      error.cause instanceof Error
        ? error.cause.message
        : error.cause instanceof Response
          ? `${error.message} (HTTP ${error.cause.status}${error.cause.statusText ? ` ${error.cause.statusText}` : ''})`
          : error.message;
    if (/JWT|ID Token|id_token/i.test(detail) || /JWT/.test(error.code ?? '')) {
      return new RolecallError('OIDC_TOKEN_INVALID', `the ID token from ${issuer} failed validation: ${detail}`, { cause: error });
    }
    if (error.code === 'OAUTH_TIMEOUT') {
      return new RolecallError('NETWORK', `the identity provider ${issuer} did not answer ${what} in time`, { cause: error });
    }
    return new RolecallError('OIDC_ERROR', `${what} at ${issuer} failed: ${detail}`, { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new RolecallError('OIDC_ERROR', `${what} at ${issuer} failed: ${message}`, { cause: error });
}
