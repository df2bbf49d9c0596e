// Reads a SAML Response the way AWS will: the role/provider pairs, the session name and duration,
// and when it stops being valid. rolecall cannot check the signature (it has no IdP certificate;
// STS does that), so this parser only has to be strict about shape and must never be tricked into
// reading a second, unsigned assertion or expanding entities.
import { randomBytes } from 'node:crypto';
import { DOMParser, type Element } from '@xmldom/xmldom';
import { RolecallError } from '../../errors';

export interface SamlRole {
  roleArn: string;
  principalArn: string;
}

export interface SamlAssertion {
  /** the Response in standard base64, as AssumeRoleWithSAML wants it */
  base64: string;
  roles: SamlRole[];
  sessionName?: string;
  /** seconds; AWS caps the requested DurationSeconds with it */
  sessionDuration?: number;
  notOnOrAfter?: Date;
  issuer?: string;
}

const PROTOCOL_NS = 'urn:oasis:names:tc:SAML:2.0:protocol';
const ASSERTION_NS = 'urn:oasis:names:tc:SAML:2.0:assertion';
const SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success';
const ATTRIBUTE = 'https://aws.amazon.com/SAML/Attributes/';
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const PROVIDER_ARN = /^arn:aws[a-z-]*:iam::\d{12}:saml-provider\/[\w.-]+$/;

function invalid(message: string): RolecallError {
  return new RolecallError('SAML_ASSERTION_INVALID', message);
}

const tooLarge = () => invalid(`the SAML response is larger than ${MAX_SAML_BYTES / 1024 / 1024} MiB; a real one is a few tens of kilobytes, so rolecall refuses to read it`);

/** Decodes base64 or base64url (Keycloak), with or without padding and line breaks. */
function decode(encoded: string): Buffer {
  const compact = encoded.replace(/\s+/g, '');
  if (compact === '' || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(compact)) {
    throw invalid('the SAML response is not base64: the identity provider sent something else');
  }
  return Buffer.from(compact.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}

/** far above any real Response (a few tens of kilobytes, elements nested about ten deep) */
export const MAX_SAML_BYTES = 1024 * 1024;
export const MAX_SAML_DEPTH = 64;

/**
 * How deep elements nest, counted in one pass without building a tree (the parser would recurse
 * through every level first: 200,000 levels took seconds and hundreds of megabytes). Stops past `limit`.
 */
export function nestingDepth(xml: string, limit: number): number {
  let depth = 0;
  let deepest = 0;
  for (let i = xml.indexOf('<'); i !== -1 && i < xml.length; i = xml.indexOf('<', i + 1)) {
    const next = xml[i + 1];
    if (next === '!' || next === '?') {
      // a comment, CDATA section or processing instruction holds no elements
      const close = xml.startsWith('<!--', i) ? '-->' : xml.startsWith('<![CDATA[', i) ? ']]>' : next === '?' ? '?>' : '>';
      const end = xml.indexOf(close, i + 2);
      if (end === -1) break;
      i = end;
      continue;
    }
    if (next === '/') {
      depth--;
      continue;
    }
    // a start tag: its end is the first > outside quotes; it opens an element unless it ends in />
    let j = i + 1;
    for (let quote = ''; j < xml.length; j++) {
      const c = xml[j];
      if (quote) {
        if (c === quote) quote = '';
      } else if (c === '"' || c === "'") quote = c;
      else if (c === '>') break;
    }
    if (xml[j - 1] !== '/' && ++depth > deepest) {
      deepest = depth;
      if (deepest > limit) return deepest;
    }
    i = j;
  }
  return deepest;
}

function parseXml(xml: string): Element {
  // A SAML Response never needs a DTD; refusing it closes entity expansion and external entities.
  if (/<!DOCTYPE/i.test(xml) || /<!ENTITY/i.test(xml)) {
    throw invalid('the SAML response contains a DOCTYPE declaration, which SAML forbids; refusing to read it');
  }
  if (nestingDepth(xml, MAX_SAML_DEPTH) > MAX_SAML_DEPTH) {
    throw invalid(`the SAML response nests elements more than ${MAX_SAML_DEPTH} deep; a real one nests about ten, so rolecall refuses to read it`);
  }
  let root: Element | null;
  // xmldom wraps what onError throws in its own wording; keep the parser's message
  let problem: string | undefined;
  try {
    const doc = new DOMParser({
      locator: false,
      onError: (level, message) => {
        if (level === 'warning') return;
        problem ??= message;
        throw new Error(message);
      },
    }).parseFromString(xml, 'text/xml');
    root = doc.documentElement;
  } catch (error) {
    const reason = problem ?? (error instanceof Error ? error.message : String(error));
    throw invalid(`the SAML response is not well-formed XML: ${reason.replace(/\s+/g, ' ').slice(0, 200)}`);
  }
  if (!root || root.namespaceURI !== PROTOCOL_NS || root.localName !== 'Response') {
    const name = root ? `{${root.namespaceURI ?? ''}}${root.localName ?? root.nodeName}` : 'nothing';
    throw invalid(`expected a samlp:Response element, found ${name}`);
  }
  return root;
}

function children(parent: Element, ns: string, name: string): Element[] {
  const found: Element[] = [];
  for (let node = parent.firstChild; node; node = node.nextSibling) {
    const el = node as Element;
    if (node.nodeType === node.ELEMENT_NODE && el.namespaceURI === ns && el.localName === name) found.push(el);
  }
  return found;
}

function only(parent: Element, ns: string, name: string): Element | undefined {
  const found = children(parent, ns, name);
  if (found.length > 1) throw invalid(`the SAML response has ${found.length} ${name} elements where one is allowed`);
  return found[0];
}

function text(el: Element): string {
  return (el.textContent ?? '').trim();
}

function checkStatus(response: Element): void {
  const status = only(response, PROTOCOL_NS, 'Status');
  const code = status && only(status, PROTOCOL_NS, 'StatusCode');
  const value = code?.getAttribute('Value') ?? '';
  if (value === SUCCESS) return;
  const message = status && only(status, PROTOCOL_NS, 'StatusMessage');
  throw new RolecallError(
    'SAML_ERROR',
    `the identity provider answered with SAML status ${value || '(none)'}${message ? `: ${text(message)}` : ''}`,
  );
}

/** One Role attribute value: "role,provider" or "provider,role", as AWS accepts both. */
function parseRole(value: string): SamlRole {
  const parts = value.split(',').map((p) => p.trim());
  const roleArn = parts.find((p) => ROLE_ARN.test(p));
  const principalArn = parts.find((p) => PROVIDER_ARN.test(p));
  if (parts.length !== 2 || !roleArn || !principalArn) {
    throw invalid(
      `the Role attribute value "${value}" is not "ROLE_ARN,SAML_PROVIDER_ARN" (e.g. arn:aws:iam::123456789012:role/name,arn:aws:iam::123456789012:saml-provider/idp)`,
    );
  }
  return { roleArn, principalArn };
}

function parseDate(value: string | null, what: string): Date | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw invalid(`${what} "${value}" is not a date`);
  return date;
}

