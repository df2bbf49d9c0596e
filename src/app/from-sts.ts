// rolecall from-sts: credentials from `aws sts ...` JSON, refused when they have already expired
// (exporting them would only move the failure to the next aws call, with a vaguer error).
import { RolecallError } from '../errors';
import { isoTimestamp } from '../output/json';
import { parseStsJson } from '../output/sts-json';
import type { Clock } from '../platform/clock';
import type { Logger } from '../platform/logger';
import type { Credentials } from '../sts/credentials';

export function credentialsFromSts(text: string, clock: Clock, log: Logger): Credentials {
  const credentials = parseStsJson(text);
  log.redact(credentials.secretAccessKey);
  log.redact(credentials.sessionToken);
  const expiration = credentials.expiration;
  if (expiration && expiration.getTime() <= clock.now().getTime()) {
    const minutes = Math.round((clock.now().getTime() - expiration.getTime()) / 60_000);
    throw new RolecallError('INPUT_INVALID', `these credentials expired at ${isoTimestamp(expiration)} (${minutes} minute${minutes === 1 ? '' : 's'} ago)`, {
      hint: 'Run the aws sts command again for fresh credentials.',
    });
  }
  log.debug(`from-sts: ${credentials.chain.join(', ')}${credentials.arn ? ` for ${credentials.arn}` : ''}`);
  return credentials;
}
