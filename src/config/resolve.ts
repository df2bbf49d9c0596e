// A profile's settings after precedence, each with its source:
// flag (overrides) > env > the profile's own keys (credentials file over config file, as the AWS CLI
// merges them) > source_profile chain (INHERITED_KEYS) > [default] (INHERITED_KEYS) > built-in default.
// Flags and environment apply to the profile asked for; the profiles of its source_profile chain
// are read from the files, so that e.g. JUMP_ROLE_ARN adds one jump, not one per hop.
import { RolecallError } from '../errors';
import { closest } from '../platform/suggest';
import { honourIgnoredEndpoints } from './configured-endpoints';
import { envSettings, envValue } from './env';
import type { ConfigFiles } from './files';
import { listProfiles } from './files';
import { BUILT_IN_DEFAULTS, INHERITED_KEYS } from './keys';
import { Profile } from './profile';
import { describeSource, rank, setting, type Setting, type Source } from './source';

export interface ProfileRequest {
  name?: Setting<string>;
  env: NodeJS.ProcessEnv;
  /** from flags, highest precedence */
  overrides?: Map<string, Setting<string>>;
}

const STATIC_KEYS = ['aws_access_key_id', 'aws_secret_access_key', 'aws_session_token'];
const CREDENTIAL_SOURCES = new Map([
  ['environment', 'Environment'],
  ['ec2instancemetadata', 'Ec2InstanceMetadata'],
  ['ecscontainer', 'EcsContainer'],
]);

function filesNamed(files: ConfigFiles): string {
  return `${files.config.path} or ${files.credentials.path}`;
}

export function profileExists(files: ConfigFiles, name: string): boolean {
  return files.configProfiles.has(name) || files.credentialProfiles.has(name);
}

function suggestionHint(files: ConfigFiles, name: string, fallback: string): string {
  const near = closest(name, listProfiles(files));
  const bare = files.config.sections.get(name);
  const parts = [
    near.length ? `Did you mean ${near.map((n) => `"${n}"`).join(' or ')}?` : '',
    bare && name !== 'default'
      ? `[${name}] at ${describeSource(bare.source)} is not a profile: in the config file write [profile ${name}].`
      : '',
    fallback,
  ];
  return parts.filter(Boolean).join(' ');
}

/** The profile's own keys: config file, then the credentials file over it; indented blocks as `key.sub`. */
function ownSettings(files: ConfigFiles, name: string): Map<string, Setting<string>> {
  const settings = new Map<string, Setting<string>>();
  for (const section of [files.configProfiles.get(name), files.credentialProfiles.get(name)]) {
    if (!section) continue;
    for (const [key, value] of section.values) settings.set(key, value);
    for (const [key, block] of section.nested) for (const [sub, value] of block.value) settings.set(`${key}.${sub}`, value);
  }
  const services = settings.get('services');
  if (services) {
    const section = files.services.get(services.value);
    if (!section) {
      throw new RolecallError(
        'CONFIG_INVALID',
        `profile "${name}" has services = ${services.value} (${describeSource(services.source)}), but ${files.config.path} has no [services ${services.value}] section`,
      );
    }
    // `[services x]` + `sts =` + indented `endpoint_url = URL`, as the AWS CLI reads service endpoints
    for (const [service, block] of section.nested) {
      const url = block.value.get('endpoint_url');
      if (url && !settings.has(`endpoint_url.${service}`)) settings.set(`endpoint_url.${service}`, url);
    }
  }
  const ssoSession = settings.get('sso_session');
  if (ssoSession) mergeSsoSession(files, `profile "${name}"`, ssoSession, settings);
  return settings;
}

/**
 * An Identity Center profile's `[sso-session NAME]` keys (sso_start_url, sso_region, ...) join its
 * own, as botocore merges them; a key both set differently is refused, as the AWS CLI refuses it.
 */
