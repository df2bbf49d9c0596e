// The OIDC login settings of a profile, read from its web_identity_* keys (aws-runas names, and the
// names the aws-oidc / aws-cli-oidc readers map their files onto) into what a step carries, checked
// as the plan is built, with errors that name where each value came from.
import { RolecallError } from '../errors';
import type { Profile } from '../config/profile';
import { describeSource, setting, type Setting } from '../config/source';
import type { ClientAuthMethod, MfaType, WebIdentityProvider } from '../config/keys';

export type OidcFlow = 'browser' | 'device' | 'password';

export interface OidcSettings {
  issuer: Setting<string>;
  clientId: Setting<string>;
  clientSecret?: Setting<string>;
  /** web_identity_client_auth_method: how to authenticate the client; absent: what discovery lists */
  clientAuthMethod?: ClientAuthMethod;
  redirectUri?: Setting<string>;
  flow: OidcFlow;
  scopes: string[];
  username?: Setting<string>;
  /** browser command; `{}` is replaced by the URL (appended when absent) */
  agent?: string[];
  allowInsecure: boolean;
  /** extra authorization request parameters, `a=b&c=d` */
  additionalQuery?: string;
  successRedirectUrl?: string;
  failureRedirectUrl?: string;
  /** PEM file paths for mTLS to the IdP */
  clientCert?: string;
  clientKey?: string;
  clientCa?: string;
  insecureSkipVerify: boolean;
  tokenType: 'id_token' | 'access_token';
  timeoutSeconds: number;
  /** web_identity_provider: the provider named, instead of recognised (idp/oidc/provider.ts) */
  provider?: WebIdentityProvider;
  /** mfa_type: the provider's MFA in a sign-in without a browser (Okta, Keycloak) */
  mfaType: MfaType;
}

/** offline_access asks for a refresh token; it is dropped when the IdP does not list it */
export const DEFAULT_SCOPES = ['openid', 'email', 'offline_access'];
export const DEFAULT_TIMEOUT_SECONDS = 300;

function invalid(s: Setting<string> & { key: string }, why: string): RolecallError {
  return new RolecallError('CONFIG_INVALID', `${s.key} = ${JSON.stringify(s.value)} (${describeSource(s.source)}) ${why}`);
}

function isLoopbackRedirect(u: URL): boolean {
  return u.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
}

/** the issuer from web_identity_auth_url, without a discovery document suffix if one was pasted */
function issuer(profile: Profile): Setting<string> {
  const s = profile.get('web_identity_auth_url');
  if (!s) {
    throw new RolecallError('CONFIG_INVALID', `profile ${profile.name} has no web_identity_auth_url: rolecall needs the OIDC issuer URL to sign in.`, {
      hint: 'Add web_identity_auth_url = https://your-idp.example.com to the profile (or to its source_profile or [default]).',
    });
  }
  const value = s.value.trim();
  const protocol = new URL(value).protocol;
  if (protocol !== 'https:' && protocol !== 'http:') throw invalid({ ...s, key: 'web_identity_auth_url' }, 'must be an https URL.');
  return setting(value.replace(/\/\.well-known\/openid-configuration\/?$/, ''), s.source);
}

function flow(profile: Profile, redirect: URL | undefined): OidcFlow {
  const configured = profile.value('web_identity_flow');
  if (configured) return configured;
  // Google has no sign-in without its own page
  if (profile.value('web_identity_provider') === 'google') return 'browser';
  // aws-runas profiles log in with a username and password, and their redirect URI is not a loopback one
  if (profile.get('web_identity_username') || profile.settings.has('web_identity_provider')) return 'password';
  if (redirect && !isLoopbackRedirect(redirect)) return 'password';
  return 'browser';
}

/**
 * The profile's OIDC settings; throws CONFIG_INVALID for what a sign-in could not start with. `device`
 * (--device) only waives the browser flow's loopback redirect: the flow the profile says is kept, so
 * the flag does not change which cached credentials answer.
 */
export function oidcSettings(profile: Profile, flags: { device?: boolean } = {}): OidcSettings {
  const iss = issuer(profile);
  const clientId = profile.get('web_identity_client_id');
  if (!clientId) {
    throw new RolecallError('CONFIG_INVALID', `profile ${profile.name} has no web_identity_client_id: rolecall needs the OAuth client id registered at ${iss.value}.`, {
      hint: 'Add web_identity_client_id = <client id> to the profile (or to its source_profile or [default]).',
    });
  }
  const redirect = profile.get('web_identity_redirect_uri');
  const redirectUrl = redirect ? new URL(redirect.value) : undefined;
  const chosen = flow(profile, redirectUrl);
  if (chosen === 'browser' && !flags.device && redirect && redirectUrl && !isLoopbackRedirect(redirectUrl)) {
    throw invalid({ ...redirect, key: 'web_identity_redirect_uri' }, 'must be a loopback URL such as http://127.0.0.1:8400/callback for the browser login (RFC 8252).');
  }
  const scopes = profile.value('web_identity_scopes') ?? DEFAULT_SCOPES;
  return {
    issuer: iss,
    clientId,
    clientSecret: profile.get('web_identity_client_secret'),
    clientAuthMethod: profile.value('web_identity_client_auth_method'),
    redirectUri: redirect,
    flow: chosen,
    scopes: scopes.includes('openid') ? scopes : ['openid', ...scopes],
    username: profile.get('web_identity_username'),
    agent: profile.value('web_identity_agent'),
    allowInsecure: profile.value('web_identity_allow_insecure') ?? false,
    additionalQuery: profile.value('web_identity_additional_query')?.replace(/^[?&]/, ''),
    successRedirectUrl: profile.value('web_identity_success_redirect_url'),
    failureRedirectUrl: profile.value('web_identity_failure_redirect_url'),
    clientCert: profile.value('web_identity_client_cert'),
    clientKey: profile.value('web_identity_client_key'),
    clientCa: profile.value('web_identity_client_ca'),
    insecureSkipVerify: profile.value('web_identity_insecure_skip_verify') ?? false,
    tokenType: profile.value('web_identity_token_type') ?? 'id_token',
    timeoutSeconds: profile.value('web_identity_timeout') ?? DEFAULT_TIMEOUT_SECONDS,
    provider: profile.value('web_identity_provider'),
    mfaType: profile.value('mfa_type') ?? 'auto',
  };
}
