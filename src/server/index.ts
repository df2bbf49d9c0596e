// Loopback credential servers for `rolecall exec --server ecs|imds`: the child's SDKs fetch
// credentials from us instead of reading static keys, so jobs that outlive a role session keep
// working. Bound to 127.0.0.1 on a random port (or one address the user names, for containers),
// answering only the user who started it (where the kernel says who owns a connection); see
// docs/credential-server.md.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RolecallError } from '../errors';
import { LOOPBACK, type ListenAddress } from './address';
import type { Clock } from '../platform/clock';
import type { Logger } from '../platform/logger';
import { ecsHandler } from './ecs';
import { refusal } from './guard';
import { imdsHandler } from './imds';
import { ownerGuard } from './peer';
import { createRefresher, type CredentialProvider } from './refresher';
import { replyError } from './reply';
import { roleName as roleNameOf } from './role';

export type { CredentialProvider } from './refresher';

export type ServerKind = 'ecs' | 'imds';

export interface CredentialServer {
  /** variables to set in the child's environment */
  env: Record<string, string>;
  /** variables to remove from the child's environment, so that its SDKs do not prefer them over the server */
  unsetEnv: string[];
  close(): Promise<void>;
}

export interface CredentialServerOptions {
  /** the role name IMDS lists; default: the role of the credentials' ARN, else "rolecall" */
  roleName?: string;
  /**
   * renew this long before expiry (default 5 minutes for ECS and 15 for IMDS), or a third of the
   * lifetime when that is shorter
   */
  refreshBeforeSeconds?: number;
  /** where to listen (default 127.0.0.1:random); only the ECS server, which requires its token, may leave loopback */
  address?: ListenAddress;
  /** other host:port values clients reach the server as (the remote end of an SSH forward), accepted in Host */
  reachedAs?: string[];
}

/**
 * Variables that would win over the server in the SDKs' credential chains (environment keys,
 * profiles, web identity, the other server kind).
 */
const SHADOWING = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_SECURITY_TOKEN',
  'AWS_CREDENTIAL_EXPIRATION',
  'AWS_PROFILE',
  'AWS_DEFAULT_PROFILE',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_ROLE_ARN',
  'AWS_ROLE_SESSION_NAME',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE',
];

/** Fetches the first credentials (rejecting with the provider's error), then listens. */
export async function startCredentialServer(
  kind: ServerKind,
  provider: CredentialProvider,
  deps: { clock: Clock; log: Logger },
  options: CredentialServerOptions = {},
): Promise<CredentialServer> {
  const { clock, log } = deps;
  const mask = (text: string) => log.mask(text);
  const address = options.address ?? { host: LOOPBACK, urlHost: LOOPBACK, loopback: true };
  if (kind === 'imds' && !address.loopback) {
    throw new RolecallError('USAGE', `the metadata server listens on loopback only, not on ${address.host}: IMDS has no token a client must hold`, {
      hint: 'Use --server ecs for containers: its token is required on every request.',
    });
  }
  const refresher = await createRefresher(provider, deps, {
    refreshBeforeSeconds: options.refreshBeforeSeconds,
    // botocore "extends" IMDS credentials that expire within 10 + 2..10 minutes and then keeps
    // them up to 5 minutes before asking again: renewing 15 minutes ahead keeps that safe
    longestWindowSeconds: kind === 'imds' ? 900 : 300,
  });

  let handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  let configure: (port: number) => Pick<CredentialServer, 'env' | 'unsetEnv'>;
  if (kind === 'ecs') {
    const token = randomBytes(32).toString('base64url');
    const path = `/role-credentials/${randomBytes(12).toString('hex')}`;
    log.redact(token);
    handle = ecsHandler(refresher, { token, path }, mask);
    configure = (port) => ({
      env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: `http://${address.urlHost}:${port}${path}`, AWS_CONTAINER_AUTHORIZATION_TOKEN: token },
      unsetEnv: SHADOWING,
    });
  } else {
    const roleName = options.roleName ?? roleNameOf((await refresher.current()).arn) ?? 'rolecall';
    if (!/^[\w+=,.@-]{1,64}$/.test(roleName)) {
      throw new RolecallError('USAGE', `"${roleName}" cannot be an IAM role name for the metadata server`, {
        hint: 'Role names use letters, digits and +=,.@_- only, at most 64 characters.',
      });
    }
    // the port is in the kernel's socket table for anyone to see, and IMDSv2 has no secret of its own:
    // a session token is only issued to the user who started the server (every read needs one)
    handle = imdsHandler(refresher, roleName, clock, mask, ownerGuard(log));
    configure = (port) => ({
      env: { AWS_EC2_METADATA_SERVICE_ENDPOINT: `http://127.0.0.1:${port}/`, AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE: 'IPv4' },
      // the container provider comes before IMDS in every SDK's chain
      unsetEnv: [...SHADOWING, 'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONTAINER_AUTHORIZATION_TOKEN', 'AWS_EC2_METADATA_DISABLED'],
    });
  }

  let port = 0;
  let hosts: string[] = [];
  const server = createServer((req, res) => {
    req.resume();
    if (log.debugEnabled) {
      const path = (req.url ?? '').split('?')[0];
      res.on('finish', () => log.debug(`${kind} credential server: ${req.method} ${path} -> ${res.statusCode}`));
    }
    const refused = refusal(req, hosts);
    if (refused !== undefined) {
      replyError(res, 403, 'Forbidden', refused);
      return;
    }
    handle(req, res).catch((error: unknown) => {
      log.debug(`${kind} credential server: ${log.mask(error instanceof Error ? error.message : String(error))}`);
      if (!res.headersSent) replyError(res, 500, 'INTERNAL', 'the credential server failed; run with --debug for details');
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(listenError(error as NodeJS.ErrnoException, address.host)));
    server.listen({ host: address.host, port: 0, exclusive: true }, resolve);
  });
  port = (server.address() as AddressInfo).port;
  hosts = [`${address.urlHost}:${port}`, ...(address.host === LOOPBACK ? [`localhost:${port}`] : []), ...(options.reachedAs ?? [])].map((h) => h.toLowerCase());
  log.debug(`${kind} credential server listening on ${address.urlHost}:${port}`);

  return {
    ...configure(port),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function listenError(error: NodeJS.ErrnoException, host: string): RolecallError {
  if (error.code === 'EADDRNOTAVAIL') {
    return new RolecallError('SERVER_ERROR', `could not listen on ${host}: no interface of this machine has that address`, {
      cause: error,
      hint: `Name an address of this machine (\`ip -brief address\` lists them), or add it first, e.g. \`sudo ip address add ${host}/${host.includes(':') ? 128 : 32} dev lo\`.`,
    });
  }
  return new RolecallError('SERVER_ERROR', `could not listen on ${host}: ${error.message}`, { cause: error });
}
