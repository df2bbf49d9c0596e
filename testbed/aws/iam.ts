// The IAM actions rolecall uses: ListRoles (paginated, trust policies URL-encoded as IAM returns
// them), GetUser, ListMFADevices and ListAccountAliases for the caller's own account.
import { AwsFault, accessDenied, validationError } from './fault';
import { accountOf, splitRoleArn, uniqueId } from './identity';
import { pattern } from './params';
import { signedCaller, type Call, type Handler, type State } from './state';

/** the world has no creation times; a fixed one keeps answers stable */
const CREATED = new Date('2024-01-15T09:30:00Z');

function maxItems(params: URLSearchParams): number {
  const raw = params.get('MaxItems');
  if (raw === null) return 100;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 1000) {
    throw validationError(`1 validation error detected: Value '${raw}' at 'maxItems' failed to satisfy constraint: Member must have value ${value < 1 ? 'greater than or equal to 1' : 'less than or equal to 1000'}`);
  }
  return value;
}

/** IAM markers are opaque; ours is the base64 of the next index */
function page<T>(items: T[], params: URLSearchParams): { items: T[]; IsTruncated: boolean; Marker?: string } {
  const marker = params.get('Marker');
  const start = marker === null ? 0 : Number(Buffer.from(marker, 'base64').toString('utf8'));
  if (!Number.isInteger(start) || start < 0 || start > items.length) throw validationError('Invalid Marker.');
  const end = start + maxItems(params);
  const truncated = end < items.length;
  return { items: items.slice(start, end), IsTruncated: truncated, Marker: truncated ? Buffer.from(String(end)).toString('base64') : undefined };
}

/** IAM returns policy documents URL-encoded (RFC 3986) */
const encodePolicy = (policy: unknown) => encodeURIComponent(JSON.stringify(policy));

export const listRoles: Handler = ({ world }, call) => {
  const { account } = signedCaller(call).principal;
  const prefix = call.params.get('PathPrefix') ?? '/';
  pattern(prefix, 'pathPrefix', /^\/.*$/, '\\u002F[\\u0021-\\u007F]*');
  const roles = world.roles
    .filter((r) => accountOf(r.arn) === account)
    .map((r) => ({ role: r, ...splitRoleArn(r.arn) }))
    .filter((r) => r.path.startsWith(prefix));
  const { items, IsTruncated, Marker } = page(roles, call.params);
  return {
    IsTruncated,
    Roles: items.map(({ role, path, name }) => ({
      Path: path,
      RoleName: name,
      RoleId: uniqueId('AROA', role.arn),
      Arn: role.arn,
      CreateDate: CREATED,
      AssumeRolePolicyDocument: encodePolicy(role.trustPolicy),
      Description: role.description,
      MaxSessionDuration: role.maxSessionDuration,
    })),
    Marker,
  };
};

function userFor(call: Call, world: State['world']) {
  const who = signedCaller(call);
  const name = call.params.get('UserName');
  if (name === null) {
    if (!who.user) throw validationError('Must specify userName when calling with non-User credentials');
    return who.user;
  }
  const user = world.users.find((u) => u.account === who.principal.account && u.name === name);
  if (!user) throw new AwsFault('NoSuchEntity', `The user with name ${name} cannot be found.`, 404);
  return user;
}

const userArn = (u: { account: string; name: string }) => `arn:aws:iam::${u.account}:user/${u.name}`;

export const getUser: Handler = ({ world }, call) => {
  const user = userFor(call, world);
  return { User: { Path: '/', UserName: user.name, UserId: uniqueId('AIDA', userArn(user)), Arn: userArn(user), CreateDate: CREATED } };
};

export const listMfaDevices: Handler = ({ world }, call) => {
  const user = userFor(call, world);
  const caller = signedCaller(call).user;
  if (caller?.deniedActions?.includes('iam:ListMFADevices')) {
    throw accessDenied(`User: ${userArn(caller)} is not authorized to perform: iam:ListMFADevices on resource: user ${user.name} because no identity-based policy allows the iam:ListMFADevices action`);
  }
  return {
    MFADevices: user.mfa ? [{ UserName: user.name, SerialNumber: user.mfa.serial, EnableDate: CREATED }] : [],
    IsTruncated: false,
  };
};

export const listAccountAliases: Handler = ({ world }, call) => {
  const alias = world.accounts[signedCaller(call).principal.account]?.alias;
  return { AccountAliases: alias ? [alias] : [], IsTruncated: false };
};
