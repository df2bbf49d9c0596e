// Environment variables that set profile keys (aws-runas's variables, the AWS SDK's, coinbase
// assume-role's session timeout; config/keys.ts says which sets what). They apply to the profile
// being asked for and beat every file.
import { honourIgnoredEndpoints, IGNORE_ENDPOINTS_KEY } from './configured-endpoints';
import { ENV_SETTINGS } from './keys';
import { Profile } from './profile';
import { setting, type Setting } from './source';

/** An environment variable's value; an empty one counts as unset (`AWS_PROFILE= cmd`). */
export function envValue(env: NodeJS.ProcessEnv, name: string): Setting<string> | undefined {
  const value = env[name];
  return value ? setting(value, { kind: 'env', name }) : undefined;
}

export function envSettings(env: NodeJS.ProcessEnv): Map<string, Setting<string>> {
  const settings = new Map<string, Setting<string>>();
  for (const { env: name, key } of ENV_SETTINGS) {
    const value = envValue(env, name);
    if (value && !settings.has(key)) settings.set(key, value);
  }
  return settings;
}

/**
 * The keys in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN) as a
 * profile of their own, with the region and endpoints of the environment: what the AWS CLI uses
 * when no profile is named. Undefined when they are not set.
 */
export function environmentProfile(env: NodeJS.ProcessEnv): Profile | undefined {
  const id = envValue(env, 'AWS_ACCESS_KEY_ID');
  if (!id || !envValue(env, 'AWS_SECRET_ACCESS_KEY')) return undefined;
  const settings = new Map([...envSettings(env)].filter(([key]) => key === 'region' || key.startsWith('endpoint_url') || key === IGNORE_ENDPOINTS_KEY));
  settings.set('credential_source', setting('Environment', id.source));
  return honourIgnoredEndpoints(new Profile({ name: 'environment', nameSource: id.source, settings }));
}
