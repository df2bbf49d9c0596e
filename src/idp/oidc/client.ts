// Discovery: from the issuer to an openid-client Configuration, refusing plain http to anything
// but loopback unless the user said so loudly, with mTLS / private CA / skip-verify when configured.
import * as oidc from 'openid-client';
import { RolecallError } from '../../errors';
import { describeSource } from '../../config/source';
import type { Logger } from '../../platform/logger';
import { chooseClientAuth, openidClientAuth, type ClientAuthMethod, type ClientCredentials } from './client-auth';
import { oidcError } from './errors';
import { boundedFetch } from '../bounded-answer';
import { tlsFetch } from './fetch';
import { detectProvider, providerFromHost, PROVIDER_NAMES, type ProviderKind } from './provider';
import type { SignInSettings } from './settings';
import { isLoopbackHost } from '../loopback-host';

export interface OidcClient {
  config: oidc.Configuration;
  /** the fetch every request to this IdP uses (JWKS included): bounded answers, mTLS / private CA when configured */
  fetch: oidc.CustomFetch;
  issuer: string;
  /** how the client authenticates at the token endpoint, for every grant and the token exchange */
  authMethod: ClientAuthMethod;
  credentials: ClientCredentials;
  /** which provider this is (named by web_identity_provider, or recognised) */
  provider: ProviderKind;
}

/** http is fine for loopback, refused elsewhere unless allowInsecure (then warned about on every use) */
function checkTransport(url: URL, settings: SignInSettings, what: string): void {
  if (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname))) return;
  if (url.protocol === 'http:' && settings.allowInsecure) return;
  throw new RolecallError('OIDC_INSECURE', `refusing plain http for the ${what} ${url.origin}: tokens and passwords would cross the network in clear text (issuer from ${describeSource(settings.issuer.source)})`);
}

function warnings(settings: SignInSettings, issuer: URL, log: Logger): void {
  if (issuer.protocol === 'http:' && !isLoopbackHost(issuer.hostname)) {
    log.warn(`web_identity_allow_insecure is set: talking to the identity provider ${issuer.origin} over plain http. Anyone on the network can read and change the login.`);
  }
  if (settings.insecureSkipVerify) {
    log.warn(`insecure_skip_verify is set: the TLS certificate of ${issuer.origin} is NOT verified. Anyone on the network can impersonate the identity provider.`);
  }
}

