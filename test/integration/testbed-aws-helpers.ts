// Shared by the testbed-aws*.test.ts files: the default world with its IdP placeholders filled in,
// and STS/IAM clients pointed at the emulator the way rolecall points them.
import { IAMClient } from '@aws-sdk/client-iam';
import { STSClient, type Credentials as StsCredentials } from '@aws-sdk/client-sts';
import { DEFAULT_WORLD, loadWorld, type World } from '../../testbed/world';

export function defaultWorld(issuer = 'http://127.0.0.1:9'): World {
  const url = new URL(issuer);
  return loadWorld(DEFAULT_WORLD, { IDP_ISSUER: issuer, IDP_HOST: `${url.host}${url.pathname.replace(/\/$/, '')}` });
}

export interface Keys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export function keysOf(c: StsCredentials | undefined): Keys {
  return { accessKeyId: c!.AccessKeyId!, secretAccessKey: c!.SecretAccessKey!, sessionToken: c!.SessionToken };
}

export function sts(endpoint: string, credentials?: Keys, region = 'us-east-1'): STSClient {
  // maxAttempts 1: the emulator's answers are the subject, not the SDK's retries
  return new STSClient({ region, endpoint, maxAttempts: 1, credentials: credentials ?? { accessKeyId: '', secretAccessKey: '' } });
}

export function iam(endpoint: string, credentials: Keys): IAMClient {
  return new IAMClient({ region: 'us-east-1', endpoint, maxAttempts: 1, credentials });
}

/** the AWS error an SDK call rejected with: name, message and HTTP status */
export async function awsError(promise: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('the call succeeded but an error was expected');
}
