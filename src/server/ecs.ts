// The container credentials endpoint (what ECS tasks and Greengrass serve): one GET on a
// secret path with the token from AWS_CONTAINER_AUTHORIZATION_TOKEN in Authorization.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { matcher } from './guard';
import type { Refresher, ServedCredentials } from './refresher';
import { reply, replyError, replyFailure } from './reply';
import { iamRoleArn } from './role';

export function ecsHandler(refresher: Refresher, secrets: { token: string; path: string }, mask: (text: string) => string) {
  // the body is built once per set of credentials: the endpoint is hit on every SDK refresh
  let body: { creds: ServedCredentials; text: string } | undefined;
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
    if (req.method !== 'GET') {
      replyError(res, 405, 'MethodNotAllowed', 'only GET is served');
      return;
    }
    let creds: ServedCredentials;
    try {
      creds = await refresher.current();
    } catch (error) {
      replyFailure(res, error, mask);
      return;
    }
    if (body?.creds !== creds) body = { creds, text: JSON.stringify(containerCredentials(creds)) };
    reply(res, 200, body.text);
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
