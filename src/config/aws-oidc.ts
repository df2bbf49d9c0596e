// ~/.aws-oidc/config (seed 000, aws-oidc): TOML with a top-level `region` and `[[AuthProvider]]`
// tables, read as they are and mapped onto rolecall's web_identity_* settings.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse, TomlError } from 'smol-toml';
import { RolecallError } from '../errors';
import { closest } from '../platform/suggest';
import { envSettings } from './env';
import { readTextFile } from './files';
import { BUILT_IN_DEFAULTS } from './keys';
import { Profile } from './profile';
import { setting, type Setting, type Source } from './source';

export interface AwsOidcConfig {
  path: string;
  /** the top-level region, if any */
  region?: Setting<string>;
  /** by provider name, in file order: rolecall keys -> values with the file:line they came from */
  providers: Map<string, Map<string, Setting<string>>>;
}

/** aws-oidc's provider keys -> rolecall's keys */
export const AWS_OIDC_KEYS: ReadonlyMap<string, string> = new Map([
  ['provider_url', 'web_identity_auth_url'],
  ['client_id', 'web_identity_client_id'],
  ['client_secret', 'web_identity_client_secret'],
  ['role_arn', 'role_arn'],
  ['duration', 'duration_seconds'],
  ['agent', 'web_identity_agent'],
]);

export function awsOidcConfigPath(home: string): string {
  return join(home, '.aws-oidc', 'config');
}

/** Where each key is written: top-level keys, and the keys of the n-th [[AuthProvider]] block. */
function keyLines(text: string): { top: Map<string, number>; blocks: { line: number; keys: Map<string, number> }[] } {
  const top = new Map<string, number>();
  const blocks: { line: number; keys: Map<string, number> }[] = [];
  let current: Map<string, number> | undefined = top;
  text.split(/\r\n|\r|\n/).forEach((raw, index) => {
    const line = index + 1;
    if (/^\s*\[\[\s*AuthProvider\s*\]\]/.test(raw)) {
      current = new Map();
      blocks.push({ line, keys: current });
    } else if (/^\s*\[/.test(raw)) {
      current = undefined;
    } else {
      const key = /^\s*"?([\w-]+)"?\s*=/.exec(raw)?.[1];
      if (key && current && !current.has(key)) current.set(key, line);
    }
  });
  return { top, blocks };
}

export function parseAwsOidcConfig(text: string, path: string): AwsOidcConfig {
  let data: Record<string, unknown>;
  try {
    data = parse(text) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof TomlError) {
      const reason = error.message.split('\n')[0]!.replace(/^Invalid TOML document: /, '');
      throw new RolecallError('CONFIG_SYNTAX', `${path}:${error.line}: ${reason}`, { cause: error, hint: 'Fix the TOML at the line named above.' });
    }
    throw error;
  }
  const lines = keyLines(text);
  const at = (line: number | undefined): Source => ({ kind: 'file', path, line: line ?? 1 });
  const bad = (line: number | undefined, what: string) => new RolecallError('CONFIG_INVALID', `${path}:${line ?? 1}: ${what}`);

  const config: AwsOidcConfig = { path, providers: new Map() };
  if (data.region !== undefined) {
    if (typeof data.region !== 'string') throw bad(lines.top.get('region'), 'region must be a string, e.g. region = "us-east-1"');
    config.region = setting(data.region, at(lines.top.get('region')));
  }
  const list = data.AuthProvider ?? [];
  if (!Array.isArray(list)) throw bad(lines.top.get('AuthProvider'), 'AuthProvider must be a list of [[AuthProvider]] tables');
  list.forEach((entry: Record<string, unknown>, index) => {
    const block = lines.blocks[index];
    const lineOf = (key: string) => block?.keys.get(key) ?? block?.line;
    if (typeof entry.name !== 'string' || entry.name === '') throw bad(block?.line, 'this [[AuthProvider]] has no name = "..."');
    const settings = new Map<string, Setting<string>>();
    for (const [key, target] of AWS_OIDC_KEYS) {
      const value = entry[key];
      if (value === undefined) continue;
      let written: string;
      if (key === 'agent') {
        if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw bad(lineOf(key), 'agent must be a list of strings, e.g. ["open", "-b", "com.google.chrome"]');
        written = JSON.stringify(value);
      } else if (key === 'duration') {
        if (typeof value !== 'number' && typeof value !== 'bigint' && typeof value !== 'string') throw bad(lineOf(key), 'duration must be a number of seconds');
        written = String(value);
      } else {
        if (typeof value !== 'string') throw bad(lineOf(key), `${key} must be a string`);
        written = value;
      }
      settings.set(target, setting(written, { ...at(lineOf(key)), ...(key === target ? {} : { key }) }));
    }
    config.providers.set(entry.name, settings);
  });
  return config;
}

/** The programs whose `auth NAME` is aws-oidc's: aws-oidc itself (or rolecall's shim of it) and rolecall. */
const AUTH_PROGRAM = /(^|[\\/])(aws-oidc|rolecall|bin\.cjs)(\.exe|\.cmd)?$/;

/**
 * The provider a credential_process line signs in with when it is aws-oidc's `auth NAME` (run by
 * aws-oidc, its shim, or rolecall: `/path/aws-oidc auth google`, `rolecall auth google --duration 900`),
 * else undefined.
 */
export function authProviderOf(command: string): string | undefined {
  const words = [...command.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
  const auth = words.findIndex((word, i) => word === 'auth' && i > 0 && AUTH_PROGRAM.test(words[i - 1]!));
  const name = auth < 0 ? undefined : words[auth + 1];
  return name === undefined || name.startsWith('-') ? undefined : name;
}

/** The config file; a missing file has no providers. */
export function readAwsOidcConfig(home: string): AwsOidcConfig {
  const path = awsOidcConfigPath(home);
  const text = readTextFile(path, 'aws-oidc config file');
  return text === undefined ? { path, providers: new Map() } : parseAwsOidcConfig(text, path);
}

/**
 * The provider as a profile: overrides (`--role_arn`, `--duration`) > environment > the provider's
 * keys > the file's region > built-in defaults.
 */
export function awsOidcProfile(
  name: string,
  file: AwsOidcConfig,
  overrides: ReadonlyMap<string, Setting<string>> = new Map(),
  env: NodeJS.ProcessEnv = {},
): Profile {
  const provider = file.providers.get(name);
  if (!provider) {
    const names = [...file.providers.keys()];
    const near = closest(name, names);
    throw new RolecallError(
      'PROFILE_NOT_FOUND',
      `provider "${name}" is not in ${file.path} (${names.length ? `providers: ${names.join(', ')}` : existsSync(file.path) ? 'it defines no [[AuthProvider]]' : 'the file does not exist'})`,
      {
        hint: `${near.length ? `Did you mean ${near.map((n) => `"${n}"`).join(' or ')}? ` : ''}Add an [[AuthProvider]] with name = "${name}" to ${file.path}.`,
      },
    );
  }
  const settings = new Map<string, Setting<string>>();
  for (const [key, value] of BUILT_IN_DEFAULTS) settings.set(key, setting(value, { kind: 'default' }));
  if (file.region) settings.set('region', file.region);
  for (const layer of [provider, envSettings(env), overrides]) for (const [key, value] of layer) settings.set(key, value);
  return new Profile({ name, nameSource: { kind: 'argument', name: 'PROVIDER' }, settings });
}
