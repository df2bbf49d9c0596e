// What a sign-in runs with: the profile's OIDC settings, as the plan's step carries them
// (plan/oidc.ts), with this command's --device and --no-browser applied.
import type { OidcSettings } from '../../plan/oidc';

export interface SignInSettings extends OidcSettings {
  /** print the login URL instead of opening a browser */
  noBrowser: boolean;
  /** the token the next step presents: a refresh answer without an ID token will do for access_token */
  requiredToken: 'id_token' | 'access_token';
  /** --device chose the flow (not the profile) */
  flowFromFlag: boolean;
}

/** `requiredToken`: what the caller presents (default: web_identity_token_type, what AssumeRoleWithWebIdentity takes) */
export function signInSettings(settings: OidcSettings, flags: { device?: boolean; noBrowser?: boolean }, requiredToken: 'id_token' | 'access_token' = settings.tokenType): SignInSettings {
  return { ...settings, flow: flags.device ? 'device' : settings.flow, noBrowser: flags.noBrowser === true, requiredToken, flowFromFlag: flags.device === true };
}
