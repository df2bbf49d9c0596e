// The parsers of profile values: each turns a setting's text into the typed value rolecall uses
// (a boolean, seconds, a URL, a list...) or throws an error naming the key, the value and where it
// came from. config/keys.ts says which parser reads which key.
import { RolecallError } from '../errors';
import { describeSource, type Setting } from './source';
import { parseDuration } from './duration';

/** A parser: the setting's text -> its value; `undefined` when the text means "not set". */
export type Parser<T> = (value: Setting<string>, key: string) => T;

const PARTITION = 'aws(?:-[a-z]+)*';
const ROLE_ARN = new RegExp(`^arn:${PARTITION}:iam::\\d{12}:role/(?:[\\x21-\\x7e]+/)?[\\w+=,.@-]{1,64}$`);
const MFA_ARN = new RegExp(`^arn:${PARTITION}:iam::\\d{12}:(?:mfa|u2f)/[\\w+=,.@/-]+$`);
// STS SerialNumber: 9..256 of [\w+=/:,.@-]; a hardware token's serial like GAHT12345678
const MFA_SERIAL = /^[\w+=/:,.@-]{9,256}$/;
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d+$/;
const ACCOUNT_ID = /^\d{12}$/;

export function isAccountId(text: string): boolean {
  return ACCOUNT_ID.test(text);
}

/** The error for a bad value. Keys whose value is a secret have no parser that shows it. */
export function invalid(key: string, value: Setting<string>, why: string, hint?: string): RolecallError {
  // the key as the user wrote it: aws-oidc's `duration` is rolecall's duration_seconds
  const written = value.source.kind === 'file' && value.source.key ? value.source.key : key;
  return new RolecallError('CONFIG_INVALID', `${written} = ${JSON.stringify(value.value)} (${describeSource(value.source)}) ${why}`, hint ? { hint } : {});
}

/** The value as written. */
export const text: Parser<string> = (value) => value.value;

/** The value trimmed; blank means not set (aws-cli-oidc writes "" for what was skipped). */
export const optionalText: Parser<string | undefined> = (value) => value.value.trim() || undefined;

/** One rule for every true/false key: true, yes, on, 1 / false, no, off, 0, in any case. */
export const boolean: Parser<boolean> = (value, key) => {
  const v = value.value.trim().toLowerCase();
  if (['true', 'yes', 'on', '1'].includes(v)) return true;
  if (['false', 'no', 'off', '0'].includes(v)) return false;
  throw invalid(key, value, 'is not true or false', 'Write true or false (yes/no, on/off and 1/0 work too).');
};

/**
 * Only true or false, in any case, for the AWS SDKs' own true/false settings: botocore reads any
 * other word as false and the JavaScript SDK refuses it, so rolecall refuses it too.
 */
export const trueOrFalse: Parser<boolean> = (value, key) => {
  const v = value.value.trim().toLowerCase();
  if (v === 'true' || v === 'false') return v === 'true';
  throw invalid(key, value, 'is not true or false', 'Write true or false: the AWS CLI reads every other word as false, the AWS SDK for JavaScript refuses it.');
};

/** `auto`, or one of the true/false words: 'auto' | 'true' | 'false'. */
export const autoOrBoolean: Parser<'auto' | 'true' | 'false'> = (value, key) => {
  if (value.value.trim().toLowerCase() === 'auto') return 'auto';
  try {
    return boolean(value, key) ? 'true' : 'false';
  } catch {
    throw invalid(key, value, 'is not auto, true or false');
  }
};

/** One of `choices`, in any case; the value is the choice in lower case. */
export function oneOf<const T extends string>(choices: readonly T[]): Parser<T> {
  return (value, key) => {
    const v = value.value.trim().toLowerCase() as T;
    if (!choices.includes(v)) throw invalid(key, value, `is not supported; supported: ${choices.join(', ')}`);
    return v;
  };
}

export function matching(pattern: RegExp, what: string, hint?: string): Parser<string> {
  return (value, key) => {
    if (!pattern.test(value.value)) throw invalid(key, value, `is not ${what}`, hint);
    return value.value;
  };
}

