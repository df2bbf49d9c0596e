// Every profile key rolecall reads, in one table: its parser, whether it is inherited through
// source_profile and [default], the environment variables that set it, its built-in default, the
// tools it comes from, and the identity provider settings it belongs to. What other modules need
// to know about keys (which are inherited, which are known, which variables set what) is derived
// from here, and so is the reference table in docs/configuration.md (scripts/keys-doc.ts).
import { RolecallError } from '../errors';
import * as parse from './parse';
import type { Parser } from './parse';
import { sessionPolicy, sessionPolicyArns } from './session-policy';

/** Where a key comes from, in the names users know. */
export type Tool = 'AWS CLI' | 'aws-oidc' | 'aws-cli-oidc' | 'aws-runas' | 'coinbase assume-role' | 'sts2env' | 'rolecall';

/** The identity provider settings a key is part of: the sign-in they configure. */
export type IdpGroup = 'oidc' | 'saml' | 'token-exchange';

export interface KeySpec<T = unknown> {
  /** what the key does, for docs/configuration.md */
  what: string;
  parse: Parser<T>;
  /** flows down from source_profile and [default] when the profile does not set it */
  inherited?: true;
  /** the variables that set it, strongest first; they apply to the profile asked for */
  env?: readonly string[];
  /** a variable that sets it for `rolecall assume` only (coinbase's SAML_IDP_*, see config/coinbase.ts) */
  assumeEnv?: string;
  /** the value when nothing sets it, shown by doctor as the built-in default */
  default?: string;
  /** flags that set it, for the docs (the commands map their flags onto keys) */
  flags?: readonly string[];
  from: readonly Tool[];
  /** part of this sign-in's settings */
  idp?: IdpGroup;
  /** a session length: validateProfile checks it against the session bounds */
  session?: true;
}

const key = <T>(spec: KeySpec<T>): KeySpec<T> => spec;

/** aws-runas's providers plus the generic ones rolecall speaks to by standard OIDC. */
export const WEB_IDENTITY_PROVIDERS = ['adfs', 'auth0', 'azuread', 'forgerock', 'generic', 'google', 'keycloak', 'okta', 'onelogin'] as const;
export type WebIdentityProvider = (typeof WEB_IDENTITY_PROVIDERS)[number];
/** aws-runas's mfa_type, and totp (a code, as `code`) */
export const MFA_TYPES = ['auto', 'none', 'code', 'push', 'totp'] as const;
export type MfaType = (typeof MFA_TYPES)[number];
/** how an OAuth client authenticates at the token endpoint (OIDC's token_endpoint_auth_method names) */
export const CLIENT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'none'] as const;
export type ClientAuthMethod = (typeof CLIENT_AUTH_METHODS)[number];
const SUBJECT_TOKEN_TYPES = ['urn:ietf:params:oauth:token-type:access_token', 'urn:ietf:params:oauth:token-type:id_token'] as const;
type SubjectTokenType = (typeof SUBJECT_TOKEN_TYPES)[number];

const subjectTokenType: Parser<SubjectTokenType> = (value, name) => {
  const found = SUBJECT_TOKEN_TYPES.find((t) => t === value.value.trim());
  if (!found) {
    throw new RolecallError('CONFIG_INVALID', `${name} "${value.value}" is neither the access token nor the ID token type`, {
      hint: 'Use urn:ietf:params:oauth:token-type:access_token (the default) or urn:ietf:params:oauth:token-type:id_token.',
    });
  }
  return found;
};

/** per-role and per-account: one browser profile or container for each role, or each account */
const BROWSER_PROFILE_SHORTHANDS: Readonly<Record<string, string>> = { 'per-role': 'aws-{account}-{role}', 'per-account': 'aws-{account}' };

/** A browser profile name, with {account}, {role} and {profile} to fill in (the shorthands expanded). */
const browserProfile: Parser<string | undefined> = (value, name) => {
  const template = BROWSER_PROFILE_SHORTHANDS[value.value.trim()] ?? value.value.trim();
  if (template === '') return undefined;
  const unknown = /\{(?!(?:account|role|profile)\})[^}]*\}/.exec(template);
  if (unknown) {
    throw parse.invalid(name, value, `names ${unknown[0]}, which rolecall does not fill in`, 'Use {account}, {role} and {profile}, or per-role / per-account.');
  }
  if (/[/\\\x00-\x1f]/.test(template) || template.startsWith('.')) {
    throw parse.invalid(name, value, 'is not a name a browser profile can have (no / or \\, no control characters, not starting with .)');
  }
  return template;
};

