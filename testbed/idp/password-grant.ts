// The resource-owner password grant (RFC 6749 4.3), as aws-runas uses it: username and password
// in; ID token, access token and (for clients allowed refresh_token) a refresh token out.
// oidc-provider has no built-in handler, so this one builds the tokens from its public models.
// In a Keycloak-shaped realm (otp: true) a user with an OTP device must also send the current code
// as `totp` (or `otp`), and every failure is Keycloak's direct grant answer: HTTP 401 invalid_grant
// "Invalid user credentials", the same for a wrong password and for a missing or wrong code.
import type Provider from 'oidc-provider';
import { errors, type Context } from 'oidc-provider';
import type { World } from '../world';
import { totpValid } from '../aws/totp';
import { authenticate, claimsOf } from './accounts';
import { assertClientMayUse } from './grant-policy';
import { API_RESOURCE, resourceServerInfo } from './access-tokens';

export const PASSWORD_GRANT = 'password';
export const PASSWORD_GRANT_PARAMS = ['username', 'password', 'scope', 'totp', 'otp'];
const SUPPORTED_SCOPES = new Set(['openid', 'email', 'profile', 'offline_access']);

export function passwordGrant(provider: Provider, world: World, options: { otp: boolean } = { otp: false }) {
  return async function handle(ctx: Context): Promise<void> {
    assertClientMayUse(world, ctx, PASSWORD_GRANT);
    const { username, password, scope = 'openid' } = ctx.oidc.params ?? {};
    if (options.otp) {
      const user = username && password ? authenticate(world, username, password) : undefined;
      const code = ctx.oidc.params?.otp ?? ctx.oidc.params?.totp;
      if (!user || (user.totpSecretBase32 && !(code && totpValid(user.totpSecretBase32, code)))) {
        ctx.status = 401;
        ctx.body = { error: 'invalid_grant', error_description: 'Invalid user credentials' };
        return;
      }
    }
    if (!username || !password) throw new errors.InvalidRequest('username and password are required');
    const scopes = [...new Set(scope.split(' ').filter(Boolean))];
    const unknown = scopes.find((name) => !SUPPORTED_SCOPES.has(name));
    if (unknown) throw new errors.InvalidScope(`unsupported scope ${unknown}`);
    const user = authenticate(world, username, password);
    if (!user) throw new errors.InvalidGrant('invalid username or password');

    const client = ctx.oidc.client!;
    const granted = scopes.join(' ');
    const grant = new provider.Grant({ accountId: user.sub, clientId: client.clientId });
    grant.addOIDCScope(granted);
    const resource = resourceServerInfo(world, API_RESOURCE, client.clientId);
    const apiScope = scopes.filter((name) => resource.scope.split(' ').includes(name)).join(' ');
    grant.addResourceScope(API_RESOURCE, apiScope);
    const grantId = await grant.save();
    const common = { accountId: user.sub, client, grantId, gty: PASSWORD_GRANT };
    const accessToken = new provider.AccessToken({ ...common, scope: apiScope });
    accessToken.resourceServer = new provider.ResourceServer(API_RESOURCE, resource);
    const refreshToken = client.grantTypeAllowed('refresh_token')
      ? await new provider.RefreshToken({ ...common, scope: granted, resource: API_RESOURCE, rotations: 0 }).save()
      : undefined;
    let idToken: string | undefined;
    if (scopes.includes('openid')) {
      const token = new provider.IdToken(claimsOf(user), { ctx });
      token.scope = granted;
      idToken = await token.issue({ use: 'idtoken' });
    }
    ctx.body = {
      access_token: await accessToken.save(),
      token_type: 'Bearer',
      expires_in: world.settings.idTokenTtlSeconds,
      scope: granted,
      ...(idToken ? { id_token: idToken } : {}),
      ...(refreshToken ? { refresh_token: refreshToken } : {}),
    };
  };
}
