// The IAM calls rolecall makes (ListRoles, every page), errors mapped like STS's.
import { IAMClient, paginateListRoles } from '@aws-sdk/client-iam';
import type { Logger } from '../platform/logger';
import type { Credentials } from './credentials';
import { mapAwsError } from './errors';
import { DEFAULT_REGION } from './client';
import type { RoleSummary } from '../app/list-roles';

export async function listAllRoles(source: Credentials, options: { region?: string; endpoint?: string; log: Logger }): Promise<RoleSummary[]> {
  const client = new IAMClient({
    region: options.region ?? DEFAULT_REGION,
    endpoint: options.endpoint,
    maxAttempts: 4,
    credentials: { accessKeyId: source.accessKeyId, secretAccessKey: source.secretAccessKey, sessionToken: source.sessionToken },
  });
  const roles: RoleSummary[] = [];
  let pages = 0;
  try {
    for await (const page of paginateListRoles({ client }, {})) {
      pages++;
      for (const r of page.Roles ?? []) roles.push({ roleName: r.RoleName ?? '', arn: r.Arn ?? '', assumeRolePolicyDocument: r.AssumeRolePolicyDocument });
    }
  } catch (error) {
    throw mapAwsError(error, { action: 'ListRoles', endpoint: options.endpoint });
  }
  options.log.debug(`ListRoles: ${roles.length} roles in ${pages} pages`);
  return roles;
}
