// AssumeRoleWithSAML: a base64 SAML Response whose Assertion is signed with the certificate of a
// SAML provider in the world. Against signature wrapping, every fact is read from the XML that the
// signature covers (xml-crypto's signed references), never from the document as received, and the
// document must hold exactly one Assertion.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DOMParser, type Element } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import { accessDenied, expiredTokenException, invalidIdentityToken, validationError } from './fault';
import { accountOf, roleSessionPrincipal } from './identity';
import { duration, lengthBetween, MAX_ROLE_SESSION, required, withinRoleLimit } from './params';
import { trustAllows } from './policy';
import { sessionPoliciesOf } from './permissions';
import { assumedRoleUserXml, credentialsXml, findRole, type Handler } from './state';

const SAMLP = 'urn:oasis:names:tc:SAML:2.0:protocol';
const SAML = 'urn:oasis:names:tc:SAML:2.0:assertion';
const DSIG = 'http://www.w3.org/2000/09/xmldsig#';
const ROLE_ATTRIBUTE = 'https://aws.amazon.com/SAML/Attributes/Role';
const SESSION_NAME_ATTRIBUTE = 'https://aws.amazon.com/SAML/Attributes/RoleSessionName';
const SESSION_DURATION_ATTRIBUTE = 'https://aws.amazon.com/SAML/Attributes/SessionDuration';
/** AWS's sign-in endpoints for SAML: global and regional, GovCloud and China, and the per-provider /saml/acs/ID (encryption) */
const AWS_SIGNIN_SAML = /^https:\/\/(?:[a-z0-9-]+\.)?signin\.(?:aws\.amazon\.com|amazonaws-us-gov\.com|amazonaws\.cn)\/saml(?:\/acs\/[A-Za-z0-9]+)?$/;
/** the audiences AWS accepts: a sign-in endpoint, or the entity id of AWS's SAML metadata (urn:amazon:webservices, -:cn-north-1, -:govcloud) */
const AWS_AUDIENCE = (value: string) => AWS_SIGNIN_SAML.test(value) || /^urn:amazon:webservices(?::cn-north-1|:govcloud)?$/.test(value);
/** AWS allows this much clock difference with the IdP (NotBefore, IssueInstant in the future) */
const SKEW_MS = 5 * 60 * 1000;
/** an assertion is good for one use soon after it was issued, whatever its NotOnOrAfter says */
const REDEEM_WITHIN_MS = 5 * 60 * 1000;
const DENIED = 'Not authorized to perform sts:AssumeRoleWithSAML';

function parseXml(xml: string): Element {
  const doc = new DOMParser({
    onError: (level, message) => {
      if (level !== 'warning') throw new Error(message);
    },
  }).parseFromString(xml, 'text/xml');
  if (!doc.documentElement) throw new Error('no root element');
  return doc.documentElement;
}

function children(parent: Element, ns: string, name: string): Element[] {
  return Array.from(parent.childNodes).filter((n): n is Element => n.nodeType === 1 && (n as Element).namespaceURI === ns && (n as Element).localName === name);
}

function descendants(parent: Element, ns: string, name: string): Element[] {
  return Array.from(parent.getElementsByTagNameNS(ns, name));
}

const text = (el: Element | undefined) => el?.textContent?.trim() ?? '';

/** The one Assertion, as the signature covers it; throws unless a signature by `certificate` covers it. */
function signedAssertion(xml: string, root: Element, certificate: string): Element {
  if (descendants(root, SAML, 'Assertion').length !== 1 || descendants(root, SAML, 'EncryptedAssertion').length > 0) {
    throw invalidIdentityToken('Invalid SAML response: it must hold exactly one Assertion');
  }
  for (const signature of descendants(root, DSIG, 'Signature')) {
    // only the key registered with the provider counts, never a certificate inside the message
    const verifier = new SignedXml({ publicCert: certificate, getCertFromKeyInfo: () => null });
    let valid = false;
    try {
      verifier.loadSignature(signature as unknown as Node); // xmldom's Node is the DOM Node xml-crypto expects
      valid = verifier.checkSignature(xml);
    } catch {
      valid = false;
    }
    if (!valid) continue;
    for (const reference of verifier.getSignedReferences()) {
      const signed = parseXml(reference);
      if (signed.namespaceURI === SAML && signed.localName === 'Assertion') return signed;
      if (signed.namespaceURI === SAMLP && signed.localName === 'Response') {
        const inner = children(signed, SAML, 'Assertion');
        if (inner.length === 1) return inner[0]!;
      }
    }
  }
  throw invalidIdentityToken('Response signature invalid');
}

