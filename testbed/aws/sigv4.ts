// AWS Signature Version 4 verification, for the Authorization header and for presigned query
// strings. The canonical request is rebuilt from what arrived, exactly as the signer built it.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { AwsFault, signatureDoesNotMatch } from './fault';

const ALGORITHM = 'AWS4-HMAC-SHA256';
const MAX_SKEW_MS = 5 * 60 * 1000;

export interface IncomingRequest {
  method: string;
  /** path and query as received, e.g. "/?Action=GetCallerIdentity" */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface Signature {
  accessKeyId: string;
  date: string; // YYYYMMDD
  region: string;
  service: string;
  amzDate: string; // YYYYMMDDTHHMMSSZ
  signedHeaders: string[];
  signature: string;
  /** the session token, from the X-Amz-Security-Token header or query parameter */
  securityToken?: string;
  presigned: boolean;
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

/** RFC 3986 encoding, as SigV4 wants it */
function encode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function queryPairs(url: string): [string, string][] {
  const query = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
  return [...new URLSearchParams(query)];
}

/** Reads who signed the request, or undefined when it is not signed at all. */
export function parseSignature(request: IncomingRequest): Signature | undefined {
  const authorization = header(request.headers, 'authorization');
  if (authorization) {
    const match = /^AWS4-HMAC-SHA256\s+Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})\s*$/.exec(authorization);
    const amzDate = header(request.headers, 'x-amz-date');
    if (!match || !amzDate) throw new AwsFault('IncompleteSignature', `Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters, and the X-Amz-Date header. Authorization=${authorization.split(' ')[0]}`, 400);
    return fromParts(match[1]!, match[2]!, match[3]!, amzDate, header(request.headers, 'x-amz-security-token'), false);
  }
  const query = new Map(queryPairs(request.url));
  if (query.get('X-Amz-Algorithm') !== ALGORITHM) return undefined;
  const [credential, signed, signature, amzDate] = ['X-Amz-Credential', 'X-Amz-SignedHeaders', 'X-Amz-Signature', 'X-Amz-Date'].map((k) => query.get(k));
  if (!credential || !signed || !signature || !amzDate) throw new AwsFault('IncompleteSignature', 'The presigned request lacks X-Amz-Credential, X-Amz-SignedHeaders, X-Amz-Signature or X-Amz-Date.', 400);
  const expires = Number(query.get('X-Amz-Expires') ?? '900');
  if (Date.now() > amzDateToMs(amzDate) + expires * 1000) throw new AwsFault('AccessDenied', 'Request has expired', 403);
  return fromParts(credential, signed, signature, amzDate, query.get('X-Amz-Security-Token'), true);
}

function fromParts(credential: string, signed: string, signature: string, amzDate: string, token: string | undefined, presigned: boolean): Signature {
  const [accessKeyId, date, region, service, terminator] = credential.split('/');
  if (!accessKeyId || !date || !region || !service || terminator !== 'aws4_request') {
    throw new AwsFault('IncompleteSignature', `Credential should be scoped to a valid region, not '${region ?? ''}'. `, 400);
  }
  return { accessKeyId, date, region, service, amzDate, signedHeaders: signed.split(';'), signature, securityToken: token, presigned };
}

function amzDateToMs(amzDate: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (!m) return NaN;
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
}

function formatAmzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** AWS refuses signatures more than 5 minutes away from its clock, with these texts */
export function checkSignatureTime(sig: Signature, now = Date.now()): void {
  const signedAt = amzDateToMs(sig.amzDate);
  if (Number.isNaN(signedAt) || sig.amzDate.slice(0, 8) !== sig.date) throw signatureDoesNotMatch();
  if (sig.presigned) return; // presigned URLs live until X-Amz-Expires instead
  if (signedAt < now - MAX_SKEW_MS) {
    throw new AwsFault('SignatureDoesNotMatch', `Signature expired: ${sig.amzDate} is now earlier than ${formatAmzDate(now - MAX_SKEW_MS)} (${formatAmzDate(now)} - 5 min.)`, 403);
  }
  if (signedAt > now + MAX_SKEW_MS) {
    throw new AwsFault('SignatureDoesNotMatch', `Signature not yet current: ${sig.amzDate} is still later than ${formatAmzDate(now + MAX_SKEW_MS)} (${formatAmzDate(now)} + 5 min.)`, 403);
  }
}

function canonicalRequest(request: IncomingRequest, sig: Signature, payloadHash: string): string {
  const rawPath = request.url.split('?')[0] || '/';
  const path = rawPath
    .split('/')
    .map((segment) => encode(decodeURIComponent(segment)))
    .join('/');
  const query = queryPairs(request.url)
    .filter(([k]) => !(sig.presigned && k === 'X-Amz-Signature'))
    .map(([k, v]) => [encode(k), encode(v)] as const)
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const headers = sig.signedHeaders.map((name) => `${name}:${(header(request.headers, name) ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
  return [request.method, path, query, headers, sig.signedHeaders.join(';'), payloadHash].join('\n');
}

function signatureFor(request: IncomingRequest, sig: Signature, secret: string, payloadHash: string): string {
  const scope = `${sig.date}/${sig.region}/${sig.service}/aws4_request`;
  const stringToSign = [ALGORITHM, sig.amzDate, scope, sha256(canonicalRequest(request, sig, payloadHash))].join('\n');
  let key = hmac(`AWS4${secret}`, sig.date);
  for (const part of [sig.region, sig.service, 'aws4_request']) key = hmac(key, part);
  return createHmac('sha256', key).update(stringToSign).digest('hex');
}

/** true when the request was signed with this secret */
export function signatureMatches(request: IncomingRequest, sig: Signature, secret: string): boolean {
  if (!sig.signedHeaders.includes('host')) return false;
  const declared = header(request.headers, 'x-amz-content-sha256');
  const candidates = declared ? [declared] : sig.presigned ? [sha256(request.body), 'UNSIGNED-PAYLOAD'] : [sha256(request.body)];
  if (declared && declared !== 'UNSIGNED-PAYLOAD' && declared !== sha256(request.body)) return false;
  const expected = Buffer.from(sig.signature, 'hex');
  return candidates.some((hash) => {
    const actual = Buffer.from(signatureFor(request, sig, secret, hash), 'hex');
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  });
}
