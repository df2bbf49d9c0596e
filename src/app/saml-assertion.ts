// A Saml step's assertion: from coinbase's POST API, or from an OIDC login exchanged for SAML
// (aws-cli-oidc saml2); then the role, chosen from what the assertion lists, and seed 001's report.
import type { Context } from '../platform/context';
import type { Profile } from '../config/profile';
import type { Step } from '../plan/step';
import { readAccounts } from '../config/accounts';
import { parseSamlResponse } from '../idp/saml/assertion';
import { chooseRole } from '../idp/saml/choose-role';
import { DEFAULT_BODY_TEMPLATE, fetchAssertionFromPostApi } from '../idp/saml/post-api';
import { exchangeForSaml } from '../idp/saml/token-exchange';
import { samlLogin } from '../idp/saml/login';
import type { SecretStore } from '../store/secrets';
import type { CredentialRequest } from './resolve-credentials';
import type { SamlResult } from './run-plan';
import { oidcLogin } from './oidc-login';
import { reportRole } from './role-report';

async function assertionFromPostApi(profile: Profile, request: CredentialRequest, ctx: Context, secrets: () => SecretStore): Promise<string> {
  const url = profile.get('saml_assertion_url')!;
  const login = await samlLogin(profile, { env: ctx.env, home: ctx.home, log: ctx.log, prompt: ctx.prompt, secrets: secrets(), passwordFlag: request.password });
  return fetchAssertionFromPostApi(
    {
      url,
      bodyTemplate: profile.get('saml_request_body_template') ?? { value: DEFAULT_BODY_TEMPLATE, source: { kind: 'default' } },
      allowInsecure: profile.value('saml_allow_insecure') ?? false,
    },
    login,
    { log: ctx.log },
  );
}

async function assertionFromTokenExchange(profile: Profile, request: CredentialRequest, ctx: Context, secrets: () => SecretStore): Promise<string> {
  const { settings, tokens } = await oidcLogin(profile, request, ctx, secrets);
  const subjectTokenType = profile.value('oidc_provider_token_exchange_subject_token_type') ?? 'urn:ietf:params:oauth:token-type:access_token';
  return exchangeForSaml(
    {
      tokenEndpoint: tokens.tokenEndpoint,
      clientId: settings.clientId.value,
      clientSecret: settings.clientSecret?.value,
      subjectToken: subjectTokenType.endsWith('id_token') ? tokens.idToken : tokens.accessToken,
      subjectTokenType,
      audience: profile.value('oidc_provider_token_exchange_audience'),
      allowInsecure: settings.allowInsecure,
    },
    { log: ctx.log },
  );
}

export async function samlAssertion(
  step: Extract<Step, { kind: 'Saml' }>,
  profile: Profile,
  request: CredentialRequest,
  ctx: Context,
  secrets: () => SecretStore,
): Promise<SamlResult> {
  const encoded =
    step.assertion === 'post-api' ? await assertionFromPostApi(profile, request, ctx, secrets) : await assertionFromTokenExchange(profile, request, ctx, secrets);
  const assertion = parseSamlResponse(encoded);
  ctx.log.redact(assertion.base64);
  ctx.log.info('Login successful!');
  const role = await chooseRole(assertion.roles, { roleArn: step.roleArn ?? profile.get('default_iam_role_arn') }, {
    prompt: ctx.prompt,
    accounts: readAccounts(ctx.home, ctx.env),
  });
  // coinbase names the provider (SAML_IDP_NAME) rather than trusting the pair the assertion lists
  const providerName = profile.value('saml_provider_name');
  const [, partition, account] = /^arn:([^:]+):iam::(\d{12}):/.exec(role.roleArn) ?? [];
  const principalArn = providerName && account ? `arn:${partition}:iam::${account}:saml-provider/${providerName}` : role.principalArn;
  reportRole(ctx.log, role.roleArn, principalArn);
  return { assertion: assertion.base64, roleArn: role.roleArn, principalArn, sessionDuration: assertion.sessionDuration };
}