const ARN_FLAGS = ['--role-arn', '`get-cred -r`', '`auth --role_arn`'];
const DURATION_FLAGS = ['--duration', '-d'];

export const KEYS = {
  region: key({ what: 'region for STS, IAM and the console', parse: parse.region, inherited: true, env: ['AWS_REGION', 'AWS_DEFAULT_REGION'], flags: ['--region'], from: ['AWS CLI', 'aws-oidc', 'aws-cli-oidc', 'aws-runas', 'coinbase assume-role'] }),
  aws_access_key_id: key({ what: 'static key id (credentials file)', parse: parse.text, from: ['AWS CLI', 'coinbase assume-role', 'sts2env'] }),
  aws_secret_access_key: key({ what: 'static secret key (credentials file); never shown', parse: parse.text, from: ['AWS CLI', 'coinbase assume-role', 'sts2env'] }),
  aws_session_token: key({ what: 'session token of temporary keys; never shown', parse: parse.text, from: ['AWS CLI', 'sts2env'] }),
  source_profile: key({ what: 'the profile whose credentials assume `role_arn`', parse: parse.text, from: ['AWS CLI', 'aws-runas', 'coinbase assume-role'] }),
  credential_source: key({
    what: '`Environment`: take the source credentials from `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`/`AWS_SESSION_TOKEN`. `Ec2InstanceMetadata` and `EcsContainer` are refused: rolecall runs where you work',
    parse: parse.text,
    from: ['AWS CLI'],
  }),
  credential_process: key({ what: 'a command that prints credential_process JSON; run as the AWS CLI runs it when the profile has no keys or role', parse: parse.text, from: ['AWS CLI'] }),
  role_arn: key({ what: 'the role to assume (an IAM role ARN, any partition)', parse: parse.roleArn, flags: ARN_FLAGS, from: ['AWS CLI', 'aws-oidc', 'aws-runas'] }),
  mfa_serial: key({ what: 'MFA device: ARN (`arn:aws:iam::ACCOUNT:mfa/NAME`) or a hardware token serial', parse: parse.mfaSerial, from: ['AWS CLI', 'coinbase assume-role'] }),
  external_id: key({ what: '`ExternalId` for `AssumeRole`', parse: parse.externalId, from: ['AWS CLI'] }),
  role_session_name: key({ what: '`RoleSessionName` (2-64 of letters, digits and `+=,.@_-`)', parse: parse.sessionName, from: ['AWS CLI', 'aws-cli-oidc'] }),
  duration_seconds: key({
    what: 'session length in whole seconds, 900..43200',
    parse: parse.seconds,
    session: true,
    env: ['AWS_ROLE_SESSION_TIMEOUT'],
    flags: DURATION_FLAGS,
    from: ['AWS CLI', 'aws-oidc', 'aws-cli-oidc', 'coinbase assume-role'],
  }),
  credentials_duration: key({
    what: 'session length as seconds or a Go duration (`1h`, `90m`, `1h30m`, `1.5h`), 15m..12h',
    parse: parse.duration,
    session: true,
    inherited: true,
    env: ['CREDENTIALS_DURATION'],
    default: '1h',
    flags: DURATION_FLAGS,
    from: ['aws-runas'],
  }),
  web_identity_token_file: key({ what: 'a file holding the web identity token', parse: parse.text, idp: 'oidc', from: ['AWS CLI'] }),
  endpoint_url: key({ what: 'endpoint for every service', parse: parse.endpoint, inherited: true, env: ['AWS_ENDPOINT_URL'], from: ['AWS CLI'] }),
  ignore_configured_endpoint_urls: key({
    what: '`true`: ignore every endpoint the configuration sets (`endpoint_url`, the `services` section, the `AWS_ENDPOINT_URL*` variables) and use each service\'s own AWS endpoint, as the AWS CLI and SDKs do; the variable beats the key, which the named profile holds (`true` or `false`)',
    parse: parse.trueOrFalse,
    env: ['AWS_IGNORE_CONFIGURED_ENDPOINT_URLS'],
    from: ['AWS CLI'],
  }),
  services: key({ what: 'names a `[services NAME]` section whose `sts =` / `iam =` sub-sections hold `endpoint_url`', parse: parse.text, from: ['AWS CLI'] }),
  'endpoint_url.sts': key({ what: 'the STS endpoint (from the `services` section)', parse: parse.url, env: ['AWS_ENDPOINT_URL_STS'], from: ['AWS CLI'] }),
  'endpoint_url.iam': key({ what: 'the IAM endpoint (from the `services` section)', parse: parse.url, env: ['AWS_ENDPOINT_URL_IAM'], from: ['AWS CLI'] }),
  'endpoint_url.signin': key({ what: 'the console federation endpoint, for `rolecall login`', parse: parse.url, env: ['AWS_ENDPOINT_URL_SIGNIN'], from: ['rolecall'] }),
  jump_role_arn: key({ what: 'a first role to assume with the web identity, from which `role_arn` is assumed', parse: parse.roleArn, env: ['JUMP_ROLE_ARN'], from: ['aws-runas'] }),
  mfa_type: key({ what: 'the identity provider\'s MFA in a sign-in without a browser (Okta, Keycloak): `auto` (default: Okta Verify push if the account has it, else a code), `code` (or `totp`: a one-time code, from mfa_process or asked on the terminal), `push`, `none`', parse: parse.oneOf(MFA_TYPES), inherited: true, env: ['MFA_TYPE'], default: 'auto', from: ['aws-runas'] }),
  mfa_process: key({ what: 'a command whose stdout is the current MFA code', parse: parse.text, inherited: true, from: ['rolecall'] }),
  web_identity_auth_url: key({ what: 'the OIDC issuer URL (aws-oidc: `provider_url`, aws-cli-oidc: `oidc_provider_metadata_url`)', parse: parse.url, inherited: true, env: ['WEB_IDENTITY_AUTH_URL'], idp: 'oidc', from: ['aws-runas', 'aws-oidc', 'aws-cli-oidc'] }),
  web_identity_client_id: key({ what: 'the OIDC client id', parse: parse.optionalText, inherited: true, idp: 'oidc', from: ['aws-runas', 'aws-oidc', 'aws-cli-oidc'] }),
  web_identity_client_secret: key({ what: 'the OIDC client secret, for a confidential client; never shown', parse: parse.optionalText, inherited: true, idp: 'oidc', from: ['aws-runas', 'aws-oidc', 'aws-cli-oidc'] }),
  web_identity_client_auth_method: key({
    what: 'how the client authenticates at the token endpoint: `client_secret_basic`, `client_secret_post` or `none`; default: what the discovery document lists (`token_endpoint_auth_methods_supported`), basic first',
    parse: parse.oneOf(CLIENT_AUTH_METHODS),
    inherited: true,
    idp: 'oidc',
    from: ['rolecall'],
  }),
  web_identity_redirect_uri: key({ what: 'redirect URI; a loopback one fixes the port (with `localhost`, rolecall holds it on both 127.0.0.1 and ::1, and stops with an error if another program has either)', parse: parse.optionalUrl, inherited: true, idp: 'oidc', from: ['aws-runas'] }),
  web_identity_username: key({ what: 'username for the password flow', parse: parse.optionalText, inherited: true, env: ['WEB_IDENTITY_USERNAME'], idp: 'oidc', from: ['aws-runas'] }),
  web_identity_provider: key({
    what: 'the identity provider, instead of recognising it (case-insensitive): `okta` and `keycloak` sign in without a browser, with their MFA (`mfa_type`); `google` through the browser, with offline access; `azuread`, `onelogin`, `forgerock` through the browser or `--device` only; `adfs`, `auth0`, `generic` standard OIDC',
    parse: parse.oneOf(WEB_IDENTITY_PROVIDERS),
    inherited: true,
    env: ['WEB_IDENTITY_PROVIDER'],
    idp: 'oidc',
    from: ['aws-runas'],
  }),
  web_identity_flow: key({ what: '`browser`, `device` or `password`', parse: parse.oneOf(['browser', 'device', 'password']), inherited: true, flags: ['--device'], idp: 'oidc', from: ['rolecall'] }),
  web_identity_scopes: key({ what: 'scopes, space or comma separated (`openid` always added; default `openid email offline_access`)', parse: parse.words, inherited: true, idp: 'oidc', from: ['rolecall'] }),
  web_identity_token_type: key({ what: '`id_token` (default) or `access_token` for `AssumeRoleWithWebIdentity`', parse: parse.oneOf(['id_token', 'access_token']), inherited: true, idp: 'oidc', from: ['rolecall'] }),
  web_identity_allow_insecure: key({ what: 'allow a plain-http IdP that is not loopback (`true`/`false`)', parse: parse.boolean, inherited: true, idp: 'oidc', from: ['rolecall'] }),
  web_identity_agent: key({ what: 'the browser command, a JSON list with `{}` for the URL: `["firefox", "--new-window", "{}"]`', parse: parse.command, inherited: true, idp: 'oidc', from: ['aws-oidc'] }),
  web_identity_timeout: key({ what: 'how long to wait for the browser or device login (seconds, or `5m`; default 300)', parse: parse.timeout, inherited: true, idp: 'oidc', from: ['rolecall'] }),
  web_identity_additional_query: key({ what: 'extra authorization request parameters, `a=b&c=d` (aws-cli-oidc: `oidc_authentication_request_additional_query`)', parse: parse.optionalText, inherited: true, idp: 'oidc', from: ['aws-cli-oidc'] }),
  web_identity_success_redirect_url: key({ what: 'where the browser goes after a login (aws-cli-oidc: `successful_redirect_url`)', parse: parse.optionalUrl, inherited: true, idp: 'oidc', from: ['aws-cli-oidc'] }),
  web_identity_failure_redirect_url: key({ what: 'where the browser goes after a failed login (aws-cli-oidc: `failure_redirect_url`)', parse: parse.optionalUrl, inherited: true, idp: 'oidc', from: ['aws-cli-oidc'] }),
  web_identity_client_cert: key({ what: 'PEM client certificate for mTLS to the IdP (aws-cli-oidc: `client_auth_cert`)', parse: parse.optionalText, inherited: true, idp: 'oidc', from: ['aws-cli-oidc'] }),
  web_identity_client_key: key({ what: 'PEM key of that certificate (aws-cli-oidc: `client_auth_key`)', parse: parse.optionalText, inherited: true, idp: 'oidc', from: ['aws-cli-oidc'] }),
  web_identity_client_ca: key({ what: 'PEM CA bundle that signs the IdP (aws-cli-oidc: `client_auth_ca`)', parse: parse.optionalText, inherited: true, idp: 'oidc', from: ['aws-cli-oidc'] }),
  web_identity_insecure_skip_verify: key({ what: 'skip TLS verification of the IdP (`true`/`false`; warned about on every use)', parse: parse.boolean, inherited: true, idp: 'oidc', from: ['aws-cli-oidc'] }),
  federation_type: key({ what: '`oidc`, or `saml2`: exchange the OIDC token for a SAML assertion (aws-cli-oidc: `aws_federation_type`)', parse: parse.oneOf(['oidc', 'saml2']), idp: 'token-exchange', from: ['aws-cli-oidc'] }),
  default_iam_role_arn: key({ what: 'with `saml2`, the preferred role among those the assertion lists', parse: parse.roleArn, idp: 'token-exchange', from: ['aws-cli-oidc'] }),
  oidc_provider_token_exchange_audience: key({ what: 'the `audience` of the token exchange', parse: parse.text, idp: 'token-exchange', from: ['aws-cli-oidc'] }),
  oidc_provider_token_exchange_subject_token_type: key({
    what: 'which token is exchanged: `urn:ietf:params:oauth:token-type:access_token` (default) or `...:id_token`',
    parse: subjectTokenType,
    idp: 'token-exchange',
    from: ['aws-cli-oidc'],
  }),
  saml_assertion_url: key({ what: 'SAML POST API that answers `{"saml_response": ...}`', parse: parse.url, inherited: true, assumeEnv: 'SAML_IDP_ASSERTION_URL', idp: 'saml', from: ['coinbase assume-role'] }),
  saml_provider_name: key({ what: 'SAML provider name in IAM (`arn:aws:iam::ACCOUNT:saml-provider/NAME`)', parse: parse.text, inherited: true, assumeEnv: 'SAML_IDP_NAME', idp: 'saml', from: ['coinbase assume-role'] }),
  saml_request_body_template: key({ what: 'JSON body with `$saml_user` / `$saml_password`', parse: parse.text, inherited: true, assumeEnv: 'SAML_IDP_REQUEST_BODY_TEMPLATE', idp: 'saml', from: ['coinbase assume-role'] }),
  saml_username: key({ what: 'SAML username (else `~/.saml/credentials`, else a prompt)', parse: parse.text, inherited: true, idp: 'saml', from: ['coinbase assume-role'] }),
  saml_allow_insecure: key({ what: 'allow a plain-http SAML API or sign-in page (`saml_sso_url`) that is not loopback (`true`/`false`; warned about on every use)', parse: parse.boolean, inherited: true, assumeEnv: 'SAML_IDP_ALLOW_INSECURE', idp: 'saml', from: ['rolecall'] }),
  saml_sso_url: key({
    what: "the identity provider's start URL for the AWS app (IdP-initiated sign-in); rolecall opens it in a Chromium-family browser and takes the SAMLResponse the page posts to AWS. See [saml-browser.md](saml-browser.md)",
    parse: parse.url,
    inherited: true,
    idp: 'saml',
    from: ['rolecall'],
  }),
  saml_browser: key({ what: 'the browser for `saml_sso_url`: `chrome`, `edge`, `chromium`, `brave`, or the path of its executable (default: the first of these found)', parse: parse.text, inherited: true, from: ['rolecall'] }),
  saml_browser_headless: key({
    what: '`auto` (try without a window, show one when the provider wants you), `true` (never a window), `false` (always a window)',
    parse: parse.autoOrBoolean,
    inherited: true,
    default: 'auto',
    from: ['rolecall'],
  }),
  saml_browser_timeout: key({ what: 'how long to wait for the sign-in in the browser (seconds, or `5m`; default 300)', parse: parse.timeout, inherited: true, from: ['rolecall'] }),
  sso_session: key({ what: 'IAM Identity Center: the `[sso-session NAME]` section with the start URL and region', parse: parse.text, from: ['AWS CLI'] }),
  sso_start_url: key({ what: 'IAM Identity Center: the AWS access portal URL (in `[sso-session NAME]`, or in the profile for the legacy form)', parse: parse.url, from: ['AWS CLI'] }),
  sso_region: key({ what: 'IAM Identity Center: the region of the instance (where its sign-in and portal answer)', parse: parse.region, from: ['AWS CLI'] }),
  sso_registration_scopes: key({ what: 'IAM Identity Center: scopes of the client registration, comma separated; `sso:account:access` earns a refresh token', parse: parse.commaList, from: ['AWS CLI'] }),
  sso_account_id: key({ what: 'IAM Identity Center: the account of the role', parse: parse.accountId, from: ['AWS CLI'] }),
  sso_role_name: key({ what: 'IAM Identity Center: the role (permission set) to use in that account', parse: parse.permissionSet, from: ['AWS CLI'] }),
  sso_use_device_code: key({ what: 'IAM Identity Center: sign in with a device code instead of the browser on this machine (`true`/`false`; the AWS CLI\'s `--use-device-code`)', parse: parse.boolean, flags: ['--device'], from: ['rolecall'] }),
  'endpoint_url.sso': key({ what: 'the AWS access portal endpoint (from the `services` section: `sso =`)', parse: parse.url, env: ['AWS_ENDPOINT_URL_SSO'], from: ['AWS CLI'] }),
  'endpoint_url.sso_oidc': key({ what: 'the SSO OIDC endpoint (from the `services` section: `sso_oidc =`)', parse: parse.url, env: ['AWS_ENDPOINT_URL_SSO_OIDC'], from: ['AWS CLI'] }),
  console_browser: key({
    what: 'the browser `login` opens the console in: `chrome`, `chromium`, `brave`, `edge`, `vivaldi`, `firefox`, or its command (a JSON list, `{}` for the URL); default: `web_identity_agent`, then `$BROWSER`, then the system opener',
    parse: parse.command,
    inherited: true,
    from: ['rolecall'],
  }),
  console_browser_profile: key({
    what: 'the browser profile the console opens in (Chromium family: `--profile-directory`) or the Firefox container (with the "Open external links in a container" extension); `{account}`, `{role}` and `{profile}` are filled in; `per-role` means `aws-{account}-{role}`, `per-account` means `aws-{account}`',
    parse: browserProfile,
    inherited: true,
    flags: ['`login --browser-profile`'],
    from: ['rolecall'],
  }),
  session_policy: key({
    what: 'a session policy that narrows the role session: the policy JSON, or the path of a file holding it (`file://` and `~/` work; relative to the config file). Sent with the last role assumed (`Policy`); the session may do only what both the role and this policy allow',
    parse: sessionPolicy,
    inherited: true,
    flags: ['--policy'],
    from: ['rolecall'],
  }),
  session_policy_arns: key({
    what: 'managed policies that narrow the role session (`PolicyArns`, 10 at most, separated by commas or spaces), with the last role assumed',
    parse: sessionPolicyArns,
    inherited: true,
    flags: ['--policy-arn'],
    from: ['rolecall'],
  }),
  refresh_window: key({
    what: 'replace cached credentials this long before they expire, at most a third of their lifetime (seconds or Go duration; default 15m)',
    parse: parse.refreshWindow,
    inherited: true,
    from: ['rolecall'],
  }),
} as const satisfies Record<string, KeySpec>;

