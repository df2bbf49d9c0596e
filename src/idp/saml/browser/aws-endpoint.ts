// AWS's SAML sign-in endpoints, where an identity provider's page posts the SAMLResponse: the
// global https://signin.aws.amazon.com/saml, the regional https://REGION.signin.aws.amazon.com/saml,
// GovCloud (signin.amazonaws-us-gov.com), China (signin.amazonaws.cn), each also as
// /saml/acs/ID (a provider with SAML encryption). Requests to them are caught in the browser and
// never sent.

/** any request to an AWS sign-in host (the browser routes these to rolecall, never to the network) */
export const AWS_SIGNIN_HOST = /^https:\/\/(?:[a-z0-9-]+\.)?signin\.(?:aws\.amazon\.com|amazonaws-us-gov\.com|amazonaws\.cn)(?::443)?\//;

const SAML_ENDPOINT = /^https:\/\/(?:[a-z0-9-]+\.)?signin\.(?:aws\.amazon\.com|amazonaws-us-gov\.com|amazonaws\.cn)(?::443)?\/saml(?:\/acs\/[A-Za-z0-9]+)?\/?(?:[?#].*)?$/;

export function isAwsSamlEndpoint(url: string): boolean {
  return SAML_ENDPOINT.test(url);
}

export interface PostedSaml {
  samlResponse: string;
  relayState?: string;
}

/** The SAMLResponse (and RelayState) of a form POST body, application/x-www-form-urlencoded; undefined when it has none. */
export function samlFromForm(body: string | null | undefined): PostedSaml | undefined {
  if (!body) return undefined;
  const form = new URLSearchParams(body);
  const samlResponse = form.get('SAMLResponse');
  if (!samlResponse) return undefined;
  const relayState = form.get('RelayState');
  return { samlResponse, ...(relayState ? { relayState } : {}) };
}

/** A URL for messages: origin and path only (queries carry one-time codes and state). */
export function pageForHumans(url: string): string {
  if (!URL.canParse(url)) return url.slice(0, 200);
  const parsed = new URL(url);
  return parsed.protocol === 'about:' || parsed.protocol === 'data:' ? parsed.protocol.replace(/:$/, '') : `${parsed.origin}${parsed.pathname}`;
}
