// The validating AWS emulator: one loopback HTTP endpoint that speaks the Query protocol for STS
// and IAM (SigV4 verified against the world's keys and the sessions it issued), plus the console
// federation endpoint; and IAM Identity Center (../sso/) on two more, sharing the sessions and the
// call counts. Answers are shaped like AWS's so the SDKs, the AWS CLI and boto3 parse them.
import { createLocalJWKSet, type JSONWebKeySet } from 'jose';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { World } from '../world';
import { startIdentityCenter, type IdentityCenter } from '../sso/index';
import { AwsFault, expiredToken, invalidClientTokenId, signatureDoesNotMatch } from './fault';
import { Federation, type Answer } from './federation';
import { userPrincipal } from './identity';
import { getUser, listAccountAliases, listMfaDevices, listRoles } from './iam';
import { assumeRoleWithSaml } from './saml';
import { Sessions } from './sessions';
import { authorize } from './permissions';
import { checkSignatureTime, parseSignature, signatureMatches, type IncomingRequest } from './sigv4';
import type { Caller, Handler, State } from './state';
import { assumeRole, getCallerIdentity, getFederationToken, getSessionToken } from './sts';
import { totpCode } from './totp';
import { assumeRoleWithWebIdentity } from './web-identity';
import { errorXml, IAM_NS, resultXml, STS_NS } from './xml';

export interface AwsEmulator {
  /** http://127.0.0.1:PORT - STS and IAM (Query protocol) */
  url: string;
  /** http://127.0.0.1:PORT/federation - the console federation endpoint */
  signinUrl: string;
  /** IAM Identity Center: SSO OIDC and the access portal (its own listeners) */
  sso: IdentityCenter;
  /**
   * requests per Action (e.g. 'AssumeRole', 'getSigninToken'; Identity Center's operations by name,
   * 'CreateToken', 'GetRoleCredentials', and 'Authorize' for its sign-in page), or all of them; failed ones count too
   */
  calls(action?: string): number;
  resetCalls(): void;
  /** the current TOTP code of an MFA device of the world */
  totp(serial: string, at?: Date): string;
  /** shift the Date header of every answer by this many seconds (clock-skew tests) */
  setDateSkew(seconds: number): void;
  /**
   * verify tokens of `issuer` with these keys instead of fetching them: for an IdP whose TLS
   * certificate a private CA signs, which AWS trusts by the certificate registered with the provider
   */
  pinIssuerKeys(issuer: string, jwks: JSONWebKeySet): void;
  close(): Promise<void>;
}

interface Action {
  service: 'sts' | 'iam';
  handler: Handler;
  /** web identity and SAML calls carry their own proof instead of a signature */
  unsigned?: boolean;
  /** the resource a role session's policies are checked against (./permissions.ts); absent: no permission is needed (GetCallerIdentity), or users only */
  resource?: (params: URLSearchParams, account: string) => string;
}

const ACTIONS: Record<string, Action> = {
  GetSessionToken: { service: 'sts', handler: getSessionToken },
  AssumeRole: { service: 'sts', handler: assumeRole, resource: (params) => params.get('RoleArn') ?? '*' },
  GetCallerIdentity: { service: 'sts', handler: getCallerIdentity },
  GetFederationToken: { service: 'sts', handler: getFederationToken },
  AssumeRoleWithWebIdentity: { service: 'sts', handler: assumeRoleWithWebIdentity, unsigned: true },
  AssumeRoleWithSAML: { service: 'sts', handler: assumeRoleWithSaml, unsigned: true },
  ListRoles: { service: 'iam', handler: listRoles, resource: (_params, account) => `arn:aws:iam::${account}:role/` },
  GetUser: { service: 'iam', handler: getUser, resource: (params, account) => `arn:aws:iam::${account}:user/${params.get('UserName') ?? ''}` },
  ListMFADevices: { service: 'iam', handler: listMfaDevices, resource: (params, account) => `arn:aws:iam::${account}:user/${params.get('UserName') ?? ''}` },
  ListAccountAliases: { service: 'iam', handler: listAccountAliases, resource: () => '*' },
};