function mergeSsoSession(files: ConfigFiles, who: string, ssoSession: Setting<string>, settings: Map<string, Setting<string>>): void {
  const wanted = ssoSession.value.trim();
  const section = files.ssoSessions.get(wanted);
  if (!section) {
    const near = closest(wanted, [...files.ssoSessions.keys()]);
    throw new RolecallError(
      'CONFIG_INVALID',
      `${who} has sso_session = ${wanted} (${describeSource(ssoSession.source)}), but ${files.config.path} has no [sso-session ${wanted}] section`,
      { hint: `${near.length ? `Did you mean ${near.map((n) => `"${n}"`).join(' or ')}? ` : ''}Add [sso-session ${wanted}] with sso_start_url and sso_region (\`aws configure sso-session\` writes it).` },
    );
  }
  for (const [key, value] of section.values) {
    const own = settings.get(key);
    if (own && own.value.trim() !== value.value.trim()) {
      throw new RolecallError(
        'CONFIG_INVALID',
        `${who} sets ${key} = ${own.value} (${describeSource(own.source)}), but its sso-session ${wanted} has ${key} = ${value.value} (${describeSource(value.source)})`,
        { hint: `Remove ${key} from the profile: the session's value is the one that counts (the AWS CLI refuses the profile too).` },
      );
    }
    if (!own) settings.set(key, value);
  }
}

function checkCredentialSource(name: string, settings: Map<string, Setting<string>>): void {
  const credentialSource = settings.get('credential_source');
  if (!credentialSource) return;
  const sourceProfile = settings.get('source_profile');
  if (sourceProfile) {
    throw new RolecallError(
      'CONFIG_INVALID',
      `profile "${name}" has both source_profile (${describeSource(sourceProfile.source)}) and credential_source (${describeSource(credentialSource.source)})`,
      { hint: 'Keep one: source_profile names a profile with credentials, credential_source = Environment takes them from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY.' },
    );
  }
  const known = CREDENTIAL_SOURCES.get(credentialSource.value.toLowerCase());
  if (known === 'Environment') return;
  const where = `credential_source = ${credentialSource.value} (${describeSource(credentialSource.source)})`;
  if (known) {
    throw new RolecallError('CONFIG_INVALID', `${where} is not supported by rolecall`, {
      hint: 'rolecall runs where you work, not on EC2 or ECS: use credential_source = Environment, or source_profile = a profile with keys.',
    });
  }
  throw new RolecallError('CONFIG_INVALID', `${where} is not a credential source; valid: ${[...CREDENTIAL_SOURCES.values()].join(', ')}`);
}

interface Link {
  name: string;
  sourceProfile: Setting<string>;
}

/**
 * `endpoints`: the environment's endpoint variables (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>),
 * which say where a service answers rather than how one hop behaves: as the SDKs apply them to every
 * client, they apply to every profile of the chain (an Identity Center profile under a role too).
 */
