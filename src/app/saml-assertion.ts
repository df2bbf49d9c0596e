// A Saml step's assertion: from coinbase's POST API, or from an OIDC login exchanged for SAML
// (aws-cli-oidc saml2); then the role, chosen from what the assertion lists, and seed 001's report.
import type { Context } from '../platform/context';
import type { Step } from '../plan/step';
import type { SamlPostApi, SamlTokenExchange } from '../plan/saml';
import { readAccounts } from '../config/accounts';
import { parseSamlResponse } from '../idp/saml/assertion';
import { chooseRole } from '../idp/saml/choose-role';
import { reportRole } from './role-report';
import { fetchAssertionFromPostApi } from '../idp/saml/post-api';
import { exchangeForSaml } from '../idp/saml/token-exchange';
import { samlLogin } from '../idp/saml/login';
import type { SecretStore } from '../store/secrets';
import type { SamlResult } from './run-plan';
import { oidcLogin, type LoginFlags } from './oidc-login';

async function assertionFromPostApi(api: SamlPostApi, login: LoginFlags, profiles: string[], ctx: Context, secrets: () => SecretStore): Promise<string> {
  const user = await samlLogin(api, { env: ctx.env, home: ctx.home, log: ctx.log, prompt: ctx.prompt, secrets: secrets(), profiles, passwordFlag: login.password });
  return fetchAssertionFromPostApi(api, user, { log: ctx.log });
}

async function assertionFromTokenExchange(exchange: SamlTokenExchange, login: LoginFlags, profiles: string[], ctx: Context, secrets: () => SecretStore): Promise<string> {
  const tokens = await oidcLogin(exchange.oidc, login, profiles, ctx, secrets);
  return exchangeForSaml(
    {
      tokenEndpoint: tokens.tokenEndpoint,
      clientId: exchange.oidc.clientId.value,
      clientSecret: exchange.oidc.clientSecret?.value,
      subjectToken: exchange.subjectTokenType.endsWith('id_token') ? tokens.idToken : tokens.accessToken,
      subjectTokenType: exchange.subjectTokenType,
      audience: exchange.audience,
      allowInsecure: exchange.oidc.allowInsecure,
    },
    { log: ctx.log },
  );
}

export async function samlAssertion(
  step: Extract<Step, { kind: 'Saml' }>,
  login: LoginFlags,
  profiles: string[],
  ctx: Context,
  secrets: () => SecretStore,
): Promise<SamlResult> {
  const encoded =
    step.assertion.from === 'post-api'
      ? await assertionFromPostApi(step.assertion, login, profiles, ctx, secrets)
      : await assertionFromTokenExchange(step.assertion, login, profiles, ctx, secrets);
  const assertion = parseSamlResponse(encoded);
  ctx.log.redact(assertion.base64);
  ctx.log.info('Login successful!');
  const role = await chooseRole(assertion.roles, { roleArn: step.roleArn ?? step.preferredRoleArn }, {
    prompt: ctx.prompt,
    accounts: readAccounts(ctx.home, ctx.env),
  });
  // coinbase names the provider (SAML_IDP_NAME) rather than trusting the pair the assertion lists
  const [, partition, account] = /^arn:([^:]+):iam::(\d{12}):/.exec(role.roleArn) ?? [];
  const principalArn = step.providerName && account ? `arn:${partition}:iam::${account}:saml-provider/${step.providerName}` : role.principalArn;
  reportRole(ctx.log, role.roleArn, principalArn);
  return { assertion: assertion.base64, roleArn: role.roleArn, principalArn, sessionDuration: assertion.sessionDuration };
}
