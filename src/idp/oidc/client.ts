// Discovery: from the issuer to an openid-client Configuration, refusing plain http to anything
// but loopback unless the user said so loudly, with mTLS / private CA / skip-verify when configured.
import * as oidc from 'openid-client';
import { RolecallError } from '../../errors';
import { describeSource } from '../../config/source';
import type { Logger } from '../../platform/logger';
import { oidcError } from './errors';
import { tlsFetch } from './fetch';
import type { SignInSettings } from './settings';
import { isLoopbackHost } from '../loopback-host';

export interface OidcClient {
  config: oidc.Configuration;
  /** the fetch every request to this IdP uses (JWKS included); undefined: the global one */
  fetch?: oidc.CustomFetch;
  issuer: string;
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

export async function connect(settings: SignInSettings, log: Logger): Promise<OidcClient> {
  const issuerUrl = new URL(settings.issuer.value);
  checkTransport(issuerUrl, settings, 'identity provider');
  warnings(settings, issuerUrl, log);
  const fetch = tlsFetch(settings);
  const insecure = issuerUrl.protocol === 'http:';
  // client_secret_basic is the method every OAuth server must support (RFC 6749 2.3.1)
  const auth = settings.clientSecret ? oidc.ClientSecretBasic(settings.clientSecret.value) : oidc.None();
  log.redact(settings.clientSecret?.value);
  let config: oidc.Configuration;
  try {
    config = await oidc.discovery(issuerUrl, settings.clientId.value, undefined, auth, {
      ...(fetch ? { [oidc.customFetch]: fetch } : {}),
      execute: insecure ? [oidc.allowInsecureRequests] : [],
      timeout: 30,
    });
  } catch (error) {
    const mapped = oidcError(error, 'discovery', settings.issuer.value);
    if (mapped.code !== 'OIDC_ERROR') throw mapped;
    throw new RolecallError('OIDC_DISCOVERY', `cannot use the discovery document of ${settings.issuer.value} (${describeSource(settings.issuer.source)}): ${mapped.message.replace(/^discovery at \S+ failed: /, '')}`, { cause: error });
  }
  const server = config.serverMetadata();
  // the endpoints come from the IdP: an https issuer must not send the browser or the tokens to plain http elsewhere
  for (const [name, endpoint] of Object.entries({ authorization_endpoint: server.authorization_endpoint, token_endpoint: server.token_endpoint, jwks_uri: server.jwks_uri, device_authorization_endpoint: server.device_authorization_endpoint })) {
    if (endpoint) checkTransport(new URL(endpoint), settings, `${name} of the identity provider`);
  }
  return { config, fetch, issuer: server.issuer };
}
