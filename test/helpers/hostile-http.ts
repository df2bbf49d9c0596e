// A loopback HTTP server that answers what the test tells it to, for hostile-input tests: an
// identity provider or SAML POST API that sends escape sequences, huge or deeply nested answers.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const CHUNK = 64 * 1024;

export type Route = (req: IncomingMessage, body: string) => { status?: number; type?: string; body: string | Buffer };

export interface HostileServer {
  url: string;
  /** path -> answer; unknown paths get 404 */
  routes: Map<string, Route>;
  /** requests seen, as "METHOD /path" */
  seen: string[];
  /** per request seen, in order: whether the client took the whole answer (false: it closed the connection first) */
  taken: Promise<boolean>[];
  close(): Promise<void>;
}

export async function startHostileServer(): Promise<HostileServer> {
  const routes = new Map<string, Route>();
  const seen: string[] = [];
  const taken: Promise<boolean>[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0]!;
      seen.push(`${req.method} ${path}`);
      let finished = false;
      res.on('finish', () => (finished = true));
      taken.push(new Promise((resolve) => res.on('close', () => resolve(finished))));
      const route = routes.get(path);
      if (!route) {
        res.writeHead(404).end();
        return;
      }
      const answer = route(req, Buffer.concat(chunks).toString('utf8'));
      res.writeHead(answer.status ?? 200, { 'content-type': answer.type ?? 'application/json' });
      // sent as the client takes it, so that a client that stops reading leaves the rest unsent
      const body = Buffer.from(answer.body);
      let at = 0;
      const pump = () => {
        while (at < body.length && !res.destroyed) {
          if (!res.write(body.subarray(at, (at += CHUNK)))) {
            res.once('drain', pump);
            return;
          }
        }
        if (!res.destroyed) res.end();
      };
      pump();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    routes,
    seen,
    taken,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A SAML Response (base64, as a POST API sends it) with this status and message. */
export function samlStatusResponse(statusCode: string, message: string): string {
  const xml = `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_r1" Version="2.0" IssueInstant="2026-11-23T10:00:00Z"><samlp:Status><samlp:StatusCode Value="${statusCode}"/><samlp:StatusMessage>${message}</samlp:StatusMessage></samlp:Status></samlp:Response>`;
  return Buffer.from(xml).toString('base64');
}