function earliest(...dates: (Date | undefined)[]): Date | undefined {
  const present = dates.filter((d): d is Date => d !== undefined);
  return present.length ? new Date(Math.min(...present.map((d) => d.getTime()))) : undefined;
}

export function parseSamlResponse(encoded: string): SamlAssertion {
  // base64 is 4/3 of what it encodes: refused before decoding anything larger than the cap
  if (encoded.length > (MAX_SAML_BYTES * 4) / 3 + 1024) throw tooLarge();
  const bytes = decode(encoded);
  if (bytes.length > MAX_SAML_BYTES) throw tooLarge();
  const response = parseXml(bytes.toString('utf8'));
  checkStatus(response);

  // Exactly one Assertion anywhere in the document: a second one (hidden in Extensions, an Object
  // or a wrapper) is the shape of a signature-wrapping attack, and the one we read must be the one
  // STS verifies.
  const everywhere = response.getElementsByTagNameNS(ASSERTION_NS, 'Assertion').length;
  const assertion = only(response, ASSERTION_NS, 'Assertion');
  if (!assertion) {
    const encrypted = children(response, ASSERTION_NS, 'EncryptedAssertion').length > 0;
    throw invalid(
      encrypted
        ? 'the SAML assertion is encrypted; rolecall must read its role attribute, so ask the IdP administrator not to encrypt assertions for this client'
        : 'the SAML response holds no Assertion',
    );
  }
  if (everywhere !== 1) throw invalid(`the SAML response holds ${everywhere} Assertion elements; exactly one is allowed`);

  const roles: SamlRole[] = [];
  let sessionName: string | undefined;
  let sessionDuration: number | undefined;
  for (const statement of children(assertion, ASSERTION_NS, 'AttributeStatement')) {
    for (const attribute of children(statement, ASSERTION_NS, 'Attribute')) {
      const name = attribute.getAttribute('Name') ?? '';
      const values = children(attribute, ASSERTION_NS, 'AttributeValue').map(text);
      if (name === `${ATTRIBUTE}Role`) {
        for (const value of values) {
          const role = parseRole(value);
          if (!roles.some((r) => r.roleArn === role.roleArn && r.principalArn === role.principalArn)) roles.push(role);
        }
      } else if (name === `${ATTRIBUTE}RoleSessionName`) {
        sessionName = values[0];
      } else if (name === `${ATTRIBUTE}SessionDuration`) {
        const raw = values[0] ?? '';
        const seconds = Number(raw);
        if (!/^\d+$/.test(raw) || seconds < 900 || seconds > 43200) {
          throw invalid(`the SessionDuration attribute "${raw}" is not a number of seconds between 900 and 43200`);
        }
        sessionDuration = seconds;
      }
    }
  }
  if (roles.length === 0) {
    throw new RolecallError('SAML_NO_ROLES', `the SAML assertion has no ${ATTRIBUTE}Role attribute values`);
  }

  const conditions = only(assertion, ASSERTION_NS, 'Conditions');
  const subject = only(assertion, ASSERTION_NS, 'Subject');
  const confirmations = subject
    ? children(subject, ASSERTION_NS, 'SubjectConfirmation').flatMap((c) => children(c, ASSERTION_NS, 'SubjectConfirmationData'))
    : [];
  const notOnOrAfter = earliest(
    parseDate(conditions?.getAttribute('NotOnOrAfter') ?? null, 'Conditions NotOnOrAfter'),
    ...confirmations.map((c) => parseDate(c.getAttribute('NotOnOrAfter'), 'SubjectConfirmationData NotOnOrAfter')),
  );
  const issuerElement = only(assertion, ASSERTION_NS, 'Issuer') ?? only(response, ASSERTION_NS, 'Issuer');

  return {
    base64: bytes.toString('base64'),
    roles,
    ...(sessionName ? { sessionName } : {}),
    ...(sessionDuration !== undefined ? { sessionDuration } : {}),
    ...(notOnOrAfter ? { notOnOrAfter } : {}),
    ...(issuerElement ? { issuer: text(issuerElement) } : {}),
  };
}

