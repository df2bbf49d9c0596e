// From assertion to credentials against the validating STS emulator: the good path with the
// assertion as rolecall parsed it, and the attacks, each refused by whichever side is right: the
// parser for what is visible without the IdP's key (a second assertion, a role not offered), STS
// for the signature and the clock.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { AssumeRoleWithSAMLCommand, STSClient } from '@aws-sdk/client-sts';
import { startTestbed, type Testbed } from '../../testbed/index';
import { AWS_SAML_AUDIENCE, buildSamlResponse, type SamlResponseOptions } from '../../testbed/idp/saml-response';
import { fetchAssertionFromPostApi } from '../../src/idp/saml/post-api';
import { exchangeForSaml } from '../../src/idp/saml/token-exchange';
import { parseSamlResponse } from '../../src/idp/saml/assertion';
import { chooseRole } from '../../src/idp/saml/choose-role';
import { setting } from '../../src/config/source';
import { createLogger } from '../../src/platform/logger';
import { ttyPrompter } from '../../src/platform/tty';
import { RolecallError } from '../../src/errors';

const DEV = { roleArn: 'arn:aws:iam::222222222222:role/saml-developer', principalArn: 'arn:aws:iam::222222222222:saml-provider/testbed' };
const OPS = { roleArn: 'arn:aws:iam::333333333333:role/saml-operator', principalArn: 'arn:aws:iam::333333333333:saml-provider/testbed' };
const accounts = new Map([
  ['staging', '222222222222'],
  ['production', '333333333333'],
]);

let testbed: Testbed;
let sts: STSClient;
before(async () => {
  testbed = await startTestbed();
  sts = new STSClient({ region: 'us-east-1', endpoint: testbed.aws.url, maxAttempts: 1 });
});
after(async () => {
  sts?.destroy();
  await testbed?.close();
});

const log = createLogger({ write: () => {} });
const noTty = ttyPrompter(() => undefined);

async function postApiAssertion(username: string): Promise<string> {
  const user = testbed.world.idpUsers.find((u) => u.username === username)!;
  return fetchAssertionFromPostApi(
    {
      url: setting(testbed.idp.samlApiUrl, { kind: 'env', name: 'SAML_IDP_ASSERTION_URL' }),
      bodyTemplate: setting('{"email": "$saml_user", "password": "$saml_password"}', { kind: 'default' }),
      allowInsecure: false,
    },
    { username: user.email, password: user.password },
    { log },
  );
}

function crafted(overrides: Partial<SamlResponseOptions> = {}): string {
  const now = Date.now();
  return buildSamlResponse({
    issuer: testbed.idp.issuer,
    subject: 'alice@example.com',
    roles: [`${DEV.roleArn},${DEV.principalArn}`],
    sessionName: 'alice@example.com',
    notOnOrAfter: new Date(now + 5 * 60_000),
    audience: AWS_SAML_AUDIENCE,
    sign: true,
    ...overrides,
  });
}

const b64 = (xml: string) => Buffer.from(xml, 'utf8').toString('base64');

function assumeWithSaml(role: { roleArn: string; principalArn: string }, base64: string, durationSeconds?: number) {
  return sts.send(new AssumeRoleWithSAMLCommand({ RoleArn: role.roleArn, PrincipalArn: role.principalArn, SAMLAssertion: base64, DurationSeconds: durationSeconds }));
}

function awsError(name: RegExp, message: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof Error);
    assert.match(error.name, name, `${error.name}: ${error.message}`);
    assert.match(error.message, message);
    return true;
  };
}

test('good path: POST API -> parsed assertion -> the role asked for -> AssumeRoleWithSAML', async () => {
  const assertion = parseSamlResponse(await postApiAssertion('alice'));
  const role = await chooseRole(assertion.roles, { roleArn: setting(OPS.roleArn, { kind: 'flag', name: '-r' }) }, { prompt: noTty, accounts });
  assert.deepEqual(role, OPS);
  testbed.aws.resetCalls();
  const answer = await assumeWithSaml(role, assertion.base64, 900);
  assert.match(answer.Credentials?.AccessKeyId ?? '', /^ASIA/);
  assert.match(answer.AssumedRoleUser?.Arn ?? '', /^arn:aws:sts::333333333333:assumed-role\/saml-operator\/alice@example\.com$/);
  assert.ok(answer.Credentials!.Expiration!.getTime() - Date.now() <= 900_000 + 5_000);
  assert.equal(testbed.aws.calls('AssumeRoleWithSAML'), 1);
});

