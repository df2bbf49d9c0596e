// The setup wizard's logic: which keys each kind of profile needs, checking the IdP before saving,
// and writing the profile into ~/.aws/config without touching anything else (atomic, with a backup).
import { copyFileSync, existsSync, mkdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { randomBytes, createHash } from 'node:crypto';
import { RolecallError, isRolecallError } from '../errors';
import { setSection } from '../config/ini-edit';
import { configFilesFrom, listProfiles, readConfigFiles, type ConfigFiles } from '../config/files';
import { parseIni } from '../config/ini';
import { resolveProfile } from '../config/resolve';
import type { Profile } from '../config/profile';
import { validateProfile } from '../config/validate';
import { buildPlan } from '../plan/build';
import { SOURCES } from '../credentials/sources/index';
import { writeFileAtomic } from '../store/atomic-write';
import { boundedFetch } from '../idp/bounded-answer';
import { networkCode } from '../sts/errors';

export const SETUP_KINDS = {
  oidc: 'OIDC login -> AssumeRoleWithWebIdentity (aws-oidc, aws-cli-oidc oidc, aws-runas)',
  'oidc-saml': 'OIDC login -> token exchange for SAML -> AssumeRoleWithSAML (aws-cli-oidc saml2)',
  'saml-api': 'SAML POST API with username and password -> AssumeRoleWithSAML (coinbase saml)',
  bastion: 'IAM user keys with MFA -> AssumeRole (coinbase bastion)',
  'aws-cli-oidc': 'a provider in ~/.aws-cli-oidc/config.yaml for `rolecall get-cred -p NAME` (aws-cli-oidc, oidc or saml2)',
} as const;
export type SetupKind = keyof typeof SETUP_KINDS;

export interface SetupAnswers {
  kind: SetupKind;
  profile: string;
  region?: string;
  issuer?: string;
  clientId?: string;
  roleArn?: string;
  samlUrl?: string;
  samlProviderName?: string;
  sourceProfile?: string;
  mfaSerial?: string;
  /** aws-cli-oidc: aws_federation_type */
  federationType?: 'oidc' | 'saml2';
  /** aws-cli-oidc saml2: the token exchange's audience */
  audience?: string;
  /** a second profile whose credential_process runs rolecall for the first, for the AWS CLI and SDKs */
  cliProfile?: string;
}

/** what each kind needs before it can be written, in the order the wizard asks */
export const REQUIRED: Record<SetupKind, (keyof SetupAnswers)[]> = {
  oidc: ['issuer', 'clientId', 'roleArn'],
  'oidc-saml': ['issuer', 'clientId'],
  'saml-api': ['samlUrl', 'samlProviderName'],
  bastion: ['sourceProfile', 'roleArn'],
  'aws-cli-oidc': ['issuer', 'clientId', 'federationType'],
};

export function profileEntries(a: SetupAnswers): [string, string][] {
  const out: [string, string][] = [];
  const put = (key: string, value: string | undefined) => value && out.push([key, value]);
  switch (a.kind) {
    case 'oidc':
      put('web_identity_auth_url', a.issuer);
      put('web_identity_client_id', a.clientId);
      put('role_arn', a.roleArn);
      break;
    case 'oidc-saml':
      put('web_identity_auth_url', a.issuer);
      put('web_identity_client_id', a.clientId);
      put('federation_type', 'saml2');
      put('role_arn', a.roleArn);
      break;
    case 'saml-api':
      put('saml_assertion_url', a.samlUrl);
      put('saml_provider_name', a.samlProviderName);
      put('role_arn', a.roleArn);
      break;
    case 'bastion':
      put('source_profile', a.sourceProfile);
      put('role_arn', a.roleArn);
      put('mfa_serial', a.mfaSerial);
      break;
  }
  put('region', a.region);
  return out;
}

export function sectionHeader(profile: string): string {
  return profile === 'default' ? 'default' : `profile ${profile}`;
}

const quoteWord = (word: string) => (/[\s"'\\]/.test(word) ? `"${word.replace(/(["\\])/g, '\\$1')}"` : word);

/**
 * How another program should start this rolecall (`invocation`: node and the script, or the single
 * executable): `rolecall` when that name on PATH is this very file, else the invocation by full paths.
 */
export function rolecallArgv(env: NodeJS.ProcessEnv, invocation: string[]): string[] {
  const self = realpathSync(invocation[invocation.length - 1]!);
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    try {
      if (dir && realpathSync(join(dir, 'rolecall')) === self) return ['rolecall'];
    } catch {
      // not in this directory
    }
  }
  return [...invocation.slice(0, -1), self];
}

/** rolecallArgv as a credential_process line (the AWS CLI splits it as a POSIX shell would). */
export function rolecallCommand(env: NodeJS.ProcessEnv, invocation: string[]): string {
  return rolecallArgv(env, invocation).map(quoteWord).join(' ');
}

/** a config section: its header (e.g. "profile dev") and its keys in order */
export type Section = [header: string, entries: [string, string][]];

/** The sections setup writes: the profile, then its AWS CLI companion when asked for. */
export function setupSections(a: SetupAnswers, rolecall: string): Section[] {
  const sections: Section[] = [[sectionHeader(a.profile), profileEntries(a)]];
  if (a.cliProfile) {
    const entries: [string, string][] = [['credential_process', `${rolecall} export ${a.profile} --format process`]];
    if (a.region) entries.push(['region', a.region]);
    sections.push([sectionHeader(a.cliProfile), entries]);
  }
  return sections;
}

/** an issuer whose discovery document was found: where, and its authorization endpoint */
export interface DiscoveredIssuer {
  base: string;
  discoveryUrl: string;
  authorizationEndpoint: string;
}

/** The issuer's discovery document (the wizard checks it as soon as the issuer is typed). */
export async function discoverIssuer(issuer: string, fetchImpl: typeof fetch = fetch): Promise<DiscoveredIssuer> {
  const base = issuer.replace(/\/\.well-known\/openid-configuration\/?$/, '').replace(/\/$/, '');
  const discoveryUrl = `${base}/.well-known/openid-configuration`;
  let metadata: { issuer?: string; authorization_endpoint?: string; grant_types_supported?: string[] };
  try {
    const response = await boundedFetch<RequestInit>(() => `the discovery document ${discoveryUrl}`, fetchImpl)(discoveryUrl, { headers: { accept: 'application/json' } });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    metadata = (await response.json()) as typeof metadata;
  } catch (error) {
    if (error instanceof RolecallError) throw error;
    // the network's own code (ECONNREFUSED, ENOTFOUND), not fetch's 'fetch failed'
    throw new RolecallError('OIDC_DISCOVERY', `${discoveryUrl} did not answer with a discovery document (${networkCode(error) ?? (error as Error).message})`, { cause: error });
  }
  if (!metadata.authorization_endpoint) {
    throw new RolecallError('OIDC_DISCOVERY', `${discoveryUrl} has no authorization_endpoint`, { hint: 'Check the issuer URL: it must be an OpenID Connect provider.' });
  }
  return { base, discoveryUrl, authorizationEndpoint: metadata.authorization_endpoint };
}

/** Whether the issuer accepts the client with a loopback redirect (an authorization request it either starts or refuses). */
export async function checkClient(issuer: DiscoveredIssuer, clientId: string, fetchImpl: typeof fetch = fetch): Promise<string> {
  const redirect = 'http://127.0.0.1:53682/callback';
  const probe = new URL(issuer.authorizationEndpoint);
  probe.searchParams.set('client_id', clientId);
  probe.searchParams.set('response_type', 'code');
  probe.searchParams.set('scope', 'openid');
  probe.searchParams.set('redirect_uri', redirect);
  probe.searchParams.set('state', randomBytes(8).toString('hex'));
  probe.searchParams.set('code_challenge', createHash('sha256').update(randomBytes(32)).digest('base64url'));
  probe.searchParams.set('code_challenge_method', 'S256');
  const answer = await fetchImpl(probe, { redirect: 'manual' });
  const location = answer.headers.get('location') ?? '';
  if (answer.status >= 300 && answer.status < 400 && !location.startsWith(redirect)) return `client ${clientId} is accepted with a loopback redirect`;
  const reason = location.startsWith(redirect) ? new URL(location).searchParams.get('error') ?? 'an error' : `HTTP ${answer.status}`;
  throw new RolecallError('OIDC_ERROR', `${issuer.base} refused client ${clientId} with a loopback redirect (${reason})`, {
    hint: 'Register the client as a native/public app that allows http://127.0.0.1 redirects on any port (RFC 8252 7.3), with PKCE.',
  });
}

/** Both checks, for the flag form: the notes to show. */
export async function checkIssuer(issuer: string, clientId: string, fetchImpl: typeof fetch = fetch): Promise<string[]> {
  const found = await discoverIssuer(issuer, fetchImpl);
  return [`discovery document found at ${found.discoveryUrl}`, await checkClient(found, clientId, fetchImpl)];
}

/** The region a new profile gets unless told otherwise: the environment's, else [default]'s, else us-east-1. */
export function defaultRegion(env: NodeJS.ProcessEnv, files: ConfigFiles): string {
  return env.AWS_REGION || env.AWS_DEFAULT_REGION || files.configProfiles.get('default')?.values.get('region')?.value || 'us-east-1';
}

/** The profiles with IAM user keys in the files (where a bastion profile starts), in file order. */
export function profilesWithKeys(files: ConfigFiles): string[] {
  return listProfiles(files).filter((name) => [files.credentialProfiles.get(name), files.configProfiles.get(name)].some((section) => section?.values.has('aws_access_key_id')));
}

/** what a profile name may be: what the wizard accepts, and what a section header can hold */
export const PROFILE_NAME = /^[\w.@+-]+$/;

function withSections(configPath: string, sections: Section[]): { exists: boolean; text: string } {
  const exists = existsSync(configPath);
  const before = exists ? readFileSync(configPath, 'utf8') : '';
  return { exists, text: sections.reduce((current, [header, entries]) => setSection(current, header, entries), before) };
}

/**
 * Refuses, before anything is written, answers that would give a profile rolecall cannot use: a
 * name no section header can hold, a role ARN that is not one, a source profile that does not exist.
 * The config is checked as it would be after the write.
 */
export function checkSetup(configPath: string, sections: Section[], answers: SetupAnswers, env: NodeJS.ProcessEnv, home: string): void {
  for (const [flag, name] of [['--profile', answers.profile], ['--cli-profile', answers.cliProfile]] as const) {
    if (name !== undefined && !PROFILE_NAME.test(name)) {
      throw new RolecallError('USAGE', `${flag} "${name}" is not a profile name rolecall can write; nothing was written`, { hint: 'Use letters, digits and . _ @ + - only.' });
    }
  }
  refuseUnusable('profile', () => {
    const files = configFilesFrom(parseIni(withSections(configPath, sections).text, configPath), readConfigFiles(env, home).credentials);
    return resolveProfile(files, { name: { value: answers.profile, source: { kind: 'flag', name: '--profile' } }, env });
  });
}

/** Refuses, before anything is written, a profile rolecall could not use: validated and planned as a command would. */
export function refuseUnusable(what: 'profile' | 'provider', profileAfterWrite: () => Profile): void {
  try {
    const profile = profileAfterWrite();
    validateProfile(profile);
    buildPlan(profile, SOURCES);
  } catch (error) {
    if (!isRolecallError(error)) throw error;
    throw new RolecallError('USAGE', `the ${what} would not work, so nothing was written: ${error.message}`, { hint: error.hint, cause: error });
  }
}

/** Writes `text` to `path` atomically (keeping its mode, else 0600); the previous file is kept as PATH.rolecall-backup. */
export function writeWithBackup(path: string, text: string): { backup?: string } {
  const exists = existsSync(path);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  let backup: string | undefined;
  if (exists) {
    backup = `${path}.rolecall-backup`;
    copyFileSync(path, backup);
  }
  writeFileAtomic(path, text, exists ? statSync(path).mode & 0o777 : 0o600);
  return { backup };
}

/** Writes the sections atomically; the previous file is kept as CONFIG.rolecall-backup. */
export function writeProfile(configPath: string, sections: Section[]): { backup?: string; text: string } {
  const { text } = withSections(configPath, sections);
  return { ...writeWithBackup(configPath, text), text };
}
