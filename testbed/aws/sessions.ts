// The temporary credentials the emulator has issued: ASIA access key ids, random secrets and
// session tokens, each bound to the principal it stands for. Signed calls look them up here.
import { randomBytes } from 'node:crypto';
import { randomKey, type Principal } from './identity';
import type { SessionPolicies } from './permissions';

/** GetRoleCredentials: IAM Identity Center's portal (../sso/portal.ts) */
export type IssuedBy = 'GetSessionToken' | 'AssumeRole' | 'AssumeRoleWithWebIdentity' | 'AssumeRoleWithSAML' | 'GetFederationToken' | 'GetRoleCredentials';

export interface Session {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
  principal: Principal;
  issuedBy: IssuedBy;
  /** a role session whose caller was itself a role session (role chaining: 1 h limits apply) */
  chained: boolean;
  /** the session policies it was issued with (Policy, PolicyArns): what it may do is narrowed to them */
  sessionPolicies?: SessionPolicies;
}

export class Sessions {
  private readonly byKey = new Map<string, Session>();

  issue(principal: Principal, issuedBy: IssuedBy, seconds: number, chained = false, sessionPolicies?: SessionPolicies): Session {
    const session: Session = {
      accessKeyId: randomKey('ASIA', 20),
      secretAccessKey: randomBytes(30).toString('base64'),
      // real tokens are long base64 with '+', '/' and '=': keep that, quoting bugs show up early
      sessionToken: `IQoJb3JpZ2luX2VjE${randomBytes(240).toString('base64')}`,
      expiration: new Date(Math.floor(Date.now() / 1000) * 1000 + seconds * 1000),
      principal,
      issuedBy,
      chained,
      sessionPolicies,
    };
    this.byKey.set(session.accessKeyId, session);
    return session;
  }

  find(accessKeyId: string): Session | undefined {
    return this.byKey.get(accessKeyId);
  }
}
