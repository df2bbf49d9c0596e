// How a sign-in to Identity Center runs: the profile's login settings (plan/identity-center.ts) with
// the command's flags applied.
import type { SsoLoginSettings } from '../../plan/identity-center';

export interface SsoLogin {
  /** 'browser': authorization code with PKCE and a loopback redirect (the AWS CLI's default since 2.22); 'device': the device code */
  flow: 'browser' | 'device';
  /** the browser command (`{}` for the URL), else $BROWSER or the platform's opener */
  agent?: string[];
  /** print the URL instead of opening a browser */
  noBrowser: boolean;
  /** how long to wait for the person to finish, in seconds */
  timeoutSeconds: number;
}

/** the scope that reaches the portal; the AWS CLI asks for it in the browser sign-in when none is configured */
export const ACCOUNT_ACCESS_SCOPE = 'sso:account:access';

/** the login settings with --device and --no-browser */
export function ssoLogin(settings: SsoLoginSettings, flags: { device?: boolean; noBrowser?: boolean }): SsoLogin {
  return {
    flow: flags.device || settings.useDeviceCode ? 'device' : 'browser',
    ...(settings.agent ? { agent: settings.agent } : {}),
    noBrowser: flags.noBrowser === true,
    timeoutSeconds: settings.timeoutSeconds,
  };
}