test("the token exchange's base64url assertion, re-encoded by the parser, is accepted by STS", async () => {
  const discovery = (await (await fetch(`${testbed.idp.issuer}/.well-known/openid-configuration`)).json()) as { token_endpoint: string };
  const alice = testbed.world.idpUsers.find((u) => u.username === 'alice')!;
  const login = (await (
    await fetch(discovery.token_endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'password', client_id: 'rolecall-cli', username: 'alice', password: alice.password, scope: 'openid' }),
    })
  ).json()) as { access_token: string };
  const encoded = await exchangeForSaml(
    {
      tokenEndpoint: discovery.token_endpoint,
      clientId: 'rolecall-cli',
      authMethod: 'none',
      subjectToken: login.access_token,
      subjectTokenType: 'urn:ietf:params:oauth:token-type:access_token',
      allowInsecure: false,
    },
    { log },
  );
  const assertion = parseSamlResponse(encoded);
  const answer = await assumeWithSaml(DEV, assertion.base64);
  assert.match(answer.AssumedRoleUser?.Arn ?? '', /assumed-role\/saml-developer\//);
});

test('unsigned assertion: refused by STS (rolecall holds no IdP key to tell)', async () => {
  const assertion = parseSamlResponse(b64(crafted({ sign: false })));
  await assert.rejects(assumeWithSaml(DEV, assertion.base64), awsError(/InvalidIdentityToken/, /signature invalid/i));
});

test('tampered assertion (a role added after signing): refused by STS', async () => {
  const signed = crafted();
  const tampered = signed.replace('</saml:Attribute>', `<saml:AttributeValue>${OPS.roleArn},${OPS.principalArn}</saml:AttributeValue></saml:Attribute>`);
  assert.notEqual(tampered, signed);
  const assertion = parseSamlResponse(b64(tampered));
  assert.equal(assertion.roles.length, 2, 'the parser sees the added role; only the signature can tell');
  await assert.rejects(assumeWithSaml(OPS, assertion.base64), awsError(/InvalidIdentityToken/, /signature invalid/i));
});

test('signature wrapping (signed assertion moved, evil assertion added): refused by the parser and by STS', async () => {
  const signed = crafted();
  const start = signed.indexOf('<saml:Assertion');
  const end = signed.indexOf('</saml:Assertion>') + '</saml:Assertion>'.length;
  const original = signed.slice(start, end);
  const evil = crafted({ sign: false, roles: [`${OPS.roleArn},${OPS.principalArn}`] });
  const evilAssertion = evil.slice(evil.indexOf('<saml:Assertion'), evil.indexOf('</saml:Assertion>') + '</saml:Assertion>'.length);
  // the evil assertion takes the signed one's place; the signed one hides in Extensions, where a
  // naive verifier still finds the element its signature references
  const wrapped = signed.slice(0, start) + evilAssertion + signed.slice(end);
  const hidden = wrapped.replace('<samlp:Status>', `<samlp:Extensions>${original}</samlp:Extensions><samlp:Status>`);
  assert.throws(
    () => parseSamlResponse(b64(hidden)),
    (error: unknown) => error instanceof RolecallError && error.code === 'SAML_ASSERTION_INVALID' && /2 Assertion elements/.test(error.message),
  );
  await assert.rejects(assumeWithSaml(OPS, b64(hidden)), awsError(/InvalidIdentityToken/, /exactly one Assertion|signature/i));
});

test('expired assertion: refused by STS', async () => {
  const past = Date.now() - 60 * 60_000;
  const assertion = parseSamlResponse(b64(crafted({ issueInstant: new Date(past - 5 * 60_000), notOnOrAfter: new Date(past) })));
  assert.ok(assertion.notOnOrAfter!.getTime() < Date.now());
  await assert.rejects(assumeWithSaml(DEV, assertion.base64), awsError(/ExpiredToken/, /.+/));
});

test('a role not in the assertion: refused by rolecall before calling STS, and by STS when asked anyway', async () => {
  const assertion = parseSamlResponse(await postApiAssertion('carol'));
  assert.deepEqual(assertion.roles, [DEV]);
  await assert.rejects(
    chooseRole(assertion.roles, { roleArn: setting(OPS.roleArn, { kind: 'env', name: 'ROLE' }) }, { prompt: noTty, accounts }),
    (error: unknown) => error instanceof RolecallError && error.code === 'SAML_ROLE_NOT_FOUND' && error.message.includes('saml-developer'),
  );
  await assert.rejects(assumeWithSaml(OPS, assertion.base64), awsError(/AccessDenied/, /AssumeRoleWithSAML/));
});
