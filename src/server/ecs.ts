// The container credentials endpoint (what ECS tasks and Greengrass serve): one GET on a
// secret path with the token from AWS_CONTAINER_AUTHORIZATION_TOKEN in Authorization.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { matcher } from './guard';
import type { Refresher, ServedCredentials } from './refresher';
import { credentialsResponder, replyError } from './reply';
import { iamRoleArn } from './role';

export function ecsHandler(refresher: Refresher, secrets: { token: string; path: string }, mask: (text: string) => string) {
  const respond = credentialsResponder(refresher, mask, containerCredentials);
  const authorized = matcher(secrets.token);
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (!authorized(req.headers.authorization)) {
      replyError(res, 401, 'Unauthorized', 'the Authorization header must hold the value of AWS_CONTAINER_AUTHORIZATION_TOKEN');
      return;
    }
    if (req.url !== secrets.path) {
      replyError(res, 404, 'NotFound', 'no such path: use the URL in AWS_CONTAINER_CREDENTIALS_FULL_URI');
      return;
    }
    await respond(req, res);
  };
}

function containerCredentials(creds: ServedCredentials) {
  const roleArn = iamRoleArn(creds.arn);
  return {
    AccessKeyId: creds.accessKeyId,
    SecretAccessKey: creds.secretAccessKey,
    Token: creds.sessionToken,
    Expiration: creds.expiration.toISOString(),
    ...(roleArn === undefined ? {} : { RoleArn: roleArn }),
    ...(creds.accountId === undefined ? {} : { AccountId: creds.accountId }),
  };
}
