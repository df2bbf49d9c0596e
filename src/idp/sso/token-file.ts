// The AWS CLI's Identity Center cache, ~/.aws/sso/cache, shared with the AWS CLI and every SDK:
// the token of a session in <sha1 of the session name>.json (of the start URL for the legacy form),
// written as botocore writes it (same keys in the same order, Python's JSON spacing, times as
// 2024-05-01T12:00:00Z), atomically at 0600. rolecall's client registrations live beside them in the
// same shape as the AWS CLI's, under keys of rolecall's own (see registrationFile).
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { RolecallError } from '../../errors';
import type { Logger } from '../../platform/logger';
import { writeFileAtomic } from '../../store/atomic-write';
import { pythonJson, pythonUtc } from './python-json';
import type { SsoSession } from '../../plan/identity-center';

/** what botocore keeps for a session (token.get() keys), every time as a Date */
export interface SsoToken {
  startUrl: string;
  region: string;
  accessToken: string;
  expiresAt: Date;
  clientId?: string;
  clientSecret?: string;
  registrationExpiresAt?: Date;
  refreshToken?: string;
}

export interface Registration {
  clientId: string;
  clientSecret: string;
  expiresAt: Date;
  scopes?: string[];
  grantTypes?: string[];
}

/** ~/.aws/sso/cache (botocore does not let it move: it is always under the home directory) */
export function ssoCacheDir(home: string): string {
  return join(home, '.aws', 'sso', 'cache');
}

const sha1 = (text: string) => createHash('sha1').update(text, 'utf8').digest('hex');

/** botocore's SSOTokenLoader._generate_cache_key: sha1 of the session name, or of the start URL (legacy) */
export function tokenFile(home: string, session: SsoSession): string {
  return join(ssoCacheDir(home), `${sha1(session.name ?? session.startUrl)}.json`);
}

/**
 * The AWS CLI keys its registration by sha1(json.dumps({tool: botocore, startUrl, region, scopes,
 * session_name}, sort_keys=True)). rolecall keys its own the same way with tool "rolecall" and the
 * grant it registered for: an AWS CLI before 2.22 would reuse a registration of rolecall's browser
 * sign-in for its device flow, which Identity Center refuses for such a client.
 */
export function registrationFile(home: string, session: SsoSession, grant: 'authorization_code' | 'device_code'): string {
  const key = pythonJson({ tool: 'rolecall', grant, startUrl: session.startUrl, region: session.region, scopes: session.registrationScopes ?? null, session_name: session.name ?? null }, true);
  return join(ssoCacheDir(home), `${sha1(key)}.json`);
}

/** botocore reads expiresAt with dateutil: 2024-05-01T12:00:00Z, ...UTC (older CLIs), offsets, fractions */
export function parseCacheTime(value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value.trim().replace(/\s*UTC$/i, 'Z'));
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

function readJson(path: string, what: string, log: Logger): Record<string, unknown> | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new RolecallError('CONFIG_UNREADABLE', `cannot read the ${what} ${path}: ${code ?? String(error)}`, { cause: error });
  }
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  log.warn(`ignoring the ${what} ${path}: it is not the JSON the AWS CLI writes; signing in again replaces it.`);
  return undefined;
}

const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

/** the session's token, or undefined when there is none or it is unusable (a warning says why) */
export function readToken(home: string, session: SsoSession, log: Logger): SsoToken | undefined {
  const path = tokenFile(home, session);
  const raw = readJson(path, 'Identity Center token', log);
  if (!raw) return undefined;
  const accessToken = text(raw.accessToken);
  const expiresAt = parseCacheTime(raw.expiresAt);
  if (!accessToken || !expiresAt) {
    log.warn(`ignoring the Identity Center token ${path}: it has no accessToken or expiresAt (the AWS CLI refuses it too).`);
    return undefined;
  }
  log.redact(accessToken);
  log.redact(text(raw.refreshToken));
  log.redact(text(raw.clientSecret));
  return {
    startUrl: text(raw.startUrl) ?? session.startUrl,
    region: text(raw.region) ?? session.region,
    accessToken,
    expiresAt,
    clientId: text(raw.clientId),
    clientSecret: text(raw.clientSecret),
    registrationExpiresAt: parseCacheTime(raw.registrationExpiresAt),
    refreshToken: text(raw.refreshToken),
  };
}

function write(path: string, value: Parameters<typeof pythonJson>[0]): void {
  const dir = dirname(path);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (!statSync(dir).isDirectory()) throw new Error(`${dir} is not a directory`);
    // botocore writes no trailing newline
    writeFileAtomic(path, pythonJson(value));
  } catch (error) {
    throw new RolecallError('CACHE_ERROR', `cannot write the AWS CLI's Identity Center cache file ${path}: ${(error as Error).message}`, { cause: error });
  }
}

/** the token file as botocore's SSOTokenFetcher and SSOTokenProvider write it, key for key */
export function writeToken(home: string, session: SsoSession, token: SsoToken): string {
  const path = tokenFile(home, session);
  write(path, {
    startUrl: token.startUrl,
    region: token.region,
    accessToken: token.accessToken,
    expiresAt: pythonUtc(token.expiresAt),
    clientId: token.clientId,
    clientSecret: token.clientSecret,
    registrationExpiresAt: token.registrationExpiresAt && pythonUtc(token.registrationExpiresAt),
    refreshToken: token.refreshToken,
  });
  return path;
}

export function readRegistration(path: string, log: Logger): Registration | undefined {
  const raw = readJson(path, 'Identity Center client registration', log);
  const clientId = text(raw?.clientId);
  const clientSecret = text(raw?.clientSecret);
  const expiresAt = parseCacheTime(raw?.expiresAt);
  if (!raw || !clientId || !clientSecret || !expiresAt) return undefined;
  log.redact(clientSecret);
  const list = (value: unknown) => (Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : undefined);
  return { clientId, clientSecret, expiresAt, scopes: list(raw.scopes), grantTypes: list(raw.grantTypes) };
}

/** in the shape of the AWS CLI's registration files: clientId, clientSecret, expiresAt, scopes, grantTypes */
export function writeRegistration(path: string, registration: Registration): void {
  write(path, {
    clientId: registration.clientId,
    clientSecret: registration.clientSecret,
    expiresAt: pythonUtc(registration.expiresAt),
    scopes: registration.scopes,
    grantTypes: registration.grantTypes,
  });
}