const MAX_BODY = 1024 * 1024;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) req.destroy(new Error('request body too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Who signed the request: a world user's long-lived key or a session we issued. */
function authenticate(state: State, request: IncomingRequest, service: string): Caller {
  const sig = parseSignature(request);
  if (!sig) throw new AwsFault('MissingAuthenticationToken', 'Request is missing Authentication Token', 403);
  const user = state.world.users.find((u) => u.accessKeyId === sig.accessKeyId);
  const session = user ? undefined : state.sessions.find(sig.accessKeyId);
  let secret: string;
  let caller: Caller;
  if (user) {
    if (sig.securityToken) throw invalidClientTokenId();
    secret = user.secretAccessKey;
    caller = { principal: userPrincipal(`arn:aws:iam::${user.account}:user/${user.name}`), user };
  } else if (session) {
    if (sig.securityToken !== session.sessionToken) throw invalidClientTokenId();
    if (session.expiration.getTime() <= Date.now()) throw expiredToken();
    secret = session.secretAccessKey;
    const behind = session.principal.userArn;
    caller = { principal: session.principal, session, user: behind ? state.world.users.find((u) => `arn:aws:iam::${u.account}:user/${u.name}` === behind) : undefined };
  } else {
    throw invalidClientTokenId();
  }
  checkSignatureTime(sig);
  if (sig.service !== service) throw new AwsFault('SignatureDoesNotMatch', `Credential should be scoped to correct service: '${service}'. `, 403);
  if (!signatureMatches(request, sig, secret)) throw signatureDoesNotMatch();
  return caller;
}

function queryParams(request: IncomingRequest): URLSearchParams {
  const params = new URLSearchParams(request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '');
  const type = request.headers['content-type'] ?? '';
  if (request.body.length > 0 && type.startsWith('application/x-www-form-urlencoded')) {
    for (const [k, v] of new URLSearchParams(request.body.toString('utf8'))) params.append(k, v);
  }
  return params;
}

export async function startAws(world: World, options: { worldDir: string; port?: number }): Promise<AwsEmulator> {
  const sessions = new Sessions();
  const state: State = { world, worldDir: options.worldDir, sessions, keySets: new Map() };
  const federation = new Federation(world, sessions);
  const counts = new Map<string, number>();
  let skewSeconds = world.settings.dateSkewSeconds ?? 0;
  let origin = '';

  const count = (action: string) => counts.set(action, (counts.get(action) ?? 0) + 1);

  async function query(request: IncomingRequest): Promise<Answer> {
    const params = queryParams(request);
    const name = params.get('Action') ?? '';
    count(name);
    const action = ACTIONS[name];
    const requestId = randomUUID();
    const ns = action?.service === 'iam' ? IAM_NS : STS_NS;
    const headers = { 'Content-Type': 'text/xml', 'x-amzn-RequestId': requestId };
    try {
      if (!action) throw new AwsFault('InvalidAction', `Could not find operation ${name} for version ${params.get('Version') ?? '2011-06-15'}`, 400);
      const caller = action.unsigned ? undefined : authenticate(state, request, action.service);
      if (caller && action.resource) authorize(state.world, caller, `${action.service}:${name}`, action.resource(params, caller.principal.account));
      const result = await action.handler(state, { params, caller });
      return { status: 200, headers, body: resultXml(ns, name, result, requestId) };
    } catch (error) {
      const fault = error instanceof AwsFault ? error : new AwsFault('InternalFailure', 'The request processing has failed because of an unknown error, exception or failure.', 500, 'Receiver');
      if (!(error instanceof AwsFault)) process.stderr.write(`testbed aws: ${name} failed: ${error instanceof Error ? error.stack : String(error)}\n`);
      return { status: fault.status, headers, body: errorXml(ns, fault, requestId) };
    }
  }

  async function route(req: IncomingMessage): Promise<Answer> {
    const request: IncomingRequest = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: await readBody(req) };
    const url = new URL(request.url, origin);
    if (url.pathname === '/federation') {
      const action = url.searchParams.get('Action') ?? '';
      count(action);
      if (action === 'getSigninToken') return federation.getSigninToken(url.searchParams);
      if (action === 'login') return federation.login(url.searchParams, origin);
      return { status: 400, headers: { 'Content-Type': 'text/plain' }, body: `Unknown Action ${action}: use getSigninToken or login.\n` };
    }
    if (url.pathname === '/console') return federation.console(url.searchParams);
    return query(request);
  }

  function respond(res: ServerResponse, answer: Answer) {
    res.writeHead(answer.status, { ...answer.headers, Date: new Date(Date.now() + skewSeconds * 1000).toUTCString() });
    res.end(answer.body);
  }

  const server = createServer((req, res) => {
    route(req).then(
      (answer) => respond(res, answer),
      (error: unknown) => respond(res, { status: 500, headers: { 'Content-Type': 'text/plain' }, body: `${String(error)}\n` }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sso = await startIdentityCenter(world, sessions, count);

  return {
    url: origin,
    signinUrl: `${origin}/federation`,
    sso,
    calls: (action) => (action === undefined ? [...counts.values()].reduce((a, b) => a + b, 0) : (counts.get(action) ?? 0)),
    resetCalls: () => counts.clear(),
    totp(serial, at) {
      const device = world.users.find((u) => u.mfa?.serial === serial)?.mfa;
      if (!device) throw new Error(`no MFA device ${serial} in the world`);
      return totpCode(device.totpSecretBase32, at);
    },
    setDateSkew(seconds) {
      skewSeconds = seconds;
    },
    pinIssuerKeys(issuer, jwks) {
      state.keySets.set(issuer, Promise.resolve(createLocalJWKSet(jwks)));
    },
    close: async () => {
      await Promise.all([
        new Promise<void>((resolve, reject) => {
          server.close((error) => (error ? reject(error) : resolve()));
          server.closeAllConnections();
        }),
        sso.close(),
      ]);
    },
  };
}
