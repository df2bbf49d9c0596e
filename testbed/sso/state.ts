// What the Identity Center emulator remembers: registered clients, pending device and browser
// authorizations, authorization codes, and the access and refresh tokens of each sign-in ("grant").
// A sign-in is one grant: its refresh tokens rotate, and Logout or an administrator's revocation ends
// every token of it at once.
import { createHash, randomBytes } from 'node:crypto';
import type { IdentityCenterWorld, World } from '../world';

export const DEVICE_CODE_TTL_SECONDS = 600;
export const AUTH_CODE_TTL_SECONDS = 300;
/** the browser sign-in page lives as long as a device code */
export const AUTH_REQUEST_TTL_SECONDS = 600;
/** the scope that lets a token reach the AWS access portal, and that earns a refresh token */
export const ACCOUNT_ACCESS_SCOPE = 'sso:account:access';

export interface Client {
  clientId: string;
  clientSecret: string;
  name: string;
  scopes: string[];
  /** absent: a registration without grantTypes (the device flow and refresh only) */
  grantTypes?: string[];
  redirectUris: string[];
  issuerUrl?: string;
  expiresAt: number;
}

export interface DeviceGrant {
  deviceCode: string;
  userCode: string;
  clientId: string;
  expiresAt: number;
  interval: number;
  status: 'pending' | 'approved' | 'denied' | 'used';
  user?: string;
}

/** a browser sign-in in progress: from /authorize to the redirect with a code */
export interface AuthRequest {
  id: string;
  clientId: string;
  redirectUri: string;
  state: string;
  codeChallenge: string;
  scopes: string[];
  expiresAt: number;
  /** who signed in on the page, before they answered the consent */
  user?: string;
}

export interface AuthCode {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  user: string;
  scopes: string[];
  expiresAt: number;
  used: boolean;
  /** the grant its tokens belong to, once redeemed (a replayed code revokes it) */
  grant?: string;
}

export interface AccessToken {
  grant: string;
  user: string;
  clientId: string;
  scopes: string[];
  expiresAt: number;
}

export interface RefreshToken {
  grant: string;
  user: string;
  clientId: string;
  scopes: string[];
  spent: boolean;
}

const USER_CODE_LETTERS = 'BCDFGHJKLMNPQRSTVWXZ';

export function opaque(prefix: string, bytes: number): string {
  return prefix + randomBytes(bytes).toString('base64url');
}

/** "ABCD-EFGH": AWS's user codes are 8 letters in two groups */
export function userCode(): string {
  const bytes = randomBytes(8);
  const letters = [...bytes].map((b) => USER_CODE_LETTERS[b % USER_CODE_LETTERS.length]).join('');
  return `${letters.slice(0, 4)}-${letters.slice(4)}`;
}

/** AWSReservedSSO_NAME_<16 hex>: the role Identity Center provisions for a permission set */
export function reservedRoleArn(account: string, permissionSet: string): string {
  const suffix = createHash('sha256').update(`${account}/${permissionSet}`).digest('hex').slice(0, 16);
  return `arn:aws:iam::${account}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_${permissionSet}_${suffix}`;
}

export class IdentityCenterState {
  readonly clients = new Map<string, Client>();
  readonly devices = new Map<string, DeviceGrant>();
  readonly authRequests = new Map<string, AuthRequest>();
  readonly codes = new Map<string, AuthCode>();
  readonly accessTokens = new Map<string, AccessToken>();
  readonly refreshTokens = new Map<string, RefreshToken>();
  readonly revokedGrants = new Set<string>();
  /** CreateToken calls by grant type, answered or refused */
  readonly grantCounts = new Map<string, number>();
  /** the next polls of a device code answered with SlowDownException (a test hook) */
  slowDowns = 0;

  constructor(readonly world: World) {}

  get center(): IdentityCenterWorld {
    return this.world.identityCenter;
  }

  /** issues an access token (and a refresh token when the scopes allow one) for a new or continuing grant */
  issue(user: string, clientId: string, scopes: string[], grant = opaque('grant-', 12)): { accessToken: string; refreshToken?: string; expiresIn: number } {
    const expiresIn = this.center.accessTokenTtlSeconds;
    const accessToken = opaque('aoa', 240);
    this.accessTokens.set(accessToken, { grant, user, clientId, scopes, expiresAt: Date.now() + expiresIn * 1000 });
    if (!scopes.includes(ACCOUNT_ACCESS_SCOPE)) return { accessToken, expiresIn };
    const refreshToken = opaque('aor', 240);
    this.refreshTokens.set(refreshToken, { grant, user, clientId, scopes, spent: false });
    return { accessToken, refreshToken, expiresIn };
  }

  /** the live access token, or undefined (unknown, expired, logged out, revoked) */
  liveAccessToken(token: string): AccessToken | undefined {
    const found = this.accessTokens.get(token);
    if (!found || found.expiresAt <= Date.now() || this.revokedGrants.has(found.grant)) return undefined;
    return found;
  }

  revokeGrant(grant: string): void {
    this.revokedGrants.add(grant);
  }

  /** an administrator ends every session of a user ("Revoke active sessions") */
  revokeUser(user: string): void {
    for (const token of [...this.accessTokens.values(), ...this.refreshTokens.values()]) if (token.user === user) this.revokeGrant(token.grant);
  }

  mayUseIdentityCenter(user: string): boolean {
    return this.center.users.includes(user);
  }
}
