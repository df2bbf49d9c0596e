// aws-cli-oidc's report of the role on stderr ("Selected role: ...", and after SAML "PrincipalARN:
// ..." and "RoleARN: ..."): printed after a SAML login, and by get-cred on a cache hit too, so that
// scripts reading these lines see them whether or not there was a login.
import type { Logger } from '../../platform/logger';

export function reportRole(log: Logger, roleArn: string, principalArn?: string): void {
  log.info(`Selected role: ${roleArn}`);
  if (principalArn === undefined) return;
  log.info(`PrincipalARN: ${principalArn}`);
  log.info(`RoleARN: ${roleArn}`);
}
