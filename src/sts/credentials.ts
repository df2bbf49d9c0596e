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
}
