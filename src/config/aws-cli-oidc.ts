// ~/.aws-cli-oidc/config.yaml (seed 001, aws-cli-oidc): providers keyed by name at the top level,
// each a map of aws-cli-oidc's keys, read as they are and mapped onto rolecall's settings.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import { RolecallError } from '../errors';
import { closest } from '../platform/suggest';
import { envSettings } from './env';
import { readTextFile } from './files';
import { BUILT_IN_DEFAULTS } from './keys';
import { Profile } from './profile';
import { setting, type Setting } from './source';

export interface AwsCliOidcConfig {
  path: string;
  /** by provider name as written, in file order: rolecall keys -> values with file:line */
  providers: Map<string, Map<string, Setting<string>>>;
}

/** aws-cli-oidc's keys -> rolecall's keys (docs/configuration.md lists both) */
export const AWS_CLI_OIDC_KEYS: ReadonlyMap<string, string> = new Map([
  ['oidc_provider_metadata_url', 'web_identity_auth_url'],
  ['oidc_authentication_request_additional_query', 'web_identity_additional_query'],
  ['successful_redirect_url', 'web_identity_success_redirect_url'],
  ['failure_redirect_url', 'web_identity_failure_redirect_url'],
  ['client_id', 'web_identity_client_id'],
  ['client_secret', 'web_identity_client_secret'],
  ['client_auth_cert', 'web_identity_client_cert'],
  ['client_auth_key', 'web_identity_client_key'],
  ['client_auth_ca', 'web_identity_client_ca'],
  ['insecure_skip_verify', 'web_identity_insecure_skip_verify'],
  ['aws_federation_type', 'federation_type'],
  ['max_session_duration_seconds', 'duration_seconds'],
  // the role to assume for `oidc`; for `saml2` the preferred one among the assertion's (see below)
  ['default_iam_role_arn', 'role_arn'],
  ['aws_federation_role_session_name', 'role_session_name'],
  ['oidc_provider_token_exchange_audience', 'oidc_provider_token_exchange_audience'],
  ['oidc_provider_token_exchange_subject_token_type', 'oidc_provider_token_exchange_subject_token_type'],
]);

const WELL_KNOWN = /\/\.well-known\/openid-configuration\/?$/;

/**
 * AWS_CLI_OIDC_CONFIG names the directory that holds config.yaml, as in aws-cli-oidc; a path to the
 * file itself is accepted too.
 */
export function awsCliOidcConfigPath(home: string, env: NodeJS.ProcessEnv): string {
  const configured = env.AWS_CLI_OIDC_CONFIG;
  if (!configured) return join(home, '.aws-cli-oidc', 'config.yaml');
  const isFile = (() => {
    try {
      return statSync(configured).isFile();
    } catch {
      return /\.ya?ml$/.test(configured);
    }
  })();
  return isFile ? configured : join(configured, 'config.yaml');
}

export function parseAwsCliOidcConfig(text: string, path: string): AwsCliOidcConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const lineAt = (offset: number | undefined) => lineCounter.linePos(offset ?? 0).line;
  const firstError = doc.errors[0];
  if (firstError) {
    throw new RolecallError('CONFIG_SYNTAX', `${path}:${lineAt(firstError.pos[0])}: ${firstError.message.split('\n')[0]}`, {
      hint: 'Fix the YAML at the line named above.',
    });
  }
  const config: AwsCliOidcConfig = { path, providers: new Map() };
  if (doc.contents === null) return config;
  const bad = (offset: number | undefined, what: string) => new RolecallError('CONFIG_INVALID', `${path}:${lineAt(offset)}: ${what}`);
  if (!isMap(doc.contents)) throw bad(doc.contents.range?.[0], 'expected providers by name at the top level (myop:, then its keys indented)');
  for (const pair of doc.contents.items) {
    const key = pair.key;
    const name = isScalar(key) ? String(key.value) : undefined;
    const start = isScalar(key) ? key.range?.[0] : undefined;
    if (name === undefined) throw bad(start, 'a provider name must be plain text');
    if (!isMap(pair.value)) throw bad(start, `provider "${name}" must be a map of settings`);
    const settings = new Map<string, Setting<string>>();
    for (const item of pair.value.items) {
      const k = isScalar(item.key) ? String(item.key.value).toLowerCase() : undefined;
      const target = k === undefined ? undefined : AWS_CLI_OIDC_KEYS.get(k);
      if (!target) continue;
      const line = lineAt(isScalar(item.key) ? item.key.range?.[0] : start);
      const value = item.value;
      if (!isScalar(value) || (value.value !== null && typeof value.value === 'object')) throw bad(isScalar(item.key) ? item.key.range?.[0] : start, `${k} must be a single value`);
      // viper writes every value as a string; an empty one means "not set"
      const written = value.value === null ? '' : String(value.value);
      if (written === '') continue;
      const mapped = target === 'web_identity_auth_url' ? written.replace(WELL_KNOWN, '') : written;
      settings.set(target, setting(mapped, { kind: 'file', path, line, ...(k === target ? {} : { key: k }) }));
    }
    // with saml2 the assertion lists the roles: default_iam_role_arn picks among them when there are
    // several, where role_arn (and -r) would insist on one
    const role = settings.get('role_arn');
    if (role && settings.get('federation_type')?.value.toLowerCase() === 'saml2') {
      settings.delete('role_arn');
      settings.set('default_iam_role_arn', role);
    }
    config.providers.set(name, settings);
  }
  return config;
}

/** The config file; a missing file has no providers. */
export function readAwsCliOidcConfig(home: string, env: NodeJS.ProcessEnv): AwsCliOidcConfig {
  const path = awsCliOidcConfigPath(home, env);
  const text = readTextFile(path, 'aws-cli-oidc config file');
  return text === undefined ? { path, providers: new Map() } : parseAwsCliOidcConfig(text, path);
}

/**
 * The provider as a profile: overrides (`-r`, `-d`) > environment > the provider's keys > built-in
 * defaults. Names match case-insensitively, as viper (which writes the file) lower-cases them.
 */
export function awsCliOidcProfile(
  name: string,
  file: AwsCliOidcConfig,
  overrides: ReadonlyMap<string, Setting<string>> = new Map(),
  env: NodeJS.ProcessEnv = {},
): Profile {
  const names = [...file.providers.keys()];
  const found = names.find((n) => n === name) ?? names.find((n) => n.toLowerCase() === name.toLowerCase());
  if (found === undefined) {
    const near = closest(name, names);
    throw new RolecallError(
      'PROFILE_NOT_FOUND',
      `OIDC provider "${name}" is not in ${file.path} (${names.length ? `providers: ${names.join(', ')}` : 'it defines none'})`,
      { hint: `${near.length ? `Did you mean ${near.map((n) => `"${n}"`).join(' or ')}? ` : ''}Add it to ${file.path}.` },
    );
  }
  const settings = new Map<string, Setting<string>>();
  for (const [key, value] of BUILT_IN_DEFAULTS) settings.set(key, setting(value, { kind: 'default' }));
  for (const layer of [file.providers.get(found)!, envSettings(env), overrides]) for (const [key, value] of layer) settings.set(key, value);
  return new Profile({ name: found, nameSource: { kind: 'flag', name: '-p' }, settings });
}
