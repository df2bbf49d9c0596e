// A role assumed with a SAML assertion (AssumeRoleWithSAML): the assertion from coinbase's SAML
// POST API, from the identity provider's own page in the user's browser (saml_sso_url), or from an
// OIDC login exchanged for one (aws-cli-oidc saml2); the role chosen among
// those it lists (role_arn, default_iam_role_arn, the only one, or a prompt), reported the way
// aws-cli-oidc reports it. With jump_role_arn, role_arn is one hop further.
import { readAccounts } from '../../config/accounts';
import { chooseRole } from '../../idp/saml/choose-role';
import { samlLogin } from '../../idp/saml/login';
import { fetchAssertionFromPostApi } from '../../idp/saml/post-api';
import { exchangeForSaml } from '../../idp/saml/token-exchange';
import type { Setting } from '../../config/source';
import { roleDuration } from '../../plan/build';
import { samlAssertionSource, type SamlAssertionSource, type SamlPostApi, type SamlTokenExchange } from '../../plan/saml';
import { stepOf } from '../../plan/step';
import { describeSessionPolicy, stsSessionPolicy, type PolicyStep } from '../../plan/session-policy';
import { withJump } from './assume-role';
import { oidcLogin } from './oidc-login';
import { reportRole } from './role-report';
import { withDurationRetry, type CredentialSource, type StepDeps } from './source';

export interface SamlStep extends PolicyStep {
  kind: 'Saml';
  /** coinbase's SAML POST API, the provider's page in the browser (saml_sso_url), or aws-cli-oidc saml2: an OIDC login exchanged for an assertion */
  assertion: SamlAssertionSource;
  /** the role to pick from the assertion; absent: the preferred one, the only one, or ask */
  roleArn?: Setting;
  /** default_iam_role_arn: the role to pick when the assertion lists several */
  preferredRoleArn?: Setting;
  /** saml_provider_name: the IAM SAML provider to name instead of the one the assertion pairs with the role */
  providerName?: string;
  durationSeconds: Setting<number>;
}

export const isSaml = stepOf<SamlStep>('Saml');

const FROM: Record<SamlAssertionSource['from'], string> = {
  'post-api': 'the SAML POST API',
  browser: 'the sign-in page in the browser',
  'token-exchange': 'OIDC token exchange',
};

interface SamlResult {
  assertion: string;
  roleArn: string;
  principalArn: string;
  /** the assertion's SessionDuration attribute, which caps the request */
  sessionDuration?: number;
}

async function fromPostApi(api: SamlPostApi, deps: StepDeps): Promise<string> {
  const user = await samlLogin(api, { env: deps.env, home: deps.home, log: deps.log, prompt: deps.prompt, secrets: deps.secrets(), profiles: deps.profiles, passwordFlag: deps.login.password });
  return fetchAssertionFromPostApi(api, user, { log: deps.log });
}

async function fromTokenExchange(exchange: SamlTokenExchange, deps: StepDeps): Promise<string> {
  const subject = exchange.subjectTokenType.endsWith('id_token') ? 'id_token' : 'access_token';
  const tokens = await oidcLogin(exchange.oidc, deps, subject);
  const { tokenOfType } = await import('../../idp/oidc/sign-in');
  return exchangeForSaml(
    {
      tokenEndpoint: tokens.tokenEndpoint,
      clientId: exchange.oidc.clientId.value,
      clientSecret: exchange.oidc.clientSecret?.value,
      authMethod: tokens.authMethod,
      subjectToken: tokenOfType(tokens, subject),
      subjectTokenType: exchange.subjectTokenType,
      audience: exchange.audience,
      allowInsecure: exchange.oidc.allowInsecure,
    },
    { log: deps.log, fetch: tokens.fetch },
  );
}

async function samlAssertion(step: SamlStep, deps: StepDeps): Promise<SamlResult> {
  const source = step.assertion;
  const encoded =
    source.from === 'post-api'
      ? await fromPostApi(source, deps)
      : source.from === 'browser'
        ? await (await import('../../idp/saml/browser/sign-in')).assertionFromBrowser(source, { env: deps.env, home: deps.home, log: deps.log, platform: process.platform })
        : await fromTokenExchange(source, deps);
  // the XML parser is loaded only for a SAML sign-in
  const { parseSamlResponse } = await import('../../idp/saml/assertion');
  const assertion = parseSamlResponse(encoded);
  deps.log.redact(assertion.base64);
  deps.log.info('Login successful!');
  const role = await chooseRole(assertion.roles, { roleArn: step.roleArn ?? step.preferredRoleArn }, { prompt: deps.prompt, accounts: readAccounts(deps.home, deps.env) });
  // coinbase names the provider (SAML_IDP_NAME) rather than trusting the pair the assertion lists
  const [, partition, account] = /^arn:([^:]+):iam::(\d{12}):/.exec(role.roleArn) ?? [];
  const principalArn = step.providerName && account ? `arn:${partition}:iam::${account}:saml-provider/${step.providerName}` : role.principalArn;
  reportRole(deps.log, role.roleArn, principalArn);
  return { assertion: assertion.base64, roleArn: role.roleArn, principalArn, sessionDuration: assertion.sessionDuration };
}

export const saml: CredentialSource<SamlStep> = {
  kinds: ['Saml'],
  roleSession: true,
  sessionPolicies: true,
  recognises: (profile) => profile.settings.has('saml_assertion_url') || profile.settings.has('saml_sso_url') || profile.value('federation_type') === 'saml2',
  plan(profile, ctx) {
    const step: SamlStep = {
      kind: 'Saml',
      profile: profile.name,
      assertion: samlAssertionSource(profile, ctx.flags)!,
      roleArn: profile.get('jump_role_arn') ?? profile.get('role_arn'),
      preferredRoleArn: profile.get('default_iam_role_arn'),
      providerName: profile.value('saml_provider_name'),
      durationSeconds: roleDuration(profile, ctx.bounds),
    };
    return withJump(profile, step, ctx.bounds);
  },
  describe: (step) => `AssumeRoleWithSAML${step.roleArn ? ` ${step.roleArn.value}` : ''} with an assertion from ${FROM[step.assertion.from]}${describeSessionPolicy(step)} (profile ${step.profile})`,
  // the browser, its window and its patience do not change whose credentials these are
  cacheKeyOf(step) {
    if (step.assertion.from !== 'browser') return step;
    const { startUrl, allowInsecure } = step.assertion;
    const key = { ...step, assertion: { from: 'browser', startUrl, allowInsecure } };
    return key;
  },
  // a role picked on the terminal (or the assertion's only one today) cannot be named by the cache key
  cacheable: (step) => step.roleArn !== undefined || step.preferredRoleArn !== undefined,
  async run(step, _previous, deps) {
    const saml = await samlAssertion(step, deps);
    const asked = Math.min(step.durationSeconds.value, saml.sessionDuration ?? Number.MAX_SAFE_INTEGER);
    return withDurationRetry(saml.roleArn, asked, deps.log, (durationSeconds) =>
      deps.sts.assumeRoleWithSaml({ roleArn: saml.roleArn, principalArn: saml.principalArn, assertion: saml.assertion, durationSeconds, ...stsSessionPolicy(step) }),
    );
  },
};
