// Where a credential server listens: loopback by default, or one address of this machine that a
// container can reach (the user names it). Never a wildcard: the server must not face every network.
import { isIP } from 'node:net';
import { RolecallError } from '../errors';

export const LOOPBACK = '127.0.0.1';

export interface ListenAddress {
  /** what to bind, as node:net takes it */
  host: string;
  /** how a client writes it in a URL and its Host header: IPv6 in brackets */
  urlHost: string;
  loopback: boolean;
}

/** Checks an address the user named (--server-address): an IP literal of one interface, not a wildcard. */
export function listenAddress(given: string, flag: string): ListenAddress {
  const host = given.startsWith('[') && given.endsWith(']') ? given.slice(1, -1) : given;
  const family = isIP(host);
  if (family === 0) {
    throw new RolecallError('USAGE', `${flag} takes an IP address of this machine, not "${given}"`, {
      hint: 'Name the address the containers reach this machine at, e.g. 169.254.170.2 (see docs/credential-server.md#containers).',
    });
  }
  const lower = host.toLowerCase();
  const wildcard = family === 4 ? host === '0.0.0.0' : /^[0:]+$/.test(lower) || /^::ffff:0\.0\.0\.0$/.test(lower);
  if (wildcard) {
    throw new RolecallError('USAGE', `${flag} ${given} would listen on every network of this machine`, {
      hint: 'Name the one address the containers reach this machine at, e.g. 169.254.170.2 (see docs/credential-server.md#containers).',
    });
  }
  const multicast = family === 4 ? Number(host.split('.')[0]) >= 224 : lower.startsWith('ff');
  if (multicast) {
    throw new RolecallError('USAGE', `${flag} ${given} is a multicast or broadcast address, which nothing can listen on`, {
      hint: 'Name an address of one of this machine\'s interfaces (`ip -brief address` lists them).',
    });
  }
  const loopback = family === 4 ? host.startsWith('127.') : lower === '::1' || /^(0+:){7}0*1$/.test(lower);
  return { host, urlHost: family === 6 ? `[${host}]` : host, loopback };
}
