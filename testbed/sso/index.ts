// The testbed's IAM Identity Center: two loopback listeners standing in for AWS's two hosts, SSO OIDC
// (oidc.REGION.amazonaws.com: the API and the sign-in pages) and the AWS access portal
// (portal.sso.REGION.amazonaws.com), speaking restJson1 as botocore, the AWS CLI and rolecall
// expect. Its people are the world's idpUsers named in identityCenter.users; its accounts, permission
// sets and assignments come from world.identityCenter. Role credentials are sessions of the AWS
// emulator's STS (started by ../aws/index.ts, which shares its Sessions and call counts).
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Sessions } from '../aws/sessions';
import type { World } from '../world';
import { readBody } from '../idp/http-body';
import { SsoFault } from './fault';
import { createToken, registerClient, startDeviceAuthorization, type Body } from './oidc';
import { servePage } from './pages';
import { PORTAL_OPERATIONS, portalCall } from './portal';
import { IdentityCenterState, reservedRoleArn } from './state';

export { reservedRoleArn };

export interface IdentityCenter {
  /** http://127.0.0.1:PORT standing in for https://oidc.REGION.amazonaws.com (AWS_ENDPOINT_URL_SSO_OIDC) */
  oidcUrl: string;
  /** http://127.0.0.1:PORT standing in for https://portal.sso.REGION.amazonaws.com (AWS_ENDPOINT_URL_SSO) */
  portalUrl: string;
  /** CreateToken calls by grantType (device code grant: 'urn:ietf:params:oauth:grant-type:device_code'), answered or refused */
  grants(grantType: string): number;
  /** approve a pending device code as `username` would on the verification page */
  approveDevice(userCode: string, username: string): void;
  /** an administrator revokes every session of the user: access and refresh tokens stop working */
  revokeUser(username: string): void;
  /** the next `count` device code polls are answered SlowDownException */
  slowDown(count: number): void;
  /** registrations, devices, codes, tokens and grant counts forgotten */
  reset(): void;
  close(): Promise<void>;
}

const OIDC_OPERATIONS: Record<string, string> = {
  '/client/register': 'RegisterClient',
  '/device_authorization': 'StartDeviceAuthorization',
  '/token': 'CreateToken',
};

function json(res: ServerResponse, status: number, body: Record<string, unknown> | undefined, type?: string): void {
  const headers: Record<string, string> = { 'Content-Type': 'application/json', 'x-amzn-RequestId': randomUUID() };
  // botocore and the SDKs read the exception's name from this header (text after ':' is ignored)
  if (type) headers['x-amzn-ErrorType'] = `${type}:http://internal.amazon.com/coral/com.amazonaws.switchboard.portal/`;
  res.writeHead(status, headers);
  res.end(body === undefined ? '' : JSON.stringify(body));
}

function fail(res: ServerResponse, error: unknown, name: string): void {
  if (error instanceof SsoFault) return json(res, error.status, error.body, error.type);
  process.stderr.write(`testbed sso: ${name} failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  json(res, 500, { error: 'server_error', error_description: 'An internal error occurred' }, 'InternalServerException');
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}

function stop(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}

export async function startIdentityCenter(world: World, sessions: Sessions, count: (operation: string) => void): Promise<IdentityCenter> {
  let state = new IdentityCenterState(world);
  let oidcOrigin = '';

  async function oidc(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', oidcOrigin);
    const text = await readBody(req);
    const operation = OIDC_OPERATIONS[url.pathname];
    if (!operation) {
      const form = req.method === 'POST' ? new URLSearchParams(text) : new URLSearchParams();
      if (url.pathname === '/authorize') count('Authorize');
      if (!servePage(state, req.method ?? 'GET', url, form, res)) json(res, 404, { message: 'Not Found' }, 'UnknownOperationException');
      return;
    }
    count(operation);
    try {
      if (req.method !== 'POST') throw new SsoFault('UnknownOperationException', 404, { message: `${req.method} ${url.pathname}` });
      let body: Body;
      try {
        body = JSON.parse(text || '{}') as Body;
      } catch {
        throw new SsoFault('SerializationException', 400, { message: 'The request body is not valid JSON' });
      }
      if (operation === 'RegisterClient') return json(res, 200, registerClient(state, body));
      if (operation === 'StartDeviceAuthorization') return json(res, 200, startDeviceAuthorization(state, body, oidcOrigin));
      return json(res, 200, createToken(state, body));
    } catch (error) {
      fail(res, error, operation);
    }
  }

  async function portal(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://portal');
    await readBody(req);
    const operation = PORTAL_OPERATIONS[url.pathname];
    if (!operation || operation.method !== req.method) return json(res, 404, { message: 'Not Found' }, 'UnknownOperationException');
    count(operation.name);
    try {
      json(res, 200, portalCall(state, sessions, operation.name, req.headers, url.searchParams));
    } catch (error) {
      fail(res, error, operation.name);
    }
  }

  const serve = (handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>) =>
    createServer((req, res) => {
      handler(req, res).catch((error: unknown) => fail(res, error, req.url ?? ''));
    });
  const oidcServer = serve(oidc);
  const portalServer = serve(portal);
  oidcOrigin = await listen(oidcServer);
  const portalUrl = await listen(portalServer);

  return {
    oidcUrl: oidcOrigin,
    portalUrl,
    grants: (grantType) => state.grantCounts.get(grantType) ?? 0,
    approveDevice(userCode, username) {
      const device = [...state.devices.values()].find((d) => d.userCode === userCode && d.status === 'pending');
      if (!device) throw new Error(`no pending device code ${userCode}`);
      device.user = username;
      device.status = 'approved';
    },
    revokeUser: (username) => state.revokeUser(username),
    slowDown(n) {
      state.slowDowns = n;
    },
    reset() {
      state = new IdentityCenterState(world);
    },
    close: async () => {
      await Promise.all([stop(oidcServer), stop(portalServer)]);
    },
  };
}
