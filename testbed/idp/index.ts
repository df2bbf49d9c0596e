// The testbed's OpenID Connect provider, built on oidc-provider, listening on 127.0.0.1 (plain
// http: rolecall allows http for loopback issuers only).
//
// Clients (world.idpClients): rolecall-cli (public, native), rolecall-confidential
// (client_secret_basic or client_secret_post), rolecall-no-exchange (public, no token exchange).
// All are native clients, so their redirect URIs http://127.0.0.1/callback and
// http://localhost/callback accept any port (RFC 8252 7.3); the path must be /callback.
// PKCE (S256) is required for every authorization request.
//
// Scopes: openid (sub), email (email, email_verified), profile (name), offline_access. As with
// Keycloak, every client allowed the refresh_token grant gets a refresh token, offline_access or
// not (oidc-provider drops offline_access from authorization requests without prompt=consent,
// per OIDC Core 11, which none of the seeds' tools send).
// ID tokens are RS256-signed with a key generated at start (JWKS at /jwks) and carry aud =
// client_id, the request's nonce and the email/profile claims. Access tokens are RS256 JWTs too
// (RFC 9068, typ at+jwt, aud = client_id; see ./access-tokens.ts), which /me (userinfo) does not
// take. Both live world.settings.idTokenTtlSeconds (read at issue time). Refresh tokens live
// 14 days; public clients get a new one on every refresh (the old one is then spent),
// confidential clients keep theirs until 70 % of its life has passed.
//
// Grants: authorization_code, refresh_token, device_code (RFC 8628), password (RFC 6749 4.3) and
// urn:ietf:params:oauth:grant-type:token-exchange (RFC 8693, to a SAML 2.0 assertion); a client
// whose world entry lacks a custom grant gets unauthorized_client. See ./password-grant.ts and
// ./token-exchange-grant.ts. The SAML POST API is at /saml/assertion (./saml-api.ts); IdP-initiated
// SAML single sign-on to world.samlApps starts at /saml/app/ID/sso (./saml-sso.ts, its own pages).
//
// Pages and their element ids, for Playwright:
//   login    (/interaction/:uid)  #username  #password  #submit; a failed login shows #error
//   consent  (/interaction/:uid)  #approve  #deny (deny -> error=access_denied at the redirect URI)
//   device   (/device)            #user-code  #continue (verification_uri_complete skips this page)
//   confirm  (after either)       #confirm  #abort (-> #aborted; the client's poll gets access_denied),
//                                 then the login and consent pages
//   done     (device flow)        #device-success
//   errors                        #error (with #error-error, #error-error_description)
// ./browser-login.ts drives them.
import { createServer, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair } from 'jose';
import './runtime-warning';
import Provider, { type Context, type Next } from 'oidc-provider';
import type { IdpClient, World } from '../world';
import { claimsOf, userBySub } from './accounts';
import { API_RESOURCE, resourceServerInfo } from './access-tokens';
import { MemoryStore } from './memory-adapter';
import { interactionRoutes } from './interactions';
import { deviceSuccessPage, errorPage, userCodeConfirmPage, userCodeInputPage } from './pages';
import { PASSWORD_GRANT, PASSWORD_GRANT_PARAMS, passwordGrant } from './password-grant';
import { SAML_API_PATH, samlApiRoute } from './saml-api';
import { samlSso, type SsoCounts } from './saml-sso';
import { TOKEN_EXCHANGE_GRANT, TOKEN_EXCHANGE_PARAMS, tokenExchangeGrant } from './token-exchange-grant';

export interface Idp {
  /** http://127.0.0.1:PORT (no trailing slash) */
  issuer: string;
  /** http://127.0.0.1:PORT/saml/assertion (the coinbase-style POST API) */
  samlApiUrl: string;
  /** the start URL of a SAML app (world.samlApps), e.g. http://127.0.0.1:PORT/saml/app/aws/sso */
  samlAppUrl(id: string): string;
  /** the SAML single sign-on pages: starts, sign-ins and assertions issued */
  ssoCounts(): SsoCounts;
  /** ends every SAML sign-in session: the next start asks for the password again */
  revokeSsoSessions(): void;
  /**
   * authorizations: interactive logins started (authorization and device authorization requests);
   * tokens: token endpoint requests by grant_type, answered or refused; samlApi: POST API requests
   */
  counts(): { authorizations: number; tokens: Record<string, number>; samlApi: number };
  /** the raw bodies the SAML POST API received, oldest first (cleared by resetCounts) */
  samlApiBodies(): string[];
  resetCounts(): void;
  /** makes every refresh token issued so far invalid (invalid_grant on use) */
  revokeRefreshTokens(): Promise<void>;
  /** off: the token-exchange grant answers unsupported_grant_type, as an IdP without the feature */
  setTokenExchange(enabled: boolean): void;
  /** shift the Date header of every answer by this many seconds (starts at world.settings.dateSkewSeconds) */
  setDateSkew(seconds: number): void;
  close(): Promise<void>;
}

const LOOPBACK_REDIRECT_URIS = ['http://127.0.0.1/callback', 'http://localhost/callback'];
const CUSTOM_GRANTS = [PASSWORD_GRANT, TOKEN_EXCHANGE_GRANT];
const REFRESH_TOKEN_TTL_SECONDS = 14 * 24 * 3600;

