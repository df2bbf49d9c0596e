// The OIDC login settings of a profile, read from its web_identity_* keys (aws-runas names, and the
// names the aws-oidc / aws-cli-oidc readers map their files onto), validated with errors that
// name where each value came from.
import { RolecallError } from '../../errors';
import type { Profile } from '../../config/profile';
import { describeSource, setting, type Setting } from '../../config/source';

export type OidcFlow = 'browser' | 'device' | 'password';

export interface OidcSettings {
  issuer: Setting<string>;
  clientId: Setting<string>;
  clientSecret?: Setting<string>;
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
  noBrowser: boolean;
  timeoutSeconds: number;
}

/** offline_access asks for a refresh token; it is dropped when the IdP does not list it */
export const DEFAULT_SCOPES = ['openid', 'email', 'offline_access'];
export const DEFAULT_TIMEOUT_SECONDS = 300;

// rolecall's key for each setting (aws-runas names; config/aws-cli-oidc.ts and config/aws-oidc.ts
// map their files' keys onto these).
const KEYS = {
  issuer: 'web_identity_auth_url',
  clientId: 'web_identity_client_id',
  clientSecret: 'web_identity_client_secret',
  redirectUri: 'web_identity_redirect_uri',
  flow: 'web_identity_flow',
  scopes: 'web_identity_scopes',
  username: 'web_identity_username',
  agent: 'web_identity_agent',
  allowInsecure: 'web_identity_allow_insecure',
  additionalQuery: 'web_identity_additional_query',
  successRedirectUrl: 'web_identity_success_redirect_url',
  failureRedirectUrl: 'web_identity_failure_redirect_url',
  clientCert: 'web_identity_client_cert',
  clientKey: 'web_identity_client_key',
  clientCa: 'web_identity_client_ca',
  insecureSkipVerify: 'web_identity_insecure_skip_verify',
  tokenType: 'web_identity_token_type',
  timeout: 'web_identity_timeout',
} as const;

function find(profile: Profile, key: string): (Setting<string> & { key: string }) | undefined {
  const found = profile.settings.get(key);
  return found !== undefined && found.value.trim() !== '' ? { ...found, value: found.value.trim(), key } : undefined;
}

function invalid(s: Setting<string> & { key: string }, why: string): RolecallError {
  return new RolecallError('CONFIG_INVALID', `${s.key} = ${JSON.stringify(s.value)} (${describeSource(s.source)}) ${why}`);
}

function bool(profile: Profile, key: string): boolean {
  const s = find(profile, key);
  if (!s) return false;
  const v = s.value.toLowerCase();
  if (['true', 'yes', '1', 'on'].includes(v)) return true;
  if (['false', 'no', '0', 'off'].includes(v)) return false;
  throw invalid(s, 'must be true or false.');
}

function oneOf<T extends string>(profile: Profile, key: string, allowed: readonly T[]): T | undefined {
  const s = find(profile, key);
  if (!s) return undefined;
  const v = s.value.toLowerCase() as T;
  if (!allowed.includes(v)) throw invalid(s, `must be one of: ${allowed.join(', ')}.`);
  return v;
}

function url(s: Setting<string> & { key: string }): URL {
  try {
    return new URL(s.value);
  } catch {
    throw invalid(s, 'is not a URL.');
  }
}

function isLoopbackRedirect(u: URL): boolean {
  return u.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
}

/** the issuer from web_identity_auth_url, without a discovery document suffix if one was pasted */
function issuer(profile: Profile): Setting<string> {
  const s = find(profile, KEYS.issuer);
  if (!s) {
    throw new RolecallError('CONFIG_INVALID', `profile ${profile.name} has no web_identity_auth_url: rolecall needs the OIDC issuer URL to sign in.`, {
      hint: 'Add web_identity_auth_url = https://your-idp.example.com to the profile (or to its source_profile or [default]).',
    });
  }
  const u = url(s);
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw invalid(s, 'must be an https URL.');
  const value = s.value.replace(/\/\.well-known\/openid-configuration\/?$/, '');
  return setting(value, s.source);
}

