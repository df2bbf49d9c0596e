// The loopback redirect listener of RFC 8252 7.3: binds a loopback address (random port unless the
// configured redirect URI names one), accepts exactly one callback that carries this login's
// `state` and is addressed to the loopback host, and closes. Anything else is refused and the
// wait goes on until the real callback or the timeout. A `localhost` redirect binds both
// 127.0.0.1 and ::1 on the same port: the browser may resolve localhost to either, and whoever
// holds the other one would receive the code.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createListener, type AddressInfo, type Server, type Socket } from 'node:net';
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

/** the addresses a redirect host reaches: localhost is both loopback addresses */
function bindHosts(hostname: string | undefined): string[] {
  if (hostname === '[::1]') return ['::1'];
  if (hostname === 'localhost') return ['127.0.0.1', '::1'];
  return ['127.0.0.1'];
}

const MAX_PORT_TRIES = 20;
const WARNED_REFUSALS = 3;

function listenOn(listener: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    listener.once('error', reject);
    listener.listen({ host, port, exclusive: true }, () => {
      listener.off('error', reject);
      resolve();
    });
  });
}

const closeListener = (listener: Server) => new Promise<void>((resolve) => listener.close(() => resolve()));

/**
 * Listens on every one of `hosts` at the same port: the configured one, else a random one that is
 * free on all of them. A host whose address family this machine lacks (no IPv6) is skipped: no
 * browser reaches it, and nobody can hold it either.
 */
async function listenAll(hosts: string[], wanted: number, onConnection: (socket: Socket) => void): Promise<{ listeners: Server[]; port: number }> {
  for (let attempt = 1; ; attempt++) {
    const listeners: Server[] = [];
    let port = wanted;
    try {
      for (const host of hosts) {
        const listener = createListener(onConnection);
        try {
          await listenOn(listener, host, port);
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (listeners.length > 0 && (code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT')) continue;
          throw Object.assign(error as Error, { host });
        }
        listeners.push(listener);
        port = (listener.address() as AddressInfo).port;
      }
      return { listeners, port };
    } catch (error) {
      await Promise.all(listeners.map(closeListener));
      // a random port free on 127.0.0.1 but taken on ::1: try another one
      const retry = wanted === 0 && listeners.length > 0 && (error as NodeJS.ErrnoException).code === 'EADDRINUSE' && attempt < MAX_PORT_TRIES;
      if (!retry) throw error;
    }
  }
}

/** the distinct reasons of the refusals, the first few of them: forged Host headers can each differ */
function reasons(refusals: string[]): string {
  const distinct = [...new Set(refusals)];
  const more = distinct.length - WARNED_REFUSALS;
  return `${distinct.slice(0, WARNED_REFUSALS).join('; ')}${more > 0 ? `; and ${more} other reason${more === 1 ? '' : 's'}` : ''}`;
}

export function startLoopback(options: LoopbackOptions): Promise<Loopback> {
  const configured = options.redirectUri ? new URL(options.redirectUri) : undefined;
  const hosts = bindHosts(configured?.hostname);
  const path = configured?.pathname && configured.pathname !== '/' ? configured.pathname : '/callback';
  const refusals: string[] = [];
  let accepted = false;
  let settle: { resolve: (c: Callback) => void; reject: (e: RolecallError) => void } | undefined;
  const callback = new Promise<Callback>((resolve, reject) => (settle = { resolve, reject }));
  // the flow may fail before anyone awaits the callback; the rejection is still seen by whoever awaits it
  callback.catch(() => undefined);

  // one HTTP server fed by a listener per address, so that one callback ends the wait on all of them
  const server = createServer((req, res) => handle(req, res));
  let listeners: Server[] = [];
  const sockets = new Set<Socket>();
  const accept = (socket: Socket) => {
    sockets.add(socket.once('close', () => sockets.delete(socket)));
    server.emit('connection', socket);
  };
  const stopListening = () => {
    for (const listener of listeners) listener.close();
  };
  const close = () => {
    stopListening();
    for (const socket of sockets) socket.destroy();
  };
  // a page or a local process can send thousands of forged callbacks: the first few are said one
  // by one, then once that more are being counted; the final error gives the total
  const refuse = (res: ServerResponse, status: number, reason: string, text: string) => {
    refusals.push(reason);
    if (refusals.length <= WARNED_REFUSALS) options.log.warn(`refused a login callback: ${reason}; still waiting for the real one.`);
    else if (refusals.length === WARNED_REFUSALS + 1) options.log.warn('refusing more login callbacks; they are counted, not shown one by one.');
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
    stopListening();
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
        ? new RolecallError('OIDC_CALLBACK', `no valid login callback within ${seconds}s; refused ${refusals.length}: ${reasons(refusals)}`)
        : new RolecallError('OIDC_TIMEOUT', `the browser login did not finish within ${seconds}s (web_identity_timeout)`),
    );
  }, options.timeoutMs);
  timer.unref?.();

  return listenAll(hosts, Number(configured?.port || 0), accept).then(
    (bound) => {
      listeners = bound.listeners;
      port = bound.port;
      const host = configured ? configured.hostname : '127.0.0.1';
      return {
        redirectUri: `http://${host}:${port}${path}`,
        callback,
        close() {
          clearTimeout(timer);
          close();
        },
      };
    },
    (error: NodeJS.ErrnoException & { host?: string }) => {
      clearTimeout(timer);
      const where = error.host === '::1' ? `[::1]:${configured?.port || port}` : `${error.host ?? hosts[0]} port ${configured?.port || 'random'}`;
      const localhost = hosts.length > 1 ? ` (the redirect URI says localhost, which browsers may resolve to 127.0.0.1 or ::1, so rolecall holds both)` : '';
      throw new RolecallError('OIDC_CALLBACK', `cannot listen on ${where} for the login callback${localhost}: ${error.code ?? error.message}`, {
        hint:
          error.code === 'EADDRINUSE'
            ? 'Another program (perhaps another user\'s) holds that port: whoever holds it would receive the login code. Stop it, or use a redirect URI without a port so rolecall picks a free one.'
            : 'Check web_identity_redirect_uri: it must name a loopback address (127.0.0.1, [::1] or localhost).',
        cause: error,
      });
    },
  );
}
