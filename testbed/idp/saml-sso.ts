// IdP-initiated SAML single sign-on, as Okta, Entra ID, ADFS, Google Workspace and Keycloak do it
// for their "AWS" app: the user opens the app's start URL, signs in on the IdP's own page
// (password, then a TOTP code for users with a device), and the IdP answers with a page that
// posts the signed SAMLResponse to the app's assertion consumer service
// (https://signin.aws.amazon.com/saml) by itself. A sign-in session cookie spares the pages next
// time: a persistent one when "Stay signed in" is ticked (Entra ID's KMSI, Okta's "Keep me signed
// in"), else one that ends with the browser session.
//
// Routes (world.samlApps):
//   GET  /saml/app/:id/sso     the start URL; no session -> 303 to the sign-in page; unknown app -> #not-assigned (404)
//   GET  /saml/signin?tx=...   (unknown or expired tx -> #expired) #username #password #remember #submit (a failed attempt shows #error)
//   POST /saml/signin          password checked; users with a TOTP device go on to:
//   POST /saml/signin/totp     #totp #verify (#error on a wrong code); then 303 back to the start URL
import { randomBytes } from 'node:crypto';
import type { Context, Next } from 'oidc-provider';
import type { IdpUser, SamlApp, World } from '../world';
import { totpValid } from '../aws/totp';
import { authenticate } from './accounts';
import { readBody } from './http-body';
import { samlExpiredPage, samlNotAssignedPage, samlPostPage, samlSignInPage, samlTotpPage } from './pages';
import { buildSamlResponse } from './saml-response';
import { samlifyResponse } from './samlify-response';

export const SSO_COOKIE = 'testbed_sso';
/** how long a sign-in session lasts (and a "Stay signed in" cookie) */
const SESSION_SECONDS = 12 * 3600;
/** a started sign-in (password given, TOTP pending) */
const PENDING_SECONDS = 600;
/** SAML assertions are valid this long (Conditions NotOnOrAfter) */
const ASSERTION_SECONDS = 300;

export interface SsoCounts {
  /** start URL requests */
  starts: number;
  /** sign-ins completed on the pages (password and, where asked, TOTP) */
  signIns: number;
  /** SAMLResponses issued */
  assertions: number;
}

export interface Sso {
  route(ctx: Context, next: Next): Promise<void>;
  counts(): SsoCounts;
  resetCounts(): void;
  /** ends every sign-in session: the next start URL request asks for the password again */
  revokeSessions(): void;
}

interface Pending {
  app: string;
  sub?: string;
  remember: boolean;
  expires: number;
}

const START = /^\/saml\/app\/([\w-]+)\/sso$/;

export function samlSso(world: World, issuer: string): Sso {
  const sessions = new Map<string, { sub: string; expires: number }>();
  const pending = new Map<string, Pending>();
  const counts: SsoCounts = { starts: 0, signIns: 0, assertions: 0 };
  const user = (sub: string | undefined) => world.idpUsers.find((u) => u.sub === sub);

  async function start(ctx: Context, app: SamlApp | undefined, id: string): Promise<void> {
    counts.starts += 1;
    ctx.type = 'html';
    if (!app) {
      ctx.status = 404;
      ctx.body = samlNotAssignedPage(id);
      return;
    }
    const session = sessions.get(ctx.cookies.get(SSO_COOKIE) ?? '');
    const who = session && session.expires > Date.now() ? user(session.sub) : undefined;
    if (!who) {
      const tx = randomBytes(12).toString('hex');
      pending.set(tx, { app: app.id, remember: false, expires: Date.now() + PENDING_SECONDS * 1000 });
      ctx.status = 303;
      ctx.redirect(`/saml/signin?tx=${tx}`);
      return;
    }
    counts.assertions += 1;
    ctx.body = samlPostPage(app.acsUrl, await responseFor(app, who), app.relayState);
  }

  async function responseFor(app: SamlApp, who: IdpUser): Promise<string> {
    const common = { issuer, subject: who.email, roles: who.samlRoles, sessionName: who.email, sessionDuration: app.sessionDuration };
    if (app.builder === 'samlify') return samlifyResponse({ ...common, acsUrl: app.acsUrl, audience: app.audience, validitySeconds: ASSERTION_SECONDS });
    const xml = buildSamlResponse({
      ...common,
      audience: app.audience,
      recipient: app.acsUrl,
      notOnOrAfter: new Date(Date.now() + ASSERTION_SECONDS * 1000),
      sign: true,
    });
    return Buffer.from(xml).toString('base64');
  }

  function signedIn(ctx: Context, tx: string, p: Pending, sub: string): void {
    pending.delete(tx);
    counts.signIns += 1;
    const sid = randomBytes(24).toString('base64url');
    sessions.set(sid, { sub, expires: Date.now() + SESSION_SECONDS * 1000 });
    ctx.cookies.set(SSO_COOKIE, sid, { httpOnly: true, sameSite: 'lax', signed: false, overwrite: true, ...(p.remember ? { maxAge: SESSION_SECONDS * 1000 } : {}) });
    ctx.status = 303;
    ctx.redirect(`/saml/app/${p.app}/sso`);
  }

  async function signIn(ctx: Context, step: 'password' | 'totp'): Promise<void> {
    ctx.type = 'html';
    const form = ctx.method === 'POST' ? new URLSearchParams(await readBody(ctx.req)) : new URLSearchParams(ctx.querystring);
    const tx = form.get('tx') ?? '';
    const p = pending.get(tx);
    if (!p || p.expires < Date.now()) {
      ctx.status = 400;
      ctx.body = samlExpiredPage();
      return;
    }
    if (ctx.method === 'GET') {
      ctx.body = samlSignInPage(tx);
      return;
    }
    if (step === 'password') {
      const who = authenticate(world, form.get('username') ?? '', form.get('password') ?? '');
      if (!who) {
        ctx.status = 401;
        ctx.body = samlSignInPage(tx, 'Invalid username or password.', form.get('username') ?? '');
        return;
      }
      p.remember = form.get('remember') === 'yes';
      if (!who.totpSecretBase32) return signedIn(ctx, tx, p, who.sub);
      p.sub = who.sub;
      ctx.body = samlTotpPage(tx);
      return;
    }
    const who = user(p.sub);
    if (!who?.totpSecretBase32) {
      ctx.status = 400;
      ctx.body = samlSignInPage(tx, 'Sign in with your password first.');
      return;
    }
    if (!totpValid(who.totpSecretBase32, (form.get('totp') ?? '').trim())) {
      ctx.status = 401;
      ctx.body = samlTotpPage(tx, 'That code is not right: enter the current code from your authenticator.');
      return;
    }
    signedIn(ctx, tx, p, who.sub);
  }

  return {
    async route(ctx, next) {
      const match = START.exec(ctx.path);
      if (match && ctx.method === 'GET') return start(ctx, world.samlApps.find((a) => a.id === match[1]), match[1]!);
      if (ctx.path === '/saml/signin' && (ctx.method === 'GET' || ctx.method === 'POST')) return signIn(ctx, 'password');
      if (ctx.path === '/saml/signin/totp' && ctx.method === 'POST') return signIn(ctx, 'totp');
      return next();
    },
    counts: () => ({ ...counts }),
    resetCounts() {
      counts.starts = 0;
      counts.signIns = 0;
      counts.assertions = 0;
    },
    revokeSessions() {
      sessions.clear();
    },
  };
}
