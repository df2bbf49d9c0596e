// AWS errors -> rolecall errors: one code each, AWS's own message kept, a hint about what to check.
import { RolecallError, type ErrorCode } from '../errors';
import type { Credentials } from './credentials';

interface AwsLikeError {
  name?: string;
  message?: string;
  code?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
  $fault?: 'client' | 'server';
  /** the SDK's, when the answer could not be read as AWS's */
  $response?: { headers?: Record<string, string>; body?: unknown };
  $responseBodyText?: string;
}

/**
 * An answer the SDK could not read as AWS's (a proxy's or load balancer's error page, a wrong
 * endpoint): what came back, in words; undefined for AWS's own errors.
 */
function foreignAnswer(e: AwsLikeError): string | undefined {
  if (!e.$response || !/Deserialization error|parse error/i.test(e.message ?? '')) return undefined;
  const status = e.$metadata?.httpStatusCode;
  const type = Object.entries(e.$response.headers ?? {}).find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? '';
  const body = e.$responseBodyText ?? (typeof e.$response.body === 'string' ? e.$response.body : '');
  const title = /<title>([^<]{1,120})<\/title>/i.exec(body)?.[1]?.trim();
  const what = /html/i.test(type) || /<html/i.test(body) ? `an HTML page${title ? ` (${title})` : ''}` : `${type ? `${type.split(';')[0]} ` : ''}content`;
  return `answered${status ? ` HTTP ${status}` : ''} with ${what}, not an AWS answer`;
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);

export function networkCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
    if (e instanceof AggregateError) {
      const inner = e.errors.map(networkCode).find(Boolean);
      if (inner) return inner;
    }
  }
  return undefined;
}

/** What the call was, for the message: "AssumeRole arn:aws:iam::1:role/x as arn:aws:iam::2:user/bob". */
export interface CallContext {
  action: string;
  target?: string;
  endpoint?: string;
  /** the service called, when not STS: names the variable that sets its endpoint in the hint */
  service?: 'iam';
  /** the credentials that signed the call: a refused key's hint names where they came from */
  signer?: Credentials;
}

/** Where to look when AWS does not know the signing key id (InvalidClientTokenId): the place the keys came from. */
function unknownKeyHint(signer: Credentials): string {
  const origin = signer.origin;
  const made = signer.chain.at(-1);
  switch (origin?.kind) {
    case 'file':
      return `The access key id is not known to AWS: check aws_access_key_id of profile ${origin.profile} at ${origin.idAt}${signer.sessionToken ? ' and its aws_session_token' : ''}, or whether the key was deactivated.`;
    case 'keyring':
      return `The access key id that \`rolecall keys add\` keeps for profile ${origin.profile} in the OS keyring is not known to AWS (wrong, or the key was deactivated): replace the keys with \`rolecall keys add ${origin.profile}\`.`;
    case 'env':
      return `The access key id is not known to AWS: check AWS_ACCESS_KEY_ID${signer.sessionToken ? ' and AWS_SESSION_TOKEN' : ''} in the environment, or whether the key was deactivated.`;
    default:
      return `AWS does not know the temporary credentials that signed the call${made ? ` (from ${made})` : ''}: they were revoked or their key deactivated; get new ones there.`;
  }
}

/** Where to look when the secret key does not belong to the key id (SignatureDoesNotMatch). */
function wrongSecretHint(signer: Credentials): string {
  const origin = signer.origin;
  const made = signer.chain.at(-1);
  switch (origin?.kind) {
    case 'file':
      return `The secret access key does not belong to the access key id: check aws_secret_access_key of profile ${origin.profile} at ${origin.secretAt}.`;
    case 'keyring':
      return `The secret access key that \`rolecall keys add\` keeps for profile ${origin.profile} in the OS keyring does not belong to its access key id: replace the keys with \`rolecall keys add ${origin.profile}\`.`;
    case 'env':
      return 'The secret access key does not belong to the access key id: check AWS_SECRET_ACCESS_KEY in the environment (it must be the pair of AWS_ACCESS_KEY_ID).';
    default:
      return `The secret access key does not belong to the access key id of the temporary credentials that signed the call${made ? ` (from ${made})` : ''}: get new ones there.`;
  }
}

