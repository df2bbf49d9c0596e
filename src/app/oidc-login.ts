// An OIDC sign-in with the settings a step carries and this command's login flags, shared by the
// WebIdentity step and the SAML token exchange.
import type { Context } from '../platform/context';
import type { OidcSettings } from '../plan/oidc';
import type { OidcTokens } from '../idp/oidc/sign-in';
import type { SecretStore } from '../store/secrets';
import { readConfigFiles } from '../config/files';
import { readAwsRunasPassword } from '../config/aws-runas-password';

/** The login flags of a credential command: --device, --no-browser, -P. */
export interface LoginFlags {
  device?: boolean;
  noBrowser?: boolean;
  password?: string;
}

/**
 * `profiles`: the profile asked for, then those it inherits from, whose stored passwords
 * (`rolecall password`) the password flow may use.
 */
export async function oidcLogin(settings: OidcSettings, login: LoginFlags, profiles: string[], ctx: Context, secrets: () => SecretStore): Promise<OidcTokens> {
  const { signInSettings } = await import('../idp/oidc/settings');
  const { signIn } = await import('../idp/oidc/sign-in');
  return signIn(signInSettings(settings, login), {
    env: ctx.env,
    clock: ctx.clock,
    log: ctx.log,
    prompt: ctx.prompt,
    secrets: secrets(),
    profiles,
    passwordFlag: login.password,
    awsRunasPassword: (issuer) => readAwsRunasPassword(readConfigFiles(ctx.env, ctx.home), issuer),
  });
}