export const roleArn = matching(ROLE_ARN, 'an IAM role ARN', 'An IAM role ARN looks like arn:aws:iam::123456789012:role/NAME.');
export const region = matching(REGION, 'an AWS region', 'Regions look like us-east-1 or eu-central-2.');
export const sessionName = matching(/^[\w+=,.@-]{2,64}$/, 'a role session name (2-64 of letters, digits and +=,.@_-)');
export const accountId = matching(ACCOUNT_ID, 'an AWS account id (12 digits)');
/** a permission set's name: 1..32 of letters, digits and +=,.@_- */
export const permissionSet = matching(/^[\w+=,.@-]{1,32}$/, 'a permission set name (1-32 of letters, digits and +=,.@_-)');
export const externalId = matching(/^[\w+=,.@:/-]{2,1224}$/, 'an external id (2-1224 of letters, digits and +=,.@:/_-)');

export const mfaSerial: Parser<string> = (value, key) => {
  const ok = value.value.startsWith('arn:') ? MFA_ARN.test(value.value) : MFA_SERIAL.test(value.value);
  if (!ok) {
    throw invalid(key, value, 'is not an MFA device', 'Use the device ARN (arn:aws:iam::123456789012:mfa/NAME) or a hardware token serial number.');
  }
  return value.value;
};

/** A URL; the value stays text, as the clients that use it take it. */
export const url: Parser<string> = (value, key) => {
  if (!URL.canParse(value.value)) throw invalid(key, value, 'is not a URL', 'Write the full URL, e.g. https://sts.us-east-1.amazonaws.com.');
  return value.value;
};

/** An endpoint: an http or https URL. */
export const endpoint: Parser<string> = (value, key) => {
  const protocol = new URL(url(value, key)).protocol;
  if (protocol !== 'https:' && protocol !== 'http:') throw invalid(key, value, 'is not an http(s) URL');
  return value.value;
};

/** A URL that may be left blank. */
export const optionalUrl: Parser<string | undefined> = (value, key) => {
  const trimmed = value.value.trim();
  if (trimmed === '') return undefined;
  if (!URL.canParse(trimmed)) throw invalid(key, value, 'is not a URL');
  return trimmed;
};

/** Whole seconds (duration_seconds, as the AWS CLI writes it); the session bounds are checked by validateProfile. */
export const seconds: Parser<number> = (value, key) => {
  if (!/^\d+$/.test(value.value.trim())) throw invalid(key, value, 'is not a whole number of seconds', 'Write seconds, e.g. 3600.');
  return Number(value.value.trim());
};

/** Seconds or a Go duration (1h, 90m, 1h30m); the session bounds are checked by validateProfile. */
export const duration: Parser<number> = (value, key) => parseDuration(value, { min: 0, max: Number.MAX_SAFE_INTEGER }, key);

/** How long before expiry cached credentials are replaced: up to 12 hours. */
export const refreshWindow: Parser<number> = (value, key) => parseDuration(value, { min: 0, max: 43200 }, key);

/** A login timeout: seconds, or minutes written `5m`, 1s..60m; blank is not set. */
export const timeout: Parser<number | undefined> = (value, key) => {
  const trimmed = value.value.trim();
  if (trimmed === '') return undefined;
  const m = /^(\d+)(s|m)?$/.exec(trimmed);
  const total = m ? Number(m[1]) * (m[2] === 'm' ? 60 : 1) : NaN;
  if (!(total >= 1 && total <= 3600)) throw invalid(key, value, 'must be a number of seconds (or minutes, "5m") between 1s and 60m.');
  return total;
};

/** A browser command: a JSON list of strings (aws-oidc's agent), or words separated by spaces. */
export const command: Parser<string[] | undefined> = (value, key) => {
  const trimmed = value.value.trim();
  if (trimmed === '') return undefined;
  if (!trimmed.startsWith('[')) return trimmed.split(/\s+/);
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every((p) => typeof p === 'string')) {
    throw invalid(key, value, 'is not a list of strings', 'Write the browser command as a list, e.g. ["firefox", "--new-window", "{}"].');
  }
  return parsed as string[];
};

/** Comma-separated items, blanks dropped (botocore's sso_registration_scopes); none is not set. */
export const commaList: Parser<string[] | undefined> = (value) => {
  const list = value.value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  return list.length ? list : undefined;
};

/** Words separated by spaces or commas; blank is not set. */
export const words: Parser<string[] | undefined> = (value) => {
  const list = value.value.split(/[\s,]+/).filter(Boolean);
  return list.length ? list : undefined;
};
