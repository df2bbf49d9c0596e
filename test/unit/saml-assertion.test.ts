import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_SAML_DEPTH, nestingDepth, parseSamlResponse } from '../../src/idp/saml/assertion';
import { RolecallError } from '../../src/errors';

const ROLE = 'https://aws.amazon.com/SAML/Attributes/Role';
const DEV = 'arn:aws:iam::222222222222:role/saml-developer';
const DEV_IDP = 'arn:aws:iam::222222222222:saml-provider/testbed';
const OPS = 'arn:aws:iam::333333333333:role/saml-operator';
const OPS_IDP = 'arn:aws:iam::333333333333:saml-provider/testbed';

function attribute(name: string, values: string[]): string {
  return `<saml:Attribute Name="${name}">${values.map((v) => `<saml:AttributeValue>${v}</saml:AttributeValue>`).join('')}</saml:Attribute>`;
}

function response(opts: { attributes?: string; status?: string; assertion?: string; prolog?: string } = {}): string {
  const attributes = opts.attributes ?? attribute(ROLE, [`${DEV},${DEV_IDP}`, `${OPS_IDP},${OPS}`]);
  const assertion =
    opts.assertion ??
    `<saml:Assertion ID="a1" Version="2.0" IssueInstant="2026-01-01T00:00:00Z">
      <saml:Issuer>https://idp.example.com</saml:Issuer>
      <saml:Subject><saml:NameID>alice</saml:NameID>
        <saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">
          <saml:SubjectConfirmationData NotOnOrAfter="2026-01-01T00:05:00Z" Recipient="https://signin.aws.amazon.com/saml"/>
        </saml:SubjectConfirmation></saml:Subject>
      <saml:Conditions NotBefore="2026-01-01T00:00:00Z" NotOnOrAfter="2026-01-01T00:10:00Z">
        <saml:AudienceRestriction><saml:Audience>https://signin.aws.amazon.com/saml</saml:Audience></saml:AudienceRestriction>
      </saml:Conditions>
      <saml:AttributeStatement>${attributes}</saml:AttributeStatement>
    </saml:Assertion>`;
  return `${opts.prolog ?? '<?xml version="1.0" encoding="UTF-8"?>'}
<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="r1" Version="2.0">
  <saml:Issuer>https://idp.example.com</saml:Issuer>
  <samlp:Status><samlp:StatusCode Value="${opts.status ?? 'urn:oasis:names:tc:SAML:2.0:status:Success'}"/></samlp:Status>
  ${assertion}
</samlp:Response>`;
}

const b64 = (xml: string) => Buffer.from(xml, 'utf8').toString('base64');
const b64url = (xml: string) => Buffer.from(xml, 'utf8').toString('base64url');

function refused(code: string, pattern: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof RolecallError, `expected a RolecallError, got ${String(error)}`);
    assert.equal(error.code, code);
    assert.match(error.message, pattern);
    return true;
  };
}

test('role/provider pairs are read in either order', () => {
  const parsed = parseSamlResponse(b64(response()));
  assert.deepEqual(parsed.roles, [
    { roleArn: DEV, principalArn: DEV_IDP },
    { roleArn: OPS, principalArn: OPS_IDP },
  ]);
  assert.equal(parsed.issuer, 'https://idp.example.com');
  // the earliest of Conditions and SubjectConfirmationData
  assert.equal(parsed.notOnOrAfter?.toISOString(), '2026-01-01T00:05:00.000Z');
});

test('values with spaces around the comma and duplicates are normalised', () => {
  const parsed = parseSamlResponse(b64(response({ attributes: attribute(ROLE, [` ${DEV} , ${DEV_IDP} `, `${DEV_IDP},${DEV}`]) })));
  assert.deepEqual(parsed.roles, [{ roleArn: DEV, principalArn: DEV_IDP }]);
});