function attributeValues(assertion: Element, name: string): string[] {
  return descendants(assertion, SAML, 'Attribute')
    .filter((a) => a.getAttribute('Name') === name)
    .flatMap((a) => children(a, SAML, 'AttributeValue').map((v) => text(v)));
}

function checkTimes(assertion: Element, now: number): void {
  const expired = () => expiredTokenException('Token must be redeemed within 5 minutes of issuance');
  const at = (value: string | null) => (value ? Date.parse(value) : NaN);
  const issued = at(assertion.getAttribute('IssueInstant'));
  if (Number.isNaN(issued)) throw invalidIdentityToken('Invalid SAML response: Assertion has no IssueInstant');
  if (issued > now + SKEW_MS) throw invalidIdentityToken('Invalid SAML response: IssueInstant is in the future');
  if (now > issued + REDEEM_WITHIN_MS) throw expired();
  const conditions = children(assertion, SAML, 'Conditions')[0];
  const notBefore = at(conditions?.getAttribute('NotBefore') ?? null);
  if (notBefore > now + SKEW_MS) throw invalidIdentityToken('Invalid SAML response: the assertion is not yet valid (Conditions NotBefore)');
  const deadlines = [conditions?.getAttribute('NotOnOrAfter') ?? null, ...descendants(assertion, SAML, 'SubjectConfirmationData').map((d) => d.getAttribute('NotOnOrAfter'))]
    .map(at)
    .filter((t) => !Number.isNaN(t));
  if (deadlines.some((t) => now >= t)) throw expired();
}

function subjectType(format: string | null): string {
  if (!format) return 'unspecified';
  const short = /^urn:oasis:names:tc:SAML:2\.0:nameid-format:(persistent|transient)$/.exec(format);
  return short ? short[1]! : format;
}