export type KeyName = keyof typeof KEYS;
/** The parsed value of a key that is set. */
export type ValueOf<K extends KeyName> = Exclude<ReturnType<(typeof KEYS)[K]['parse']>, undefined>;

/** The keys the AWS CLI and SDKs read that rolecall does not (botocore's profile keys). */
const AWS_CLI_ONLY_KEYS = [
  'output', 'aws_security_token', 'aws_account_id', 'ca_bundle', 'cli_timestamp_format', 'cli_follow_urlparam', 'cli_binary_format', 'cli_pager', 'cli_auto_prompt',
  'cli_history', 'parameter_validation', 'retry_mode', 'max_attempts', 'use_dualstack_endpoint',
  'use_fips_endpoint', 'tcp_keepalive', 's3', 'sts_regional_endpoints', 'metadata_service_timeout', 'metadata_service_num_attempts',
  'ec2_metadata_service_endpoint', 'ec2_metadata_service_endpoint_mode', 'ec2_metadata_v1_disabled', 'api_versions', 'defaults_mode',
  'sdk_ua_app_id', 'request_min_compression_size_bytes', 'disable_request_compression', 'account_id_endpoint_mode',
  'request_checksum_calculation', 'response_checksum_validation', 'auth_scheme_preference', 'sigv4a_signing_region_set',
];

