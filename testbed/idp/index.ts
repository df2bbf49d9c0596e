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
//
// Real providers differ from this one; ./shape.ts lays it out as Keycloak, Google or Okta do
// (startIdp's `shape`), `clientAuthMethods` narrows how clients may authenticate (a provider that
// takes client_secret_post only), `tls` serves it over https with a private CA's certificate, and
// setQuirks() switches answers at run time: refresh answers without an ID token, and what the SAML
// token exchange returns.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair } from 'jose';
import './runtime-warning';
import Provider, { interactionPolicy, type Client, type Context, type Next } from 'oidc-provider';
import type { IdpClient, World } from '../world';
import { claimsOf, userBySub } from './accounts';
import { API_RESOURCE, resourceServerInfo } from './access-tokens';
import { MemoryStore } from './memory-adapter';
import { interactionRoutes } from './interactions';
import { deviceSuccessPage, errorPage, userCodeConfirmPage, userCodeInputPage } from './pages';
import { PASSWORD_GRANT, PASSWORD_GRANT_PARAMS, passwordGrant } from './password-grant';
import { SAML_API_PATH, samlApiRoute } from './saml-api';
import { samlSso, type SsoCounts } from './saml-sso';
import { TOKEN_EXCHANGE_GRANT, TOKEN_EXCHANGE_PARAMS, tokenExchangeGrant, type SamlExchangeMode } from './token-exchange-grant';
import { layoutOf, TEMPLATED_DISCOVERY, type IdpShape, type ShapeLayout } from './shape';
import { oktaAuthn, type OktaAuthn } from './okta-authn';
import { oktaPhone } from './okta-phone';
import { googleOffline } from './google-offline';

export type { IdpShape } from './shape';

export interface IdpOptions {
  port?: number;
  /** how the IdP lays itself out and answers (./shape.ts); default generic */
  shape?: IdpShape;
  /**
   * the client authentication methods the token endpoint takes from confidential clients (listed
   * in discovery's token_endpoint_auth_methods_supported, with none for public clients);
   * default both client_secret_basic and client_secret_post
   */
  clientAuthMethods?: ('client_secret_basic' | 'client_secret_post')[];
  /** serve https with this key and certificate (./tls.ts makes a private CA's) */
  tls?: { key: string; cert: string };
}

/** answers switchable at run time (Idp.setQuirks) */
export interface IdpQuirks {
  /** refresh answers carry no id_token (OIDC Core 12.2 allows it) */
  refreshWithoutIdToken: boolean;
  /** what the token exchange to SAML answers (./token-exchange-grant.ts); keycloak shape: assertion */
  samlExchange: SamlExchangeMode;
}

