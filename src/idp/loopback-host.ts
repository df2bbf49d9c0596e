// What both identity providers' transports share: plain http is acceptable to a loopback host
// (tests, local proxies) and to nothing else unless the user opts in (idp/oidc/client.ts for OIDC,
// idp/saml/secure-url.ts for the SAML POST API and the token exchange).

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}
