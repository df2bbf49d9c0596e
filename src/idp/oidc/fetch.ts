// A fetch for IdPs that need a client certificate (mTLS) or a private CA, or whose certificate the
// user chose not to verify. Node 20's fetch cannot take TLS options without the undici package, so
// this is a small adapter over node:https that returns standard Response objects, their bodies
// streamed (src/idp/bounded-answer.ts bounds what is read of them).
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import type { CustomFetch } from 'openid-client';
import { RolecallError } from '../../errors';

export interface TlsOptions {
  clientCert?: string;
  clientKey?: string;
  clientCa?: string;
  insecureSkipVerify: boolean;
}

function pem(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new RolecallError('CONFIG_UNREADABLE', `cannot read the ${what} ${path}: ${(error as Error).message}`, { cause: error });
  }
}

/** undefined when the default fetch will do */
export function tlsFetch(options: TlsOptions): CustomFetch | undefined {
  if (!options.clientCert && !options.clientCa && !options.insecureSkipVerify) return undefined;
  if (Boolean(options.clientCert) !== Boolean(options.clientKey)) {
    throw new RolecallError('CONFIG_INVALID', 'a client certificate for mTLS needs both client_auth_cert and client_auth_key', {
      hint: 'Set both web_identity_client_cert and web_identity_client_key (client_auth_cert/client_auth_key in aws-cli-oidc), or neither.',
    });
  }
  const agent = new https.Agent({
    cert: options.clientCert ? pem(options.clientCert, 'client certificate') : undefined,
    key: options.clientKey ? pem(options.clientKey, 'client key') : undefined,
    ca: options.clientCa ? pem(options.clientCa, 'CA bundle') : undefined,
    rejectUnauthorized: !options.insecureSkipVerify,
  });
  return (url, init) =>
    new Promise<Response>((resolve, reject) => {
      const target = new URL(url);
      const secure = target.protocol === 'https:';
      const request = (secure ? https : http).request(
        target,
        { method: init.method, headers: init.headers, agent: secure ? agent : undefined, signal: init.signal },
        (response) => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(response.headers)) {
            for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, v);
          }
          const status = response.statusCode ?? 502;
          const empty = status === 204 || status === 304;
          if (empty) response.resume();
          // streamed, as fetch's body is: the bounded fetch over this one stops reading past its bound
          const body = empty ? null : (Readable.toWeb(response) as ReadableStream<Uint8Array>);
          resolve(new Response(body, { status, statusText: response.statusMessage, headers }));
        },
      );
      // the same shape fetch gives for a network failure, so errors map the same way
      request.on('error', (error) => reject(new TypeError('fetch failed', { cause: error })));
      const body = init.body;
      if (body instanceof URLSearchParams || typeof body === 'string') request.end(body.toString());
      else if (body instanceof Uint8Array || body instanceof ArrayBuffer) request.end(Buffer.from(body as Uint8Array));
      else request.end();
    });
}