const ENTRIES = Object.entries(KEYS) as Array<[KeyName, KeySpec]>;

/** A service's endpoint other than those in the table (`endpoint_url.s3`, from a services section). */
const SERVICE_ENDPOINT: KeySpec<string> = { what: "a service's endpoint", parse: parse.endpoint, from: ['AWS CLI'] };

/** The spec of a key rolecall reads; undefined for other tools' keys. */
export function specOf(name: string): KeySpec | undefined {
  if (Object.hasOwn(KEYS, name)) return KEYS[name as KeyName];
  return name.startsWith('endpoint_url.') ? SERVICE_ENDPOINT : undefined;
}

/** Keys that flow down from source_profile and [default] when the profile does not set them. */
export const INHERITED_KEYS: ReadonlySet<string> = new Set(ENTRIES.filter(([, s]) => s.inherited).map(([k]) => k));

/** Every key a profile section may hold that rolecall or the AWS CLI reads (doctor's "did you mean"). */
export const KNOWN_KEYS: ReadonlySet<string> = new Set([...ENTRIES.map(([k]) => k).filter((k) => !k.includes('.')), ...AWS_CLI_ONLY_KEYS]);

/** Keys only rolecall and the tools it replaces read: the AWS CLI and SDKs skip them without a word. */
export const IGNORED_BY_AWS_CLI: ReadonlySet<string> = new Set(ENTRIES.filter(([, s]) => !s.from.includes('AWS CLI')).map(([k]) => k));

/** Variables that set keys, in precedence order: for a key named twice, the first that is set wins. */
export const ENV_SETTINGS: ReadonlyArray<{ env: string; key: KeyName }> = ENTRIES.flatMap(([k, s]) => (s.env ?? []).map((env) => ({ env, key: k })));

/** Variables that set keys for `rolecall assume` only. */
export const ASSUME_ENV_SETTINGS: ReadonlyArray<{ env: string; key: KeyName }> = ENTRIES.flatMap(([k, s]) => (s.assumeEnv ? [{ env: s.assumeEnv, key: k }] : []));

/** What a key is when nothing sets it. */
export const BUILT_IN_DEFAULTS: ReadonlyMap<KeyName, string> = new Map(ENTRIES.flatMap(([k, s]) => (s.default ? [[k, s.default] as const] : [])));

/** The keys of one identity provider's settings. */
export function idpKeys(group: IdpGroup): KeyName[] {
  return ENTRIES.filter(([, s]) => s.idp === group).map(([k]) => k);
}

/** Every key, in table order, with its spec (for the docs). */
export function keyTable(): ReadonlyArray<readonly [KeyName, KeySpec]> {
  return ENTRIES;
}
