// The pages a person sees when signing in to Identity Center: the browser sign-in that /authorize
// starts (sign in, allow, back to the loopback redirect with a code) and the device pages the
// device code's verification URI opens (the code, sign in, allow). Sign-in and consent reuse the
// IdP's pages, so the same element ids drive both in a browser: #username #password #submit,
// #approve #deny; the device pages add #user-code #continue (code entry), #confirm (the code
// shown), #device-success and #device-denied; a refused request shows #error.
import type { ServerResponse } from 'node:http';
import { escapeMarkup } from '../idp/escape';
import { consentPage, errorPage, loginPage, page } from '../idp/pages';
import { authenticate } from '../idp/accounts';
import { redirectRegistered } from './oidc';
import { AUTH_CODE_TTL_SECONDS, AUTH_REQUEST_TTL_SECONDS, opaque, type IdentityCenterState } from './state';

function html(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(body);
}

function redirect(res: ServerResponse, to: string): void {
  res.writeHead(302, { Location: to });
  res.end();
}

function withQuery(uri: string, params: Record<string, string>): string {
  const u = new URL(uri);
  for (const [key, value] of Object.entries(params)) u.searchParams.set(key, value);
  return u.href;
}

function codeEntryPage(error?: string): string {
  return page(
    'Authorize request',
    `${error ? `<p id="error" role="alert">${escapeMarkup(error)}</p>` : '<p>Enter the code shown on your device.</p>'}
<form method="post" action="/device"><input id="user-code" name="user_code" autocomplete="off"><button id="continue" type="submit">Next</button></form>`,
  );
}

function codeConfirmPage(userCode: string): string {
  return page(
    'Authorize request',
    `<p>Confirm that your device shows the code <code id="user-code-shown">${escapeMarkup(userCode)}</code>.</p>
<form method="post" action="/device/${encodeURIComponent(userCode)}/confirm"><button id="confirm" type="submit">Confirm and continue</button></form>`,
  );
}

/** the user who signed in with the form's username and password and may use Identity Center */
function signedIn(state: IdentityCenterState, form: URLSearchParams): string | undefined {
  const user = authenticate(state.world, form.get('username') ?? '', form.get('password') ?? '');
  return user && state.mayUseIdentityCenter(user.username) ? user.username : undefined;
}

/** GET /authorize: the authorization code request of a registered client, as the AWS CLI sends it */
function authorize(state: IdentityCenterState, url: URL, res: ServerResponse): void {
  const q = url.searchParams;
  const client = state.clients.get(q.get('client_id') ?? '');
  const redirectUri = q.get('redirect_uri') ?? '';
  // without a known client and its registered redirect URI there is nowhere safe to send an error
  if (!client || client.expiresAt <= Date.now()) return html(res, 400, errorPage({ error: 'invalid_client', error_description: 'Unknown or expired client' }));
  if (!redirectRegistered(client, redirectUri)) return html(res, 400, errorPage({ error: 'invalid_request', error_description: 'The redirect URI is not registered for this client' }));
  const state_ = q.get('state') ?? '';
  const fail = (description: string) => redirect(res, withQuery(redirectUri, { error: 'invalid_request', error_description: description, state: state_ }));
  if (q.get('response_type') !== 'code') return fail('response_type must be code');
  if (!client.grantTypes?.includes('authorization_code')) return fail('The client is not registered for the authorization_code grant');
  if (q.get('code_challenge_method') !== 'S256' || !/^[\w-]{43}$/.test(q.get('code_challenge') ?? '')) return fail('PKCE with code_challenge_method S256 is required');
  if (!state_) return fail('state is required');
  // the AWS CLI sends the scopes as "scopes", space-separated
  const scopes = (q.get('scopes') ?? '').split(' ').filter(Boolean);
  const unregistered = scopes.find((s) => !client.scopes.includes(s));
  if (unregistered !== undefined) return redirect(res, withQuery(redirectUri, { error: 'invalid_scope', error_description: `Scope not registered: ${unregistered}`, state: state_ }));
  const id = opaque('', 18);
  state.authRequests.set(id, {
    id,
    clientId: client.clientId,
    redirectUri,
    state: state_,
    codeChallenge: q.get('code_challenge')!,
    scopes: scopes.length ? scopes : client.scopes,
    expiresAt: Date.now() + AUTH_REQUEST_TTL_SECONDS * 1000,
  });
  html(res, 200, loginPage(`/authorize/${id}/login`, client.name));
}

