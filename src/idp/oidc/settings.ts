// What a sign-in runs with: the profile's OIDC settings, as the plan's step carries them
// (plan/oidc.ts), with this command's --device and --no-browser applied.
import type { OidcSettings } from '../../plan/oidc';

export interface SignInSettings extends OidcSettings {
  /** print the login URL instead of opening a browser */
  noBrowser: boolean;
}

export function signInSettings(settings: OidcSettings, flags: { device?: boolean; noBrowser?: boolean }): SignInSettings {
  return { ...settings, flow: flags.device ? 'device' : settings.flow, noBrowser: flags.noBrowser === true };
}
