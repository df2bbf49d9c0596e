// An OIDC sign-in with the settings a step carries and this command's login flags, shared by the
// WebIdentity step and the SAML token exchange.
import { readAwsRunasPassword } from '../../config/aws-runas-password';
import { readConfigFiles } from '../../config/files';
import type { OidcSettings } from '../../plan/oidc';
import type { OidcTokens } from '../../idp/oidc/sign-in';
import type { StepDeps } from './source';

/** `requiredToken`: the token the caller presents (a refresh answer without an ID token will do for an access token) */
export async function oidcLogin(
  settings: OidcSettings,
  deps: Pick<StepDeps, 'env' | 'home' | 'clock' | 'log' | 'prompt' | 'login' | 'profiles' | 'secrets' | 'mfaCode' | 'mfaCodeAgain'>,
  requiredToken: 'id_token' | 'access_token' = settings.tokenType,
): Promise<OidcTokens> {
  const { signInSettings } = await import('../../idp/oidc/settings');
  const { signIn } = await import('../../idp/oidc/sign-in');
  return signIn(signInSettings(settings, deps.login, requiredToken), {
    env: deps.env,
    clock: deps.clock,
    log: deps.log,
    prompt: deps.prompt,
    secrets: deps.secrets(),
    profiles: deps.profiles,
    passwordFlag: deps.login.password,
    awsRunasPassword: (issuer) => readAwsRunasPassword(readConfigFiles(deps.env, deps.home), issuer),
    // the provider's MFA asks for a code as an MFA device does: --mfa-code, mfa_process, the terminal
    mfaCode: (who) => deps.mfaCode(who, deps.profiles[0] ?? 'default'),
    mfaCodeAgain: async (who, why) => deps.mfaCodeAgain?.(who, deps.profiles[0] ?? 'default', why),
  });
}
