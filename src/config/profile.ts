// A profile resolved from the shared config/credentials files, the environment and flags,
// every value remembering its source. Built by config/resolve.ts; read by plan/ and doctor.
import type { Setting } from './source';

export interface Profile {
  /** the profile name as the user wrote it (`default` for [default]) */
  name: string;
  /** where the name came from: an argument, --profile, AWS_PROFILE, AWS_PROFILE_ASSUME_ROLE, or the default */
  nameSource: Setting<string>['source'];
  /**
   * Every setting that applies to this profile after precedence:
   * flag > env > this profile (its credentials-file keys over its config-file keys, as the AWS CLI
   * merges them) > source_profile chain
   * (only for INHERITED_KEYS) > [default] (only for INHERITED_KEYS) > built-in default.
   * Keys are lower-case as the AWS CLI treats them.
   */
  settings: ReadonlyMap<string, Setting<string>>;
  /**
   * the profile named by source_profile, resolved from the files (flags and environment apply only to
   * the profile asked for); cycles are refused while resolving. A profile naming itself (allowed when
   * it holds keys) gets a source profile holding just those keys.
   */
  sourceProfile?: Profile;
}

/** The profile, then the profiles of its source_profile chain, nearest first. */
export function profileChain(profile: Profile): Profile[] {
  const chain: Profile[] = [];
  for (let p: Profile | undefined = profile; p; p = p.sourceProfile) chain.push(p);
  return chain;
}

/** The profile's name, then those it inherits settings from: its source_profile chain, then default. */
export function profileLineage(profile: Profile): string[] {
  return [...new Set([...profileChain(profile).map((p) => p.name), 'default'])];
}

/** Keys that flow down from source_profile and [default] when the profile does not set them. */
export const INHERITED_KEYS: ReadonlySet<string> = new Set([
  'region',
  'endpoint_url',
  'web_identity_auth_url',
  'web_identity_client_id',
  'web_identity_client_secret',
  'web_identity_redirect_uri',
  'web_identity_username',
  'web_identity_provider',
  'web_identity_flow',
  'web_identity_scopes',
  'web_identity_token_type',
  'web_identity_allow_insecure',
  'web_identity_agent',
  'web_identity_timeout',
  'web_identity_additional_query',
  'web_identity_success_redirect_url',
  'web_identity_failure_redirect_url',
  'web_identity_client_cert',
  'web_identity_client_key',
  'web_identity_client_ca',
  'web_identity_insecure_skip_verify',
  'credentials_duration',
  'mfa_type',
  'mfa_process',
  'saml_assertion_url',
  'saml_provider_name',
  'saml_request_body_template',
  'saml_username',
  'saml_allow_insecure',
  'refresh_window',
]);
