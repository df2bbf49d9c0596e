// doctor's look at the shared config files as other tools see them: what rolecall reads one way and
// the AWS CLI (botocore) another, credentials files other users can read, and passwords aws-runas
// left in them.
import { statSync } from 'node:fs';
import { IGNORE_ENDPOINTS_KEY, ignoresConfiguredEndpoints } from '../config/configured-endpoints';
import { envSettings } from '../config/env';
import { IGNORED_BY_AWS_CLI } from '../config/keys';
import { misspeltKeys, misspeltMessage } from '../config/misspelt';
import type { ConfigFiles } from '../config/files';
import { profileChain, type Profile } from '../config/profile';
import { describeSource, type Setting } from '../config/source';
import type { Finding } from './doctor-finding';

const INLINE_COMMENT = /\s[#;]/;
const HEADER = /^\s*\[(.+)\]/;
const OPTION = /^([^\s=:#;][^=:]*?)\s*[=:]/;

/** Lexical findings in one INI file: inline comments, duplicate sections and keys (botocore reads both differently). */
export function scanIni(path: string, text: string): Finding[] {
  const found: Finding[] = [];
  const headers = new Map<string, number>();
  let keys = new Map<string, number>();
  text.split(/\r?\n/).forEach((line, index) => {
    const at = `${path}:${index + 1}`;
    if (/^\s*[#;]/.test(line) || line.trim() === '') return;
    const header = HEADER.exec(line)?.[1]?.trim();
    if (header !== undefined) {
      const first = headers.get(header);
      if (first !== undefined) {
        found.push({
          check: 'config',
          level: 'warn',
          message: `[${header}] appears twice (${path}:${first} and ${at}): rolecall and the SDKs merge them, the AWS CLI refuses the whole file`,
          hint: 'Merge the two sections into one.',
        });
      } else headers.set(header, index + 1);
      keys = new Map();
      return;
    }
    const key = OPTION.exec(line)?.[1]?.trim().toLowerCase();
    if (key === undefined || /^\s/.test(line)) return;
    const first = keys.get(key);
    if (first !== undefined) {
      found.push({
        check: 'config',
        level: 'warn',
        message: `${key} is set twice in one section (${path}:${first} and ${at}): rolecall uses the last, the AWS CLI refuses the file`,
        hint: 'Keep one of the two lines.',
      });
    } else keys.set(key, index + 1);
    const value = line.slice(line.search(/[=:]/) + 1);
    if (INLINE_COMMENT.test(value)) {
      found.push({
        check: 'config',
        level: 'warn',
        message: `${at}: ${key} has an inline comment, which rolecall and the SDKs drop but the AWS CLI keeps as part of the value`,
        hint: 'Move the comment to a line of its own.',
      });
    }
  });
  return found;
}

/** Keys the profile's own config section sets that the AWS CLI ignores, when `aws --profile` would not reach rolecall. */
export function ignoredByAwsCli(profile: Profile, own: ReadonlyMap<string, Setting<string>>): Finding[] {
  if (profile.settings.has('credential_process')) return [];
  const keys = [...own.keys()].filter((key) => IGNORED_BY_AWS_CLI.has(key));
  if (keys.length === 0) return [];
  return [
    {
      check: 'config',
      level: 'warn',
      message: `profile ${profile.name} sets ${keys.sort().join(', ')}, which the AWS CLI and SDKs ignore: \`aws --profile ${profile.name}\` will not log in the way rolecall does`,
      hint: `Add \`credential_process = rolecall export ${profile.name}\` to a profile the AWS CLI uses.`,
    },
  ];
}

/**
 * A profile the AWS CLI refuses outright: role_arn beside credential_process (or anything else) with
 * neither source_profile nor credential_source. botocore's assume-role provider claims the profile
 * and stops with "Partial credentials found in assume-role, missing: source_profile or
 * credential_source", so a credential_process line there never runs; rolecall signs in anyway.
 */
export function refusedByAwsCli(profile: Profile, sections: ReadonlyMap<string, Setting<string>>): Finding[] {
  const has = (key: string) => sections.has(key);
  if (!has('role_arn') || !has('credential_process') || has('source_profile') || has('credential_source') || has('web_identity_token_file')) return [];
  return [
    {
      check: 'config',
      level: 'warn',
      message: `profile ${profile.name} has role_arn and credential_process but no source_profile: \`aws --profile ${profile.name}\` refuses it ("Partial credentials found in assume-role") and never runs the credential_process`,
      hint: `Move the credential_process line to a profile of its own, e.g. [profile ${profile.name}-cli], and give that one to the AWS CLI.`,
    },
  ];
}

/**
 * The endpoints ignore_configured_endpoint_urls drops, named where they are set: the settings doctor
 * lists no longer hold them, and whoever wrote them should see why they are not used.
 */
export function ignoredEndpoints(profile: Profile, sections: (name: string) => ReadonlyMap<string, Setting<string>>, env: NodeJS.ProcessEnv): Finding[] {
  const ignore = profile.settings.get(IGNORE_ENDPOINTS_KEY);
  if (!ignore || !ignoresConfiguredEndpoints(profile.settings)) return [];
  const written = profileChain(profile).flatMap((p) => [...sections(p.name)].filter(([key]) => key === 'endpoint_url' || key === 'services'));
  const variables = [...envSettings(env)].filter(([key]) => key.startsWith('endpoint_url'));
  const dropped = [...written, ...variables].map(([key, value]) => `${key} (${describeSource(value.source)})`);
  if (dropped.length === 0) return [];
  return [
    {
      check: 'config',
      level: 'info',
      message: `ignore_configured_endpoint_urls = ${ignore.value.trim()} (${describeSource(ignore.source)}): ${dropped.join(', ')} ${dropped.length === 1 ? 'is' : 'are'} ignored, as the AWS CLI ignores them; AWS's own endpoints are called`,
    },
  ];
}

/** Keys of the profile's own sections that nothing reads but that are one or two edits from a key that is read. */
export function misspeltKeyFindings(profileName: string, own: ReadonlyMap<string, Setting<string>>): Finding[] {
  return misspeltKeys(own).map((m) => ({
    check: 'config',
    // the setting meant is not set: the profile cannot work as written
    level: 'fail',
    message: misspeltMessage(profileName, m),
    hint: `Rename it to ${m.meant}; as written, the setting does nothing.`,
  }));
}

/**
 * A key the profile sets in both files: the credentials file wins, for rolecall as for the AWS CLI,
 * which surprises people editing the config file.
 */
export function shadowedKeys(profile: Profile, config: ReadonlyMap<string, Setting<string>>, credentialsPath: string): Finding[] {
  const found: Finding[] = [];
  for (const [key, s] of profile.settings) {
    const other = config.get(key);
    if (!other || s.source.kind !== 'file' || s.source.path !== credentialsPath || other.value === s.value) continue;
    found.push({
      check: 'config',
      level: 'warn',
      message: `${key} of profile ${profile.name} is set in both files; ${credentialsPath}:${s.source.line} wins over the config file's ${describeSource(other.source)}`,
      hint: 'Keep the key in one file only.',
    });
  }
  return found;
}

/** A credentials file (or config file holding keys) that other users can read. */
export function permissionFinding(path: string, what: string): Finding | undefined {
  let mode: number;
  try {
    mode = statSync(path).mode & 0o777;
  } catch {
    return undefined;
  }
  if ((mode & 0o077) === 0) return { check: 'permissions', level: 'ok', message: `${path} (${what}) is private (mode ${mode.toString(8)})` };
  return {
    check: 'permissions',
    level: 'warn',
    message: `${path} (${what}) can be read by ${mode & 0o004 ? 'every user on this machine' : 'its group'} (mode ${mode.toString(8).padStart(3, '0')})`,
    hint: `chmod 600 ${path}`,
  };
}

/**
 * A password `aws-runas password` left in the credentials file for the profile's IdP: rolecall
 * reads it, but it is only obfuscated (the key is the IdP's URL, in the same file's section
 * header), where the OS keyring keeps `rolecall password`'s encrypted.
 */
export function awsRunasPasswordFinding(profile: Profile, files: ConfigFiles): Finding | undefined {
  const issuer = profile.value('web_identity_auth_url');
  const section = issuer === undefined ? undefined : (files.credentialProfiles.get(issuer) ?? files.credentialProfiles.get(issuer.replace(/\/$/, '')));
  if (!section?.values.get('web_identity_password')?.value) return undefined;
  // stored for the profile that sets the IdP, it serves every profile that inherits it
  const owner = profileChain(profile).filter((p) => p.value('web_identity_auth_url') === issuer).pop() ?? profile;
  return {
    check: 'keyring',
    level: 'warn',
    message: `the IdP password for ${section.header} is kept by aws-runas in ${files.credentials.path}, only obfuscated: move it to the OS keyring with \`rolecall password ${owner.name}\``,
    hint: `rolecall uses it as aws-runas did, after the keyring; once stored with rolecall, delete web_identity_password from [${section.header}] in ${files.credentials.path}.`,
  };
}
