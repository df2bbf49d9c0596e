// One POST carrying credentials: bounded in time (and in size, by the bounded fetch every caller
// hands in: src/idp/bounded-answer.ts), and never following a redirect, which would re-send the
// password or token to wherever it points.
import type { CustomFetch } from 'openid-client';
import { RolecallError } from '../../errors';

const TIMEOUT_MS = 30_000;

/**
 * `what` names the endpoint in errors ("the SAML assertion URL"); `code` is the error for a redirect;
 * `fetchImpl` reads the answer within the bound (boundedFetch), over the IdP's mTLS / private-CA
 * fetch (src/idp/oidc/fetch.ts) when it needs one.
 */
export async function postOnce(
  url: URL,
  init: { headers: Record<string, string>; body: string | URLSearchParams },
  what: string,
  code: 'SAML_ERROR' | 'OIDC_ERROR',
  fetchImpl: CustomFetch,
): Promise<Response> {
  let response: Response;
  try {
    response = await fetchImpl(url.href, { method: 'POST', ...init, redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (error) {
    if (error instanceof RolecallError) throw error;
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