export function mapAwsError(error: unknown, call: CallContext): RolecallError {
  if (error instanceof RolecallError) return error;
  const e = (error ?? {}) as AwsLikeError;
  const name = e.name ?? e.Code ?? e.code ?? 'Error';
  const awsMessage = (e.message ?? String(error)).trim();
  const what = `${call.action}${call.target ? ` ${call.target}` : ''}`;
  const net = networkCode(error);
  if (net) {
    const hint = call.service === 'iam' ? 'The endpoint did not answer: check the network, endpoint_url and AWS_ENDPOINT_URL_IAM.' : undefined;
    return new RolecallError('STS_UNAVAILABLE', `${what} failed: cannot reach ${call.endpoint ?? 'the AWS endpoint'} (${net})`, { hint, cause: error });
  }
  const foreign = foreignAnswer(e);
  if (foreign) {
    const service = call.service === 'iam' ? 'IAM' : 'STS';
    return new RolecallError((e.$metadata?.httpStatusCode ?? 0) >= 500 ? 'STS_UNAVAILABLE' : 'STS_ERROR', `${what} failed: the endpoint ${call.endpoint ?? `of ${service}`} ${foreign}`, {
      hint: `Something between rolecall and ${service} answered instead of AWS: check endpoint_url and AWS_ENDPOINT_URL_${service} (they must name the ${service} endpoint itself), and any proxy (HTTPS_PROXY) in the way.`,
      cause: error,
    });
  }
  let code: ErrorCode = 'STS_ERROR';
  let hint: string | undefined;
  switch (name) {
    case 'AccessDenied':
    case 'AccessDeniedException':
      // a refused MFA code; not a refusal of an IAM action that names MFA (iam:ListMFADevices)
      if (/MultiFactorAuthentication failed|\bMFA\b/i.test(awsMessage)) code = 'MFA_CODE_INVALID';
      else code = 'STS_ACCESS_DENIED';
      // no source profile called: the role's trust policy must let the identity provider in
      if (code === 'STS_ACCESS_DENIED' && call.action === 'AssumeRoleWithWebIdentity') {
        hint =
          "Check that the role exists and that its trust policy allows sts:AssumeRoleWithWebIdentity to the IAM OIDC provider of this issuer (Principal Federated), with conditions on aud (the client id) and sub that the token meets; `rolecall list-roles --claim HOST:aud --client-id ID` (HOST: the issuer without https://) lists the roles a client may assume.";
      }
      if (code === 'STS_ACCESS_DENIED' && call.action === 'AssumeRoleWithSAML') {
        hint =
          "Check that the role exists and that its trust policy allows sts:AssumeRoleWithSAML to the SAML provider the assertion names (Principal Federated arn:aws:iam::ACCOUNT:saml-provider/NAME), with its conditions (SAML:aud) met.";
      }
      break;
    case 'ExpiredToken':
    case 'ExpiredTokenException':
      code = 'STS_EXPIRED_TOKEN';
      if (call.action === 'AssumeRoleWithWebIdentity') hint = 'The identity token expired before AWS saw it: run the command again (check the clock if it keeps happening).';
      if (call.action === 'AssumeRoleWithSAML') hint = 'The SAML assertion expired before AWS saw it: run the command again (check the clock if it keeps happening).';
      break;
    case 'InvalidClientTokenId':
      code = 'STS_INVALID_CLIENT_TOKEN';
      if (call.signer) hint = unknownKeyHint(call.signer);
      break;
    case 'SignatureDoesNotMatch':
      code = 'STS_SIGNATURE_MISMATCH';
      if (/expired|not yet current/i.test(awsMessage)) hint = "The request's time is too far from AWS's: fix this machine's clock (AWS allows 5 minutes).";
      else if (call.signer) hint = wrongSecretHint(call.signer);
      break;
    case 'RegionDisabledException':
      code = 'STS_REGION_DISABLED';
      break;
    case 'InvalidIdentityToken':
    case 'InvalidIdentityTokenException':
      code = 'STS_INVALID_IDENTITY_TOKEN';
      break;
    case 'IDPRejectedClaim':
    case 'IDPRejectedClaimException':
    case 'IDPCommunicationError':
    case 'IDPCommunicationErrorException':
      code = 'STS_IDP_REJECTED';
      break;
    case 'Throttling':
    case 'ThrottlingException':
    case 'TooManyRequestsException':
      code = 'STS_THROTTLED';
      break;
    case 'PackedPolicyTooLarge':
    case 'PackedPolicyTooLargeException': {
      code = 'STS_POLICY_TOO_LARGE';
      const percent = /(\d+)%/.exec(awsMessage)?.[1];
      if (percent) {
        return new RolecallError(code, `${what} failed: the session policy and policy ARNs take ${percent}% of the space AWS allows them in a session, ${Number(percent) - 100} points too many (PackedPolicyTooLarge: ${awsMessage})`, { cause: error });
      }
      break;
    }
    case 'MalformedPolicyDocument':
    case 'MalformedPolicyDocumentException':
      code = 'STS_POLICY_MALFORMED';
      break;
    case 'ValidationError':
      if (/DurationSeconds/i.test(awsMessage)) code = 'STS_DURATION';
      break;
    default:
      if (e.$fault === 'server' || (e.$metadata?.httpStatusCode ?? 0) >= 500) code = 'STS_UNAVAILABLE';
  }
  return new RolecallError(code, `${what} failed: ${awsMessage} (${name})`, { hint, cause: error });
}

export function isDurationAboveMax(error: RolecallError): boolean {
  return error.code === 'STS_DURATION' && /MaxSessionDuration/i.test(error.message);
}
