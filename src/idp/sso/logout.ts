// Signing out of Identity Center as `aws sso logout` does: for every token file of the AWS CLI's
// cache (a JSON file with an accessToken), sso:Logout in the token's region so the sign-in ends on
// Identity Center's side too, then the file removed. A refused Logout (the token had expired, or
// was revoked) is no reason to keep the file.
import { readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../../platform/logger';
import { logout } from './portal';
import { ssoCacheDir } from './token-file';

/** the portal endpoint for a region */
export type PortalFor = (region: string) => string;

/** logs the token in `path` out and removes the file; false when it holds no token */
export async function logoutTokenFile(path: string, portalFor: PortalFor, log: Logger): Promise<boolean> {
  let token: { accessToken?: unknown; region?: unknown };
  try {
    token = JSON.parse(readFileSync(path, 'utf8')) as typeof token;
  } catch {
    return false;
  }
  if (typeof token !== 'object' || token === null || typeof token.accessToken !== 'string') return false;
  log.redact(token.accessToken);
  if (typeof token.region === 'string' && token.region !== '') {
    await logout(portalFor(token.region), token.accessToken, log).catch((error: unknown) => {
      log.debug(`Identity Center Logout for ${path} failed (${(error as Error).message}); removing the token anyway`);
    });
  }
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return true;
}

/** every session of the cache logged out: the token files removed */
export async function logoutAll(home: string, portalFor: PortalFor, log: Logger): Promise<string[]> {
  const dir = ssoCacheDir(home);
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith('.json'));
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) if (await logoutTokenFile(join(dir, name), portalFor, log)) removed.push(join(dir, name));
  return removed;
}
