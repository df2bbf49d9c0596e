// Parameter validation with AWS's own "1 validation error detected" texts.
import { constraint, validationError } from './fault';

const SESSION_NAME = /^[\w+=,.@-]*$/;
/** the longest role session STS grants */
export const MAX_ROLE_SESSION = 43200;

export function required(params: URLSearchParams, name: string, member: string): string {
  const value = params.get(name);
  if (value === null) throw validationError(`1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`);
  return value;
}

export function lengthBetween(value: string, member: string, min: number, max: number): string {
  if (value.length < min) throw constraint(value, member, `Member must have length greater than or equal to ${min}`);
  if (value.length > max) throw constraint(value, member, `Member must have length less than or equal to ${max}`);
  return value;
}

export function pattern(value: string, member: string, regex: RegExp, shown: string): string {
  if (!regex.test(value)) throw constraint(value, member, `Member must satisfy regular expression pattern: ${shown}`);
  return value;
}

export function sessionName(params: URLSearchParams, name = 'RoleSessionName', member = 'roleSessionName', max = 64): string {
  const value = lengthBetween(required(params, name, member), member, 2, max);
  return pattern(value, member, SESSION_NAME, '[\\w+=,.@-]*');
}

/** DurationSeconds: absent -> fallback; min is the world's shortest session (AWS: 900) */
export function duration(params: URLSearchParams, fallback: number, min: number, max: number): number {
  const raw = params.get('DurationSeconds');
  if (raw === null) return fallback;
  const value = Number(raw);
  if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(value)) throw validationError(`Value '${raw}' for parameter DurationSeconds is invalid.`);
  if (value < min) throw constraint(raw, 'durationSeconds', `Member must have value greater than or equal to ${min}`);
  if (value > max) throw constraint(raw, 'durationSeconds', `Member must have value less than or equal to ${max}`);
  return value;
}

/** SerialNumber + TokenCode: both or neither */
export function mfaParams(params: URLSearchParams): { serial: string; code: string } | undefined {
  const serial = params.get('SerialNumber');
  const code = params.get('TokenCode');
  if (serial === null && code === null) return undefined;
  if (code !== null) pattern(lengthBetween(code, 'tokenCode', 6, 6), 'tokenCode', /^\d*$/, '[\\d]*');
  if (serial !== null) lengthBetween(serial, 'serialNumber', 9, 256);
  return { serial: serial ?? '', code: code ?? '' };
}

/** the role's own limit, checked after the trust policy as AWS does; chained sessions get 1 h at most */
export function withinRoleLimit(requested: number, maxSessionDuration: number, chained: boolean): number {
  if (chained && requested > 3600) throw validationError('The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
  if (requested > maxSessionDuration) throw validationError('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
  return requested;
}