export async function startIdp(world: World, options: { port?: number } = {}): Promise<Idp> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the IdP is not listening on a TCP port');
  const issuer = `http://127.0.0.1:${address.port}`;

  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const signingKey = { ...(await exportJWK(privateKey)), kid: randomBytes(8).toString('hex'), alg: 'RS256', use: 'sig' };
  const store = new MemoryStore();
  const provider = new Provider(issuer, configuration(world, store, signingKey));

  let exchangeEnabled = true;
  provider.registerGrantType(PASSWORD_GRANT, passwordGrant(provider, world), PASSWORD_GRANT_PARAMS);
  provider.registerGrantType(
    TOKEN_EXCHANGE_GRANT,
    tokenExchangeGrant(provider, { world, verificationKey: publicKey, enabled: () => exchangeEnabled }),
    TOKEN_EXCHANGE_PARAMS,
  );

  const counts = { authorizations: 0, tokens: {} as Record<string, number>, samlApi: 0 };
  let samlApiBodies: string[] = [];
  provider.use(async function count(ctx: Context, next: Next) {
    if (ctx.path === '/auth' || ctx.path === '/device/auth') counts.authorizations += 1;
    await next();
    const grantType = ctx.path === '/token' ? ctx.oidc?.params?.grant_type : undefined;
    if (grantType) counts.tokens[grantType] = (counts.tokens[grantType] ?? 0) + 1;
  });
  provider.use(interactionRoutes(provider, world));
  const sso = samlSso(world, issuer);
  provider.use(sso.route);
  provider.use(
    samlApiRoute(world, issuer, (body) => {
      counts.samlApi += 1;
      samlApiBodies.push(body);
    }),
  );

  const handle = provider.callback();
  let dateSkewSeconds = world.settings.dateSkewSeconds;
  server.on('request', (req, res) => {
    // clock-skew tests: every answer carries a shifted Date
    res.setHeader('Date', new Date(Date.now() + dateSkewSeconds * 1000).toUTCString());
    handle(req, res);
  });

  return {
    issuer,
    samlApiUrl: `${issuer}${SAML_API_PATH}`,
    counts: () => ({ ...counts, tokens: { ...counts.tokens } }),
    samlApiBodies: () => [...samlApiBodies],
    samlAppUrl: (id) => `${issuer}/saml/app/${id}/sso`,
    ssoCounts: sso.counts,
    revokeSsoSessions: sso.revokeSessions,
    resetCounts() {
      sso.resetCounts();
      counts.authorizations = 0;
      counts.tokens = {};
      counts.samlApi = 0;
      samlApiBodies = [];
    },
    async revokeRefreshTokens() {
      store.dropModel('RefreshToken');
    },
    setTokenExchange(enabled) {
      exchangeEnabled = enabled;
    },
    setDateSkew(seconds) {
      dateSkewSeconds = seconds;
    },
    close: () => closeServer(server),
  };
}

function configuration(world: World, store: MemoryStore, signingKey: Record<string, unknown>) {
  const tokenTtl = () => world.settings.idTokenTtlSeconds;
  return {
    adapter: store.adapterFor,
    clients: world.idpClients.map(clientMetadata),
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    async findAccount(_ctx: Context, sub: string) {
      const user = userBySub(world, sub);
      return user && { accountId: sub, claims: async () => claimsOf(user) };
    },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    scopes: ['openid', 'offline_access', 'email', 'profile'],
    // put the email and profile claims into the ID token too: AWS and rolecall read them there
    conformIdTokenClaims: false,
    responseTypes: ['code'],
    pkce: { required: () => true },
    issueRefreshToken: async (_ctx: Context, client: { grantTypeAllowed(grant: string): boolean }) =>
      client.grantTypeAllowed('refresh_token'),
    // refresh tokens outlive the browser session that created them, as offline tokens do
    expiresWithSession: async () => false,
    clientBasedCORS: () => false,
    features: {
      devInteractions: { enabled: false },
      deviceFlow: {
        enabled: true,
        async userCodeInputSource(ctx: Context, form: string, _out: unknown, err: unknown) {
          ctx.type = 'html';
          ctx.body = userCodeInputPage(form, err);
        },
        async userCodeConfirmSource(ctx: Context, form: string, client: { clientId: string }, _info: unknown, userCode: string) {
          ctx.type = 'html';
          ctx.body = userCodeConfirmPage(form, client.clientId, userCode);
        },
        async successSource(ctx: Context) {
          ctx.type = 'html';
          ctx.body = deviceSuccessPage();
        },
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => API_RESOURCE,
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_ctx: Context, indicator: string, client: { clientId: string }) =>
          resourceServerInfo(world, indicator, client.clientId),
      },
      rpInitiatedLogout: { enabled: false },
    },
    ttl: {
      AccessToken: tokenTtl,
      IdToken: tokenTtl,
      AuthorizationCode: 60,
      DeviceCode: 600,
      Interaction: 3600,
      Grant: REFRESH_TOKEN_TTL_SECONDS,
      Session: REFRESH_TOKEN_TTL_SECONDS,
      RefreshToken: REFRESH_TOKEN_TTL_SECONDS,
    },
    async renderError(ctx: Context, out: Record<string, string>) {
      ctx.type = 'html';
      ctx.body = errorPage(out);
    },
  };
}

function clientMetadata(client: IdpClient): Record<string, unknown> {
  // custom grants go to every client; ./grant-policy.ts enforces the world's list
  const grantTypes = [...new Set([...client.grant_types, ...CUSTOM_GRANTS])];
  return {
    client_id: client.client_id,
    application_type: 'native',
    redirect_uris: LOOPBACK_REDIRECT_URIS,
    response_types: ['code'],
    grant_types: grantTypes,
    ...(client.kind === 'confidential'
      ? { client_secret: client.client_secret, token_endpoint_auth_method: 'client_secret_basic' }
      : { token_endpoint_auth_method: 'none' }),
  };
}

async function closeServer(server: Server): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    // keep-alive connections of clients would hold close() open
    server.closeAllConnections();
  });
}
