// The STS calls rolecall makes, through @aws-sdk/client-sts: endpoint from config/env, retries with
// backoff on throttling and 5xx (the SDK's standard retry strategy), every error mapped.
import {
  STSClient,
  AssumeRoleCommand,
  AssumeRoleWithSAMLCommand,
  AssumeRoleWithWebIdentityCommand,
  GetCallerIdentityCommand,
  GetFederationTokenCommand,
  GetSessionTokenCommand,
  type Credentials as StsCredentials,
} from '@aws-sdk/client-sts';
import { RolecallError } from '../errors';
import type { Logger } from '../platform/logger';
import type { Credentials } from './credentials';
import { mapAwsError } from './errors';

export const DEFAULT_REGION = 'us-east-1';
const MAX_ATTEMPTS = 4;

export interface StsOptions {
  region?: string;
  endpoint?: string;
  log: Logger;
}

export interface CallerIdentity {
  account: string;
  arn: string;
  userId: string;
}

/** a session policy for an AssumeRole* call: the policy JSON and managed policy ARNs */
export type SessionPolicyInput = {
  policy?: string;
  policyArns?: string[];
};

function policyParams(input: SessionPolicyInput) {
  return { Policy: input.policy, PolicyArns: input.policyArns?.map((arn) => ({ arn })) };
}

export interface Sts {
  getSessionToken(source: Credentials, input: { serialNumber: string; tokenCode: string; durationSeconds: number }): Promise<Credentials>;
  assumeRole(
    source: Credentials,
    input: { roleArn: string; sessionName: string; durationSeconds: number; externalId?: string; serialNumber?: string; tokenCode?: string } & SessionPolicyInput,
  ): Promise<Credentials>;
  assumeRoleWithWebIdentity(input: { roleArn: string; sessionName: string; durationSeconds: number; token: string } & SessionPolicyInput): Promise<Credentials>;
  assumeRoleWithSaml(input: { roleArn: string; principalArn: string; assertion: string; durationSeconds?: number } & SessionPolicyInput): Promise<Credentials>;
  getCallerIdentity(source: Credentials): Promise<CallerIdentity>;
  /** temporary credentials for an IAM user's long-lived keys, as a federated user named `name` (the console needs them) */
  getFederationToken(source: Credentials, input: { name: string; durationSeconds?: number; policy?: string }): Promise<Credentials>;
}

export function accountOf(arn: string | undefined): string | undefined {
  return arn ? /^arn:[^:]+:(?:iam|sts)::(\d{12}):/.exec(arn)?.[1] : undefined;
}

function fromSts(creds: StsCredentials | undefined, arn: string | undefined, action: string): Credentials {
  if (!creds?.AccessKeyId || !creds.SecretAccessKey || !creds.SessionToken || !creds.Expiration) {
    throw new RolecallError('STS_ERROR', `${action} answered without credentials`, { hint: 'Check endpoint_url / AWS_ENDPOINT_URL_STS: the endpoint does not speak STS.' });
  }
  return {
    accessKeyId: creds.AccessKeyId,
    secretAccessKey: creds.SecretAccessKey,
    sessionToken: creds.SessionToken,
    expiration: new Date(creds.Expiration),
    accountId: accountOf(arn),
    arn,
    chain: [],
  };
}

function sdkCredentials(c: Credentials) {
  return { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken };
}

