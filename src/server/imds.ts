// IMDSv2 on loopback, for tools that only speak the instance metadata protocol: a session token
// from PUT /latest/api/token is required on every GET; IMDSv1 (no token) is refused with 401.
import { createHmac, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Clock } from '../platform/clock';
import { sameSecret } from './guard';
import type { Refresher, ServedCredentials } from './refresher';
import { credentialsResponder, isoSeconds, reply, replyError } from './reply';

const TOKEN_PATH = '/latest/api/token';
const CREDENTIALS_PATH = '/latest/meta-data/iam/security-credentials';
const TTL_HEADER = 'x-aws-ec2-metadata-token-ttl-seconds';
const MAX_TTL_SECONDS = 21_600;

/** `admitted` says why a connection may not get a session token (another user's), or undefined */
export function imdsHandler(
  refresher: Refresher,
  roleName: string,
  clock: Clock,
  mask: (text: string) => string,
  admitted: (connection: Socket) => Promise<string | undefined> = async () => undefined,
) {
  const tokens = sessionTokens(clock);
  const respond = credentialsResponder(refresher, mask, (creds) => instanceCredentials(creds, clock.now()));
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === TOKEN_PATH) {
      if (req.method !== 'PUT') {
        replyError(res, 405, 'MethodNotAllowed', 'the session token is issued by PUT');
        return;
      }
      // digits only: Number() would also take 1e3, 0x10 and surrounding blanks
      const header = req.headers[TTL_HEADER];
      const ttl = typeof header === 'string' && /^\d{1,5}$/.test(header) ? Number(header) : NaN;
      if (!(ttl >= 1 && ttl <= MAX_TTL_SECONDS)) {
        replyError(res, 400, 'BadRequest', `the ${TTL_HEADER} header must be a whole number of seconds from 1 to ${MAX_TTL_SECONDS}`);
        return;
      }
      const refused = await admitted(req.socket);
      if (refused !== undefined) {
        replyError(res, 403, 'Forbidden', refused);
        return;
      }
      res.setHeader(TTL_HEADER, String(ttl));
      reply(res, 200, tokens.issue(ttl), 'text/plain');
      return;
    }
    const token = req.headers['x-aws-ec2-metadata-token'];
    if (typeof token !== 'string' || !tokens.valid(token)) {
      replyError(res, 401, 'Unauthorized', 'IMDSv2 only: get a session token with PUT /latest/api/token and send it in X-aws-ec2-metadata-token');
      return;
    }
    if (path === CREDENTIALS_PATH || path === `${CREDENTIALS_PATH}/`) {
      if (req.method !== 'GET') replyError(res, 405, 'MethodNotAllowed', 'only GET is served');
      else reply(res, 200, roleName, 'text/plain');
      return;
    }
    if (path !== `${CREDENTIALS_PATH}/${roleName}`) {
      replyError(res, 404, 'NotFound', `not served here; the credentials are at ${CREDENTIALS_PATH}/${roleName}`);
      return;
    }
    await respond(req, res);
  };
}

function instanceCredentials(creds: ServedCredentials, lastUpdated: Date) {
  return {
    Code: 'Success',
    LastUpdated: isoSeconds(lastUpdated),
    Type: 'AWS-HMAC',
    AccessKeyId: creds.accessKeyId,
    SecretAccessKey: creds.secretAccessKey,
    Token: creds.sessionToken,
    Expiration: isoSeconds(creds.expiration),
  };
}

/**
 * Session tokens that need no table: "<expiry seconds>.<HMAC of it under a per-server key>".
 * A loop that asks for a token on every call then costs no memory.
 */
function sessionTokens(clock: Clock) {
  const key = randomBytes(32);
  const sign = (expiry: string) => createHmac('sha256', key).update(expiry).digest('base64url');
  const nowSeconds = () => Math.floor(clock.now().getTime() / 1000);
  return {
    issue(ttlSeconds: number): string {
      // the expiry is rounded up to whole seconds: a token lives at least its TTL (1 s issued at x.98 would otherwise live 20 ms)
      const expiry = String(Math.ceil(clock.now().getTime() / 1000) + ttlSeconds);
      return `${expiry}.${sign(expiry)}`;
    },
    valid(token: string): boolean {
      const parts = token.split('.');
      const [expiry, signature] = parts;
      if (parts.length !== 2 || expiry === undefined || !/^\d{1,12}$/.test(expiry)) return false;
      return sameSecret(signature, sign(expiry)) && Number(expiry) > nowSeconds();
    },
  };
}
