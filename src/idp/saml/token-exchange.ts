// aws-cli-oidc's `saml2` federation: trade the OIDC login's access or ID token for a SAML assertion
// with OAuth 2.0 Token Exchange (RFC 8693). The answer carries it base64url-encoded in
// `access_token`, issued_token_type urn:ietf:params:oauth:token-type:saml2: a whole samlp:Response
// from some providers, the signed saml:Assertion alone from Keycloak, which is wrapped in a Response
// as aws-cli-oidc does. The client authenticates as it did for the sign-in (./../oidc/client-auth.ts).
import type { CustomFetch } from 'openid-client';
import { RolecallError } from '../../errors';
import type { Logger } from '../../platform/logger';
import type { SamlTokenExchange } from '../../plan/saml';
import { applyClientAuth, type ClientAuthMethod } from '../oidc/client-auth';
import { wrapBareAssertion } from './assertion';
import { boundedFetch } from '../bounded-answer';
import { postOnce } from './http';
import { requireSecureUrl } from './secure-url';

const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const SAML2 = 'urn:ietf:params:oauth:token-type:saml2';

export interface TokenExchangeOptions {
  tokenEndpoint: string;
  clientId: string;
  clientSecret?: string;
  /** the method the sign-in authenticated the client with: the exchange uses the same */
  authMethod: ClientAuthMethod;
  subjectToken: string;
  /** oidc_provider_token_exchange_subject_token_type */
  subjectTokenType: SamlTokenExchange['subjectTokenType'];
  /** oidc_provider_token_exchange_audience: the IdP's SAML client for AWS, when the IdP needs it named */
  audience?: string;
  allowInsecure: boolean;
}

interface TokenAnswer {
  access_token?: unknown;
  issued_token_type?: unknown;
  error?: unknown;
  error_description?: unknown;
}

function refusal(answer: TokenAnswer, status: number, opts: TokenExchangeOptions, endpoint: URL): RolecallError {
  const code = typeof answer.error === 'string' ? answer.error : `HTTP ${status}`;
  const detail = typeof answer.error_description === 'string' ? `: ${answer.error_description}` : '';
  const at = `the identity provider's token endpoint ${endpoint.origin}${endpoint.pathname}`;
  switch (code) {
    case 'unsupported_grant_type':
    case 'unauthorized_client':
      return new RolecallError(
        'TOKEN_EXCHANGE_UNSUPPORTED',
        `${at} does not allow token exchange to SAML for client "${opts.clientId}" (${code}${detail})`,
        {
          hint: `The IdP administrator must enable OAuth 2.0 Token Exchange for client "${opts.clientId}" (Keycloak: start with the token-exchange feature and grant the client the token-exchange permission on the SAML client for AWS; see docs/idp-admin-guide.md).`,
        },
      );
    case 'invalid_request':
      if (/requested_token_type unsupported/i.test(detail)) {
        return new RolecallError('TOKEN_EXCHANGE_UNSUPPORTED', `${at} does not issue SAML assertions by token exchange (${code}${detail})`, {
          hint:
            "Keycloak 26.2 and later answer this from its standard token exchange, which issues access and ID tokens only. The IdP administrator must enable the legacy token exchange, which issues SAML: start Keycloak with --features=token-exchange,admin-fine-grained-authz:v1 and turn 'Standard token exchange' off for this client (see docs/idp-admin-guide.md).",
        });
      }
      return new RolecallError('OIDC_ERROR', `${at} refused the token exchange (${code}${detail})`);
    case 'invalid_target':
      return new RolecallError('OIDC_ERROR', `${at} refused the audience "${opts.audience ?? ''}" (${code}${detail})`, {
        hint: 'Set oidc_provider_token_exchange_audience to the client id of the SAML client for AWS at the IdP (Keycloak: usually urn:amazon:webservices).',
      });
    case 'invalid_client':
      return new RolecallError('OIDC_ERROR', `${at} did not accept client "${opts.clientId}" (${code}${detail})`, {
        hint: 'Check client_id and client_secret in the profile.',
      });
    case 'invalid_grant':
      return new RolecallError('OIDC_ERROR', `${at} refused the login's token for exchange (${code}${detail})`, {
        hint: `The token may have expired or be of the wrong kind: run \`rolecall clear PROFILE\`, or check oidc_provider_token_exchange_subject_token_type (now ${opts.subjectTokenType}).`,
      });
    default:
      return new RolecallError('OIDC_ERROR', `${at} refused the token exchange (${code}${detail})`);
  }
}

/** Returns the SAML Response (base64 or base64url, a bare Assertion wrapped in one); parse it with parseSamlResponse. */
export async function exchangeForSaml(
  opts: TokenExchangeOptions,
  deps: { log: Logger; /** the OIDC client's bounded fetch (src/idp/oidc/client.ts), with its mTLS or private CA */ fetch?: CustomFetch },
): Promise<string> {
  deps.log.redact(opts.subjectToken);
  deps.log.redact(opts.clientSecret);
  const endpoint = requireSecureUrl(opts.tokenEndpoint, {
    what: "the identity provider's token endpoint",
    allowInsecure: opts.allowInsecure,
    code: 'OIDC_INSECURE',
    log: deps.log,
  });
  const form = new URLSearchParams({
    grant_type: TOKEN_EXCHANGE,
    subject_token: opts.subjectToken,
    subject_token_type: opts.subjectTokenType,
    requested_token_type: SAML2,
  });
  if (opts.audience) form.set('audience', opts.audience);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  applyClientAuth(opts.authMethod, { clientId: opts.clientId, clientSecret: opts.clientSecret }, form, headers);

  deps.log.debug(`token exchange at ${endpoint.origin}${endpoint.pathname}: ${opts.subjectTokenType} -> saml2 (client ${opts.clientId})`);
  const fetchImpl = deps.fetch ?? boundedFetch(() => `the identity provider's token endpoint ${endpoint.origin}${endpoint.pathname}`);
  const response = await postOnce(endpoint, { headers, body: form }, "the identity provider's token endpoint", 'OIDC_ERROR', fetchImpl);
  let answer: TokenAnswer;
  try {
    // `?? {}`: a JSON null is an answer without any of the fields
    answer = (JSON.parse(await response.text()) ?? {}) as TokenAnswer;
  } catch {
    throw new RolecallError('OIDC_ERROR', `the identity provider's token endpoint answered HTTP ${response.status} without JSON to the token exchange`);
  }
  if (!response.ok || answer.error !== undefined) throw refusal(answer, response.status, opts, endpoint);
  if (answer.issued_token_type !== undefined && answer.issued_token_type !== SAML2) {
    throw new RolecallError(
      'SAML_ASSERTION_INVALID',
      `the token exchange issued a ${String(answer.issued_token_type)} instead of a SAML 2.0 assertion (${SAML2})`,
      { hint: 'The IdP administrator must let this client exchange tokens for the SAML client for AWS; see docs/idp-admin-guide.md.' },
    );
  }
  if (typeof answer.access_token !== 'string' || answer.access_token === '') {
    throw new RolecallError('SAML_ASSERTION_INVALID', 'the token exchange answer has no SAML assertion in access_token');
  }
  deps.log.redact(answer.access_token);
  // Keycloak's exchange issues the Assertion alone; AWS takes a Response
  return wrapBareAssertion(answer.access_token);
}