export function createSts(options: StsOptions): Sts {
  const region = options.region ?? DEFAULT_REGION;
  const endpoint = options.endpoint;
  const { log } = options;
  const clients = new Map<string, STSClient>();
  const client = (source?: Credentials): STSClient => {
    const id = source ? `${source.accessKeyId}:${source.sessionToken ?? ''}` : '';
    let c = clients.get(id);
    if (!c) {
      c = new STSClient({
        region,
        endpoint,
        // the endpoint is rolecall's to choose, from the profile it resolved (ignore_configured_endpoint_urls
        // included): the SDK must not look up AWS_ENDPOINT_URL_STS or another profile's endpoint_url itself
        ignoreConfiguredEndpointUrls: true,
        maxAttempts: MAX_ATTEMPTS,
        // unsigned calls (web identity, SAML) must not go looking for credentials of their own
        credentials: source ? sdkCredentials(source) : { accessKeyId: '', secretAccessKey: '' },
      });
      clients.set(id, c);
    }
    return c;
  };
  const call = async <T>(action: string, target: string | undefined, run: () => Promise<T>, signer?: Credentials): Promise<T> => {
    log.debug(`STS ${action}${target ? ` ${target}` : ''} at ${endpoint ?? `the ${region} endpoint`}`);
    try {
      return await run();
    } catch (error) {
      throw mapAwsError(error, { action, target, endpoint, signer });
    }
  };
  const remember = (c: Credentials) => {
    log.redact(c.secretAccessKey);
    log.redact(c.sessionToken);
    return c;
  };

  return {
    getSessionToken: (source, input) =>
      call('GetSessionToken', input.serialNumber, async () => {
        const out = await client(source).send(
          new GetSessionTokenCommand({ SerialNumber: input.serialNumber, TokenCode: input.tokenCode, DurationSeconds: input.durationSeconds }),
        );
        const c = fromSts(out.Credentials, source.arn, 'GetSessionToken');
        return remember({ ...c, accountId: source.accountId ?? c.accountId });
      }, source),
    assumeRole: (source, input) =>
      call('AssumeRole', input.roleArn, async () => {
        const out = await client(source).send(
          new AssumeRoleCommand({
            RoleArn: input.roleArn,
            RoleSessionName: input.sessionName,
            DurationSeconds: input.durationSeconds,
            ExternalId: input.externalId,
            SerialNumber: input.serialNumber,
            TokenCode: input.tokenCode,
            ...policyParams(input),
          }),
        );
        return remember({ ...fromSts(out.Credentials, out.AssumedRoleUser?.Arn, 'AssumeRole'), accountId: accountOf(input.roleArn) });
      }, source),
    assumeRoleWithWebIdentity: (input) =>
      call('AssumeRoleWithWebIdentity', input.roleArn, async () => {
        const out = await client().send(
          new AssumeRoleWithWebIdentityCommand({
            RoleArn: input.roleArn,
            RoleSessionName: input.sessionName,
            DurationSeconds: input.durationSeconds,
            WebIdentityToken: input.token,
            ...policyParams(input),
          }),
        );
        return remember({ ...fromSts(out.Credentials, out.AssumedRoleUser?.Arn, 'AssumeRoleWithWebIdentity'), accountId: accountOf(input.roleArn) });
      }),
    assumeRoleWithSaml: (input) =>
      call('AssumeRoleWithSAML', input.roleArn, async () => {
        const out = await client().send(
          new AssumeRoleWithSAMLCommand({
            RoleArn: input.roleArn,
            PrincipalArn: input.principalArn,
            SAMLAssertion: input.assertion,
            DurationSeconds: input.durationSeconds,
            ...policyParams(input),
          }),
        );
        return remember({ ...fromSts(out.Credentials, out.AssumedRoleUser?.Arn, 'AssumeRoleWithSAML'), accountId: accountOf(input.roleArn), principalArn: input.principalArn });
      }),
    getCallerIdentity: (source) =>
      call('GetCallerIdentity', undefined, async () => {
        const out = await client(source).send(new GetCallerIdentityCommand({}));
        return { account: out.Account ?? '', arn: out.Arn ?? '', userId: out.UserId ?? '' };
      }, source),
    getFederationToken: (source, input) =>
      call('GetFederationToken', input.name, async () => {
        const out = await client(source).send(
          new GetFederationTokenCommand({
            Name: input.name,
            DurationSeconds: input.durationSeconds,
            Policy: input.policy,
          }),
        );
        const arn = out.FederatedUser?.Arn;
        return remember({ ...fromSts(out.Credentials, arn, 'GetFederationToken'), accountId: accountOf(arn) ?? source.accountId });
      }, source),
  };
}
