// Okta's Authentication API, the part aws-runas signs in with when there is no browser, answered as
// Okta documents it (developer.okta.com, "Authentication API"):
//   POST /api/v1/authn {username, password}
//        -> 200 SUCCESS with a one-time sessionToken, or MFA_REQUIRED with a stateToken and the
//           user's factors (token:software:totp, push), or 401 E0000004 "Authentication failed"
//   POST /api/v1/authn/factors/:id/verify {stateToken, passCode}  (TOTP)
//        -> 200 SUCCESS, or 403 E0000068 "Invalid Passcode/Answer"
//   POST /api/v1/authn/factors/:id/verify {stateToken}            (Okta Verify push)
//        -> 200 MFA_CHALLENGE factorResult WAITING, _links.next (poll: the same URL, same body);
//           with number challenge, _embedded.factor._embedded.challenge.correctAnswer; the user's
//           phone answers through pushes()/answerPush(); then SUCCESS, or factorResult REJECTED
//           or TIMEOUT
//   an unknown or spent stateToken -> 403 E0000011 "Invalid token provided"; a body that is not
//   JSON, or a request without Content-Type application/json -> 400 E0000003 / 415
// The sessionToken is good once, for 5 minutes: the authorization endpoint takes it as the
// sessionToken parameter instead of showing its sign-in page (./index.ts, redeemSessionToken).
import { randomBytes, randomInt } from 'node:crypto';
import type { Context, Next } from 'oidc-provider';
import type { IdpUser, World } from '../world';
import { totpValid } from '../aws/totp';
import { authenticate } from './accounts';
import { readBody } from './http-body';

export const OKTA_AUTHN_PATH = '/api/v1/authn';
const VERIFY = /^\/api\/v1\/authn\/factors\/([\w-]+)\/verify$/;
const STATE_SECONDS = 300;
const SESSION_TOKEN_SECONDS = 300;

export type PushAnswer = 'approve' | 'deny';

export interface PendingPush {
  user: string;
  /** the number shown on the terminal, when number challenge is on */
  correctAnswer?: number;
  /** the three numbers the phone offers (one of them correct) */
  choices?: number[];
}

export interface OktaAuthn {
  route(ctx: Context, next: Next): Promise<void>;
  /** the user whose sessionToken this is, once; undefined for an unknown, spent or expired one */
  redeemSessionToken(token: string): string | undefined;
  /** pushes sent to phones and not answered yet */
  pushes(): PendingPush[];
  /** the user answers on the phone: approve (choosing `number` when there is a number challenge) or deny */
  answerPush(user: string, answer: PushAnswer, number?: number): void;
  /**
   * number challenge on pushes (numberOnPoll: the number comes with the polls only, not with the
   * push's first answer, as Okta's documentation shows it); how long a push waits for the phone
   */
  setPush(options: { numberChallenge?: boolean; numberOnPoll?: boolean; timeoutSeconds?: number }): void;
  /** requests by kind: authn, verify (TOTP), push (first verify), poll */
  counts(): Record<string, number>;
  reset(): void;
}

interface Transaction {
  user: IdpUser;
  expires: number;
  push?: { started: number; correctAnswer?: number; choices?: number[]; result: 'WAITING' | 'SUCCESS' | 'REJECTED' };
}

const factorId = (kind: 'totp' | 'push', user: IdpUser) => `${kind === 'totp' ? 'uft' : 'opf'}${user.sub.replace(/\W/g, '')}`;

