// A user at the testbed IdP's pages without a browser: follows the authorization request's
// redirects with a cookie jar, signs in on the login form and answers the consent page, and returns
// where the IdP finally sent the user (the redirect URI with code and state, or an error). For
// tests of the IdP's own answers; rolecall's browser logins are driven by test/helpers/browser-agent.ts.
export interface FormLogin {
  username: string;
  password: string;
}

export async function formLogin(authorizationUrl: string, login: FormLogin, stopAt: (url: URL) => boolean): Promise<URL> {
  const jar = new Map<string, string>();
  const cookieHeader = () => [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
  const remember = (response: Response) => {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair!.indexOf('=');
      jar.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
  };
  let url = new URL(authorizationUrl);
  let body: URLSearchParams | undefined;
  for (let hop = 0; hop < 20; hop++) {
    if (stopAt(url)) return url;
    const response = await fetch(url, { method: body ? 'POST' : 'GET', body, redirect: 'manual', headers: { cookie: cookieHeader() } });
    remember(response);
    body = undefined;
    const location = response.headers.get('location');
    if (location) {
      url = new URL(location, url);
      continue;
    }
    const page = await response.text();
    const action = /<form method="post" action="([^"]+)"/.exec(page)?.[1];
    if (page.includes('id="username"') && action) {
      body = new URLSearchParams({ username: login.username, password: login.password });
      url = new URL(action.replace(/&amp;/g, '&'), url);
    } else if (page.includes('id="approve"') && action) {
      body = new URLSearchParams();
      url = new URL(action.replace(/&amp;/g, '&'), url);
    } else {
      throw new Error(`the IdP answered HTTP ${response.status} at ${url.pathname} with no form to fill: ${page.slice(0, 300)}`);
    }
  }
  throw new Error('too many redirects');
}
