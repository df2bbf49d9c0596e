// One call to an Identity Center API (SSO OIDC or the portal): restJson1 over HTTPS, unsigned (the
// portal takes the bearer token in a header), retried with backoff on throttling, 5xx and network
// failures as the SDKs' standard retry mode does. AWS's exception name comes from x-amzn-ErrorType,
// its words from `error_description` (SSO OIDC) or `message` (portal). No secret reaches an error.
import { setTimeout as sleep } from 'node:timers/promises';
import { RolecallError } from '../../errors';
import { boundedFetch } from '../bounded-answer';
import type { Logger } from '../../platform/logger';
import { networkCode } from '../../sts/errors';

const TIMEOUT_MS = 30_000;
const MAX_ATTEMPTS = 3;

/** an answer of Identity Center that is an error: its exception name, HTTP status and message */
export class SsoApiError extends Error {
  constructor(
    readonly type: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface SsoRequest {
  /** the operation, for messages: CreateToken, GetRoleCredentials, ... */
  operation: string;
  /** which service, for the hint naming its endpoint variable */
  service: 'oidc' | 'portal';
  endpoint: string;
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string | undefined>;
  body?: Record<string, unknown>;
  bearer?: string;
}

const ENDPOINT_VARIABLE = { oidc: 'AWS_ENDPOINT_URL_SSO_OIDC', portal: 'AWS_ENDPOINT_URL_SSO' } as const;

function errorOf(status: number, headers: Headers, text: string): SsoApiError {
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // a proxy's HTML page, or nothing
  }
  const header = headers.get('x-amzn-errortype')?.split(':')[0];
  const typeInBody = typeof body.__type === 'string' ? body.__type.split('#').pop() : undefined;
  const type = header || typeInBody || (typeof body.error === 'string' ? body.error : `HTTP ${status}`);
  const words = [body.error_description, body.message, body.Message].find((v): v is string => typeof v === 'string' && v !== '');
  return new SsoApiError(type, status, words ?? (typeof body.error === 'string' ? body.error : text.slice(0, 200) || `HTTP ${status}`));
}

const retryable = (status: number) => status === 429 || status >= 500;

/** the JSON answer; SsoApiError for an error answer; RolecallError NETWORK when nobody answers, IDP_ANSWER_TOO_LARGE past the bound */
export async function ssoCall(request: SsoRequest, log: Logger): Promise<Record<string, unknown>> {
  const url = new URL(request.path, request.endpoint.endsWith('/') ? request.endpoint : `${request.endpoint}/`);
  for (const [key, value] of Object.entries(request.query ?? {})) if (value !== undefined) url.searchParams.set(key, value);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (request.body) headers['content-type'] = 'application/json';
  if (request.bearer) headers['x-amz-sso_bearer_token'] = request.bearer;
  const fetchAnswer = boundedFetch<RequestInit>(() => `Identity Center (${request.operation} at ${url.origin})`);
  for (let attempt = 1; ; attempt++) {
    log.debug(`Identity Center ${request.operation} at ${url.origin}${attempt > 1 ? ` (attempt ${attempt})` : ''}`);
    let response: Response;
    try {
      response = await fetchAnswer(url.href, {
        method: request.method,
        headers,
        body: request.body ? JSON.stringify(request.body) : undefined,
        redirect: 'error',
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      if (error instanceof RolecallError) throw error;
      if (attempt < MAX_ATTEMPTS) {
        await sleep(backoff(attempt));
        continue;
      }
      const reason = (error as Error).name === 'TimeoutError' ? `no answer within ${TIMEOUT_MS / 1000} s` : (networkCode(error) ?? (error as Error).message);
      throw new RolecallError('NETWORK', `Identity Center ${request.operation} failed: cannot reach ${url.origin} (${reason})`, {
        hint: `Check the network and sso_region; ${ENDPOINT_VARIABLE[request.service]} or the profile's services section, if set, must point at Identity Center.`,
        cause: error,
      });
    }
    const text = await response.text();
    if (response.ok) {
      try {
        return (text ? JSON.parse(text) : {}) as Record<string, unknown>;
      } catch {
        throw new RolecallError('SSO_ERROR', `Identity Center ${request.operation} at ${url.origin} answered with something that is not JSON`, {
          hint: `${ENDPOINT_VARIABLE[request.service]} or the profile's services section points at something that is not Identity Center.`,
        });
      }
    }
    const error = errorOf(response.status, response.headers, text);
    if (retryable(response.status) && attempt < MAX_ATTEMPTS) {
      log.debug(`Identity Center ${request.operation}: ${error.type}, retrying`);
      await sleep(backoff(attempt));
      continue;
    }
    throw error;
  }
}

/** exponential backoff with full jitter, as the SDKs' standard retry mode */
function backoff(attempt: number): number {
  return Math.random() * Math.min(20_000, 100 * 2 ** attempt);
}

/** an error answer as a rolecall error: AWS's exception name and words, and what to do */
export function ssoError(error: unknown, operation: string, what: string): RolecallError {
  if (error instanceof RolecallError) return error;
  if (!(error instanceof SsoApiError)) return new RolecallError('SSO_ERROR', `Identity Center ${operation} failed: ${(error as Error).message}`, { cause: error });
  const said = `${error.message} (${error.type})`;
  if (error.type === 'ForbiddenException' || error.type === 'ResourceNotFoundException') {
    return new RolecallError('SSO_NO_ACCESS', `Identity Center refused ${what}: ${said}`, { cause: error });
  }
  if (error.type === 'TooManyRequestsException' || error.status === 429) {
    return new RolecallError('SSO_ERROR', `Identity Center ${operation} for ${what} failed: ${said}`, { hint: 'Identity Center is throttling: wait a moment and try again.', cause: error });
  }
  return new RolecallError('SSO_ERROR', `Identity Center ${operation} for ${what} failed: ${said}`, { cause: error });
}