const escapeXml = (value: string) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * A bare saml:Assertion (what Keycloak's token exchange issues) wrapped in a samlp:Response, as
 * aws-cli-oidc wraps it and as AssumeRoleWithSAML takes it: Destination from the
 * SubjectConfirmationData Recipient, the Assertion's IssueInstant and Issuer, status Success, and
 * the Assertion byte for byte, so its signature still verifies. Anything else comes back as it was
 * (parseSamlResponse judges it).
 */
export function wrapBareAssertion(encoded: string): string {
  let xml: string;
  let root: Element | null;
  try {
    xml = decode(encoded).toString('utf8');
    if (/<!DOCTYPE|<!ENTITY/i.test(xml)) return encoded;
    root = new DOMParser({
      onError: (level, message) => {
        if (level !== 'warning') throw new Error(message);
      },
    }).parseFromString(xml, 'text/xml').documentElement;
  } catch {
    return encoded;
  }
  if (!root || root.namespaceURI !== ASSERTION_NS || root.localName !== 'Assertion') return encoded;
  const issuer = children(root, ASSERTION_NS, 'Issuer')[0];
  const recipient = root.getElementsByTagNameNS(ASSERTION_NS, 'SubjectConfirmationData')[0]?.getAttribute('Recipient');
  const response =
    `<samlp:Response xmlns:samlp="${PROTOCOL_NS}" ID="_${randomBytes(16).toString('hex')}" Version="2.0" IssueInstant="${escapeXml(root.getAttribute('IssueInstant') ?? '')}"` +
    (recipient ? ` Destination="${escapeXml(recipient)}"` : '') +
    '>' +
    (issuer ? `<saml:Issuer xmlns:saml="${ASSERTION_NS}">${escapeXml(text(issuer))}</saml:Issuer>` : '') +
    `<samlp:Status><samlp:StatusCode Value="${SUCCESS}"/></samlp:Status>` +
    xml.replace(/^\s*<\?xml[^>]*\?>\s*/, '') +
    '</samlp:Response>';
  return Buffer.from(response).toString('base64');
}
