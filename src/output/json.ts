// The two JSON outputs: credential_process (what the AWS CLI and SDKs read from a
// credential_process command) and the STS-style document `aws sts assume-role` prints.
// Kept free of runtime imports so the fast path in bin.ts can render a cache hit with it.
import type { Credentials } from '../sts/credentials';

/** ISO 8601 UTC without milliseconds, as STS writes it: 2026-11-23T10:00:00Z. */
export function isoTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** credential_process output, Version 1; SessionToken and Expiration only for temporary credentials. */
export function renderProcessJson(credentials: Credentials): string {
  const document = {
    Version: 1,
    AccessKeyId: credentials.accessKeyId,
    SecretAccessKey: credentials.secretAccessKey,
    ...(credentials.sessionToken === undefined ? {} : { SessionToken: credentials.sessionToken }),
    ...(credentials.expiration === undefined ? {} : { Expiration: isoTimestamp(credentials.expiration) }),
    ...(credentials.accountId === undefined ? {} : { AccountId: credentials.accountId }),
  };
  return `${JSON.stringify(document)}\n`;
}

/**
 * The shape of `aws sts assume-role` output, so jq filters written for it (.Credentials.AccessKeyId)
 * keep working; AccountId, Arn and Region are added at the top level when known.
 */
export function renderStsJson(credentials: Credentials, region: string | undefined): string {
  const document = {
    Credentials: {
      AccessKeyId: credentials.accessKeyId,
      SecretAccessKey: credentials.secretAccessKey,
      ...(credentials.sessionToken === undefined ? {} : { SessionToken: credentials.sessionToken }),
      ...(credentials.expiration === undefined ? {} : { Expiration: isoTimestamp(credentials.expiration) }),
    },
    ...(credentials.accountId === undefined ? {} : { AccountId: credentials.accountId }),
    ...(credentials.arn === undefined ? {} : { Arn: credentials.arn }),
    ...(region === undefined ? {} : { Region: region }),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