export function oktaAuthn(world: World, issuer: string): OktaAuthn {
  const transactions = new Map<string, Transaction>();
  const sessionTokens = new Map<string, { sub: string; expires: number }>();
  let numberChallenge = false;
  let numberOnPoll = false;
  let timeoutSeconds = 300;
  let counts: Record<string, number> = {};
  const count = (kind: string) => (counts[kind] = (counts[kind] ?? 0) + 1);

  const verifyHref = (id: string) => `${issuer}${OKTA_AUTHN_PATH}/factors/${id}/verify`;
  const userJson = (user: IdpUser) => ({ id: `00u${user.sub.replace(/\W/g, '')}`, profile: { login: user.email, firstName: user.username, lastName: 'Testbed', locale: 'en', timeZone: 'UTC' } });
  const factors = (user: IdpUser) => [
    ...(user.totpSecretBase32
      ? [{ id: factorId('totp', user), factorType: 'token:software:totp', provider: 'GOOGLE', vendorName: 'GOOGLE', profile: { credentialId: user.email }, _links: { verify: { href: verifyHref(factorId('totp', user)), hints: { allow: ['POST'] } } } }]
      : []),
    ...(user.oktaVerify
      ? [{ id: factorId('push', user), factorType: 'push', provider: 'OKTA', vendorName: 'OKTA', profile: { credentialId: user.email, deviceType: 'SmartPhone_IPhone', name: user.oktaVerify.deviceName, platform: 'IOS', version: '17.4' }, _links: { verify: { href: verifyHref(factorId('push', user)), hints: { allow: ['POST'] } } } }]
      : []),
  ];
  const expiresAt = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '.000Z');

  function error(ctx: Context, status: number, code: string, summary: string, causes: string[] = []): void {
    ctx.status = status;
    ctx.body = { errorCode: code, errorSummary: summary, errorLink: code, errorId: `oae${randomBytes(8).toString('hex')}`, errorCauses: causes.map((errorSummary) => ({ errorSummary })) };
  }

  function success(ctx: Context, user: IdpUser): void {
    const token = randomBytes(24).toString('base64url');
    sessionTokens.set(token, { sub: user.sub, expires: Date.now() + SESSION_TOKEN_SECONDS * 1000 });
    ctx.body = { expiresAt: expiresAt(Date.now() + SESSION_TOKEN_SECONDS * 1000), status: 'SUCCESS', sessionToken: token, _embedded: { user: userJson(user) } };
  }

  /** the JSON body, or undefined after answering the error Okta gives */
  async function jsonBody(ctx: Context): Promise<Record<string, unknown> | undefined> {
    if (!/^application\/json\b/i.test(ctx.get('content-type'))) {
      error(ctx, 415, 'E0000003', 'Unsupported Media Type: use Content-Type application/json');
      return undefined;
    }
    try {
      const parsed: unknown = JSON.parse(await readBody(ctx.req));
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    } catch {
      // answered below
    }
    error(ctx, 400, 'E0000003', 'The request body was not well-formed.');
    return undefined;
  }

  function transaction(ctx: Context, body: Record<string, unknown>): [string, Transaction] | undefined {
    const stateToken = typeof body.stateToken === 'string' ? body.stateToken : '';
    const found = transactions.get(stateToken);
    if (!found || found.expires < Date.now()) {
      transactions.delete(stateToken);
      error(ctx, 403, 'E0000011', 'Invalid token provided');
      return undefined;
    }
    return [stateToken, found];
  }

  function challenge(ctx: Context, stateToken: string, tx: Transaction, result: 'WAITING' | 'REJECTED' | 'TIMEOUT', first = false): void {
    const id = factorId('push', tx.user);
    const factor = {
      id,
      factorType: 'push',
      provider: 'OKTA',
      vendorName: 'OKTA',
      profile: { credentialId: tx.user.email, name: tx.user.oktaVerify?.deviceName },
      ...(tx.push?.correctAnswer !== undefined && result === 'WAITING' && !(first && numberOnPoll) ? { _embedded: { challenge: { correctAnswer: tx.push.correctAnswer } } } : {}),
    };
    ctx.body = {
      stateToken,
      expiresAt: expiresAt(tx.expires),
      status: 'MFA_CHALLENGE',
      factorResult: result,
      challengeType: 'FACTOR',
      _embedded: { user: userJson(tx.user), factor },
      _links: {
        next: { name: 'poll', href: verifyHref(id), hints: { allow: ['POST'] } },
        cancel: { href: `${issuer}${OKTA_AUTHN_PATH}/cancel`, hints: { allow: ['POST'] } },
        prev: { href: `${issuer}${OKTA_AUTHN_PATH}/previous`, hints: { allow: ['POST'] } },
      },
    };
  }

  async function primary(ctx: Context): Promise<void> {
    count('authn');
    const body = await jsonBody(ctx);
    if (!body) return;
    const user = typeof body.username === 'string' && typeof body.password === 'string' ? authenticate(world, body.username, body.password) : undefined;
    if (!user) return error(ctx, 401, 'E0000004', 'Authentication failed');
    const userFactors = factors(user);
    if (userFactors.length === 0) return success(ctx, user);
    const stateToken = `00${randomBytes(20).toString('base64url')}`;
    const expires = Date.now() + STATE_SECONDS * 1000;
    transactions.set(stateToken, { user, expires });
    ctx.body = {
      stateToken,
      expiresAt: expiresAt(expires),
      status: 'MFA_REQUIRED',
      _embedded: { user: userJson(user), factors: userFactors },
      _links: { cancel: { href: `${issuer}${OKTA_AUTHN_PATH}/cancel`, hints: { allow: ['POST'] } } },
    };
  }

  async function verify(ctx: Context, id: string): Promise<void> {
    const body = await jsonBody(ctx);
    if (!body) return;
    const found = transaction(ctx, body);
    if (!found) return;
    const [stateToken, tx] = found;
    if (id === factorId('totp', tx.user) && tx.user.totpSecretBase32) {
      count('verify');
      const passCode = typeof body.passCode === 'string' ? body.passCode : '';
      if (!totpValid(tx.user.totpSecretBase32, passCode)) {
        return error(ctx, 403, 'E0000068', 'Invalid Passcode/Answer', ["Your passcode doesn't match our records. Please try again."]);
      }
      transactions.delete(stateToken);
      return success(ctx, tx.user);
    }
    if (id !== factorId('push', tx.user) || !tx.user.oktaVerify) return error(ctx, 404, 'E0000007', `Not found: Resource not found: ${id} (UserFactor)`);
    if (!tx.push) {
      count('push');
      const correctAnswer = numberChallenge ? randomInt(10, 100) : undefined;
      const choices = correctAnswer === undefined ? undefined : shuffle([correctAnswer, ...decoys(correctAnswer)]);
      tx.push = { started: Date.now(), correctAnswer, choices, result: 'WAITING' };
      return challenge(ctx, stateToken, tx, 'WAITING', true);
    }
    count('poll');
    if (tx.push.result === 'SUCCESS') {
      transactions.delete(stateToken);
      return success(ctx, tx.user);
    }
    if (tx.push.result === 'REJECTED') {
      transactions.delete(stateToken);
      return challenge(ctx, stateToken, tx, 'REJECTED');
    }
    if (Date.now() - tx.push.started > timeoutSeconds * 1000) {
      transactions.delete(stateToken);
      return challenge(ctx, stateToken, tx, 'TIMEOUT');
    }
    return challenge(ctx, stateToken, tx, 'WAITING');
  }

  return {
    async route(ctx, next) {
      const match = VERIFY.exec(ctx.path);
      if (ctx.path !== OKTA_AUTHN_PATH && !match) return next();
      ctx.type = 'json';
      if (ctx.method !== 'POST') return error(ctx, 405, 'E0000022', 'The endpoint does not support the provided HTTP method');
      if (match) return verify(ctx, match[1]!);
      return primary(ctx);
    },
    redeemSessionToken(token) {
      const found = sessionTokens.get(token);
      sessionTokens.delete(token);
      return found && found.expires > Date.now() ? found.sub : undefined;
    },
    pushes: () =>
      [...transactions.values()]
        .filter((tx) => tx.push?.result === 'WAITING')
        .map((tx) => ({ user: tx.user.username, correctAnswer: tx.push!.correctAnswer, choices: tx.push!.choices })),
    answerPush(username, answer, number) {
      const tx = [...transactions.values()].find((t) => t.user.username === username && t.push?.result === 'WAITING');
      if (!tx?.push) throw new Error(`no push waiting for ${username}`);
      const rightNumber = tx.push.correctAnswer === undefined || number === tx.push.correctAnswer;
      tx.push.result = answer === 'approve' && rightNumber ? 'SUCCESS' : 'REJECTED';
    },
    setPush(options) {
      numberChallenge = options.numberChallenge ?? numberChallenge;
      numberOnPoll = options.numberOnPoll ?? numberOnPoll;
      timeoutSeconds = options.timeoutSeconds ?? timeoutSeconds;
    },
    counts: () => ({ ...counts }),
    reset() {
      counts = {};
      transactions.clear();
      sessionTokens.clear();
      numberChallenge = false;
      numberOnPoll = false;
      timeoutSeconds = 300;
    },
  };
}

function decoys(correct: number): number[] {
  const out = new Set<number>();
  while (out.size < 2) {
    const n = randomInt(10, 100);
    if (n !== correct) out.add(n);
  }
  return [...out];
}

function shuffle(numbers: number[]): number[] {
  return numbers
    .map((n) => [randomInt(1_000_000), n] as const)
    .sort((a, b) => a[0] - b[0])
    .map(([, n]) => n);
}
