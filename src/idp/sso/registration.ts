// The client registration a sign-in needs (RegisterClient), kept in the Identity Center cache until
// 15 minutes before registrationExpiresAt as the AWS CLI keeps its own, one per session and grant.
import { unlinkSync } from 'node:fs';
import type { Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logger';
import { SsoApiError } from './api';
import { registerClient } from './oidc';
import type { SsoSession } from '../../plan/identity-center';
import { readRegistration, registrationFile, writeRegistration, type Registration } from './token-file';

/** botocore's _EXPIRY_WINDOW: a registration this close to its end is replaced */
const EXPIRY_WINDOW_MS = 15 * 60 * 1000;

export interface RegistrationDeps {
  home: string;
  clock: Clock;
  log: Logger;
}

export type Grant = 'authorization_code' | 'device_code';

/** what Identity Center shows on its consent page: the tool and the session */
function clientName(session: SsoSession, clock: Clock): string {
  return `rolecall-client-${session.name ?? Math.floor(clock.now().getTime() / 1000)}`;
}

async function register(endpoint: string, session: SsoSession, grant: Grant, scopes: string[] | undefined, deps: RegistrationDeps): Promise<Registration> {
  const registration = await registerClient(
    endpoint,
    { clientName: clientName(session, deps.clock), scopes, ...(grant === 'authorization_code' ? { authorizationCode: { issuerUrl: session.startUrl } } : {}) },
    deps.log,
  );
  writeRegistration(registrationFile(deps.home, session, grant), registration);
  deps.log.debug(`registered the client ${registration.clientId} with Identity Center, valid until ${registration.expiresAt.toISOString()}`);
  return registration;
}

/**
 * Runs `use` with the cached registration, or a new one; when Identity Center refuses a cached one
 * (InvalidClientException: revoked, or expired early), once more with a new one.
 */
export async function withRegistration<T>(
  endpoint: string,
  session: SsoSession,
  grant: Grant,
  scopes: string[] | undefined,
  deps: RegistrationDeps,
  use: (registration: Registration) => Promise<T>,
): Promise<T> {
  const path = registrationFile(deps.home, session, grant);
  const cached = readRegistration(path, deps.log);
  if (cached && cached.expiresAt.getTime() - deps.clock.now().getTime() > EXPIRY_WINDOW_MS) {
    try {
      return await use(cached);
    } catch (error) {
      if (!(error instanceof SsoApiError && error.type === 'InvalidClientException')) throw error;
      deps.log.debug(`Identity Center refused the cached client registration (${error.message}): registering again`);
      try {
        unlinkSync(path);
      } catch {
        // replaced below anyway
      }
    }
  }
  return use(await register(endpoint, session, grant, scopes, deps));
}
