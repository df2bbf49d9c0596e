// Who is calling: an IAM user with long-lived keys, the same user through GetSessionToken, a role
// session, or a federated user; plus the stable ids AWS derives for users and roles.
import { createHash, randomBytes } from 'node:crypto';

export interface Principal {
  kind: 'user' | 'session-token' | 'role' | 'federated-user';
  account: string;
  /** arn:aws:iam::A:user/N, arn:aws:sts::A:assumed-role/R/S or arn:aws:sts::A:federated-user/N */
  arn: string;
  /** GetCallerIdentity's UserId: AIDA..., AROA...:SESSION or ACCOUNT:NAME */
  userId: string;
  /** the IAM user behind a user or session-token caller */
  userArn?: string;
  /** the role behind a role session */
  roleArn?: string;
  /** when MFA was presented for this session (aws:MultiFactorAuthPresent / aws:MultiFactorAuthAge) */
  mfaAuthTime?: Date;
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32(bytes: Buffer, length: number): string {
  let out = '';
  for (let i = 0; out.length < length; i++) out += BASE32[bytes[i % bytes.length]! % 32];
  return out;
}

/** AWS's unique ids are a 4-letter type prefix and 17 characters, stable per entity */
export function uniqueId(prefix: 'AIDA' | 'AROA', arn: string): string {
  return prefix + base32(createHash('sha256').update(arn).digest(), 17);
}

export function accountOf(arn: string): string {
  return arn.split(':')[4] ?? '';
}

/** "arn:aws:iam::A:role/path/name" -> { path: "/path/", name: "name" } */
export function splitRoleArn(arn: string): { path: string; name: string } {
  const resource = arn.split(':').slice(5).join(':').replace(/^role\//, '');
  const slash = resource.lastIndexOf('/');
  return { path: slash < 0 ? '/' : `/${resource.slice(0, slash + 1)}`, name: resource.slice(slash + 1) };
}

export function userPrincipal(arn: string): Principal {
  return { kind: 'user', account: accountOf(arn), arn, userId: uniqueId('AIDA', arn), userArn: arn };
}

export function roleSessionPrincipal(roleArn: string, sessionName: string, mfaAuthTime: Date | undefined): Principal {
  const account = accountOf(roleArn);
  return {
    kind: 'role',
    account,
    arn: `arn:aws:sts::${account}:assumed-role/${splitRoleArn(roleArn).name}/${sessionName}`,
    userId: `${uniqueId('AROA', roleArn)}:${sessionName}`,
    roleArn,
    mfaAuthTime,
  };
}

export function randomKey(prefix: string, length: number): string {
  return prefix + base32(randomBytes(length), length - prefix.length);
}
