// The coinbase-style SAML POST API (seed 003): POST a JSON body with the user's email or username
// and password, get {"saml_response": "<base64 SAML Response>"}. Every raw body is recorded so tests
// can check what the client sent (e.g. that a password with quotes was JSON-escaped).
import type { Context } from 'oidc-provider';
import type { World } from '../world';
import { authenticate, samlResponseFor } from './accounts';
import { readBody } from './http-body';

export const SAML_API_PATH = '/saml/assertion';

export function samlApiRoute(world: World, issuer: string, record: (body: string) => void) {
  return async function samlApi(ctx: Context, next: () => Promise<void>): Promise<void> {
    if (ctx.path !== SAML_API_PATH) return next();
    ctx.type = 'json';
    if (ctx.method !== 'POST') {
      ctx.status = 405;
      ctx.set('Allow', 'POST');
      ctx.body = { error: 'use POST with a JSON body' };
      return;
    }
    const raw = await readBody(ctx.req);
    record(raw);
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      ctx.status = 400;
      ctx.body = { error: 'the body is not valid JSON' };
      return;
    }
    const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
    const login = fields.email ?? fields.username;
    const { password } = fields;
    const user =
      typeof login === 'string' && typeof password === 'string' ? authenticate(world, login, password) : undefined;
    if (!user) {
      ctx.status = 401;
      ctx.body = { error: 'invalid username or password' };
      return;
    }
    ctx.body = { saml_response: Buffer.from(samlResponseFor(issuer, user)).toString('base64') };
  };
}
