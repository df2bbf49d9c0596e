// A loopback credential server for a profile (exec --server, ssh): it starts with the credentials
// already resolved, and renews them through resolveCredentials, so the cache and its lock decide
// whether a renewal signs in again.
import type { Context } from '../platform/context';
import type { CredentialServer, CredentialServerOptions, ServerKind } from '../server/index';
import type { Credentials } from '../sts/credentials';
import { resolveCredentials, type CredentialRequest } from '../credentials/resolve';

export async function serveProfile(
  kind: ServerKind,
  request: CredentialRequest,
  first: Credentials,
  ctx: Context,
  options: CredentialServerOptions = {},
): Promise<CredentialServer> {
  const { startCredentialServer } = await import('../server/index');
  let ready: Credentials | undefined = first;
  const provider = async ({ forceRefresh }: { forceRefresh: boolean }) => {
    const given = ready;
    ready = undefined;
    if (given && !forceRefresh) return given;
    return (await resolveCredentials({ ...request, refresh: forceRefresh }, ctx)).credentials;
  };
  return startCredentialServer(kind, provider, { clock: ctx.clock, log: ctx.log }, options);
}
