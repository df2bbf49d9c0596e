// Where a profile's SAML assertion comes from, with the settings to get it: coinbase's SAML POST API
// (saml_* keys), the identity provider's own sign-in page in the user's browser (saml_sso_url), or
// an OIDC login exchanged for an assertion (aws-cli-oidc's saml2). What a Saml step carries,
// checked as the plan is built.
import type { Profile } from '../config/profile';
import type { Setting } from '../config/source';
import { oidcSettings, type OidcSettings } from './oidc';

/** The body sent when no template is configured (coinbase required one; most POST APIs take these two keys). */
export const DEFAULT_BODY_TEMPLATE = '{"username": "$saml_user", "password": "$saml_password"}';

export interface SamlPostApi {
  from: 'post-api';
  url: Setting<string>;
  bodyTemplate: Setting<string>;
  /** http to a non-loopback host, only with the user's explicit opt-in (saml_allow_insecure) */
  allowInsecure: boolean;
  /** saml_username, or the username of ~/.saml/credentials (config/saml-credentials.ts); else asked */
  username?: Setting<string>;
}

export interface SamlTokenExchange {
  from: 'token-exchange';
  oidc: OidcSettings;
  audience?: string;
  subjectTokenType: 'urn:ietf:params:oauth:token-type:access_token' | 'urn:ietf:params:oauth:token-type:id_token';
}

export interface SamlBrowser {
  from: 'browser';
  /** saml_sso_url: the identity provider's start URL for the AWS app */
  startUrl: Setting<string>;
  /** saml_browser: a name or a path; absent: the first Chromium-family browser found */
  browser?: Setting<string>;
  headless: Setting<'auto' | 'true' | 'false'>;
  timeoutSeconds: Setting<number>;
  /** a plain-http sign-in page that is not loopback, only with saml_allow_insecure */
  allowInsecure: boolean;
}

export type SamlAssertionSource = SamlPostApi | SamlBrowser | SamlTokenExchange;

/** how long a browser sign-in waits for the user when saml_browser_timeout does not say */
export const DEFAULT_BROWSER_TIMEOUT_SECONDS = 300;

/** The profile's SAML assertion source; undefined when it has none. */
export function samlAssertionSource(profile: Profile, flags: { device?: boolean } = {}): SamlAssertionSource | undefined {
  const url = profile.get('saml_assertion_url');
  if (url) {
    return {
      from: 'post-api',
      url,
      bodyTemplate: profile.get('saml_request_body_template') ?? { value: DEFAULT_BODY_TEMPLATE, source: { kind: 'default' } },
      allowInsecure: profile.value('saml_allow_insecure') ?? false,
      username: profile.get('saml_username'),
    };
  }
  const startUrl = profile.get('saml_sso_url');
  if (startUrl) {
    return {
      from: 'browser',
      startUrl,
      browser: profile.get('saml_browser'),
      headless: profile.get('saml_browser_headless') ?? { value: 'auto', source: { kind: 'default' } },
      timeoutSeconds: profile.get('saml_browser_timeout') ?? { value: DEFAULT_BROWSER_TIMEOUT_SECONDS, source: { kind: 'default' } },
      allowInsecure: profile.value('saml_allow_insecure') ?? false,
    };
  }
  if (profile.value('federation_type') !== 'saml2') return undefined;
  return {
    from: 'token-exchange',
    oidc: oidcSettings(profile, flags),
    audience: profile.value('oidc_provider_token_exchange_audience'),
    subjectTokenType: profile.value('oidc_provider_token_exchange_subject_token_type') ?? 'urn:ietf:params:oauth:token-type:access_token',
  };
}
