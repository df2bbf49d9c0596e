// Passwords and tokens only travel over https. Plain http is accepted for loopback (tests, local
// proxies) and otherwise only when the user opted in, and then with a warning on every use.
import { describeSource, type Setting } from '../../config/source';
import { RolecallError, type ErrorCode } from '../../errors';
import type { Logger } from '../../platform/logger';
import { isLoopbackHost } from '../loopback-host';

/**
 * Parses `url` and refuses it unless it is https, loopback http, or http with `allowInsecure`.
 * `what` names the endpoint in messages ("the SAML assertion URL"); a Setting also says where it was set.
 */
export function requireSecureUrl(
  url: Setting<string> | string,
  options: { what: string; allowInsecure: boolean; code: Extract<ErrorCode, 'SAML_INSECURE' | 'OIDC_INSECURE'>; log: Logger },
): URL {
  const value = typeof url === 'string' ? url : url.value;
  const where = typeof url === 'string' ? '' : ` (from ${describeSource(url.source)})`;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new RolecallError('CONFIG_INVALID', `${options.what} "${value}"${where} is not a URL`);
  }
  if (parsed.protocol === 'https:') return parsed;
  if (parsed.protocol !== 'http:') {
    throw new RolecallError('CONFIG_INVALID', `${options.what} "${value}"${where} must be an https URL`);
  }
  if (isLoopbackHost(parsed.hostname)) {
    // coinbase warned about any SAML API without TLS; a password is in the body, even on loopback
    if (options.code === 'SAML_INSECURE') options.log.warn(`${options.what} ${parsed.origin} is plain http (allowed on loopback only)`);
    return parsed;
  }
  if (!options.allowInsecure) {
    throw new RolecallError(
      options.code,
      `refusing to send credentials to ${options.what} ${parsed.origin} over plain http${where}: anyone on the network could read them`,
    );
  }
  options.log.warn(`${options.what} ${parsed.origin} is plain http: your credentials travel unencrypted (insecure mode is on)`);
  return parsed;
}