/** aws-oidc's agent arrives as a JSON array; a plain string is split on spaces */
export function agent(profile: Profile): string[] | undefined {
  const s = find(profile, KEYS.agent);
  if (!s) return undefined;
  if (!s.value.startsWith('[')) return s.value.split(/\s+/);
  let parsed: unknown;
  try {
    parsed = JSON.parse(s.value);
  } catch {
    throw invalid(s, 'is not a JSON array of strings.');
  }
  if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every((a): a is string => typeof a === 'string')) {
    throw invalid(s, 'must be a non-empty array of strings, e.g. ["open", "-a", "Firefox", "{}"].');
  }
  return parsed;
}

function timeoutSeconds(profile: Profile): number {
  const s = find(profile, KEYS.timeout);
  if (!s) return DEFAULT_TIMEOUT_SECONDS;
  const m = /^(\d+)(s|m)?$/.exec(s.value);
  const seconds = m ? Number(m[1]) * (m[2] === 'm' ? 60 : 1) : NaN;
  if (!(seconds >= 1 && seconds <= 3600)) throw invalid(s, 'must be a number of seconds (or minutes, "5m") between 1s and 60m.');
  return seconds;
}

function flow(profile: Profile, flags: { device?: boolean }, redirect: URL | undefined): OidcFlow {
  if (flags.device) return 'device';
  const configured = oneOf(profile, KEYS.flow, ['browser', 'device', 'password'] as const);
  if (configured) return configured;
  // aws-runas profiles log in with a username and password, and their redirect URI is not a loopback one
  if (find(profile, KEYS.username) || profile.settings.has('web_identity_provider')) return 'password';
  if (redirect && !isLoopbackRedirect(redirect)) return 'password';
  return 'browser';
}

export function oidcSettings(profile: Profile, flags: { device?: boolean; noBrowser?: boolean }): OidcSettings {
  const iss = issuer(profile);
  const clientId = find(profile, KEYS.clientId);
  if (!clientId) {
    throw new RolecallError('CONFIG_INVALID', `profile ${profile.name} has no web_identity_client_id: rolecall needs the OAuth client id registered at ${iss.value}.`, {
      hint: 'Add web_identity_client_id = <client id> to the profile (or to its source_profile or [default]).',
    });
  }
  const redirect = find(profile, KEYS.redirectUri);
  const redirectUrl = redirect ? url(redirect) : undefined;
  const chosen = flow(profile, flags, redirectUrl);
  if (chosen === 'browser' && redirect && redirectUrl && !isLoopbackRedirect(redirectUrl)) {
    throw invalid(redirect, 'must be a loopback URL such as http://127.0.0.1:8400/callback for the browser login (RFC 8252).');
  }
  for (const key of [KEYS.successRedirectUrl, KEYS.failureRedirectUrl]) {
    const s = find(profile, key);
    if (s) url(s);
  }
  const scopes = find(profile, KEYS.scopes)?.value.split(/[\s,]+/).filter(Boolean) ?? DEFAULT_SCOPES;
  return {
    issuer: iss,
    clientId: { value: clientId.value, source: clientId.source },
    clientSecret: strip(find(profile, KEYS.clientSecret)),
    redirectUri: strip(redirect),
    flow: chosen,
    scopes: scopes.includes('openid') ? scopes : ['openid', ...scopes],
    username: strip(find(profile, KEYS.username)),
    agent: agent(profile),
    allowInsecure: bool(profile, KEYS.allowInsecure),
    additionalQuery: find(profile, KEYS.additionalQuery)?.value.replace(/^[?&]/, ''),
    successRedirectUrl: find(profile, KEYS.successRedirectUrl)?.value,
    failureRedirectUrl: find(profile, KEYS.failureRedirectUrl)?.value,
    clientCert: find(profile, KEYS.clientCert)?.value,
    clientKey: find(profile, KEYS.clientKey)?.value,
    clientCa: find(profile, KEYS.clientCa)?.value,
    insecureSkipVerify: bool(profile, KEYS.insecureSkipVerify),
    tokenType: oneOf(profile, KEYS.tokenType, ['id_token', 'access_token'] as const) ?? 'id_token',
    noBrowser: flags.noBrowser === true,
    timeoutSeconds: timeoutSeconds(profile),
  };
}

function strip(s: (Setting<string> & { key: string }) | undefined): Setting<string> | undefined {
  return s ? { value: s.value, source: s.source } : undefined;
}
