// The login and consent steps of oidc-provider's interactions (authorization code and device
// flows share them): GET /interaction/:uid shows the login form or the consent page;
// POST .../login checks the password, .../approve grants the requested scopes, .../deny sends
// access_denied back to the client.
import type Provider from 'oidc-provider';
import type { Context, Interaction, Next } from 'oidc-provider';
import type { World } from '../world';
import { authenticate } from './accounts';
import { readBody } from './http-body';
import { consentPage, errorPage, loginPage } from './pages';

const ROUTE = /^\/interaction\/([\w-]+)(?:\/(login|approve|deny))?$/;

export function interactionRoutes(provider: Provider, world: World) {
  return async function interactions(ctx: Context, next: Next): Promise<void> {
    const match = ROUTE.exec(ctx.path);
    if (!match) return next();
    try {
      await step(ctx, next, match[1]!, match[2]);
    } catch (error) {
      // e.g. the interaction cookie is missing or expired: show it like oidc-provider's own errors
      const { status, error: code, error_description: description, message } = error as Record<string, unknown>;
      ctx.status = typeof status === 'number' ? status : 500;
      ctx.type = 'html';
      ctx.body = errorPage({ error: String(code ?? 'server_error'), error_description: String(description ?? message) });
    }
  };

  async function step(ctx: Context, next: Next, uid: string, action: string | undefined): Promise<void> {
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    if (details.uid !== uid) throw new Error('interaction mismatch: finish the sign-in in the tab that started it');
    const clientId = details.params.client_id ?? '';
    const base = `/interaction/${uid}`;

    if (ctx.method === 'GET' && action === undefined) {
      ctx.type = 'html';
      ctx.body =
        details.prompt.name === 'login'
          ? loginPage(`${base}/login`, clientId)
          : consentPage(`${base}/approve`, `${base}/deny`, clientId, details.params.scope ?? '');
      return;
    }
    if (ctx.method !== 'POST' || action === undefined) return next();

    let result: Record<string, unknown>;
    if (action === 'login') {
      const form = new URLSearchParams(await readBody(ctx.req));
      const user = authenticate(world, form.get('username') ?? '', form.get('password') ?? '');
      if (!user) {
        ctx.status = 401;
        ctx.type = 'html';
        ctx.body = loginPage(`${base}/login`, clientId, 'Invalid username or password.');
        return;
      }
      result = { login: { accountId: user.sub } };
    } else if (action === 'approve') {
      result = { consent: { grantId: await grantRequested(provider, details) } };
    } else {
      result = { error: 'access_denied', error_description: 'the user denied the request' };
    }
    const returnTo = await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: action === 'approve' });
    ctx.status = 303;
    ctx.redirect(returnTo);
  }
}

// Grants what the client asked for: the testbed's users trust every registered client.
async function grantRequested(provider: Provider, details: Interaction): Promise<string> {
  const accountId = details.session?.accountId;
  const clientId = details.params.client_id;
  if (!accountId || !clientId) throw new Error('consent without a signed-in user');
  const grant = (details.grantId && (await provider.Grant.find(details.grantId))) || new provider.Grant({ accountId, clientId });
  const { missingOIDCScope, missingResourceScopes } = details.prompt.details;
  if (Array.isArray(missingOIDCScope)) grant.addOIDCScope(missingOIDCScope.join(' '));
  for (const [indicator, scopes] of Object.entries((missingResourceScopes ?? {}) as Record<string, string[]>)) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  return grant.save();
}
