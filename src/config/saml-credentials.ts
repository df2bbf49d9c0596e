// ~/.saml/credentials (seed 003): `username = x` and `password = y` for the SAML POST API.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../platform/logger';
import type { Profile } from './profile';
import { readTextFile } from './files';
import { setting, type Setting } from './source';

export interface SamlCredentials {
  username?: Setting<string>;
  password?: Setting<string>;
}

export function samlCredentialsPath(home: string): string {
  return join(home, '.saml', 'credentials');
}

/** Lines of `key = value` (the value may hold `=`); `#` and `;` lines are comments; other keys are ignored. */
export function parseSamlCredentials(text: string, path: string): SamlCredentials {
  const found: SamlCredentials = {};
  text.split(/\r\n|\r|\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || /^[#;]/.test(line)) return;
    const equals = line.indexOf('=');
    if (equals < 0) return;
    const key = line.slice(0, equals).trim().toLowerCase();
    if (key !== 'username' && key !== 'password') return;
    found[key] = setting(line.slice(equals + 1).trim(), { kind: 'file', path, line: index + 1 });
  });
  return found;
}

/** The file's username and password; none when it does not exist. Warns when others may read it. */
export function readSamlCredentials(home: string, log: Logger): SamlCredentials {
  const path = samlCredentialsPath(home);
  const text = readTextFile(path, 'SAML credentials file');
  if (text === undefined) return {};
  const mode = statSync(path).mode & 0o777;
  if (mode & 0o077) {
    log.warn(`${path} holds a password and is readable by others (mode ${mode.toString(8).padStart(4, '0')}): run \`chmod 600 ${path}\`, or move the password to the keyring.`);
  }
  const found = parseSamlCredentials(text, path);
  log.redact(found.password?.value);
  return found;
}

/**
 * The profile with the username of ~/.saml/credentials as saml_username when it is a SAML POST API
 * profile that names none: the username is then part of the cache key, so that credentials cached
 * for one user are never handed out after the file names another. (saml_* settings are inherited,
 * so the SAML step is always the profile's own: its sources need nothing.)
 */
export function withSamlFileUsername(profile: Profile, home: string): Profile {
  if (!profile.settings.has('saml_assertion_url') || profile.settings.has('saml_username')) return profile;
  const text = readTextFile(samlCredentialsPath(home), 'SAML credentials file');
  const username = text === undefined ? undefined : parseSamlCredentials(text, samlCredentialsPath(home)).username;
  return username ? profile.withSettings(new Map([...profile.settings, ['saml_username', username]])) : profile;
}
