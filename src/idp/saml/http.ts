// One POST carrying credentials: bounded in time and in size, and never following a redirect,
// which would re-send the password or token to wherever it points.
import type { CustomFetch } from 'openid-client';
import { RolecallError } from '../../errors';

const TIMEOUT_MS = 30_000;
/** far above any real answer: a SAML Response with its signature is a few tens of kilobytes */
export const MAX_ANSWER_BYTES = 1024 * 1024;

/**
 * `what` names the endpoint in errors ("the SAML assertion URL"); `code` is the error for a redirect;
 * `fetchImpl` is the IdP's mTLS / private-CA fetch (src/idp/oidc/fetch.ts) when it needs one.
 */
export async function postOnce(
  url: URL,
  init: { headers: Record<string, string>; body: string | URLSearchParams },
  what: string,
  code: 'SAML_ERROR' | 'OIDC_ERROR',
  fetchImpl: CustomFetch = (href, options) => fetch(href, options as RequestInit),
): Promise<Response> {
  let response: Response;
  try {
    response = await fetchImpl(url.href, { method: 'POST', ...init, redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason =
      (error as Error).name === 'TimeoutError' ? `no answer within ${TIMEOUT_MS / 1000} s` : (cause?.code ?? cause?.message ?? (error as Error).message);
    throw new RolecallError('NETWORK', `${what} ${url.origin} could not be reached: ${reason}`, { cause: error });
  }
  if (response.status >= 300 && response.status < 400) {
    await response.body?.cancel();
    throw new RolecallError(code, `${what} ${url.origin}${url.pathname} answered with a redirect (HTTP ${response.status}); rolecall does not re-send credentials`, {
      hint: `Configure the final address of ${what}, not one that redirects.`,
    });
  }
  return response;
}

/** The answer's text, refused as soon as it grows past MAX_ANSWER_BYTES (a hostile server could send gigabytes). */
export async function readBounded(response: Response, what: string, code: 'SAML_ERROR' | 'OIDC_ERROR'): Promise<string> {
  const tooLarge = () =>
    new RolecallError(code, `${what} answered more than ${MAX_ANSWER_BYTES / 1024 / 1024} MiB; no SAML or token answer is that large, so rolecall stopped reading it`, {
      hint: "Check the URL: it must be the identity provider's endpoint, not something that streams data.",
    });
  if (Number(response.headers.get('content-length')) > MAX_ANSWER_BYTES) {
    await response.body?.cancel();
    throw tooLarge();
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_ANSWER_BYTES) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
