// The checks every request to a credential server passes before anything else is looked at.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * Why a request must be refused before authentication (403), or undefined when it may go on.
 * A browser page on a rebinding DNS name reaches the server with its own Host header; a proxy on
 * this machine announces itself with Forwarded or X-Forwarded-For: neither may read credentials.
 * `hosts` are the host:port values clients legitimately use (lower case).
 */
export function refusal(req: IncomingMessage, hosts: readonly string[]): string | undefined {
  if (req.headers['x-forwarded-for'] !== undefined || req.headers.forwarded !== undefined) {
    return 'requests through a proxy are refused';
  }
  const host = req.headers.host?.toLowerCase();
  if (host === undefined || !hosts.includes(host)) {
    return `the Host header must be ${hosts.length === 1 ? hosts[0] : `${hosts.slice(0, -1).join(', ')} or ${hosts.at(-1)}`}`;
  }
  return undefined;
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/** constant-time equality that does not leak the expected length either */
export function sameSecret(given: string | undefined, expected: string): boolean {
  return matcher(expected)(given);
}

/** sameSecret with the expected side hashed once, for a secret checked on every request */
export function matcher(expected: string): (given: string | undefined) => boolean {
  const wanted = digest(expected);
  return (given) => given !== undefined && timingSafeEqual(digest(given), wanted);
}
