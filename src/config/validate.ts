// Checks of the keys rolecall knows, with errors that name the value and where it came from.
// Unknown keys pass: the same files carry other tools' settings.
import { RolecallError } from '../errors';
import { parseDuration, SESSION_BOUNDS, type DurationBounds } from './duration';
import type { Profile } from './profile';
import { describeSource, type Setting } from './source';

/** aws-runas's providers plus the generic ones rolecall speaks to by standard OIDC. */
export const WEB_IDENTITY_PROVIDERS = ['adfs', 'auth0', 'azuread', 'forgerock', 'generic', 'google', 'keycloak', 'okta', 'onelogin'] as const;
export const MFA_TYPES = ['auto', 'none', 'code', 'push', 'totp'] as const;
export const FEDERATION_TYPES = ['oidc', 'saml2'] as const;

const PARTITION = 'aws(?:-[a-z]+)*';
const ROLE_ARN = new RegExp(`^arn:${PARTITION}:iam::\\d{12}:role/(?:[\\x21-\\x7e]+/)?[\\w+=,.@-]{1,64}$`);
const MFA_ARN = new RegExp(`^arn:${PARTITION}:iam::\\d{12}:(?:mfa|u2f)/[\\w+=,.@/-]+$`);
// STS SerialNumber: 9..256 of [\w+=/:,.@-]; a hardware token's serial like GAHT12345678
const MFA_SERIAL = /^[\w+=/:,.@-]{9,256}$/;
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d+$/;
const ACCOUNT_ID = /^\d{12}$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;

// no key checked here holds a secret, so the value can be shown
function invalid(key: string, value: Setting<string>, why: string, hint?: string): RolecallError {
  // the key as the user wrote it: aws-oidc's `duration` is rolecall's duration_seconds
  const written = value.source.kind === 'file' && value.source.key ? value.source.key : key;
  return new RolecallError('CONFIG_INVALID', `${written} = ${JSON.stringify(value.value)} (${describeSource(value.source)}) ${why}`, hint ? { hint } : {});
}

function oneOf(list: readonly string[]): (key: string, value: Setting<string>) => void {
  return (key, value) => {
    if (!list.includes(value.value.toLowerCase())) throw invalid(key, value, `is not supported; supported: ${list.join(', ')}`);
  };
}

function matches(pattern: RegExp, what: string, hint?: string): (key: string, value: Setting<string>) => void {
  return (key, value) => {
    if (!pattern.test(value.value)) throw invalid(key, value, `is not ${what}`, hint);
  };
}

function url(key: string, value: Setting<string>): void {
  let parsed: URL;
  try {
    parsed = new URL(value.value);
  } catch {
    throw invalid(key, value, 'is not a URL', 'Write the full URL, e.g. https://sts.us-east-1.amazonaws.com.');
  }
  if (key.startsWith('endpoint_url') && parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw invalid(key, value, 'is not an http(s) URL');
  }
}

// the spellings the OIDC and SAML readers accept
function boolean(key: string, value: Setting<string>): void {
  if (!/^(true|false|yes|no|on|off|1|0)$/i.test(value.value.trim())) throw invalid(key, value, 'is not true or false');
}

function mfaSerial(key: string, value: Setting<string>): void {
  const ok = value.value.startsWith('arn:') ? MFA_ARN.test(value.value) : MFA_SERIAL.test(value.value);
  if (!ok) {
    throw invalid(key, value, 'is not an MFA device', 'Use the device ARN (arn:aws:iam::123456789012:mfa/NAME) or a hardware token serial number.');
  }
}

function durationSeconds(key: string, value: Setting<string>, bounds: DurationBounds): void {
  if (!/^\d+$/.test(value.value.trim())) throw invalid(key, value, 'is not a whole number of seconds', 'Write seconds, e.g. 3600.');
  parseDuration(value, bounds);
}

function duration(_key: string, value: Setting<string>, bounds: DurationBounds): void {
  parseDuration(value, bounds);
}

function agent(key: string, value: Setting<string>): void {
  if (!value.value.startsWith('[')) return;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.value);
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every((p) => typeof p === 'string')) {
    throw invalid(key, value, 'is not a list of strings', 'Write the browser command as a list, e.g. ["firefox", "--new-window", "{}"].');
  }
}

const ROLE_HINT = 'An IAM role ARN looks like arn:aws:iam::123456789012:role/NAME.';
const CHECKS: ReadonlyMap<string, (key: string, value: Setting<string>, bounds: DurationBounds) => void> = new Map([
  ['role_arn', matches(ROLE_ARN, 'an IAM role ARN', ROLE_HINT)],
  ['default_iam_role_arn', matches(ROLE_ARN, 'an IAM role ARN', ROLE_HINT)],
  ['jump_role_arn', matches(ROLE_ARN, 'an IAM role ARN', ROLE_HINT)],
  ['mfa_serial', mfaSerial],
  ['duration_seconds', durationSeconds],
  ['credentials_duration', duration],
  ['region', matches(REGION, 'an AWS region', 'Regions look like us-east-1 or eu-central-2.')],
  ['endpoint_url', url],
  ['web_identity_auth_url', url],
  ['saml_assertion_url', url],
  ['web_identity_provider', oneOf(WEB_IDENTITY_PROVIDERS)],
  ['mfa_type', oneOf(MFA_TYPES)],
  ['federation_type', oneOf(FEDERATION_TYPES)],
  ['role_session_name', matches(SESSION_NAME, 'a role session name (2-64 of letters, digits and +=,.@_-)')],
  ['external_id', matches(EXTERNAL_ID, 'an external id (2-1224 of letters, digits and +=,.@:/_-)')],
  ['web_identity_allow_insecure', boolean],
  ['web_identity_insecure_skip_verify', boolean],
  ['saml_allow_insecure', boolean],
  ['web_identity_agent', agent],
]);

export function isAccountId(text: string): boolean {
  return ACCOUNT_ID.test(text);
}

/** Throws CONFIG_INVALID (or DURATION_INVALID) for the first bad value, naming where it came from. */
export function validateProfile(profile: Profile, bounds: DurationBounds = SESSION_BOUNDS): void {
  for (const [key, value] of profile.settings) {
    const check = key.startsWith('endpoint_url.') ? url : CHECKS.get(key);
    check?.(key, value, bounds);
  }
  if (profile.sourceProfile) validateProfile(profile.sourceProfile, bounds);
}
