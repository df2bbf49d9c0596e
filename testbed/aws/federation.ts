// The console federation endpoint (signin.aws.amazon.com/federation): getSigninToken trades
// temporary credentials for a sign-in token, login trades that for the console. Our console is a
// small page naming the role session, so a browser test can see whose console it landed in, and
// what that console may do (a session policy narrows the console as it narrows the credentials).
import { randomBytes } from 'node:crypto';
import type { World } from '../world';
import { escapeXml, isoSeconds } from './xml';
import type { Principal } from './identity';
import type { Session, Sessions } from './sessions';
import { refusal } from './permissions';

const SIGNIN_TOKEN_TTL_MS = 15 * 60 * 1000;
const MAX_CONSOLE_SECONDS = 43200;

export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

interface ConsoleSession {
  principal: Principal;
  /** the credentials' session: its session policies narrow the console too */
  session: Session;
  expires: Date;
  destination?: string;
  issuer?: string;
}

const text = (status: number, body: string): Answer => ({ status, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: `${body}\n` });

export class Federation {
  private readonly tokens = new Map<string, { session: ConsoleSession; validUntil: number }>();
  private readonly consoles = new Map<string, ConsoleSession>();

  constructor(
    private readonly world: World,
    private readonly sessions: Sessions,
  ) {}

  getSigninToken(params: URLSearchParams): Answer {
    let credentials: { sessionId?: unknown; sessionKey?: unknown; sessionToken?: unknown };
    try {
      credentials = JSON.parse(params.get('Session') ?? '') as typeof credentials;
    } catch {
      return text(400, 'The Session parameter must be a JSON object with sessionId, sessionKey and sessionToken.');
    }
    const { sessionId, sessionKey, sessionToken } = credentials;
    if (typeof sessionId !== 'string' || typeof sessionKey !== 'string') return text(400, 'The Session parameter must hold sessionId and sessionKey.');
    if (this.world.users.some((u) => u.accessKeyId === sessionId)) {
      return text(400, 'Long-term IAM user credentials cannot be used to sign in: use temporary credentials from AssumeRole or GetFederationToken.');
    }
    const session = this.sessions.find(sessionId);
    if (!session || session.secretAccessKey !== sessionKey || session.sessionToken !== sessionToken) return text(400, 'The session credentials are not valid.');
    if (session.expiration.getTime() <= Date.now()) return text(400, 'The session credentials have expired.');
    if (session.issuedBy === 'GetSessionToken') return text(400, 'Credentials from GetSessionToken cannot be used to sign in to the console.');
    const requested = params.get('SessionDuration');
    let seconds = 3600; // AWS: a console session from role credentials lasts 1 h unless SessionDuration says otherwise
    if (requested !== null) {
      if (session.chained || session.issuedBy === 'GetFederationToken') {
        return text(400, 'SessionDuration cannot be used with credentials from role chaining or GetFederationToken.');
      }
      seconds = Number(requested);
      if (!/^\d+$/.test(requested) || seconds < this.world.settings.minSessionSeconds || seconds > MAX_CONSOLE_SECONDS) {
        return text(400, `SessionDuration must be between ${this.world.settings.minSessionSeconds} and ${MAX_CONSOLE_SECONDS} seconds.`);
      }
    } else if (session.issuedBy === 'GetFederationToken') {
      seconds = Math.floor((session.expiration.getTime() - Date.now()) / 1000);
    }
    const token = randomBytes(192).toString('base64url');
    this.tokens.set(token, { session: { principal: session.principal, session, expires: new Date(Date.now() + seconds * 1000) }, validUntil: Date.now() + SIGNIN_TOKEN_TTL_MS });
    return { status: 200, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ SigninToken: token }) };
  }

  login(params: URLSearchParams, origin: string): Answer {
    const entry = this.tokens.get(params.get('SigninToken') ?? '');
    if (!entry || entry.validUntil < Date.now()) return text(400, 'The sign-in token is not valid or has expired (tokens last 15 minutes).');
    const destination = params.get('Destination');
    if (!destination || !URL.canParse(destination)) return text(400, 'Destination must be a URL.');
    const id = randomBytes(24).toString('base64url');
    this.consoles.set(id, { ...entry.session, destination, issuer: params.get('Issuer') ?? undefined });
    return { status: 302, headers: { Location: `${origin}/console?session=${id}` }, body: '' };
  }

  console(params: URLSearchParams): Answer {
    const session = this.consoles.get(params.get('session') ?? '');
    if (!session || session.expires.getTime() < Date.now()) return text(403, 'Your console session has expired or is not valid. Sign in again.');
    const { principal } = session;
    const alias = this.world.accounts[principal.account]?.alias ?? '';
    const html = `<!doctype html>
<html><head><meta charset="utf-8"><title>AWS Management Console (testbed)</title></head>
<body>
<h1 id="identity">${escapeXml(principal.arn)}</h1>
<p>Account <span id="account">${principal.account}</span> (<span id="alias">${escapeXml(alias)}</span>)</p>
<p>Destination <span id="destination">${escapeXml(session.destination ?? '')}</span></p>
<p>Issuer <span id="issuer">${escapeXml(session.issuer ?? '')}</span></p>
<p>Session ends <span id="expires">${isoSeconds(session.expires)}</span></p>
<ul id="permissions">
${this.permissions(session)
  .map(([action, verdict]) => `<li data-action="${action}">${verdict}</li>`)
  .join('\n')}
</ul>
</body></html>
`;
    return { status: 200, headers: { 'Content-Type': 'text/html; charset=utf-8' }, body: html };
  }

  /** what the console may do with the emulator's actions: allowed, or denied by a policy */
  private permissions({ principal, session }: ConsoleSession): Array<[string, 'allowed' | 'denied']> {
    const account = principal.account;
    const actions: Array<[string, string]> = [
      ['iam:ListAccountAliases', '*'],
      ['iam:ListRoles', `arn:aws:iam::${account}:role/`],
      ['sts:AssumeRole', `arn:aws:iam::${account}:role/*`],
    ];
    return actions.map(([action, resource]) => [action, refusal(this.world, principal, session, action, resource) ? 'denied' : 'allowed']);
  }
}