export const assumeRoleWithSaml: Handler = ({ world, worldDir, sessions }, { params }) => {
  const roleArn = lengthBetween(required(params, 'RoleArn', 'roleArn'), 'roleArn', 20, 2048);
  const principalArn = lengthBetween(required(params, 'PrincipalArn', 'principalArn'), 'principalArn', 20, 2048);
  const encoded = lengthBetween(required(params, 'SAMLAssertion', 'sAMLAssertion'), 'sAMLAssertion', 4, 100000);
  const provider = world.samlProviders.find((p) => p.arn === principalArn);
  if (!provider) throw validationError('Request ARN is invalid');

  let xml: string;
  let root: Element;
  try {
    if (!/^[A-Za-z0-9+/=_\s-]+$/.test(encoded)) throw new Error('not base64');
    xml = Buffer.from(encoded, 'base64').toString('utf8');
    root = parseXml(xml);
  } catch {
    throw invalidIdentityToken('Invalid base64 SAMLResponse');
  }
  if (root.namespaceURI !== SAMLP || root.localName !== 'Response') throw invalidIdentityToken('Invalid SAML response: the root element must be a samlp:Response');
  const status = descendants(root, SAMLP, 'StatusCode')[0]?.getAttribute('Value');
  if (status !== 'urn:oasis:names:tc:SAML:2.0:status:Success') throw invalidIdentityToken(`Invalid SAML response: status ${status ?? 'missing'}`);

  const certificate = readFileSync(resolve(worldDir, provider.certificateFile), 'utf8');
  const assertion = signedAssertion(xml, root, certificate);
  checkTimes(assertion, Date.now());

  const audiences = descendants(assertion, SAML, 'Audience').map((a) => text(a));
  const audience = audiences.find(AWS_AUDIENCE);
  if (!audience) throw invalidIdentityToken(`Invalid SAML response: Audience must be https://signin.aws.amazon.com/saml or urn:amazon:webservices, not ${audiences.join(', ') || 'missing'}`);

  const pairs = attributeValues(assertion, ROLE_ATTRIBUTE).map((value) => {
    const parts = value.split(',').map((p) => p.trim());
    return { role: parts.find((p) => p.includes(':role/')), provider: parts.find((p) => p.includes(':saml-provider/')) };
  });
  if (!pairs.some((p) => p.role === roleArn && p.provider === principalArn)) throw accessDenied(DENIED);

  const sessionName = attributeValues(assertion, SESSION_NAME_ATTRIBUTE)[0];
  if (sessionName === undefined) throw invalidIdentityToken('RoleSessionName is required in AuthnResponse');
  if (!/^[\w+=,.@-]{2,64}$/.test(sessionName)) throw invalidIdentityToken('RoleSessionName in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}');

  const issuer = text(children(assertion, SAML, 'Issuer')[0]);
  const nameId = descendants(assertion, SAML, 'NameID')[0];
  const subject = text(nameId);
  // AWS: the Recipient must be a sign-in endpoint (the audience stands in when an IdP leaves it out)
  const recipient = descendants(assertion, SAML, 'SubjectConfirmationData')[0]?.getAttribute('Recipient') || audience;
  if (!AWS_SIGNIN_SAML.test(recipient)) throw invalidIdentityToken(`Invalid SAML response: Recipient must be an AWS sign-in endpoint such as https://signin.aws.amazon.com/saml, not ${recipient}`);
  const role = findRole(world, roleArn);
  const allowed =
    role !== undefined &&
    trustAllows(role.trustPolicy, {
      action: 'sts:AssumeRoleWithSAML',
      federated: principalArn,
      context: {
        // IAM's SAML:aud is the endpoint the assertion was addressed to
        'saml:aud': recipient,
        'saml:iss': issuer,
        'saml:sub': subject,
        'saml:sub_type': subjectType(nameId?.getAttribute('Format') ?? null),
        'aws:federatedprovider': principalArn,
        'aws:securetransport': 'true', // see principalContext in sts.ts
      },
    });
  if (!role || !allowed) throw accessDenied(DENIED);

  const attribute = attributeValues(assertion, SESSION_DURATION_ATTRIBUTE)[0];
  const cap = attribute !== undefined && /^\d+$/.test(attribute) ? Number(attribute) : undefined;
  // AWS: DurationSeconds defaults to 1 h whatever the assertion says; SessionDuration only caps it
  const requested = duration(params, 3600, world.settings.minSessionSeconds, MAX_ROLE_SESSION);
  const sessionPolicies = sessionPoliciesOf(world, params);
  const seconds = withinRoleLimit(Math.min(requested, cap ?? Infinity), role.maxSessionDuration, false);
  const principal = roleSessionPrincipal(role.arn, sessionName, undefined);
  const session = sessions.issue(principal, 'AssumeRoleWithSAML', seconds, false, sessionPolicies);
  const providerName = principalArn.slice(principalArn.indexOf(':saml-provider/') + ':saml-provider/'.length);
  return {
    Credentials: credentialsXml(session),
    AssumedRoleUser: assumedRoleUserXml(principal),
    Subject: subject,
    SubjectType: subjectType(nameId?.getAttribute('Format') ?? null),
    Issuer: issuer,
    Audience: recipient,
    // AWS: base64(SHA-1(Issuer + account id + "/" + provider name))
    NameQualifier: createHash('sha1').update(`${issuer}${accountOf(principalArn)}/${providerName}`).digest('base64'),
  };
};
