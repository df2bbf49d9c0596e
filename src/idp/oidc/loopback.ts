// The loopback redirect listener of RFC 8252 7.3: binds a loopback address (random port unless the
// configured redirect URI names one), accepts exactly one callback that carries this login's
// `state` and is addressed to the loopback host, and closes. Anything else is refused and the
// wait goes on until the real callback or the timeout.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RolecallError } from '../../errors';
import type { Logger } from '../../platform/logger';

export interface LoopbackOptions {
  /** a configured loopback redirect URI (its host, port and path are used) */
  redirectUri?: string;
  expectedState: string;
  timeoutMs: number;
  successRedirectUrl?: string;
  failureRedirectUrl?: string;
  log: Logger;
}

export interface Callback {
  /** the full callback URL, for openid-client's authorizationCodeGrant */
  url: URL;
  /** answers the browser once the code has been exchanged (or has failed) */
  finish(outcome: { ok: true } | { ok: false; message: string }): Promise<void>;
}

export interface Loopback {
  redirectUri: string;
  /** the one callback with the right state; rejects with OIDC_TIMEOUT / OIDC_CALLBACK */
  callback: Promise<Callback>;
  /** stops listening and drops every connection (idempotent) */
  close(): void;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, text: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>rolecall: ${escapeHtml(title)}</title></head><body style="font-family:sans-serif;margin:3em"><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></body></html>`;
}

function send(res: ServerResponse, status: number, title: string, text: string, headers: Record<string, string> = {}): void {
  // the page runs nothing and loads nothing; the callback URL (with the code) must not leak as a referrer
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
    ...headers,
  });
  res.end(page(title, text));
}

export function startLoopback(options: LoopbackOptions): Promise<Loopback> {
  const configured = options.redirectUri ? new URL(options.redirectUri) : undefined;
  const bindHost = configured?.hostname === '[::1]' ? '::1' : '127.0.0.1';
  const path = configured?.pathname && configured.pathname !== '/' ? configured.pathname : '/callback';
  const refusals: string[] = [];
  let accepted = false;
  let settle: { resolve: (c: Callback) => void; reject: (e: RolecallError) => void } | undefined;
  const callback = new Promise<Callback>((resolve, reject) => (settle = { resolve, reject }));
  // the flow may fail before anyone awaits the callback; the rejection is still seen by whoever awaits it
  callback.catch(() => undefined);

  const server = createServer((req, res) => handle(req, res));
  const close = () => {
    server.close();
    server.closeAllConnections();
  };
  const refuse = (res: ServerResponse, status: number, reason: string, text: string) => {
    refusals.push(reason);
    options.log.warn(`refused a login callback: ${reason}; still waiting for the real one.`);
    send(res, status, 'Login answer refused', text);
  };

  let port = 0;
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    if (accepted) {
      send(res, 410, 'Login already finished', 'rolecall accepts one login answer only. You can close this tab.', { connection: 'close' });
      return;
    }
    const hosts = [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];
    const host = (req.headers.host ?? '').toLowerCase();
    if (!hosts.includes(host)) {
      refuse(res, 421, `it was addressed to host "${host.slice(0, 100)}", not the loopback address`, 'This address only answers requests for the loopback address.');
      return;
    }
    const url = new URL(req.url ?? '/', `http://${host}`);
    if (url.pathname !== path) {
      send(res, 404, 'Not found', 'This is the rolecall login listener; it only answers the login callback.');
      return;
    }
    if (req.method !== 'GET') {
      send(res, 405, 'Method not allowed', 'The login callback must be a GET request.', { allow: 'GET' });
      return;
    }
    if (url.searchParams.get('state') !== options.expectedState) {
      refuse(res, 400, 'its state does not belong to this login (a forged or stale answer)', 'This login answer does not belong to the login rolecall is waiting for. Start the login again from the terminal if needed.');
      return;
    }
    accepted = true;
    clearTimeout(timer);
    // no new connections from now on: a second callback finds the port closed
    server.close();
    settle?.resolve({
      url,
      finish: (outcome) =>
        new Promise<void>((resolve) => {
          res.once('close', () => {
            close();
            resolve();
          });
          if (outcome.ok) {
            if (options.successRedirectUrl) res.writeHead(303, { location: options.successRedirectUrl, connection: 'close' }).end();
            else send(res, 200, 'Login successful', 'Login successful. You can close this tab and return to the terminal.', { connection: 'close' });
          } else if (options.failureRedirectUrl) {
            res.writeHead(303, { location: options.failureRedirectUrl, connection: 'close' }).end();
          } else {
            send(res, 400, 'Login failed', `Login failed: ${outcome.message}`, { connection: 'close' });
          }
        }),
    });
  };

  const timer = setTimeout(() => {
    close();
    const seconds = Math.round(options.timeoutMs / 1000);
    settle?.reject(
      refusals.length > 0
        ? new RolecallError('OIDC_CALLBACK', `no valid login callback within ${seconds}s; refused ${refusals.length}: ${[...new Set(refusals)].join('; ')}`)
        : new RolecallError('OIDC_TIMEOUT', `the browser login did not finish within ${seconds}s`),
    );
  }, options.timeoutMs);
  timer.unref?.();

  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        new RolecallError('OIDC_CALLBACK', `cannot listen on ${bindHost} port ${configured?.port || 'random'} for the login callback: ${error.code ?? error.message}`, {
          hint: 'Another program holds the port of web_identity_redirect_uri: stop it, or use a redirect URI without a port so rolecall picks a free one.',
          cause: error,
        }),
      );
    });
    server.listen(Number(configured?.port || 0), bindHost, () => {
      port = (server.address() as AddressInfo).port;
      const host = configured ? configured.hostname : '127.0.0.1';
      resolve({
        redirectUri: `http://${host}:${port}${path}`,
        callback,
        close() {
          clearTimeout(timer);
          close();
        },
      });
    });
  });
}
