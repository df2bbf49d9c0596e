// A tiny, deliberately misbehaving OpenID provider for the attack tests: the real testbed IdP
// cannot be made to sign a token for the wrong audience or with alg "none", a hostile IdP (or a
// man in the middle) can. Listens on 127.0.0.1, random port.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';

export type TokenAttack = 'none' | 'alg-none' | 'wrong-iss' | 'wrong-aud' | 'expired' | 'future-iat' | 'wrong-nonce' | 'bad-signature' | 'no-id-token';
export type DeviceBehaviour = 'approve' | 'slow-down-then-approve' | 'expire' | 'deny';

export interface HostileOpOptions {
  attack?: TokenAttack;
  device?: DeviceBehaviour;
  /** what /.well-known/openid-configuration answers */
  discovery?: 'ok' | 'html' | 'wrong-issuer' | 'not-json' | '500';
  clientId?: string;
  /** how the token endpoint answers a refresh_token grant */
  refresh?: 'invalid_grant' | 'unavailable';
  /** serve https with this key and certificate (PEM); `ca` + requestCert: require a client certificate it signed */
  tls?: { key: string; cert: string; ca?: string; requestCert?: boolean };
}

export interface HostileOp {
  issuer: string;
  /** token requests seen, by grant type */
  requests: string[];
  close(): Promise<void>;
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export async function startHostileOp(options: HostileOpOptions = {}): Promise<HostileOp> {
  const clientId = options.clientId ?? 'rolecall-cli';
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const other = await generateKeyPair('RS256');
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  const nonces = new Map<string, string>();
  const requests: string[] = [];
  let devicePolls = 0;
  let issuer = '';

  async function idToken(nonce: string | undefined): Promise<string | undefined> {
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = { sub: 'mallory-0666', email: 'mallory@example.com', nonce };
    let iss = issuer;
    let aud = clientId;
    let iat = now;
    let exp = now + 3600;
    switch (options.attack) {
      case 'no-id-token':
        return undefined;
      case 'alg-none':
        return `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims, iss, aud, iat, exp })}.`;
      case 'wrong-iss':
        iss = 'https://evil.example.com';
        break;
      case 'wrong-aud':
        aud = 'someone-else';
        break;
      case 'expired':
        iat = now - 7200;
        exp = now - 3600;
        break;
      case 'future-iat':
        iat = now + 365 * 86400;
        exp = iat + 3600;
        break;
      case 'wrong-nonce':
        claims.nonce = 'a-nonce-from-another-login';
        break;
    }
    const key = options.attack === 'bad-signature' ? other.privateKey : privateKey;
    return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setIssuer(iss).setAudience(aud).setIssuedAt(iat).setExpirationTime(exp).sign(key);
  }

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };

  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', issuer);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    switch (url.pathname) {
      case '/.well-known/openid-configuration': {
        const mode = options.discovery ?? 'ok';
        if (mode === 'html') return void res.writeHead(200, { 'content-type': 'text/html' }).end('<html>login portal</html>');
        if (mode === 'not-json') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"issuer": ');
        if (mode === '500') return json(res, 500, { error: 'server_error' });
        return json(res, 200, {
          issuer: mode === 'wrong-issuer' ? 'https://evil.example.com' : issuer,
          authorization_endpoint: `${issuer}/authorize`,
          token_endpoint: `${issuer}/token`,
          jwks_uri: `${issuer}/jwks`,
          device_authorization_endpoint: `${issuer}/device`,
          response_types_supported: ['code'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['RS256'],
          scopes_supported: ['openid', 'email'],
          code_challenge_methods_supported: ['S256'],
        });
      }
      case '/jwks':
        return json(res, 200, { keys: [jwk] });
      case '/authorize': {
        const code = `code-${nonces.size + 1}`;
        nonces.set(code, url.searchParams.get('nonce') ?? '');
        const back = new URL(url.searchParams.get('redirect_uri') ?? '');
        back.searchParams.set('code', code);
        back.searchParams.set('state', url.searchParams.get('state') ?? '');
        back.searchParams.set('iss', issuer);
        return void res.writeHead(302, { location: back.href }).end();
      }
      case '/device':
        return json(res, 200, { device_code: 'dev-1', user_code: 'WDJB-MJHT', verification_uri: `${issuer}/activate`, verification_uri_complete: `${issuer}/activate?user_code=WDJB-MJHT`, expires_in: options.device === 'expire' ? 2 : 60, interval: 1 });
      case '/token': {
        const grant = form.get('grant_type') ?? '';
        requests.push(grant);
        if (grant === 'urn:ietf:params:oauth:grant-type:device_code') {
          devicePolls++;
          switch (options.device ?? 'approve') {
            case 'expire':
              return json(res, 400, { error: devicePolls < 2 ? 'authorization_pending' : 'expired_token', error_description: 'device code expired' });
            case 'deny':
              return json(res, 400, { error: 'access_denied', error_description: 'End-User aborted interaction' });
            case 'slow-down-then-approve':
              if (devicePolls === 1) return json(res, 400, { error: 'slow_down' });
              break;
            case 'approve':
              break;
          }
        }
        if (grant === 'refresh_token') {
          if (options.refresh === 'unavailable') return json(res, 503, { error: 'temporarily_unavailable', error_description: 'try again later' });
          return json(res, 400, { error: 'invalid_grant', error_description: 'grant request is invalid' });
        }
        const nonce = grant === 'authorization_code' ? nonces.get(form.get('code') ?? '') : undefined;
        const id = await idToken(nonce);
        return json(res, 200, { access_token: 'hostile-access-token-0001', token_type: 'Bearer', expires_in: 3600, ...(id ? { id_token: id } : {}) });
      }
      default:
        return json(res, 404, { error: 'not_found' });
    }
  };
  const tls = options.tls;
  const server: Server = tls
    ? createTlsServer({ key: tls.key, cert: tls.cert, ca: tls.ca, requestCert: tls.requestCert ?? false, rejectUnauthorized: tls.requestCert ?? false }, handler)
    : createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `${tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
