// A person at the testbed's Identity Center pages, with a plain HTTP user agent instead of a browser:
// fills the forms the pages serve (code confirmation, sign-in, consent) the way a browser submits
// them. For the browser sign-in it follows the redirect to the loopback listener, as a browser would,
// and returns that page's answer. Chromium drives the same pages in test/e2e.
export interface Person {
  username: string;
  password: string;
  /** the answer on the consent page; default approve */
  consent?: 'approve' | 'deny';
}

interface Page {
  url: string;
  status: number;
  text: string;
}

async function get(url: string): Promise<Page> {
  const response = await fetch(url, { redirect: 'manual' });
  return { url, status: response.status, text: await response.text() };
}

/** submits the page's form whose action matches `action` (the first form when not given) */
async function submit(page: Page, fields: Record<string, string> = {}, action?: RegExp): Promise<Response> {
  const forms = [...page.text.matchAll(/<form method="post" action="([^"]+)"/g)].map((m) => m[1]!.replace(/&#(\d+);/g, (_, c: string) => String.fromCharCode(Number(c))));
  const target = action ? forms.find((f) => action.test(f)) : forms[0];
  if (!target) throw new Error(`no form${action ? ` for ${action}` : ''} on ${page.url} (HTTP ${page.status}):\n${page.text}`);
  return fetch(new URL(target, page.url), { method: 'POST', body: new URLSearchParams(fields), redirect: 'manual' });
}

async function asPage(url: string, response: Response): Promise<Page> {
  return { url, status: response.status, text: await response.text() };
}

async function signInAndAnswer(page: Page, person: Person): Promise<Response> {
  const consent = await asPage(page.url, await submit(page, { username: person.username, password: person.password }));
  if (consent.status !== 200) throw new Error(`sign-in refused (HTTP ${consent.status}):\n${consent.text}`);
  return submit(consent, {}, person.consent === 'deny' ? /\/deny$/ : /\/approve$/);
}

/** opens a device code's verification URI (complete, or plain with `userCode` typed in) and answers it */
export async function approveDevice(verificationUri: string, person: Person, userCode?: string): Promise<string> {
  let page = await get(verificationUri);
  if (userCode !== undefined) page = await asPage(verificationUri, await submit(page, { user_code: userCode }));
  const signIn = await asPage(verificationUri, await submit(page));
  const done = await asPage(verificationUri, await signInAndAnswer(signIn, person));
  return done.text;
}

/** opens an authorization URL, signs in and answers: where the page redirects to (the loopback redirect URI, with the code or an error) */
export async function authorize(authorizeUrl: string, person: Person): Promise<string> {
  const page = await get(authorizeUrl);
  if (page.status !== 200) throw new Error(`the authorization page refused (HTTP ${page.status}):\n${page.text}`);
  const answer = await signInAndAnswer(page, person);
  const location = answer.headers.get('location');
  if (answer.status !== 302 || !location) throw new Error(`no redirect after the consent (HTTP ${answer.status}):\n${await answer.text()}`);
  return location;
}

/** authorize(), then the redirect followed to the loopback listener, as a browser does: its page */
export async function authorizeInBrowser(authorizeUrl: string, person: Person): Promise<{ redirectedTo: string; loopback: Page }> {
  const redirectedTo = await authorize(authorizeUrl, person);
  return { redirectedTo, loopback: await get(redirectedTo) };
}
