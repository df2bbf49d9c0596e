// Environment variables that set profile keys (seed 002's aws-runas variables, the AWS SDK's, seed
// 003's session timeout). They apply to the profile being asked for and beat every file.
import type { Profile } from './profile';
import { setting, type Setting } from './source';

/** In precedence order: for a key named twice, the first variable that is set wins. */
export const ENV_SETTINGS: ReadonlyArray<{ env: string; key: string }> = [
  { env: 'AWS_REGION', key: 'region' },
  { env: 'AWS_DEFAULT_REGION', key: 'region' },
  { env: 'AWS_ENDPOINT_URL', key: 'endpoint_url' },
  { env: 'AWS_ENDPOINT_URL_STS', key: 'endpoint_url.sts' },
  { env: 'AWS_ENDPOINT_URL_IAM', key: 'endpoint_url.iam' },
  { env: 'AWS_ENDPOINT_URL_SIGNIN', key: 'endpoint_url.signin' },
  { env: 'CREDENTIALS_DURATION', key: 'credentials_duration' },
  { env: 'AWS_ROLE_SESSION_TIMEOUT', key: 'duration_seconds' },
  { env: 'WEB_IDENTITY_AUTH_URL', key: 'web_identity_auth_url' },
  { env: 'WEB_IDENTITY_USERNAME', key: 'web_identity_username' },
  { env: 'WEB_IDENTITY_PROVIDER', key: 'web_identity_provider' },
  { env: 'JUMP_ROLE_ARN', key: 'jump_role_arn' },
  { env: 'MFA_TYPE', key: 'mfa_type' },
];

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
  const settings = new Map([...envSettings(env)].filter(([key]) => key === 'region' || key.startsWith('endpoint_url')));
  settings.set('credential_source', setting('Environment', id.source));
  return { name: 'environment', nameSource: id.source, settings };
}
