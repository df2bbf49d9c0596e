// An AWS IAM Identity Center role (the AWS CLI's sso_* profiles, with an [sso-session] or the legacy
// form): GetRoleCredentials with the session's access token, which is shared with the AWS CLI through
// its cache (~/.aws/sso/cache), refreshed or signed in for as needed (idp/sso/). A role assumed with
// these credentials is chained, as AWS counts it.
import { describeSession, identityCenterSettings, type IdentityCenterSettings } from '../../plan/identity-center';
import { stepOf, type Step } from '../../plan/step';
import type { CredentialSource } from './source';

export interface IdentityCenterStep extends Step {
  kind: 'IdentityCenter';
  sso: IdentityCenterSettings;
}

export const isIdentityCenter = stepOf<IdentityCenterStep>('IdentityCenter');

export const identityCenter: CredentialSource<IdentityCenterStep> = {
  kinds: ['IdentityCenter'],
  roleSession: true,
  // as botocore's SSOProvider: sso_account_id or sso_role_name makes it an Identity Center profile
  recognises: (profile) => profile.settings.has('sso_account_id') || profile.settings.has('sso_role_name'),
  plan: (profile) => ({ steps: [{ kind: 'IdentityCenter', profile: profile.name, sso: identityCenterSettings(profile)! }], notices: [] }),
  describe: (step) => `GetRoleCredentials ${step.sso.roleName} in account ${step.sso.accountId} from IAM Identity Center, ${describeSession(step.sso.session)} (profile ${step.profile})`,
  async run(step, _previous, deps) {
    const { ssoRoleCredentials } = await import('../../idp/sso/role-credentials');
    const { ssoLogin } = await import('../../idp/sso/session');
    const { session, endpoints, accountId, roleName, login } = step.sso;
    return ssoRoleCredentials({ session, endpoints, accountId, roleName, login: ssoLogin(login, deps.login) }, deps);
  },
};
