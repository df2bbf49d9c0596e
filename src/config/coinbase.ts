// coinbase assume-role's environment (seed 003): the bastion profile, the session timeout and the
// SAML POST API settings. These apply to `rolecall assume` only: a SAML_IDP_* left in a shell rc
// must not turn every other profile into a SAML one.
import { RolecallError } from '../errors';
import { envValue } from './env';
import { ASSUME_ENV_SETTINGS } from './keys';
import type { Setting } from './source';

export type AuthScheme = 'bastion' | 'saml';

/** The bastion profile `assume` starts from: AWS_PROFILE_ASSUME_ROLE, else the caller's choice (AWS_PROFILE, default). */
export function assumeRoleProfileName(env: NodeJS.ProcessEnv): Setting<string> | undefined {
  return envValue(env, 'AWS_PROFILE_ASSUME_ROLE');
}

export function authScheme(env: NodeJS.ProcessEnv): AuthScheme {
  const scheme = envValue(env, 'AWS_ASSUME_ROLE_AUTH_SCHEME');
  if (!scheme) return 'bastion';
  const value = scheme.value.toLowerCase();
  if (value === 'bastion' || value === 'saml') return value;
  throw new RolecallError('CONFIG_INVALID', `AWS_ASSUME_ROLE_AUTH_SCHEME=${scheme.value} is neither bastion nor saml`, {
    hint: 'Unset it for the bastion (IAM user + MFA) mode, or set AWS_ASSUME_ROLE_AUTH_SCHEME=saml with SAML_IDP_ASSERTION_URL and SAML_IDP_NAME.',
  });
}

/** The settings `rolecall assume` adds at environment level: the session timeout, and the SAML API in saml mode. */
export function coinbaseSettings(env: NodeJS.ProcessEnv): Map<string, Setting<string>> {
  const settings = new Map<string, Setting<string>>();
  const timeout = envValue(env, 'AWS_ROLE_SESSION_TIMEOUT');
  if (timeout) settings.set('duration_seconds', timeout);
  if (authScheme(env) === 'saml') {
    for (const { env: name, key } of ASSUME_ENV_SETTINGS) {
      const value = envValue(env, name);
      if (value) settings.set(key, value);
    }
  }
  return settings;
}
