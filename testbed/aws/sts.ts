// STS actions signed by an IAM principal: GetSessionToken, AssumeRole, GetCallerIdentity and
// GetFederationToken, with AWS's limits and error texts.
import type { World, WorldUser } from '../world';
import { accessDenied } from './fault';
import { roleSessionPrincipal, type Principal } from './identity';
import { duration, lengthBetween, MAX_ROLE_SESSION, mfaParams, pattern, required, sessionName, withinRoleLimit } from './params';
import { trustAllows, type ConditionContext } from './policy';
import { sessionPoliciesOf } from './permissions';
import { assumedRoleUserXml, credentialsXml, findRole, signedCaller, type Caller, type Handler } from './state';
import { totpValid } from './totp';

const MAX_USER_SESSION = 129600;

const MFA_FAILED = 'MultiFactorAuthentication failed with invalid MFA one time pass code.';

/** Checks SerialNumber+TokenCode against the world's TOTP devices; returns the time MFA was presented. */
function verifyMfa(world: World, caller: Caller, params: URLSearchParams): Date | undefined {
  const mfa = mfaParams(params);
  if (!mfa) return undefined;
  const owner: WorldUser | undefined = world.users.find((u) => u.mfa?.serial === mfa.serial);
  // the device must be the calling user's own (a role session may present any device of the world)
  if (!owner?.mfa || (caller.user && caller.user !== owner)) throw accessDenied('MultiFactorAuthentication failed, unable to validate MFA code.');
  if (!totpValid(owner.mfa.totpSecretBase32, mfa.code)) throw accessDenied(MFA_FAILED);
  return new Date();
}

/** the aws:* keys IAM puts into every request context */
function principalContext(principal: Principal, mfaAuthTime: Date | undefined): ConditionContext {
  return {
    'aws:multifactorauthpresent': mfaAuthTime ? 'true' : principal.kind === 'user' ? undefined : 'false',
    'aws:multifactorauthage': mfaAuthTime ? String(Math.floor((Date.now() - mfaAuthTime.getTime()) / 1000)) : undefined,
    // the emulator speaks plain http on loopback, but it stands in for AWS's https endpoints: a
    // policy requiring TLS must behave as it will in production
    'aws:securetransport': 'true',
    'aws:principalarn': principal.roleArn ?? principal.userArn ?? principal.arn,
    'aws:principalaccount': principal.account,
    'aws:userid': principal.userId,
  };
}

export const getSessionToken: Handler = ({ world, sessions }, call) => {
  const caller = signedCaller(call);
  const seconds = duration(call.params, 43200, world.settings.minSessionSeconds, MAX_USER_SESSION);
  if (caller.principal.kind !== 'user') throw accessDenied('Cannot call GetSessionToken with session credentials');
  const mfaAuthTime = verifyMfa(world, caller, call.params);
  const session = sessions.issue({ ...caller.principal, kind: 'session-token', mfaAuthTime }, 'GetSessionToken', seconds);
  return { Credentials: credentialsXml(session) };
};

export const assumeRole: Handler = ({ world, sessions }, call) => {
  const caller = signedCaller(call);
  const { params } = call;
  const roleArn = lengthBetween(required(params, 'RoleArn', 'roleArn'), 'roleArn', 20, 2048);
  const name = sessionName(params);
  const requested = duration(params, 3600, world.settings.minSessionSeconds, MAX_ROLE_SESSION);
  const externalId = params.get('ExternalId') ?? undefined;
  if (externalId !== undefined) pattern(lengthBetween(externalId, 'externalId', 2, 1224), 'externalId', /^[\w+=,.@:/-]*$/, '[\\w+=,.@:\\/-]*');
  const mfaAuthTime = verifyMfa(world, caller, params) ?? caller.principal.mfaAuthTime;
  const sessionPolicies = sessionPoliciesOf(world, params);
  const role = findRole(world, roleArn);
  const allowed =
    caller.principal.kind !== 'federated-user' &&
    role !== undefined &&
    trustAllows(role.trustPolicy, {
      action: 'sts:AssumeRole',
      aws: caller.principal,
      context: { ...principalContext(caller.principal, mfaAuthTime), 'sts:externalid': externalId, 'sts:rolesessionname': name },
    });
  if (!role || !allowed) throw accessDenied(`User: ${caller.principal.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
  const chained = caller.principal.kind === 'role';
  const seconds = withinRoleLimit(requested, role.maxSessionDuration, chained);
  const principal = roleSessionPrincipal(role.arn, name, mfaAuthTime);
  const session = sessions.issue(principal, 'AssumeRole', seconds, chained, sessionPolicies);
  return { Credentials: credentialsXml(session), AssumedRoleUser: assumedRoleUserXml(principal) };
};

export const getCallerIdentity: Handler = (_state, call) => {
  const { principal } = signedCaller(call);
  return { UserId: principal.userId, Account: principal.account, Arn: principal.arn };
};

/** used by console sign-in for IAM users: the federation endpoint wants temporary credentials */
export const getFederationToken: Handler = ({ world, sessions }, call) => {
  const caller = signedCaller(call);
  const name = sessionName(call.params, 'Name', 'name', 32);
  const seconds = duration(call.params, 43200, world.settings.minSessionSeconds, MAX_USER_SESSION);
  if (caller.principal.kind !== 'user') throw accessDenied('Cannot call GetFederationToken with session credentials');
  const { account } = caller.principal;
  const principal: Principal = {
    kind: 'federated-user',
    account,
    arn: `arn:aws:sts::${account}:federated-user/${name}`,
    userId: `${account}:${name}`,
  };
  const session = sessions.issue(principal, 'GetFederationToken', seconds);
  return { Credentials: credentialsXml(session), FederatedUser: { FederatedUserId: principal.userId, Arn: principal.arn } };
};
