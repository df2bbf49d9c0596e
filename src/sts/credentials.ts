// The credentials every flow ends with and every output renders.

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** absent only for long-lived IAM user keys */
  sessionToken?: string;
  /** absent only for long-lived IAM user keys */
  expiration?: Date;
  /** the 12-digit account, when known (from the role ARN or GetCallerIdentity) */
  accountId?: string;
  /** the ARN of the role assumed or user, when known */
  arn?: string;
  /** the SAML provider that vouched for AssumeRoleWithSAML credentials (aws-cli-oidc's PrincipalARN line, on a cache hit too) */
  principalArn?: string;
  /** how the credentials were made, one entry per step, e.g. "static keys from profile bastion" */
  chain: string[];
  /** where an IAM user's keys came from (absent for temporary credentials): names them when AWS refuses them */
  origin?: KeysOrigin;
}

/** where long-lived keys were read: `idAt`/`secretAt` name the places of the two keys (path:line) */
export type KeysOrigin =
  | { kind: 'file'; profile: string; idAt: string; secretAt: string }
  | { kind: 'env' }
  | { kind: 'keyring'; profile: string };
