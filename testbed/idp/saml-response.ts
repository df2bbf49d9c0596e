// Builds SAML 2.0 Responses the way an IdP federated with AWS sends them: one Assertion whose
// AttributeStatement carries the AWS role, session name and session duration attributes.
// The testbed IdP issues these from its token exchange and POST API; tests of the STS emulator
// and of the SAML client use the same function to craft variants (unsigned, expired, tampered).
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { SignedXml } from 'xml-crypto';
import { escapeMarkup } from './escape';

export const SAML_SIGNING_KEY_FILE = new URL('./saml-signing.key', import.meta.url).pathname;
export const SAML_SIGNING_CERT_FILE = new URL('./saml-signing.crt', import.meta.url).pathname;
export const AWS_SAML_AUDIENCE = 'https://signin.aws.amazon.com/saml';
export const AWS_ROLE_ATTRIBUTE = 'https://aws.amazon.com/SAML/Attributes/Role';
export const AWS_SESSION_NAME_ATTRIBUTE = 'https://aws.amazon.com/SAML/Attributes/RoleSessionName';
export const AWS_SESSION_DURATION_ATTRIBUTE = 'https://aws.amazon.com/SAML/Attributes/SessionDuration';

export interface SamlResponseOptions {
  /** the IdP's entity id (its issuer URL) */
  issuer: string;
  /** NameID of the subject (the user's email) */
  subject: string;
  /** values of the Role attribute, verbatim: "ROLE_ARN,PRINCIPAL_ARN" in either order; none: no Role attribute at all */
  roles: string[];
  sessionName: string;
  /** seconds; omitted -> no SessionDuration attribute */
  sessionDuration?: number;
  /** end of the assertion's validity (Conditions and SubjectConfirmationData) */
  notOnOrAfter: Date;
  /** start of validity; default: issueInstant */
  notBefore?: Date;
  /** default: now */
  issueInstant?: Date;
  /** Conditions/AudienceRestriction/Audience, normally https://signin.aws.amazon.com/saml or urn:amazon:webservices */
  audience: string;
  /** SubjectConfirmationData Recipient and the Response's Destination (where it is posted); default: the audience */
  recipient?: string;
  /** sign the Assertion (enveloped RSA-SHA256 signature, exclusive c14n) */
  sign: boolean;
  /** also sign the whole Response (after the Assertion, so both signatures verify) */
  signResponse?: boolean;
  /** PEM key and certificate; default: the committed testbed pair saml-signing.key/.crt */
  privateKeyPem?: string;
  certificatePem?: string;
}

const SAMLP = 'urn:oasis:names:tc:SAML:2.0:protocol';
const SAML = 'urn:oasis:names:tc:SAML:2.0:assertion';

/** The SAML Response as XML text. AWS (AssumeRoleWithSAML) wants it base64-encoded. */
export function buildSamlResponse(options: SamlResponseOptions): string {
  const issueInstant = options.issueInstant ?? new Date();
  const notBefore = options.notBefore ?? issueInstant;
  const recipient = options.recipient ?? options.audience;
  const responseId = newId();
  const assertionId = newId();
  const attribute = (name: string, values: string[]) =>
    `<saml:Attribute Name="${escapeMarkup(name)}">${values
      .map((value) => `<saml:AttributeValue>${escapeMarkup(value)}</saml:AttributeValue>`)
      .join('')}</saml:Attribute>`;
  const attributes = [
    ...(options.roles.length === 0 ? [] : [attribute(AWS_ROLE_ATTRIBUTE, options.roles)]),
    attribute(AWS_SESSION_NAME_ATTRIBUTE, [options.sessionName]),
    ...(options.sessionDuration === undefined
      ? []
      : [attribute(AWS_SESSION_DURATION_ATTRIBUTE, [String(options.sessionDuration)])]),
  ];
  const assertion =
    `<saml:Assertion xmlns:saml="${SAML}" ID="${assertionId}" Version="2.0" IssueInstant="${iso(issueInstant)}">` +
    `<saml:Issuer>${escapeMarkup(options.issuer)}</saml:Issuer>` +
    `<saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">${escapeMarkup(options.subject)}</saml:NameID>` +
    `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">` +
    `<saml:SubjectConfirmationData NotOnOrAfter="${iso(options.notOnOrAfter)}" Recipient="${escapeMarkup(recipient)}"/>` +
    `</saml:SubjectConfirmation></saml:Subject>` +
    `<saml:Conditions NotBefore="${iso(notBefore)}" NotOnOrAfter="${iso(options.notOnOrAfter)}">` +
    `<saml:AudienceRestriction><saml:Audience>${escapeMarkup(options.audience)}</saml:Audience></saml:AudienceRestriction>` +
    `</saml:Conditions>` +
    `<saml:AuthnStatement AuthnInstant="${iso(issueInstant)}" SessionIndex="${assertionId}">` +
    `<saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext>` +
    `</saml:AuthnStatement>` +
    `<saml:AttributeStatement>${attributes.join('')}</saml:AttributeStatement>` +
    `</saml:Assertion>`;
  let xml =
    `<samlp:Response xmlns:samlp="${SAMLP}" xmlns:saml="${SAML}" ID="${responseId}" Version="2.0" ` +
    `IssueInstant="${iso(issueInstant)}" Destination="${escapeMarkup(recipient)}">` +
    `<saml:Issuer>${escapeMarkup(options.issuer)}</saml:Issuer>` +
    `<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>` +
    assertion +
    `</samlp:Response>`;
  if (options.sign) xml = sign(xml, assertionId, 'Assertion', options);
  if (options.signResponse) xml = sign(xml, responseId, 'Response', options);
  return xml;
}

// The SAML schema puts ds:Signature right after the element's Issuer.
function sign(xml: string, id: string, element: 'Assertion' | 'Response', options: SamlResponseOptions): string {
  const signer = new SignedXml({
    privateKey: options.privateKeyPem ?? readFileSync(SAML_SIGNING_KEY_FILE, 'utf8'),
    publicCert: options.certificatePem ?? readFileSync(SAML_SIGNING_CERT_FILE, 'utf8'),
    signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  });
  const target = `//*[local-name(.)='${element}' and @ID='${id}']`;
  signer.addReference({
    xpath: target,
    digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
    transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', 'http://www.w3.org/2001/10/xml-exc-c14n#'],
  });
  signer.computeSignature(xml, {
    prefix: 'ds',
    location: { reference: `${target}/*[local-name(.)='Issuer']`, action: 'after' },
  });
  return signer.getSignedXml();
}

function newId(): string {
  // xs:ID must not start with a digit
  return `_${randomBytes(16).toString('hex')}`;
}

function iso(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
