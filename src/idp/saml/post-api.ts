// coinbase's SAML POST API: POST the rendered body template to SAML_IDP_ASSERTION_URL and take the
// base64 SAML Response from the `saml_response` key of the JSON answer.
import { describeSource } from '../../config/source';
import type { SamlPostApi } from '../../plan/saml';
import { RolecallError } from '../../errors';
import type { Logger } from '../../platform/logger';
import { renderBodyTemplate } from './body-template';
import { boundedFetch } from '../bounded-answer';
import { postOnce } from './http';
import { requireSecureUrl } from './secure-url';

export type SamlPostApiSettings = Pick<SamlPostApi, 'url' | 'bodyTemplate' | 'allowInsecure'>;

/** What came back, described without values: they may echo what was sent. */
function describeAnswer(answer: unknown): string {
  if (answer === null || typeof answer !== 'object' || Array.isArray(answer)) return `a JSON ${answer === null ? 'null' : Array.isArray(answer) ? 'array' : typeof answer}`;
  const keys = Object.keys(answer);
  return keys.length ? `a JSON object with the keys ${keys.map((k) => `"${k}"`).join(', ')}` : 'an empty JSON object';
}

export async function fetchAssertionFromPostApi(
  settings: SamlPostApiSettings,
  login: { username: string; password: string },
  deps: { log: Logger },
): Promise<string> {
  deps.log.redact(login.password);
  const url = requireSecureUrl(settings.url, {
    what: 'the SAML assertion URL',
    allowInsecure: settings.allowInsecure,
    code: 'SAML_INSECURE',
    log: deps.log,
  });
  const body = renderBodyTemplate(settings.bodyTemplate, { saml_user: login.username, saml_password: login.password });
  deps.log.debug(`POST ${url.origin}${url.pathname} (SAML POST API, user ${login.username})`);
  const where = `${url.origin}${url.pathname} (from ${describeSource(settings.url.source)})`;
  const response = await postOnce(
    url,
    { headers: { 'content-type': 'application/json', accept: 'application/json' }, body },
    'the SAML assertion URL',
    'SAML_ERROR',
    boundedFetch(() => `the SAML assertion URL ${where}`),
  );
  const text = await response.text();
  let answer: unknown;
  try {
    answer = JSON.parse(text);
  } catch {
    const type = response.headers.get('content-type') ?? 'no content type';
    throw new RolecallError('SAML_ERROR', `the SAML assertion URL ${where} answered HTTP ${response.status} with ${type}, not JSON`, {
      hint: 'Check that the URL is the POST API that returns {"saml_response": ...}, not a login page.',
    });
  }
  const samlResponse = (answer as { saml_response?: unknown } | null)?.saml_response;
  if (response.ok && typeof samlResponse === 'string' && samlResponse !== '') return samlResponse;

  const refused = response.status === 401 || response.status === 403;
  const missing =
    samlResponse === undefined
      ? 'no "saml_response"'
      : typeof samlResponse !== 'string' || samlResponse === ''
        ? `a "saml_response" that is not a base64 string (${samlResponse === null ? 'null' : samlResponse === '' ? 'empty' : typeof samlResponse})`
        : 'a "saml_response", but an error status';
  throw new RolecallError(
    'SAML_ERROR',
    deps.log.mask(`the SAML assertion URL ${where} answered HTTP ${response.status} with ${describeAnswer(answer)} and ${missing}`),
    refused
      ? { hint: `The identity provider refused the login: check the username "${login.username}" and the password (\`rolecall password PROFILE\` stores a new one).` }
      : {},
  );
}
