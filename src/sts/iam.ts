// The IAM calls rolecall makes (ListRoles, every page; ListAccountAliases; ListMFADevices), errors
// mapped like STS's.
import { IAMClient, ListAccountAliasesCommand, ListMFADevicesCommand, paginateListRoles } from '@aws-sdk/client-iam';
import type { Logger } from '../platform/logger';
import type { Credentials } from './credentials';
import { mapAwsError } from './errors';
import { DEFAULT_REGION } from './client';

export interface IamOptions {
  region?: string;
  endpoint?: string;
  log: Logger;
}

function iamClient(source: Credentials, options: IamOptions): IAMClient {
  return new IAMClient({
    region: options.region ?? DEFAULT_REGION,
    endpoint: options.endpoint,
    // rolecall resolved the endpoint from the profile; the SDK must not look one up itself (see sts/client.ts)
    ignoreConfiguredEndpointUrls: true,
    maxAttempts: 4,
    credentials: { accessKeyId: source.accessKeyId, secretAccessKey: source.secretAccessKey, sessionToken: source.sessionToken },
  });
}

/** The account's alias (an account has at most one), or undefined when it has none. */
export async function accountAlias(source: Credentials, options: IamOptions): Promise<string | undefined> {
  options.log.debug(`IAM ListAccountAliases at ${options.endpoint ?? 'the IAM endpoint'}`);
  try {
    const out = await iamClient(source, options).send(new ListAccountAliasesCommand({}));
    return out.AccountAliases?.[0];
  } catch (error) {
    throw mapAwsError(error, { action: 'ListAccountAliases', endpoint: options.endpoint, service: 'iam', signer: source });
  }
}

export interface RoleSummary {
  roleName: string;
  arn: string;
  /** URL-encoded JSON, as IAM returns it */
  assumeRolePolicyDocument?: string;
}

/** The serial numbers (ARNs) of the calling IAM user's MFA devices, as coinbase assume-role looked them up. */
export async function mfaDevices(source: Credentials, options: IamOptions): Promise<string[]> {
  options.log.debug(`IAM ListMFADevices at ${options.endpoint ?? 'the IAM endpoint'}`);
  try {
    const out = await iamClient(source, options).send(new ListMFADevicesCommand({}));
    return (out.MFADevices ?? []).map((d) => d.SerialNumber ?? '').filter((serial) => serial !== '');
  } catch (error) {
    throw mapAwsError(error, { action: 'ListMFADevices', endpoint: options.endpoint, service: 'iam', signer: source });
  }
}

export async function listAllRoles(source: Credentials, options: IamOptions): Promise<RoleSummary[]> {
  const client = iamClient(source, options);
  const roles: RoleSummary[] = [];
  let pages = 0;
  try {
    for await (const page of paginateListRoles({ client }, {})) {
      pages++;
      for (const r of page.Roles ?? []) roles.push({ roleName: r.RoleName ?? '', arn: r.Arn ?? '', assumeRolePolicyDocument: r.AssumeRolePolicyDocument });
    }
  } catch (error) {
    throw mapAwsError(error, { action: 'ListRoles', endpoint: options.endpoint, service: 'iam', signer: source });
  }
  options.log.debug(`ListRoles: ${roles.length} roles in ${pages} pages`);
  return roles;
}