test('base64url without padding (Keycloak) decodes, and is re-encoded as standard base64 for STS', () => {
  // a non-ASCII session name makes the base64 and base64url alphabets differ
  const xml = response({
    attributes: attribute(ROLE, [`${DEV},${DEV_IDP}`]) + attribute('https://aws.amazon.com/SAML/Attributes/RoleSessionName', ['zoë>?~~']),
  });
  const url = b64url(xml);
  assert.match(url, /[-_]/, 'the fixture must exercise the url-safe alphabet');
  const parsed = parseSamlResponse(url);
  assert.equal(parsed.base64, b64(xml));
  assert.equal(parsed.sessionName, 'zoë>?~~');
  assert.equal(parseSamlResponse(b64(xml).replace(/(.{76})/g, '$1\r\n')).base64, b64(xml), 'line-wrapped base64 is accepted');
});

test('SessionDuration and RoleSessionName attributes', () => {
  const parsed = parseSamlResponse(
    b64(
      response({
        attributes:
          attribute(ROLE, [`${DEV},${DEV_IDP}`]) +
          attribute('https://aws.amazon.com/SAML/Attributes/SessionDuration', ['7200']) +
          attribute('https://aws.amazon.com/SAML/Attributes/RoleSessionName', ['alice@example.com']),
      }),
    ),
  );
  assert.equal(parsed.sessionDuration, 7200);
  assert.equal(parsed.sessionName, 'alice@example.com');
  for (const bad of ['60', '50000', '1h', '']) {
    assert.throws(
      () => parseSamlResponse(b64(response({ attributes: attribute(ROLE, [`${DEV},${DEV_IDP}`]) + attribute('https://aws.amazon.com/SAML/Attributes/SessionDuration', [bad]) }))),
      refused('SAML_ASSERTION_INVALID', /SessionDuration/),
    );
  }
});

test('namespace prefixes do not matter, namespaces do', () => {
  const xml = response()
    .replaceAll('samlp:', 'p:')
    .replaceAll('xmlns:samlp=', 'xmlns:p=')
    .replaceAll('saml:', 'a:')
    .replaceAll('xmlns:saml=', 'xmlns:a=');
  assert.equal(parseSamlResponse(b64(xml)).roles.length, 2);
  // the same names in another namespace are not SAML
  const foreign = response().replace('xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"', 'xmlns:saml="urn:example:not-saml"');
  assert.throws(() => parseSamlResponse(b64(foreign)), refused('SAML_ASSERTION_INVALID', /no Assertion/));
});

test('an assertion without role values is SAML_NO_ROLES', () => {
  assert.throws(
    () => parseSamlResponse(b64(response({ attributes: attribute('https://aws.amazon.com/SAML/Attributes/RoleSessionName', ['alice']) }))),
    refused('SAML_NO_ROLES', /Attributes\/Role/),
  );
  assert.throws(() => parseSamlResponse(b64(response({ attributes: attribute(ROLE, []) }))), refused('SAML_NO_ROLES', /Role/));
});

test('a role value that is not a role/provider pair is named', () => {
  assert.throws(
    () => parseSamlResponse(b64(response({ attributes: attribute(ROLE, [`${DEV},${OPS}`]) }))),
    refused('SAML_ASSERTION_INVALID', /saml-operator.*not "ROLE_ARN,SAML_PROVIDER_ARN"/),
  );
  assert.throws(() => parseSamlResponse(b64(response({ attributes: attribute(ROLE, [DEV]) }))), refused('SAML_ASSERTION_INVALID', /ROLE_ARN,SAML_PROVIDER_ARN/));
});

test('malformed input is SAML_ASSERTION_INVALID', () => {
  assert.throws(() => parseSamlResponse(''), refused('SAML_ASSERTION_INVALID', /not base64/));
  assert.throws(() => parseSamlResponse('<html>login</html>'), refused('SAML_ASSERTION_INVALID', /not base64/));
  assert.throws(() => parseSamlResponse(b64('<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"><unclosed>')), refused('SAML_ASSERTION_INVALID', /not well-formed/));
  assert.throws(() => parseSamlResponse(b64('{"saml_response": "x"}')), refused('SAML_ASSERTION_INVALID', /.+/));
  assert.throws(() => parseSamlResponse(b64('<html><body>Sign in</body></html>')), refused('SAML_ASSERTION_INVALID', /samlp:Response/));
});

