// buildSamlResponse, the SAML Response builder that the testbed IdP issues from and that other
// tests use to craft variants: what its switches produce, checked with xml-crypto and the
// committed certificate the AWS emulator trusts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DOMParser } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import {
  AWS_SAML_AUDIENCE,
  SAML_SIGNING_CERT_FILE,
  buildSamlResponse,
  type SamlResponseOptions,
} from '../../testbed/idp/saml-response';

const SAML_NS = 'urn:oasis:names:tc:SAML:2.0:assertion';
const DSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';
const certificate = readFileSync(SAML_SIGNING_CERT_FILE, 'utf8');

const base: SamlResponseOptions = {
  issuer: 'http://127.0.0.1:1234',
  subject: 'alice@example.com',
  roles: ['arn:aws:iam::222222222222:role/saml-developer,arn:aws:iam::222222222222:saml-provider/testbed'],
  sessionName: 'alice@example.com',
  sessionDuration: 43200,
  notOnOrAfter: new Date(Date.now() + 300_000),
  audience: AWS_SAML_AUDIENCE,
  sign: true,
};

function parse(xml: string) {
  return new DOMParser().parseFromString(xml, 'text/xml');
}

/** the signatures in the document, each with the element it sits in and whether it verifies */
function signatures(xml: string) {
  return Array.from(parse(xml).getElementsByTagNameNS(DSIG_NS, 'Signature')).map((signature) => {
    const verifier = new SignedXml({ publicCert: certificate });
    verifier.loadSignature(signature.toString());
    let valid: boolean;
    try {
      valid = verifier.checkSignature(xml);
    } catch {
      valid = false;
    }
    return { parent: (signature.parentNode as { localName?: string } | null)?.localName, valid };
  });
}

function attributeValues(xml: string, name: string): string[] {
  return Array.from(parse(xml).getElementsByTagNameNS(SAML_NS, 'Attribute'))
    .filter((attribute) => attribute.getAttribute('Name') === `https://aws.amazon.com/SAML/Attributes/${name}`)
    .flatMap((attribute) => Array.from(attribute.getElementsByTagNameNS(SAML_NS, 'AttributeValue')).map((value) => value.textContent ?? ''));
}

test('signed: the Assertion carries an RSA-SHA256 signature that verifies with the testbed certificate', () => {
  const xml = buildSamlResponse(base);
  assert.deepEqual(signatures(xml), [{ parent: 'Assertion', valid: true }]);
  assert.match(xml, /SignatureMethod Algorithm="http:\/\/www\.w3\.org\/2001\/04\/xmldsig-more#rsa-sha256"/);
  assert.match(xml, /CanonicalizationMethod Algorithm="http:\/\/www\.w3\.org\/2001\/10\/xml-exc-c14n#"/);
  assert.deepEqual(attributeValues(xml, 'Role'), base.roles);
  assert.deepEqual(attributeValues(xml, 'RoleSessionName'), ['alice@example.com']);
  assert.deepEqual(attributeValues(xml, 'SessionDuration'), ['43200']);
});

test('a changed role after signing no longer verifies', () => {
  const xml = buildSamlResponse(base).replace('role/saml-developer', 'role/admin');
  assert.deepEqual(signatures(xml), [{ parent: 'Assertion', valid: false }]);
});

test('unsigned and response-signed variants', () => {
  assert.deepEqual(signatures(buildSamlResponse({ ...base, sign: false })), []);
  assert.deepEqual(signatures(buildSamlResponse({ ...base, sign: true, signResponse: true })), [
    { parent: 'Response', valid: true },
    { parent: 'Assertion', valid: true },
  ]);
});

test('validity window and audience are what the caller asked for (an expired variant)', () => {
  const notOnOrAfter = new Date('2020-01-01T00:05:00Z');
  const notBefore = new Date('2020-01-01T00:00:00Z');
  const doc = parse(buildSamlResponse({ ...base, notBefore, notOnOrAfter, sessionDuration: undefined }));
  const conditions = doc.getElementsByTagNameNS(SAML_NS, 'Conditions')[0]!;
  assert.equal(conditions.getAttribute('NotBefore'), '2020-01-01T00:00:00Z');
  assert.equal(conditions.getAttribute('NotOnOrAfter'), '2020-01-01T00:05:00Z');
  const confirmation = doc.getElementsByTagNameNS(SAML_NS, 'SubjectConfirmationData')[0]!;
  assert.equal(confirmation.getAttribute('NotOnOrAfter'), '2020-01-01T00:05:00Z');
  assert.equal(doc.getElementsByTagNameNS(SAML_NS, 'Audience')[0]?.textContent, AWS_SAML_AUDIENCE);
  assert.equal(doc.getElementsByTagNameNS(SAML_NS, 'NameID')[0]?.textContent, 'alice@example.com');
  assert.equal(attributeValues(doc.toString(), 'SessionDuration').length, 0);
});

test('markup in values stays text', () => {
  const xml = buildSamlResponse({ ...base, sessionName: 'a<b>&"c"', roles: ['x</saml:AttributeValue><evil/>'] });
  assert.deepEqual(attributeValues(xml, 'RoleSessionName'), ['a<b>&"c"']);
  assert.deepEqual(attributeValues(xml, 'Role'), ['x</saml:AttributeValue><evil/>']);
  assert.equal(parse(xml).getElementsByTagName('evil').length, 0);
  assert.deepEqual(signatures(xml), [{ parent: 'Assertion', valid: true }]);
});