/** the issuer a discovery document named when it is not the one asked for */
function foundIssuer(error: unknown): string | undefined {
  const cause = (error as { code?: string; cause?: { attribute?: unknown; body?: { issuer?: unknown } } }).cause;
  if ((error as { code?: string }).code !== 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED' || cause?.attribute !== 'issuer') return undefined;
  return typeof cause.body?.issuer === 'string' ? cause.body.issuer : '';
}

/**
 * Entra ID's multi-tenant endpoints (/common, /organizations, /consumers) publish a template,
 * https://login.microsoftonline.com/{tenantid}/v2.0, which no ID token carries: only the tenant's
 * own issuer can be checked.
 */
function issuerMismatch(settings: SignInSettings, found: string, cause: unknown): RolecallError {
  const where = `${settings.issuer.value} (${describeSource(settings.issuer.source)})`;
  if (/\{tenant(id)?\}/i.test(found)) {
    const tenantUrl = found.replace(/\{tenant(id)?\}/i, '<your tenant id>');
    return new RolecallError('OIDC_DISCOVERY', `cannot use the discovery document of ${where}: it names the issuer ${found}, a template for every tenant (Entra ID's multi-tenant endpoint): ID tokens carry one tenant's issuer, so rolecall cannot check them against it`, {
      hint: `Set web_identity_auth_url to your tenant's issuer, ${tenantUrl} (the tenant id is the Directory (tenant) ID in the Entra admin center).`,
      cause,
    });
  }
  return new RolecallError('OIDC_DISCOVERY', `cannot use the discovery document of ${where}: it names another issuer, ${found || '(none)'}, and the issuer must be the URL it was fetched from`, {
    hint: found ? `Set web_identity_auth_url to ${found} if that is the identity provider you mean.` : 'Check the issuer URL.',
    cause,
  });
}

/** An IdP's URL as errors name it: which endpoint of the discovery document it is, and where. */
function endpointName(url: URL, issuer: URL, server: oidc.ServerMetadata | undefined): string {
  const at = `${url.origin}${url.pathname}`;
  const known: [string | undefined, string][] = [
    [server?.token_endpoint, "the identity provider's token endpoint"],
    [server?.jwks_uri, "the identity provider's signing keys (jwks_uri)"],
    [server?.device_authorization_endpoint, "the identity provider's device authorization endpoint"],
    [server?.authorization_endpoint, "the identity provider's authorization endpoint"],
  ];
  const named = known.find(([endpoint]) => endpoint !== undefined && URL.canParse(endpoint) && `${new URL(endpoint).origin}${new URL(endpoint).pathname}` === at)?.[1];
  if (named) return `${named} ${at}`;
  if (url.origin === issuer.origin && url.pathname.endsWith('/.well-known/openid-configuration')) return `the discovery document ${at}`;
  if (url.pathname.startsWith('/api/v1/authn')) return `Okta's Authentication API ${at}`;
  return `the identity provider ${at}`;
}

/** aws-runas wrote Okta's org authorization server as https://ORG.okta.com/oauth2; its issuer is the origin */
function issuerUrlOf(settings: SignInSettings): URL {
  const url = new URL(settings.issuer.value);
  const okta = settings.provider === 'okta' || (!settings.provider && providerFromHost(url) === 'okta');
  return okta && /^\/oauth2\/?$/.test(url.pathname) ? new URL(url.origin) : url;
}

export async function connect(settings: SignInSettings, log: Logger): Promise<OidcClient> {
  const issuerUrl = issuerUrlOf(settings);
  checkTransport(issuerUrl, settings, 'identity provider');
  warnings(settings, issuerUrl, log);
  // set once discovery has named the endpoints
  let server: oidc.ServerMetadata | undefined;
  const fetch = boundedFetch((url) => endpointName(url, issuerUrl, server), tlsFetch(settings));
  const insecure = issuerUrl.protocol === 'http:';
  const credentials: ClientCredentials = { clientId: settings.clientId.value, clientSecret: settings.clientSecret?.value };
  log.redact(credentials.clientSecret);
  // chosen once the discovery document says which methods the token endpoint takes
  let authMethod: ClientAuthMethod = 'none';
  const auth: oidc.ClientAuth = (as, client, body, headers) => openidClientAuth(authMethod, credentials)(as, client, body, headers);
  let config: oidc.Configuration;
  // the discovery answer's headers tell Okta (x-okta-request-id) from the rest
  let discoveryHeaders: Headers | undefined;
  const watching: oidc.CustomFetch = async (url, init) => {
    const response = await fetch(url, init);
    if (discoveryHeaders === undefined) discoveryHeaders = response.headers;
    return response;
  };
  try {
    config = await oidc.discovery(issuerUrl, settings.clientId.value, undefined, auth, {
      [oidc.customFetch]: watching,
      execute: insecure ? [oidc.allowInsecureRequests] : [],
      timeout: 30,
    });
  } catch (error) {
    const found = foundIssuer(error);
    if (found !== undefined) throw issuerMismatch(settings, found, error);
    const mapped = oidcError(error, 'discovery', settings.issuer.value);
    if (mapped.code !== 'OIDC_ERROR') throw mapped;
    throw new RolecallError('OIDC_DISCOVERY', `cannot use the discovery document of ${settings.issuer.value} (${describeSource(settings.issuer.source)}): ${mapped.message.replace(/^discovery at \S+ failed: /, '')}`, { cause: error });
  }
  server = config.serverMetadata();
  // the endpoints come from the IdP: an https issuer must not send the browser or the tokens to plain http elsewhere
  for (const [name, endpoint] of Object.entries({ authorization_endpoint: server.authorization_endpoint, token_endpoint: server.token_endpoint, jwks_uri: server.jwks_uri, device_authorization_endpoint: server.device_authorization_endpoint })) {
    if (endpoint) checkTransport(new URL(endpoint), settings, `${name} of the identity provider`);
  }
  config[oidc.customFetch] = fetch;
  authMethod = chooseClientAuth(credentials, server.token_endpoint_auth_methods_supported, server.issuer, settings.clientAuthMethod);
  log.debug(`OIDC: client ${credentials.clientId} authenticates with ${authMethod} (the provider lists ${server.token_endpoint_auth_methods_supported?.join(', ') ?? 'nothing, so client_secret_basic'})`);
  const provider = detectProvider(settings.provider, issuerUrl, server, discoveryHeaders);
  if (provider !== 'generic') log.debug(`OIDC: ${server.issuer} is ${PROVIDER_NAMES[provider]} (${settings.provider ? 'web_identity_provider' : 'recognised'})`);
  return { config, fetch, issuer: server.issuer, authMethod, credentials, provider };
}