function resolveFromFiles(files: ConfigFiles, name: string, nameSource: Source, trail: Link[], endpoints: ReadonlyMap<string, Setting<string>>): Profile {
  const own = ownSettings(files, name);
  checkCredentialSource(name, own);
  const sourceName = own.get('source_profile');
  let sourceProfile: Profile | undefined;
  if (sourceName) {
    const target = sourceName.value;
    if (target === name && STATIC_KEYS.slice(0, 2).every((k) => own.has(k))) {
      // the AWS CLI lets a role profile take its source keys from its own section
      const keys = new Map(STATIC_KEYS.flatMap((k) => (own.has(k) ? [[k, own.get(k)!] as const] : [])));
      sourceProfile = new Profile({ name, nameSource: sourceName.source, settings: keys });
    } else {
      const links = [...trail, { name, sourceProfile: sourceName }];
      const start = links.findIndex((l) => l.name === target);
      if (start >= 0) {
        const loop = links.slice(start);
        throw new RolecallError(
          'PROFILE_CYCLE',
          `source_profile loop: ${[...loop.map((l) => l.name), target].join(' -> ')} (${loop
            .map((l) => `${l.name}: source_profile at ${describeSource(l.sourceProfile.source)}`)
            .join('; ')})`,
        );
      }
      if (!profileExists(files, target)) {
        throw new RolecallError(
          'PROFILE_NOT_FOUND',
          `profile "${name}" has source_profile = ${target} (${describeSource(sourceName.source)}), but profile "${target}" is not in ${filesNamed(files)}`,
          { hint: suggestionHint(files, target, 'Fix source_profile, or add the profile it names.') },
        );
      }
      sourceProfile = resolveFromFiles(files, target, sourceName.source, links, endpoints);
    }
  }

  const settings = new Map(own);
  const inherit = (from: ReadonlyMap<string, Setting<string>> | undefined) => {
    if (!from) return;
    for (const key of INHERITED_KEYS) {
      const value = from.get(key);
      if (value && value.source.kind !== 'default' && !settings.has(key)) settings.set(key, value);
    }
  };
  inherit(sourceProfile?.settings);
  if (name !== 'default') inherit(ownSettings(files, 'default'));
  for (const [key, value] of BUILT_IN_DEFAULTS) if (!settings.has(key)) settings.set(key, setting(value, { kind: 'default' }));
  for (const [key, value] of endpoints) settings.set(key, value);
  dropWeakerServiceEndpoints(settings);
  return new Profile({ name, nameSource, settings, sourceProfile });
}

/** A service's own endpoint only counts when nothing stronger set the general one (flag > env > file). */
function dropWeakerServiceEndpoints(settings: Map<string, Setting<string>>): void {
  const general = settings.get('endpoint_url');
  if (!general) return;
  for (const [key, value] of settings) {
    if (key.startsWith('endpoint_url.') && rank(value.source) < rank(general.source)) settings.delete(key);
  }
}

/**
 * An [sso-session NAME] as a profile of its own, for signing in to it without a role (list-roles and
 * setup --sso-session): its keys, the inherited keys of [default] (the browser command, endpoints),
 * then the environment's.
 */
export function resolveSsoSession(files: ConfigFiles, name: Setting<string>, env: NodeJS.ProcessEnv): Profile {
  const settings = new Map<string, Setting<string>>([['sso_session', name]]);
  mergeSsoSession(files, 'the command', name, settings);
  for (const key of INHERITED_KEYS) {
    const value = ownSettings(files, 'default').get(key);
    if (value && !settings.has(key)) settings.set(key, value);
  }
  for (const [key, value] of envSettings(env)) settings.set(key, value);
  dropWeakerServiceEndpoints(settings);
  return honourIgnoredEndpoints(new Profile({ name: `sso-session ${name.value.trim()}`, nameSource: name.source, settings }));
}

export function resolveProfile(files: ConfigFiles, request: ProfileRequest): Profile {
  const nameSetting = request.name ?? envValue(request.env, 'AWS_PROFILE') ?? setting('default', { kind: 'default' });
  const name = nameSetting.value;
  // the default profile may be absent: the AWS CLI then runs on the environment alone
  if (name !== 'default' && !profileExists(files, name)) {
    const from = nameSetting.source.kind === 'default' ? '' : ` (from ${describeSource(nameSetting.source)})`;
    throw new RolecallError('PROFILE_NOT_FOUND', `profile "${name}"${from} is not in ${filesNamed(files)}`, {
      hint: suggestionHint(files, name, 'List your profiles with `aws configure list-profiles`, or create one with `rolecall setup`.'),
    });
  }
  const fromEnv = envSettings(request.env);
  const fromFiles = resolveFromFiles(files, name, nameSetting.source, [], new Map([...fromEnv].filter(([key]) => key.startsWith('endpoint_url'))));
  const settings = new Map(fromFiles.settings);
  for (const [key, value] of fromEnv) settings.set(key, value);
  for (const [key, value] of request.overrides ?? []) settings.set(key, value);
  dropWeakerServiceEndpoints(settings);
  return honourIgnoredEndpoints(fromFiles.withSettings(settings));
}
