// Which local user a loopback connection comes from. On Linux the kernel lists every TCP socket with
// its owner's uid in /proc/net/tcp: the client's end of a connection to 127.0.0.1:PORT is the line
// whose local address is the connection's remote one. Elsewhere there is no such table, and the
// credential servers cannot tell local users apart (SECURITY.md says so).
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { endianness } from 'node:os';
import type { Logger } from '../platform/logger';

const TCP_TABLE = '/proc/net/tcp';

interface Connection {
  remoteAddress?: string;
  remotePort?: number;
  localAddress?: string;
  localPort?: number;
}

/** "127.0.0.1", 8080 as /proc/net/tcp prints them: the address in the host's byte order, then the port */
function tableAddress(address: string, port: number): string {
  const bytes = address.split('.').map((b) => Number(b).toString(16).padStart(2, '0').toUpperCase());
  if (endianness() === 'LE') bytes.reverse();
  return `${bytes.join('')}:${port.toString(16).padStart(4, '0').toUpperCase()}`;
}

/** The uid owning the client's end of an IPv4 connection, or undefined when the table does not list it. */
export function peerUid(connection: Connection, table: string): number | undefined {
  const { remoteAddress, remotePort, localAddress, localPort } = connection;
  if (!remoteAddress || !remotePort || !localAddress || !localPort || !/^\d+\.\d+\.\d+\.\d+$/.test(remoteAddress)) return undefined;
  const client = tableAddress(remoteAddress, remotePort);
  const server = tableAddress(localAddress, localPort);
  for (const line of table.split('\n')) {
    // sl local_address rem_address st tx:rx tr:when retrnsmt uid ...
    const fields = line.trim().split(/\s+/);
    if (fields[1] === client && fields[2] === server) return Number(fields[7]);
  }
  return undefined;
}

/**
 * A check that refuses connections from other users, or undefined where the kernel does not say
 * who owns a socket (no /proc/net/tcp: macOS, Windows, a /proc hidden from rolecall). Reading the
 * table costs a few milliseconds, more on a loaded machine: the caller asks once per session token.
 */
export function sameUserOnly(uid = process.getuid?.()): ((connection: Connection) => Promise<string | undefined>) | undefined {
  if (uid === undefined || !readable()) return undefined;
  return async (connection) => {
    const owner = peerUid(connection, await readFile(TCP_TABLE, 'utf8'));
    if (owner === uid) return undefined;
    return owner === undefined ? 'the connection is not listed in /proc/net/tcp' : `the connection comes from another user (uid ${owner})`;
  };
}

/**
 * The metadata server's guard: who may be given a session token. Says once per kind of refusal that
 * it refused one, and when it cannot tell users apart here, says so when the server starts.
 */
export function ownerGuard(log: Logger): (connection: Connection) => Promise<string | undefined> {
  const check = sameUserOnly();
  if (!check) {
    log.warn("this system does not say which user a connection comes from: any local user who finds the metadata server's port can read the credentials. Use --server ecs, which requires a token, on a shared machine.");
    return async () => undefined;
  }
  const said = new Set<string>();
  return async (connection) => {
    const refused = await check(connection);
    if (refused !== undefined && !said.has(refused)) {
      said.add(refused);
      log.warn(`the imds credential server refused a request: ${refused}.`);
    }
    return refused;
  };
}

function readable(): boolean {
  try {
    return readFileSync(TCP_TABLE, 'utf8').startsWith('  sl');
  } catch {
    return false;
  }
}
