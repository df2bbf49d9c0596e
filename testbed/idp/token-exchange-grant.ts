// OAuth 2.0 Token Exchange (RFC 8693) from an OIDC token to a SAML 2.0 assertion, for
// aws-cli-oidc's `saml2` federation type. What comes back in access_token (base64url) is switchable
// (Idp.setQuirks({ samlExchange })):
//   response   a signed samlp:Response (IdPs that answer with a whole Response)
//   assertion  the signed saml:Assertion alone, as Keycloak's legacy token exchange (V1) issues it;
//              aws-cli-oidc wraps it in a Response before calling STS
//   standard   Keycloak 26.2+'s standard token exchange (V2), which issues no SAML:
//              400 invalid_request "requested_token_type unsupported"
import { jwtVerify } from 'jose';
import type Provider from 'oidc-provider';
import { errors, type Context } from 'oidc-provider';
import type { IdpUser, World } from '../world';
import { SAML_ASSERTION_TTL_SECONDS, samlAssertionFor, samlResponseFor, userBySub } from './accounts';
import { AWS_SAML_AUDIENCE } from './saml-response';
import { assertClientMayUse } from './grant-policy';

export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const TOKEN_EXCHANGE_PARAMS = ['subject_token', 'subject_token_type', 'requested_token_type', 'audience', 'scope'];
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
export const ID_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:id_token';
export const SAML2_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:saml2';
/** audiences the IdP issues AWS assertions for: Keycloak's usual AWS client id and AWS's SAML endpoint */
export const AWS_EXCHANGE_AUDIENCES = ['urn:amazon:webservices', AWS_SAML_AUDIENCE];

export interface TokenExchangeOptions {
  world: World;
  /** the public half of the key the IdP signs its ID and access tokens with */
  verificationKey: CryptoKey;
  /** setTokenExchange(false) turns the grant off: unsupported_grant_type, as an IdP without the feature */
  enabled: () => boolean;
  /** what a SAML exchange answers: a Response, a bare Assertion, or Keycloak 26.2's refusal */
  samlMode: () => SamlExchangeMode;
}

export type SamlExchangeMode = 'response' | 'assertion' | 'standard';

export function tokenExchangeGrant(provider: Provider, options: TokenExchangeOptions) {
  return async function handle(ctx: Context): Promise<void> {
    if (!options.enabled()) throw new errors.UnsupportedGrantType('token exchange is not enabled at this IdP');
    assertClientMayUse(options.world, ctx, TOKEN_EXCHANGE_GRANT);
    const params = ctx.oidc.params ?? {};
    const { subject_token: subjectToken, subject_token_type: subjectType } = params;
    const requested = params.requested_token_type ?? SAML2_TOKEN_TYPE;
    const audience = params.audience ?? AWS_SAML_AUDIENCE;
    if (!subjectToken || !subjectType) throw new errors.InvalidRequest('subject_token and subject_token_type are required');
    if (options.samlMode() === 'standard') {
      // Keycloak's StandardTokenExchangeProvider: only access and ID tokens
      ctx.status = 400;
      ctx.body = { error: 'invalid_request', error_description: 'requested_token_type unsupported' };
      return;
    }
    if (requested !== SAML2_TOKEN_TYPE) {
      throw new errors.InvalidRequest(`requested_token_type ${requested} is not supported (only ${SAML2_TOKEN_TYPE})`);
    }
    if (!AWS_EXCHANGE_AUDIENCES.includes(audience)) {
      throw new errors.InvalidTarget(`unknown audience ${audience} (known: ${AWS_EXCHANGE_AUDIENCES.join(', ')})`);
    }
    const clientId = ctx.oidc.client?.clientId ?? '';
    const user = await subjectOf(options.world, options.verificationKey, provider.issuer, clientId, subjectToken, subjectType);
    ctx.body = {
      access_token: Buffer.from((options.samlMode() === 'assertion' ? samlAssertionFor : samlResponseFor)(provider.issuer, user)).toString('base64url'),
      issued_token_type: SAML2_TOKEN_TYPE,
      token_type: 'Bearer',
      expires_in: SAML_ASSERTION_TTL_SECONDS,
    };
  };
}

// RFC 9068: access tokens carry the JWT header typ at+jwt, ID tokens none; that tells them apart
const SUBJECT_TYP: Record<string, string | undefined> = { [ACCESS_TOKEN_TYPE]: 'at+jwt', [ID_TOKEN_TYPE]: undefined };

// RFC 8693 2.2.2: an unusable subject token is invalid_request. Only tokens this IdP signed for
// the calling client are accepted.
async function subjectOf(world: World, key: CryptoKey, issuer: string, clientId: string, token: string, type: string): Promise<IdpUser> {
  if (!(type in SUBJECT_TYP)) {
    throw new errors.InvalidRequest(`subject_token_type ${type} is not supported (use ${ACCESS_TOKEN_TYPE} or ${ID_TOKEN_TYPE})`);
  }
  const verified = await jwtVerify(token, key, { issuer, audience: clientId }).catch(() => undefined);
  const sub = verified && verified.protectedHeader.typ === SUBJECT_TYP[type] ? verified.payload.sub : undefined;
  const user = sub === undefined ? undefined : userBySub(world, sub);
  if (!user) throw new errors.InvalidRequest(`subject_token is invalid, expired or was not issued to ${clientId}`);
  return user;
}
