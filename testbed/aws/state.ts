// What every action handler gets: the world, the issued sessions, and the call (parameters and
// the verified caller, when the call was signed).
import type { World, WorldRole, WorldUser } from '../world';
import type { Principal } from './identity';
import type { Session, Sessions } from './sessions';
import type { KeySets } from './web-identity';
import type { XmlValue } from './xml';

export interface State {
  world: World;
  worldDir: string;
  sessions: Sessions;
  /** the OIDC issuers' key sets, fetched on first use */
  keySets: KeySets;
}

export interface Caller {
  principal: Principal;
  /** the temporary credentials that signed, when they were ours */
  session?: Session;
  /** the IAM user behind the call, when there is one */
  user?: WorldUser;
}

export interface Call {
  params: URLSearchParams;
  caller?: Caller;
}

export type Handler = (state: State, call: Call) => Promise<Record<string, XmlValue>> | Record<string, XmlValue>;

/** the verified caller of a signed action (index.ts refuses unsigned calls to those before they get here) */
export function signedCaller(call: Call): Caller {
  if (!call.caller) throw new Error('signed action reached without a caller');
  return call.caller;
}

export function findRole(world: World, arn: string): WorldRole | undefined {
  return world.roles.find((r) => r.arn === arn);
}

export function credentialsXml(session: Session): Record<string, XmlValue> {
  return {
    AccessKeyId: session.accessKeyId,
    SecretAccessKey: session.secretAccessKey,
    SessionToken: session.sessionToken,
    Expiration: session.expiration,
  };
}

export function assumedRoleUserXml(principal: Principal): Record<string, XmlValue> {
  return { AssumedRoleId: principal.userId, Arn: principal.arn };
}