export interface Idp {
  /** http://127.0.0.1:PORT (no trailing slash), https with `tls`; a Keycloak realm adds /realms/rolecall */
  issuer: string;
  /** scheme, host and port */
  origin: string;
  shape: IdpShape;
  /** the Okta-shaped Authentication API and the user's phone (shape okta only) */
  okta: OktaAuthn;
  setQuirks(quirks: Partial<IdpQuirks>): void;
  /** the public keys the IdP signs with (its JWKS) */
  jwks(): Promise<{ keys: Record<string, unknown>[] }>;
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
  /** the authorization requests' parameters, oldest first (cleared by resetCounts) */
  authorizationRequests(): URLSearchParams[];
  /** how each token request authenticated its client: basic, post or none (cleared by resetCounts) */
  clientAuthentications(): string[];
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

export async function startIdp(world: World, options: IdpOptions = {}): Promise<Idp> {
  const shape = options.shape ?? 'generic';
  const layout = layoutOf(shape);
  const server = options.tls ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }) : createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the IdP is not listening on a TCP port');
  const origin = `${options.tls ? 'https' : 'http'}://127.0.0.1:${address.port}`;
  const issuer = `${origin}${layout.issuerPath}`;

  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const signingKey = { ...(await exportJWK(privateKey)), kid: randomBytes(8).toString('hex'), alg: 'RS256', use: 'sig' };
  const store = new MemoryStore();
  const okta = oktaAuthn(world, origin);
  const quirks: IdpQuirks = { refreshWithoutIdToken: false, samlExchange: shape === 'keycloak' ? 'assertion' : 'response' };
  const provider = new Provider(issuer, configuration(world, store, signingKey, { shape, layout, okta, clientAuthMethods: options.clientAuthMethods }));

  let exchangeEnabled = true;
  provider.registerGrantType(PASSWORD_GRANT, passwordGrant(provider, world, { otp: layout.directGrantOtp }), PASSWORD_GRANT_PARAMS);
  provider.registerGrantType(
    TOKEN_EXCHANGE_GRANT,
    tokenExchangeGrant(provider, { world, verificationKey: publicKey, enabled: () => exchangeEnabled, samlMode: () => quirks.samlExchange }),
    TOKEN_EXCHANGE_PARAMS,
  );

  const counts = { authorizations: 0, tokens: {} as Record<string, number>, samlApi: 0 };
  let samlApiBodies: string[] = [];
  let authorizationRequests: URLSearchParams[] = [];
  let clientAuthentications: string[] = [];
  const secretMethods = options.clientAuthMethods ?? ['client_secret_basic', 'client_secret_post'];
  const routes = { authorization: layout.routes.authorization ?? '/auth', token: layout.routes.token ?? '/token', device: layout.routes.device_authorization ?? '/device/auth' };
  provider.use(async function count(ctx: Context, next: Next) {
    if (ctx.path === routes.authorization || ctx.path === routes.device) counts.authorizations += 1;
    if (ctx.path === routes.authorization) authorizationRequests.push(new URLSearchParams(ctx.querystring));
    if (ctx.path === routes.token) {
      const basic = /^basic /i.test(ctx.get('authorization'));
      clientAuthentications.push(basic ? 'basic' : 'post-or-none');
      // oidc-provider takes any secret method from any client; a provider that lists one refuses the other
      if (basic && !secretMethods.includes('client_secret_basic')) {
        ctx.status = 401;
        ctx.type = 'json';
        ctx.body = { error: 'invalid_client', error_description: 'client authentication method client_secret_basic is not supported: use client_secret_post' };
        return;
      }
    }
    await next();
    const grantType = ctx.path === routes.token ? ctx.oidc?.params?.grant_type : undefined;
    if (grantType) counts.tokens[grantType] = (counts.tokens[grantType] ?? 0) + 1;
    // OIDC Core 12.2: a refresh answer may leave the ID token out
    if (grantType === 'refresh_token' && quirks.refreshWithoutIdToken && ctx.body && typeof ctx.body === 'object') {
      delete (ctx.body as Record<string, unknown>).id_token;
    }
  });
  if (shape === 'okta') provider.use(okta.route).use(oktaPhone(okta));
  provider.use(async function templatedIssuer(ctx: Context, next: Next) {
    const tenant = TEMPLATED_DISCOVERY.exec(ctx.path)?.[1];
    if (!tenant) return next();
    // Entra ID's multi-tenant metadata: the issuer holds a placeholder for the tenant id
    ctx.type = 'json';
    ctx.body = {
      issuer: `${origin}/{tenantid}/v2.0`,
      authorization_endpoint: `${origin}/${tenant}/oauth2/v2.0/authorize`,
      token_endpoint: `${origin}/${tenant}/oauth2/v2.0/token`,
      jwks_uri: `${origin}/${tenant}/discovery/v2.0/keys`,
      device_authorization_endpoint: `${origin}/${tenant}/oauth2/v2.0/devicecode`,
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      tenant_region_scope: null,
    };
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
  const prefix = layout.issuerPath;
  (server as Server).on('request', (req: IncomingMessage & { originalUrl?: string }, res: ServerResponse) => {
    // clock-skew tests: every answer carries a shifted Date
    res.setHeader('Date', new Date(Date.now() + dateSkewSeconds * 1000).toUTCString());
    if (shape === 'okta') res.setHeader('x-okta-request-id', randomBytes(12).toString('base64url'));
    // an issuer with a path (a Keycloak realm): oidc-provider is mounted there and reads the mount
    // from originalUrl; the testbed's own routes answer on either side of it
    if (prefix && req.url && (req.url === prefix || req.url.startsWith(`${prefix}/`) || req.url.startsWith(`${prefix}?`))) {
      req.originalUrl = req.url;
      req.url = req.url.slice(prefix.length) || '/';
    }
    handle(req, res);
  });

  return {
    issuer,
    origin,
    shape,
    okta,
    setQuirks(changes) {
      Object.assign(quirks, changes);
    },
    jwks: async () => ({ keys: [{ ...(await exportJWK(publicKey)), kid: signingKey.kid, alg: 'RS256', use: 'sig' }] }),
    authorizationRequests: () => [...authorizationRequests],
    clientAuthentications: () => [...clientAuthentications],
    samlApiUrl: `${origin}${SAML_API_PATH}`,
    counts: () => ({ ...counts, tokens: { ...counts.tokens } }),
    samlApiBodies: () => [...samlApiBodies],
    samlAppUrl: (id) => `${origin}/saml/app/${id}/sso`,
    ssoCounts: sso.counts,
    revokeSsoSessions: sso.revokeSessions,
    resetCounts() {
      sso.resetCounts();
      counts.authorizations = 0;
      counts.tokens = {};
      counts.samlApi = 0;
      samlApiBodies = [];
      authorizationRequests = [];
      clientAuthentications = [];
      okta.reset();
      quirks.refreshWithoutIdToken = false;
      quirks.samlExchange = shape === 'keycloak' ? 'assertion' : 'response';
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

interface ShapeOptions {
  shape: IdpShape;
  layout: ShapeLayout;
  okta: OktaAuthn;
  clientAuthMethods?: ('client_secret_basic' | 'client_secret_post')[];
}

function configuration(world: World, store: MemoryStore, signingKey: Record<string, unknown>, options: ShapeOptions) {
  const tokenTtl = () => world.settings.idTokenTtlSeconds;
  const secretMethods = options.clientAuthMethods ?? ['client_secret_basic', 'client_secret_post'];
  const google = googleOffline();
  const issueRefreshToken = async (_ctx: Context, client: Client, code?: { codeChallenge?: string; accountId?: string }) => {
    if (!client.grantTypeAllowed('refresh_token')) return false;
    if (options.shape === 'google' && code?.codeChallenge !== undefined) return google.refreshTokenFor(code.codeChallenge, code.accountId ?? '', client.clientId);
    return true;
  };
  return {
    adapter: store.adapterFor,
    clients: world.idpClients.map((client) => clientMetadata(client, secretMethods[0]!)),
    clientAuthMethods: ['none', ...secretMethods],
    ...(Object.keys(options.layout.routes).length ? { routes: options.layout.routes } : {}),
    extraParams: {
      // Google: access_type=offline (and prompt=consent) decide whether a refresh token comes
      ...(options.shape === 'google' ? { access_type: google.accessType } : {}),
      // Okta: the Authentication API's one-time sessionToken signs the user in
      ...(options.shape === 'okta' ? { sessionToken: oktaSessionToken(options.okta) } : {}),
    },
    async loadExistingGrant(ctx: Context) {
      const oidc = ctx.oidc as Context['oidc'] & { provider: Provider };
      const clientId = oidc.client?.clientId ?? '';
      const grantId = oidc.result?.consent?.grantId ?? oidc.session?.grantIdFor(clientId);
      if (grantId) return oidc.provider.Grant.find(grantId);
      // Okta's own apps ask no consent: a sign-in through the Authentication API gets what it asked for
      const accountId = oidc.session?.accountId;
      if (options.shape !== 'okta' || !oidc.params?.sessionToken || !accountId) return undefined;
      const grant = new oidc.provider.Grant({ accountId, clientId });
      const scopes = (oidc.params.scope ?? 'openid').split(' ').filter((scope) => options.layout.scopes.includes(scope));
      grant.addOIDCScope(scopes.join(' '));
      grant.addResourceScope(API_RESOURCE, scopes.filter((scope) => scope !== 'offline_access').join(' '));
      await grant.save();
      return grant;
    },
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    async findAccount(_ctx: Context, sub: string) {
      const user = userBySub(world, sub);
      return user && { accountId: sub, claims: async () => claimsOf(user) };
    },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    scopes: options.layout.scopes,
    // put the email and profile claims into the ID token too: AWS and rolecall read them there
    conformIdTokenClaims: false,
    responseTypes: ['code'],
    pkce: { required: () => true },
    issueRefreshToken,
    // refresh tokens outlive the browser session that created them, as offline tokens do
    expiresWithSession: async () => false,
    clientBasedCORS: () => false,
    interactions: { policy: interactionPolicyFor(options.shape), url: async (_ctx: Context, interaction: { uid: string }) => `${options.layout.issuerPath}/interaction/${interaction.uid}` },
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

/** oidc-provider asks native clients for consent every time; Okta asks nothing of its own apps */
function interactionPolicyFor(shape: IdpShape) {
  const policy = interactionPolicy.base();
  if (shape === 'okta') policy.get('consent').checks.remove('native_client_prompt');
  return policy;
}

/** the sessionToken parameter of /oauth2/v1/authorize: a valid one signs its user in, no page shown */
function oktaSessionToken(okta: OktaAuthn) {
  return async (ctx: Context, value: string | undefined) => {
    if (!value) return;
    const sub = okta.redeemSessionToken(value);
    // like Okta, an unknown or spent token is ignored: the sign-in page follows
    if (sub) ctx.oidc.session?.loginAccount({ accountId: sub, loginTs: Math.floor(Date.now() / 1000) });
  };
}

function clientMetadata(client: IdpClient, secretMethod: string): Record<string, unknown> {
  // custom grants go to every client; ./grant-policy.ts enforces the world's list
  const grantTypes = [...new Set([...client.grant_types, ...CUSTOM_GRANTS])];
  return {
    client_id: client.client_id,
    application_type: 'native',
    redirect_uris: [...LOOPBACK_REDIRECT_URIS, ...(client.redirect_uris ?? [])],
    response_types: ['code'],
    grant_types: grantTypes,
    ...(client.kind === 'confidential'
      ? { client_secret: client.client_secret, token_endpoint_auth_method: secretMethod }
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
