// SAML Responses built and signed by samlify, an implementation independent of the testbed's own
// builder (./saml-response.ts): its Response template, its namespace layout (xs/xsi declared on
// the Assertion) and its signing. The testbed IdP issues these for the apps whose world entry says
// builder = "samlify", so that rolecall and the AWS emulator are not judged by the testbed alone.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as samlify from 'samlify';
import { escapeMarkup } from './escape';
import { AWS_ROLE_ATTRIBUTE, AWS_SESSION_DURATION_ATTRIBUTE, AWS_SESSION_NAME_ATTRIBUTE, SAML_SIGNING_CERT_FILE, SAML_SIGNING_KEY_FILE } from './saml-response';

export interface SamlifyResponseOptions {
  issuer: string;
  subject: string;
  roles: string[];
  sessionName: string;
  sessionDuration?: number;
  /** the assertion consumer service (Destination and Recipient) */
  acsUrl: string;
  /** AWS's entity id (urn:amazon:webservices) or the sign-in URL */
  audience: string;
  validitySeconds: number;
}

const EMAIL_FORMAT = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';
const { binding } = samlify.Constants.namespace;

/** The base64 SAMLResponse that samlify's IdentityProvider posts to AWS for this user. */
export async function samlifyResponse(options: SamlifyResponseOptions): Promise<string> {
  const idp = samlify.IdentityProvider({
    entityID: options.issuer,
    privateKey: readFileSync(SAML_SIGNING_KEY_FILE, 'utf8'),
    signingCert: readFileSync(SAML_SIGNING_CERT_FILE, 'utf8'),
    nameIDFormat: [EMAIL_FORMAT],
    singleSignOnService: [{ Binding: binding.redirect, Location: `${options.issuer}/saml/sso` }],
    singleLogoutService: [{ Binding: binding.redirect, Location: `${options.issuer}/saml/logout` }],
  });
  // AWS's own SP metadata (signin.aws.amazon.com/static/saml-metadata.xml) wants signed assertions
  const sp = samlify.ServiceProvider({
    entityID: options.audience,
    wantAssertionsSigned: true,
    assertionConsumerService: [{ Binding: binding.post, Location: options.acsUrl }],
    singleLogoutService: [{ Binding: binding.redirect, Location: options.acsUrl }],
  });
  const now = new Date();
  const until = new Date(now.getTime() + options.validitySeconds * 1000).toISOString();
  const id = `_${randomBytes(16).toString('hex')}`;
  const result = await idp.createLoginResponse(sp, null as never, 'post', { email: options.subject }, (template: string) => {
    // samlify escapes every tag's value, so the two XML fragments go in first
    const withStatements = template
      .replace('{AuthnStatement}', authnStatement(now, id))
      .replace('{AttributeStatement}', attributeStatement(options));
    const context = samlify.SamlLib.replaceTagsByValue(withStatements, {
      ID: id,
      AssertionID: `_${randomBytes(16).toString('hex')}`,
      Destination: options.acsUrl,
      Audience: options.audience,
      SubjectRecipient: options.acsUrl,
      Issuer: options.issuer,
      IssueInstant: now.toISOString(),
      StatusCode: samlify.Constants.StatusCode.Success,
      ConditionsNotBefore: now.toISOString(),
      ConditionsNotOnOrAfter: until,
      SubjectConfirmationDataNotOnOrAfter: until,
      NameIDFormat: EMAIL_FORMAT,
      NameID: options.subject,
      // IdP-initiated: there is no request to answer
      InResponseTo: null,
    } as never);
    return { id, context };
  });
  return result.context;
}

function authnStatement(now: Date, sessionIndex: string): string {
  return (
    `<saml:AuthnStatement AuthnInstant="${now.toISOString()}" SessionIndex="${sessionIndex}">` +
    '<saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext>' +
    '</saml:AuthnStatement>'
  );
}

// xs:string typed values, as Okta and Entra ID send them
function attributeStatement(options: SamlifyResponseOptions): string {
  const attribute = (name: string, values: string[]) =>
    `<saml:Attribute Name="${name}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri">${values
      .map((value) => `<saml:AttributeValue xsi:type="xs:string">${escapeMarkup(value)}</saml:AttributeValue>`)
      .join('')}</saml:Attribute>`;
  const attributes = [
    ...(options.roles.length === 0 ? [] : [attribute(AWS_ROLE_ATTRIBUTE, options.roles)]),
    attribute(AWS_SESSION_NAME_ATTRIBUTE, [options.sessionName]),
    ...(options.sessionDuration === undefined ? [] : [attribute(AWS_SESSION_DURATION_ATTRIBUTE, [String(options.sessionDuration)])]),
  ];
  return `<saml:AttributeStatement>${attributes.join('')}</saml:AttributeStatement>`;
}