function authorizeStep(state: IdentityCenterState, id: string, action: string, form: URLSearchParams, res: ServerResponse): void {
  const request = state.authRequests.get(id);
  if (!request || request.expiresAt <= Date.now()) return html(res, 400, errorPage({ error: 'invalid_request', error_description: 'This sign-in has expired: start it again' }));
  const client = state.clients.get(request.clientId)!;
  if (action === 'login') {
    const user = signedIn(state, form);
    if (!user) return html(res, 401, loginPage(`/authorize/${id}/login`, client.name, 'Incorrect username or password.'));
    request.user = user;
    return html(res, 200, consentPage(`/authorize/${id}/approve`, `/authorize/${id}/deny`, client.name, request.scopes.join(' ')));
  }
  if (!request.user) return html(res, 400, errorPage({ error: 'invalid_request', error_description: 'Sign in first' }));
  state.authRequests.delete(id);
  if (action === 'deny') {
    return redirect(res, withQuery(request.redirectUri, { error: 'access_denied', error_description: 'The user denied the request', state: request.state }));
  }
  const code = opaque('', 48);
  state.codes.set(code, {
    clientId: request.clientId,
    redirectUri: request.redirectUri,
    codeChallenge: request.codeChallenge,
    user: request.user,
    scopes: request.scopes,
    expiresAt: Date.now() + AUTH_CODE_TTL_SECONDS * 1000,
    used: false,
  });
  redirect(res, withQuery(request.redirectUri, { code, state: request.state }));
}

function deviceStep(state: IdentityCenterState, userCode: string, action: string, form: URLSearchParams, res: ServerResponse): void {
  const device = [...state.devices.values()].find((d) => d.userCode === userCode);
  if (!device || device.status !== 'pending' || device.expiresAt <= Date.now()) return html(res, 400, codeEntryPage('The code is not valid or has expired.'));
  const client = state.clients.get(device.clientId)!;
  const base = `/device/${encodeURIComponent(userCode)}`;
  if (action === 'confirm') return html(res, 200, loginPage(`${base}/login`, client.name));
  if (action === 'login') {
    const user = signedIn(state, form);
    if (!user) return html(res, 401, loginPage(`${base}/login`, client.name, 'Incorrect username or password.'));
    device.user = user;
    return html(res, 200, consentPage(`${base}/approve`, `${base}/deny`, client.name, client.scopes.join(' ')));
  }
  if (!device.user) return html(res, 400, errorPage({ error: 'invalid_request', error_description: 'Sign in first' }));
  if (action === 'deny') {
    device.status = 'denied';
    return html(res, 200, page('Request denied', '<p id="device-denied">You denied the request. You can close this page.</p>'));
  }
  device.status = 'approved';
  html(res, 200, page('Request approved', '<p id="device-success">Request approved: you can close this page and return to your device.</p>'));
}

const AUTHORIZE_STEP = /^\/authorize\/([\w-]+)\/(login|approve|deny)$/;
const DEVICE_STEP = /^\/device\/([^/]+)\/(confirm|login|approve|deny)$/;

/** the pages' routes; false when the request is not for a page */
export function servePage(state: IdentityCenterState, method: string, url: URL, form: URLSearchParams, res: ServerResponse): boolean {
  if (method === 'GET' && url.pathname === '/authorize') {
    authorize(state, url, res);
    return true;
  }
  if (url.pathname === '/device') {
    const code = method === 'POST' ? form.get('user_code') : url.searchParams.get('user_code');
    if (code === null) html(res, 200, codeEntryPage());
    else if ([...state.devices.values()].some((d) => d.userCode === code.trim().toUpperCase() && d.status === 'pending')) html(res, 200, codeConfirmPage(code.trim().toUpperCase()));
    else html(res, 400, codeEntryPage('The code is not valid or has expired.'));
    return true;
  }
  if (method !== 'POST') return false;
  const step = AUTHORIZE_STEP.exec(url.pathname);
  if (step) {
    authorizeStep(state, step[1]!, step[2]!, form, res);
    return true;
  }
  const device = DEVICE_STEP.exec(url.pathname);
  if (device) {
    deviceStep(state, decodeURIComponent(device[1]!), device[2]!, form, res);
    return true;
  }
  return false;
}
