// The user's phone with Okta Verify, for trying the Okta-shaped testbed by hand (npm run testbed
// --shape okta): GET /testbed/okta-verify lists the pushes waiting for an answer, with Approve and
// Deny (and, with number challenge, the three numbers to choose from, as the app offers them);
// POST answers one. Tests answer through OktaAuthn.answerPush directly; this page is that call.
import type { Context, Next } from 'oidc-provider';
import { escapeMarkup } from './escape';
import { readBody } from './http-body';
import type { OktaAuthn, PushAnswer } from './okta-authn';

export const OKTA_PHONE_PATH = '/testbed/okta-verify';

function page(okta: OktaAuthn, said = ''): string {
  const pushes = okta.pushes();
  const button = (user: string, answer: PushAnswer, label: string, number?: number) =>
    `<form method="post"><input type="hidden" name="user" value="${escapeMarkup(user)}"><input type="hidden" name="answer" value="${answer}">${number === undefined ? '' : `<input type="hidden" name="number" value="${number}">`}<button>${escapeMarkup(label)}</button></form>`;
  const items = pushes.map(
    (p) =>
      `<li><p>Did you just try to sign in as ${escapeMarkup(p.user)}?</p>${(p.choices ?? [undefined]).map((n) => button(p.user, 'approve', n === undefined ? 'Yes, it is me' : String(n), n)).join('')}${button(p.user, 'deny', 'No, it is not me')}</li>`,
  );
  return `<!doctype html><html><head><title>Okta Verify (testbed)</title><meta http-equiv="refresh" content="3"></head><body><h1>Okta Verify</h1>${said ? `<p>${escapeMarkup(said)}</p>` : ''}${items.length ? `<ul>${items.join('')}</ul>` : '<p>No push is waiting. This page reloads every 3 seconds.</p>'}</body></html>`;
}

export function oktaPhone(okta: OktaAuthn) {
  return async function phone(ctx: Context, next: Next): Promise<void> {
    if (ctx.path !== OKTA_PHONE_PATH) return next();
    ctx.type = 'html';
    if (ctx.method === 'GET') {
      ctx.body = page(okta);
      return;
    }
    if (ctx.method !== 'POST') {
      ctx.status = 405;
      ctx.body = page(okta, 'GET or POST only');
      return;
    }
    const form = new URLSearchParams(await readBody(ctx.req));
    const user = form.get('user') ?? '';
    const answer = form.get('answer');
    const number = form.has('number') ? Number(form.get('number')) : undefined;
    if (answer !== 'approve' && answer !== 'deny') {
      ctx.status = 400;
      ctx.body = page(okta, 'answer must be approve or deny');
      return;
    }
    try {
      okta.answerPush(user, answer, number);
    } catch (error) {
      ctx.status = 404;
      ctx.body = page(okta, (error as Error).message);
      return;
    }
    ctx.body = page(okta, answer === 'approve' ? `Approved for ${user}.` : `Denied for ${user}.`);
  };
}
