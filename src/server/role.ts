// The role behind a set of credentials, as the two protocols name it.

/** arn:aws:sts::123456789012:assumed-role/Name/session -> arn:aws:iam::123456789012:role/Name (a session ARN does not carry the role's path) */
export function iamRoleArn(arn: string | undefined): string | undefined {
  const match = arn?.match(/^arn:([\w-]+):sts::(\d{12}):assumed-role\/([\w+=,.@-]+)\/[^/]+$/);
  if (match) return `arn:${match[1]}:iam::${match[2]}:role/${match[3]}`;
  return arn?.includes(':role/') ? arn : undefined;
}

/** the name IMDS lists: the role's name, without its path */
export function roleName(arn: string | undefined): string | undefined {
  return iamRoleArn(arn)?.split('/').pop();
}
