// doctor: a profile's OIDC login as a sign-in would meet it. The discovery document is fetched the
// way a sign-in fetches it (the profile's private CA and client certificate included); then doctor
// says which provider it is (named by web_identity_provider, or recognised), how the login will go
// (browser, device code, password, Okta's Authentication API or Keycloak's direct grant, with the
// provider's MFA) and how the client authenticates, or reports the error the sign-in would stop on
// (an untrusted private CA, Entra ID's templated issuer, a password asked of a provider rolecall
// signs in to through the browser only). The IdP's clock is measured as for STS.
import { isRolecallError } from '../errors';
import type { OidcSettings } from '../plan/oidc';
import type { Plan } from '../plan/step';
import { isSaml } from '../credentials/sources/saml';
import { isWebIdentity } from '../credentials/sources/web-identity';
import { connect, type OidcClient } from '../idp/oidc/client';
import { tlsFetch } from '../idp/oidc/fetch';
import { refuseBrowserOnlyProvider } from '../idp/oidc/password-flow';
import { PROVIDER_NAMES } from '../idp/oidc/provider';
import { signInSettings } from '../idp/oidc/settings';
import type { DoctorDeps, Finding } from './doctor-finding';

type Probe = (check: string, what: string, url: string, deps: Pick<DoctorDeps, 'clock' | 'fetch' | 'timeoutMs'>) => Promise<Finding[]>;

/** the OIDC logins of a plan's steps, one per issuer and client */
export function oidcLogins(plan: Plan | undefined): OidcSettings[] {
  const all = (plan?.steps ?? []).flatMap((s) => (isWebIdentity(s) && s.token.from === 'oidc' ? [s.token.oidc] : isSaml(s) && s.assertion.from === 'token-exchange' ? [s.assertion.oidc] : []));
  return all.filter((s, i) => all.findIndex((o) => o.issuer.value === s.issuer.value && o.clientId.value === s.clientId.value) === i);
}

function providerMfa(client: OidcClient, settings: OidcSettings): string {
  const mfa = `(mfa_type ${settings.mfaType === 'totp' ? 'code' : settings.mfaType})`;
  const user = settings.username ? ` ${client.provider === 'okta' ? 'as' : 'of'} ${settings.username.value}` : '';
  if (client.provider === 'okta') {
    const factor = { auto: 'Okta Verify push, else a one-time code', push: 'Okta Verify push', code: 'a one-time code', totp: 'a one-time code', none: 'no MFA' }[settings.mfaType];
    return `signs in without a browser through Okta's Authentication API${user}, then ${factor} ${mfa}`;
  }
  const password = `signs in without a browser with the password${user}`;
  if (client.provider !== 'keycloak') return password;
  const code = { auto: ', and the one-time code if Keycloak asks for it', push: ', without a one-time code (Keycloak has no push)', code: ' and the one-time code', totp: ' and the one-time code', none: ', without a one-time code' }[settings.mfaType];
  return `${password}${code} ${mfa}`;
}

function howItSignsIn(client: OidcClient, settings: OidcSettings): string {
  switch (settings.flow) {
    case 'browser':
      return `signs in in the browser${client.provider === 'google' ? ', asking for offline access (a refresh token)' : ''}`;
    case 'device':
      return 'signs in with a device code';
    case 'password':
      return providerMfa(client, settings);
  }
}

export async function oidcLoginFindings(settings: OidcSettings, deps: Pick<DoctorDeps, 'clock' | 'fetch' | 'timeoutMs' | 'log'>, probe: Probe): Promise<Finding[]> {
  const signIn = signInSettings(settings, {});
  let client: OidcClient;
  try {
    client = await connect(signIn, deps.log);
    if (signIn.flow === 'password' && client.provider !== 'okta') refuseBrowserOnlyProvider(client);
  } catch (error) {
    if (!isRolecallError(error)) throw error;
    // an IdP that does not answer at all: the probe below says so, with the URL it tried
    if (!(error.code === 'NETWORK' && /^could not reach/.test(error.message))) return [{ check: 'idp', level: 'fail', message: error.message, hint: error.hint }];
    return probe('idp', 'the IdP', `${settings.issuer.value.replace(/\/$/, '')}/.well-known/openid-configuration`, deps);
  }
  const fetch = (tlsFetch(signIn) as typeof globalThis.fetch | undefined) ?? deps.fetch;
  const provider = client.provider === 'generic' ? '' : ` is ${PROVIDER_NAMES[client.provider]} (${settings.provider ? 'web_identity_provider' : 'recognised'})`;
  return [
    ...(await probe('idp', 'the IdP', `${client.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`, { ...deps, fetch })),
    { check: 'idp', level: 'ok', message: `the IdP ${client.issuer}${provider}: ${howItSignsIn(client, settings)}; the client authenticates with ${client.authMethod}` },
  ];
}
