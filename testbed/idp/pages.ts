// The IdP's HTML: tiny, deterministic pages with stable element ids so Playwright (and a human
// running `npm run testbed`) can drive them. The ids are listed at the top of ./index.ts.
import { escapeMarkup } from './escape';

/** a whole HTML page: its title as the heading, then `body` (the Identity Center pages use it too) */
export function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>${escapeMarkup(title)}</title></head>
<body><h1>${escapeMarkup(title)}</h1>
${body}
</body></html>`;
}

export function loginPage(action: string, clientId: string, error?: string): string {
  return page(
    'Sign in to the rolecall testbed',
    `<p>Application <code id="client-id">${escapeMarkup(clientId)}</code> asks you to sign in.</p>
${error ? `<p id="error" role="alert">${escapeMarkup(error)}</p>` : ''}
<form method="post" action="${escapeMarkup(action)}">
<label>Username <input id="username" name="username" autocomplete="username" autofocus></label>
<label>Password <input id="password" name="password" type="password" autocomplete="current-password"></label>
<button id="submit" type="submit">Sign in</button>
</form>`,
  );
}

export function consentPage(approveAction: string, denyAction: string, clientId: string, scope: string): string {
  return page(
    'Allow access?',
    `<p>Application <code id="client-id">${escapeMarkup(clientId)}</code> asks for <code id="scope">${escapeMarkup(scope)}</code>.</p>
<form method="post" action="${escapeMarkup(approveAction)}"><button id="approve" type="submit">Allow</button></form>
<form method="post" action="${escapeMarkup(denyAction)}"><button id="deny" type="submit">Deny</button></form>`,
  );
}

/**
 * `form` is oidc-provider's own form (action, xsrf token, user_code input); `error` is the error
 * oidc-provider re-renders the page with, if any
 */
export function userCodeInputPage(form: string, error: unknown): string {
  // give oidc-provider's user_code input the stable id the pages promise
  const withId = form.replace('name="user_code"', 'id="user-code" name="user_code"');
  const aborted = (error as { name?: string } | undefined)?.name === 'AbortedError';
  const message = aborted
    ? '<p id="aborted" role="alert">The sign-in was aborted: the device was refused.</p>'
    : error
      ? '<p id="error" role="alert">The code you entered is incorrect, expired or already used.</p>'
      : '<p>Enter the code shown on your device.</p>';
  return page('Connect a device', `${message}
${withId}
<button id="continue" type="submit" form="op.deviceInputForm">Continue</button>`);
}

export function userCodeConfirmPage(form: string, clientId: string, userCode: string): string {
  return page(
    'Confirm the device',
    `<p>Application <code id="client-id">${escapeMarkup(clientId)}</code> shows the code <code id="user-code-shown">${escapeMarkup(userCode)}</code>.</p>
${form}
<button id="confirm" type="submit" form="op.deviceConfirmForm">Continue</button>
<button id="abort" type="submit" form="op.deviceConfirmForm" name="abort" value="yes">Abort</button>`,
  );
}

export function deviceSuccessPage(): string {
  return page('Device connected', '<p id="device-success">Sign-in successful: you can close this page and return to your device.</p>');
}

export function errorPage(fields: Record<string, string>): string {
  return page(
    'Sign-in failed',
    `<dl id="error">${Object.entries(fields)
      .map(([key, value]) => `<dt>${escapeMarkup(key)}</dt><dd id="error-${escapeMarkup(key)}">${escapeMarkup(value)}</dd>`)
      .join('')}</dl>`,
  );
}

// SAML single sign-on (./saml-sso.ts)

/** `username`: kept in the form after a failed attempt, as IdPs do */
export function samlSignInPage(tx: string, error?: string, username = ''): string {
  return page(
    'Sign in to the rolecall testbed',
    `${error ? `<p id="error" role="alert">${escapeMarkup(error)}</p>` : ''}
<form method="post" action="/saml/signin">
<input type="hidden" name="tx" value="${escapeMarkup(tx)}">
<label>Username <input id="username" name="username" value="${escapeMarkup(username)}" autocomplete="username" autofocus></label>
<label>Password <input id="password" name="password" type="password" autocomplete="current-password"></label>
<label><input id="remember" name="remember" type="checkbox" value="yes"> Stay signed in</label>
<button id="submit" type="submit">Sign in</button>
</form>`,
  );
}

export function samlTotpPage(tx: string, error?: string): string {
  return page(
    'Enter your verification code',
    `${error ? `<p id="error" role="alert">${escapeMarkup(error)}</p>` : ''}
<form method="post" action="/saml/signin/totp">
<input type="hidden" name="tx" value="${escapeMarkup(tx)}">
<label>Code from your authenticator app <input id="totp" name="totp" inputmode="numeric" autocomplete="one-time-code" autofocus></label>
<button id="verify" type="submit">Verify</button>
</form>`,
  );
}

/** the IdP's answer once signed in: the HTTP-POST binding, submitted by the page itself (a button without JavaScript) */
export function samlPostPage(acsUrl: string, samlResponse: string, relayState?: string): string {
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Signing in</title></head>
<body onload="document.forms[0].submit()">
<noscript><p>JavaScript is off: press Continue to go on.</p></noscript>
<form id="saml-post" method="post" action="${escapeMarkup(acsUrl)}">
<input type="hidden" name="SAMLResponse" value="${escapeMarkup(samlResponse)}">
${relayState === undefined ? '' : `<input type="hidden" name="RelayState" value="${escapeMarkup(relayState)}">`}
<noscript><button id="continue" type="submit">Continue</button></noscript>
</form>
</body></html>`;
}

export function samlNotAssignedPage(app: string): string {
  return page('Application not assigned', `<p id="not-assigned">The application <code>${escapeMarkup(app)}</code> is not assigned to you. Ask your administrator for access.</p>`);
}

export function samlExpiredPage(): string {
  return page('Sign-in expired', '<p id="expired">This sign-in has expired: start again from the application.</p>');
}
