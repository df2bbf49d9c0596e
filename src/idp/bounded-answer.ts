// The one bound on what rolecall reads from an identity provider: OIDC discovery, signing keys, the
// token endpoint, Okta's Authentication API, IAM Identity Center, a SAML POST API. Every answer is
// read as it streams in and refused as soon as it grows past MAX_ANSWER_BYTES, so a hostile or
// broken provider cannot make rolecall read gigabytes until the timeout.
import type { CustomFetchOptions } from 'openid-client';
import { RolecallError } from '../errors';

/** far above any real answer: a SAML Response with its signature or a JWKS is a few tens of kilobytes */
export const MAX_ANSWER_BYTES = 1024 * 1024;
const CAP = `${MAX_ANSWER_BYTES / 1024 / 1024} MiB`;

/** statuses whose Response cannot carry a body */
const NULL_BODY = new Set([204, 205, 304]);

function tooLarge(what: string): RolecallError {
  return new RolecallError('IDP_ANSWER_TOO_LARGE', `${what} answered more than ${CAP}; no identity provider's answer is that large, so rolecall stopped reading it`);
}

/** The answer's bytes, refused as soon as they grow past MAX_ANSWER_BYTES (the rest is never read). */
async function readBounded(response: Response, what: string): Promise<Uint8Array<ArrayBuffer>> {
  if (Number(response.headers.get('content-length')) > MAX_ANSWER_BYTES) {
    await response.body?.cancel();
    throw tooLarge(what);
  }
  if (!response.body) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_ANSWER_BYTES) {
      await reader.cancel();
      throw tooLarge(what);
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk, at);
    at += chunk.byteLength;
  }
  return body;
}

const globalFetch = (url: string, init: object) => fetch(url, init as RequestInit);

/** names the endpoint in the error, e.g. "the identity provider's token endpoint https://idp/token" */
export type NameEndpoint = (url: URL) => string;

const byUrl: NameEndpoint = (url) => `the identity provider ${url.origin}${url.pathname}`;

/**
 * `fetchImpl` (the global fetch, or the mTLS / private-CA one of src/idp/oidc/fetch.ts) whose answers
 * are read at once, within the bound: the Response it resolves to holds its body in memory, and a
 * larger answer rejects with IDP_ANSWER_TOO_LARGE naming the endpoint. `Init` is openid-client's
 * request options unless the caller speaks plain fetch (RequestInit).
 */
export function boundedFetch<Init extends object = CustomFetchOptions>(
  name: NameEndpoint = byUrl,
  fetchImpl: (url: string, init: Init) => Promise<Response> = globalFetch,
): (url: string, init: Init) => Promise<Response> {
  return async (url, init) => {
    const response = await fetchImpl(url, init);
    const body = await readBounded(response, name(new URL(url)));
    return new Response(NULL_BODY.has(response.status) ? null : body, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}
