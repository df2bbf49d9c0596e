// An OIDC sign-in for a profile, shared by the WebIdentity step and the SAML token exchange.
import type { Context } from '../platform/context';
import { profileLineage, type Profile } from '../config/profile';
import type { OidcSettings } from '../idp/oidc/settings';
import type { OidcTokens } from '../idp/oidc/sign-in';
import type { SecretStore } from '../store/secrets';
import type { CredentialRequest } from './resolve-credentials';

export async function oidcLogin(
  profile: Profile,
  request: CredentialRequest,
  ctx: Context,
  secrets: () => SecretStore,
): Promise<{ settings: OidcSettings; tokens: OidcTokens }> {
  const { oidcSettings } = await import('../idp/oidc/settings');
  const { signIn } = await import('../idp/oidc/sign-in');
  const settings = oidcSettings(profile, { device: request.device, noBrowser: request.noBrowser });
  const tokens = await signIn(settings, {
    env: ctx.env,
    clock: ctx.clock,
    log: ctx.log,
    prompt: ctx.prompt,
    secrets: secrets(),
    profiles: profileLineage(profile),
    passwordFlag: request.password,
  });
  return { settings, tokens };
}
