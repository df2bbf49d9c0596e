// How both credential servers answer: small bodies, never cached by anything in between.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isRolecallError } from '../errors';
import type { Refresher, ServedCredentials } from './refresher';

export function reply(res: ServerResponse, status: number, body: string, type = 'application/json'): void {
  res.writeHead(status, {
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
  });
  res.end(body);
}

/** the error body SDKs print after "Received non 200 response": {"code","message"} */
export function errorBody(code: string, message: string): string {
  return JSON.stringify({ code, message });
}

export function replyError(res: ServerResponse, status: number, code: string, message: string): void {
  reply(res, status, errorBody(code, message));
}

/** the error a failed refresh left, as the 500 body; the message is masked by the caller's logger */
export function replyFailure(res: ServerResponse, error: unknown, mask: (text: string) => string): void {
  const code = isRolecallError(error) ? error.code : 'INTERNAL';
  const message = error instanceof Error ? error.message : String(error);
  replyError(res, 500, code, mask(message));
}

/** 2026-11-23T09:00:00Z: IMDS's own format, which botocore parses with a fixed strptime pattern */
export function isoSeconds(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/**
 * Answers a GET with the current credentials as `render` shapes them. The body is built once per
 * set of credentials: the endpoint is hit on every SDK refresh.
 */
export function credentialsResponder(refresher: Refresher, mask: (text: string) => string, render: (creds: ServedCredentials) => unknown) {
  let body: { creds: ServedCredentials; text: string } | undefined;
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'GET') {
      replyError(res, 405, 'MethodNotAllowed', 'only GET is served');
      return;
    }
    let creds: ServedCredentials;
    try {
      creds = await refresher.current();
    } catch (error) {
      replyFailure(res, error, mask);
      return;
    }
    if (body?.creds !== creds) body = { creds, text: JSON.stringify(render(creds)) };
    reply(res, 200, body.text);
  };
}
