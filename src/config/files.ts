// The shared config and credentials files, found and read the way the AWS CLI finds them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RolecallError } from '../errors';
import { mergeSections, parseIni, prefixedName, type IniFile, type IniSection } from './ini';

export interface ConfigFiles {
  config: IniFile;
  credentials: IniFile;
  /** the config file's profiles: `[default]` and `[profile x]` (`[profile default]` is default too) */
  configProfiles: Map<string, IniSection>;
  /** every section of the credentials file is a profile, named exactly as written */
  credentialProfiles: Map<string, IniSection>;
  /** the config file's `[services x]` sections */
  services: Map<string, IniSection>;
  /** the config file's `[sso-session x]` sections (IAM Identity Center sessions) */
  ssoSessions: Map<string, IniSection>;
}

/** `~` and `$VAR`/`${VAR}` expanded, as botocore expands AWS_CONFIG_FILE (unknown variables stay as written). */
export function expandPath(path: string, env: NodeJS.ProcessEnv, home: string): string {
  const vars = path.replace(/\$(\w+)|\$\{(\w+)\}/g, (whole, a?: string, b?: string) => env[(a ?? b)!] ?? whole);
  return vars === '~' || vars.startsWith('~/') ? join(home, vars.slice(1)) : vars;
}

/** A file's text; undefined when it does not exist. */
export function readTextFile(path: string, what: string): string | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new RolecallError('CONFIG_UNREADABLE', `cannot read ${what} ${path}: ${code ?? String(error)}`, { cause: error });
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    throw new RolecallError('CONFIG_SYNTAX', `${what} ${path} is not UTF-8 text`, { cause: error, hint: 'Save the file as UTF-8.' });
  }
}

function readIni(path: string, what: string, onSyntaxError?: (error: RolecallError) => void): IniFile {
  const text = readTextFile(path, what);
  return text === undefined ? { path, sections: new Map() } : parseIni(text, path, onSyntaxError);
}

function addSection(into: Map<string, IniSection>, name: string, section: IniSection): void {
  const existing = into.get(name);
  into.set(name, existing ? mergeSections(existing, section) : section);
}

export function configFilesFrom(config: IniFile, credentials: IniFile): ConfigFiles {
  const configProfiles = new Map<string, IniSection>();
  const services = new Map<string, IniSection>();
  const ssoSessions = new Map<string, IniSection>();
  for (const section of config.sections.values()) {
    const profile = section.header === 'default' ? 'default' : prefixedName(section.header, 'profile');
    if (profile !== undefined) addSection(configProfiles, profile, section);
    const service = prefixedName(section.header, 'services');
    if (service !== undefined) addSection(services, service, section);
    const ssoSession = prefixedName(section.header, 'sso-session');
    if (ssoSession !== undefined) addSection(ssoSessions, ssoSession, section);
  }
  return { config, credentials, configProfiles, credentialProfiles: credentials.sections, services, ssoSessions };
}

export function configPaths(env: NodeJS.ProcessEnv, home: string): { config: string; credentials: string } {
  return { config: expandPath(env.AWS_CONFIG_FILE || '~/.aws/config', env, home), credentials: expandPath(env.AWS_SHARED_CREDENTIALS_FILE || '~/.aws/credentials', env, home) };
}

/** `onSyntaxError`: each malformed line is handed to it and skipped, instead of thrown (doctor) */
export function readConfigFiles(env: NodeJS.ProcessEnv, home: string, onSyntaxError?: (error: RolecallError) => void): ConfigFiles {
  const paths = configPaths(env, home);
  return configFilesFrom(readIni(paths.config, 'AWS config file', onSyntaxError), readIni(paths.credentials, 'AWS credentials file', onSyntaxError));
}

/** Every profile name, config file first, in file order (what `aws configure list-profiles` prints). */
export function listProfiles(files: ConfigFiles): string[] {
  return [...new Set([...files.configProfiles.keys(), ...files.credentialProfiles.keys()])];
}