test('DOCTYPE and entities are refused before anything is expanded', () => {
  const bomb = response({
    prolog: '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>',
    attributes: attribute(ROLE, [`${DEV},${DEV_IDP}`, '&c;']),
  });
  assert.throws(() => parseSamlResponse(b64(bomb)), refused('SAML_ASSERTION_INVALID', /DOCTYPE/));
  const xxe = response({ prolog: '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>', attributes: attribute(ROLE, ['&x;']) });
  assert.throws(() => parseSamlResponse(b64(xxe)), refused('SAML_ASSERTION_INVALID', /DOCTYPE/));
  const lowercase = response({ prolog: '<!doctype samlp:Response>' });
  assert.throws(() => parseSamlResponse(b64(lowercase)), refused('SAML_ASSERTION_INVALID', /DOCTYPE/));
});

test('a second assertion anywhere (signature wrapping) is refused', () => {
  const evil = `<saml:Assertion ID="evil"><saml:AttributeStatement>${attribute(ROLE, [`${OPS},${OPS_IDP}`])}</saml:AttributeStatement></saml:Assertion>`;
  const hidden = response().replace('<samlp:Status>', `<samlp:Extensions>${evil}</samlp:Extensions><samlp:Status>`);
  assert.throws(() => parseSamlResponse(b64(hidden)), refused('SAML_ASSERTION_INVALID', /2 Assertion elements/));
  const sibling = response().replace('</samlp:Response>', `${evil}</samlp:Response>`);
  assert.throws(() => parseSamlResponse(b64(sibling)), refused('SAML_ASSERTION_INVALID', /2 Assertion elements/));
});

test('a failed status is the IdP speaking: SAML_ERROR with its message', () => {
  const xml = response({ status: 'urn:oasis:names:tc:SAML:2.0:status:Requester' }).replace(
    '</samlp:Status>',
    '<samlp:StatusMessage>user is locked</samlp:StatusMessage></samlp:Status>',
  );
  assert.throws(() => parseSamlResponse(b64(xml)), refused('SAML_ERROR', /status:Requester: user is locked/));
});

test('an encrypted assertion says why it cannot be used', () => {
  const xml = response({ assertion: '<saml:EncryptedAssertion><xenc:EncryptedData xmlns:xenc="http://www.w3.org/2001/04/xmlenc#"/></saml:EncryptedAssertion>' });
  assert.throws(() => parseSamlResponse(b64(xml)), refused('SAML_ASSERTION_INVALID', /encrypted/));
});

test('nesting depth is counted the way the parser would see it: comments, CDATA, instructions, quotes and empty elements', () => {
  assert.equal(nestingDepth('<a><b><c/></b><b></b></a>', 10), 2);
  assert.equal(nestingDepth('<?xml version="1.0"?><!-- <x><y><z> --><a><![CDATA[<p><q><r>]]><b x="a>b" y=\'<c>\'/></a>', 10), 1);
  assert.equal(nestingDepth('<a t="/"><b></b></a>', 10), 2, 'a slash inside a quoted value does not close the tag');
  assert.equal(nestingDepth('<a>'.repeat(1000), 64), 65, 'counting stops just past the limit');
  // a real signed Response nests well within the cap
  assert.ok(nestingDepth(response(), MAX_SAML_DEPTH) < 12);
});

test('a Response nested deeper than the cap, or larger than 1 MiB, is refused before it is parsed', () => {
  const deep = response().replace('</samlp:Response>', `${'<x>'.repeat(MAX_SAML_DEPTH)}${'</x>'.repeat(MAX_SAML_DEPTH)}</samlp:Response>`);
  assert.throws(() => parseSamlResponse(b64(deep)), refused('SAML_ASSERTION_INVALID', /nests elements more than 64 deep/));
  const padded = response().replace('</samlp:Response>', `<!--${'x'.repeat(1024 * 1024)}--></samlp:Response>`);
  assert.throws(() => parseSamlResponse(b64(padded)), refused('SAML_ASSERTION_INVALID', /larger than 1 MiB/));
  // just inside the cap is read as usual
  const large = response().replace('</samlp:Response>', `<!--${'x'.repeat(512 * 1024)}--></samlp:Response>`);
  assert.equal(parseSamlResponse(b64(large)).roles.length, 2);
});
