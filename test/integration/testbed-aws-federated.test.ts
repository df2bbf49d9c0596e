// The emulator's unsigned STS calls: AssumeRoleWithWebIdentity against a small OIDC issuer (its
// discovery document and JWKS served here, tokens signed with jose) and AssumeRoleWithSAML with
// Responses built by the testbed IdP's own builder, including the attacks AWS must refuse.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { AssumeRoleCommand, AssumeRoleWithSAMLCommand, AssumeRoleWithWebIdentityCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { startAws, type AwsEmulator } from '../../testbed/aws/index';
import { AWS_SAML_AUDIENCE, buildSamlResponse, type SamlResponseOptions } from '../../testbed/idp/saml-response';
import { DEFAULT_WORLD, type World } from '../../testbed/world';
import { awsError, defaultWorld, keysOf, sts } from './testbed-aws-helpers';

let issuer = '';
let server: Server;
let key: CryptoKey;
let otherKey: CryptoKey;
let jwk: JWK;
let world: World;
let aws: AwsEmulator;

before(async () => {
  const pair = await generateKeyPair('RS256');
  key = pair.privateKey;
  ({ privateKey: otherKey } = await generateKeyPair('RS256'));
  jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  server = createServer((req, res) => {
    res.setHeader('Content-Type', 'application/json');
    if (req.url === '/.well-known/openid-configuration') res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks` }));
    else if (req.url === '/jwks') res.end(JSON.stringify({ keys: [jwk] }));
    else res.writeHead(404).end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  world = defaultWorld(issuer);
  // a registered provider whose issuer does not answer
  world.oidcProviders.push({ arn: 'arn:aws:iam::222222222222:oidc-provider/127.0.0.1:9', url: 'http://127.0.0.1:9', clientIds: ['rolecall-cli'] });
  aws = await startAws(world, { worldDir: dirname(DEFAULT_WORLD) });
});
after(async () => {
  await aws.close();
  server.close();
});

interface TokenOptions {
  aud?: string | string[];
  sub?: string;
  expiresIn?: string | number;
  signWith?: CryptoKey;
  iss?: string;
}

function idToken(o: TokenOptions = {}): Promise<string> {
  return new SignJWT({ email: 'alice@example.com', amr: ['pwd'] })
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setIssuer(o.iss ?? issuer)
    .setSubject(o.sub ?? 'alice-0001')
    .setAudience(o.aud ?? 'rolecall-cli')
    .setIssuedAt(Math.floor(Date.now() / 1000) - 60)
    .setExpirationTime(o.expiresIn ?? '5m')
    .sign(o.signWith ?? key);
}

const webIdentity = async (RoleArn: string, token: string, DurationSeconds?: number) =>
  sts(aws.url).send(new AssumeRoleWithWebIdentityCommand({ RoleArn, RoleSessionName: 'alice', WebIdentityToken: token, DurationSeconds }));

describe('AssumeRoleWithWebIdentity', () => {
  const developer = 'arn:aws:iam::222222222222:role/oidc-developer';

  it('trades a valid ID token for role credentials', async () => {
    aws.resetCalls();
    const out = await webIdentity(developer, await idToken());
    const host = issuer.replace('http://', '');
    assert.equal(out.SubjectFromWebIdentityToken, 'alice-0001');
    assert.equal(out.Audience, 'rolecall-cli');
    assert.equal(out.Provider, host);
    assert.equal(out.AssumedRoleUser!.Arn, 'arn:aws:sts::222222222222:assumed-role/oidc-developer/alice');
    const who = await sts(aws.url, keysOf(out.Credentials)).send(new GetCallerIdentityCommand({}));
    assert.equal(who.Arn, out.AssumedRoleUser!.Arn);
    assert.equal(aws.calls('AssumeRoleWithWebIdentity'), 1);
  });

  it('evaluates aud and sub conditions of the trust policy', async () => {
    const confidential = 'arn:aws:iam::222222222222:role/oidc-confidential';
    await webIdentity(confidential, await idToken({ aud: 'rolecall-confidential' }));
    const carol = await awsError(webIdentity(confidential, await idToken({ aud: 'rolecall-confidential', sub: 'carol-0003' })));
    assert.deepEqual(carol, { name: 'AccessDenied', message: 'Not authorized to perform sts:AssumeRoleWithWebIdentity', status: 403 });
    const wrongClient = await awsError(webIdentity(developer, await idToken({ aud: 'rolecall-confidential' })));
    assert.equal(wrongClient.name, 'AccessDenied');
  });

  it('refuses an audience the provider does not list', async () => {
    const e = await awsError(webIdentity(developer, await idToken({ aud: 'someone-else' })));
    assert.deepEqual(e, { name: 'InvalidIdentityTokenException', message: 'Incorrect token audience', status: 400 });
  });

  it('refuses an expired token with AWS text', async () => {
    const e = await awsError(webIdentity(developer, await idToken({ expiresIn: Math.floor(Date.now() / 1000) - 30 })));
    assert.equal(e.name, 'ExpiredTokenException');
    assert.match(e.message, /^Token expired: current date\/time \d+ must be before the expiration date\/time\d+$/);
  });

  it('refuses a bad signature, alg none and an unknown issuer', async () => {
    const forged = await awsError(webIdentity(developer, await idToken({ signWith: otherKey })));
    assert.equal(forged.name, 'InvalidIdentityTokenException');
    const good = await idToken();
    const [, payload] = good.split('.');
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`;
    assert.equal((await awsError(webIdentity(developer, none))).name, 'InvalidIdentityTokenException');
    const stranger = await awsError(webIdentity(developer, await idToken({ iss: 'http://127.0.0.1:9/other' })));
    assert.deepEqual(stranger, { name: 'InvalidIdentityTokenException', message: 'No OpenIDConnect provider found in your account for http://127.0.0.1:9/other', status: 400 });
    const down = await awsError(webIdentity(developer, await idToken({ iss: 'http://127.0.0.1:9' })));
    assert.equal(down.name, 'InvalidIdentityTokenException');
    assert.match(down.message, /^Couldn't retrieve verification key from your identity provider/);
  });

  it('leads through a jump role to a chained role capped at 1 h', async () => {
    const jump = await webIdentity('arn:aws:iam::222222222222:role/jump', await idToken());
    const target = await sts(aws.url, keysOf(jump.Credentials)).send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::333333333333:role/target', RoleSessionName: 'alice' }));
    assert.equal(target.AssumedRoleUser!.Arn, 'arn:aws:sts::333333333333:assumed-role/target/alice');
    const long = await awsError(webIdentity(developer, await idToken(), 43201));
    assert.equal(long.message, "1 validation error detected: Value '43201' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200");
  });
});

describe('AssumeRoleWithSAML', () => {
  const developer = 'arn:aws:iam::222222222222:role/saml-developer';
  const provider = 'arn:aws:iam::222222222222:saml-provider/testbed';
  const alice = () => world.idpUsers.find((u) => u.username === 'alice')!;
  const response = (o: Partial<SamlResponseOptions> = {}) =>
    buildSamlResponse({
      issuer: `${issuer}/saml`,
      subject: 'alice@example.com',
      roles: alice().samlRoles,
      sessionName: 'alice@example.com',
      notOnOrAfter: new Date(Date.now() + 5 * 60_000),
      audience: AWS_SAML_AUDIENCE,
      sign: true,
      ...o,
    });
  const saml = (xml: string, RoleArn = developer, PrincipalArn = provider, DurationSeconds?: number) =>
    sts(aws.url).send(new AssumeRoleWithSAMLCommand({ RoleArn, PrincipalArn, SAMLAssertion: Buffer.from(xml).toString('base64'), DurationSeconds }));

  it('trades a signed assertion for role credentials and reports the subject', async () => {
    const out = await saml(response());
    assert.equal(out.AssumedRoleUser!.Arn, 'arn:aws:sts::222222222222:assumed-role/saml-developer/alice@example.com');
    assert.equal(out.Subject, 'alice@example.com');
    assert.equal(out.SubjectType, 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress');
    assert.equal(out.Issuer, `${issuer}/saml`);
    assert.equal(out.Audience, AWS_SAML_AUDIENCE);
    assert.match(out.NameQualifier!, /^[A-Za-z0-9+/]{27}=$/);
    // the second pair is written provider-first
    const operator = await saml(response(), 'arn:aws:iam::333333333333:role/saml-operator', 'arn:aws:iam::333333333333:saml-provider/testbed');
    assert.equal(operator.AssumedRoleUser!.Arn, 'arn:aws:sts::333333333333:assumed-role/saml-operator/alice@example.com');
  });

  it('accepts a signature on the Response instead of the Assertion', async () => {
    const out = await saml(response({ sign: false, signResponse: true }));
    assert.equal(out.Subject, 'alice@example.com');
  });

  it('caps the duration with the SessionDuration attribute', async () => {
    const out = await saml(response({ sessionDuration: 1800 }), developer, provider, 7200);
    const minutes = (out.Credentials!.Expiration!.getTime() - Date.now()) / 60_000;
    assert.ok(minutes > 29 && minutes <= 30, `${minutes} min`);
  });

  it('refuses an unsigned assertion and one signed by another key', async () => {
    const unsigned = await awsError(saml(response({ sign: false })));
    assert.deepEqual(unsigned, { name: 'InvalidIdentityTokenException', message: 'Response signature invalid', status: 400 });
    // KeyInfo carries the trusted certificate, but the key that signed is the attacker's
    const attacker = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const forged = await awsError(saml(response({ privateKeyPem: attacker })));
    assert.equal(forged.message, 'Response signature invalid');
  });

  it('refuses signature wrapping and tampering', async () => {
    const signed = response();
    const assertion = /<saml:Assertion[\s\S]*<\/saml:Assertion>/.exec(signed)![0];
    const evil = /<saml:Assertion[\s\S]*<\/saml:Assertion>/.exec(
      response({ sign: false, roles: ['arn:aws:iam::333333333333:role/saml-operator,arn:aws:iam::333333333333:saml-provider/testbed'], sessionName: 'mallory' }),
    )![0];
    // the signed Assertion hidden in Extensions, the evil one where a reader looks first
    const wrapped = signed.replace(assertion, `<samlp:Extensions>${assertion}</samlp:Extensions>${evil}`);
    assert.equal((await awsError(saml(wrapped, 'arn:aws:iam::333333333333:role/saml-operator', 'arn:aws:iam::333333333333:saml-provider/testbed'))).name, 'InvalidIdentityTokenException');
    const before = signed.replace(assertion, `${evil}${assertion}`);
    assert.equal((await awsError(saml(before, 'arn:aws:iam::333333333333:role/saml-operator', 'arn:aws:iam::333333333333:saml-provider/testbed'))).name, 'InvalidIdentityTokenException');
    const tampered = signed.replace('<saml:AttributeValue>alice@example.com</saml:AttributeValue>', '<saml:AttributeValue>mallory</saml:AttributeValue>');
    assert.notEqual(tampered, signed);
    assert.deepEqual(await awsError(saml(tampered)), { name: 'InvalidIdentityTokenException', message: 'Response signature invalid', status: 400 });
  });

  it('refuses an expired assertion, and one issued more than 5 minutes ago', async () => {
    const expired = { name: 'ExpiredTokenException', message: 'Token must be redeemed within 5 minutes of issuance', status: 400 };
    const old = response({ issueInstant: new Date(Date.now() - 2 * 60_000), notOnOrAfter: new Date(Date.now() - 1000) });
    assert.deepEqual(await awsError(saml(old)), expired);
    const stale = response({ issueInstant: new Date(Date.now() - 6 * 60_000), notOnOrAfter: new Date(Date.now() + 60 * 60_000) });
    assert.deepEqual(await awsError(saml(stale)), expired);
  });

  it("accepts AWS's entity id urn:amazon:webservices as the audience (Okta's AWS app), SAML:aud being the Recipient", async () => {
    const out = await saml(response({ audience: 'urn:amazon:webservices', recipient: AWS_SAML_AUDIENCE }));
    assert.equal(out.AssumedRoleUser!.Arn, 'arn:aws:sts::222222222222:assumed-role/saml-developer/alice@example.com');
    assert.equal(out.Audience, AWS_SAML_AUDIENCE);
    // posted to a regional endpoint: saml-operator's trust policy lists only the global one
    const regional = 'https://eu-west-1.signin.aws.amazon.com/saml';
    assert.equal((await saml(response({ recipient: regional }))).Audience, regional);
    const e = await awsError(saml(response({ recipient: regional }), 'arn:aws:iam::333333333333:role/saml-operator', 'arn:aws:iam::333333333333:saml-provider/testbed'));
    assert.equal(e.name, 'AccessDenied');
  });

  it('refuses a role the assertion does not carry, and a wrong audience', async () => {
    const carol = world.idpUsers.find((u) => u.username === 'carol')!;
    const e = await awsError(saml(response({ roles: carol.samlRoles }), 'arn:aws:iam::333333333333:role/saml-operator', 'arn:aws:iam::333333333333:saml-provider/testbed'));
    assert.deepEqual(e, { name: 'AccessDenied', message: 'Not authorized to perform sts:AssumeRoleWithSAML', status: 403 });
    const audience = await awsError(saml(response({ audience: 'https://example.com/saml' })));
    assert.equal(audience.name, 'InvalidIdentityTokenException');
    const recipient = await awsError(saml(response({ recipient: 'https://example.com/saml' })));
    assert.deepEqual(recipient, {
      name: 'InvalidIdentityTokenException',
      message: 'Invalid SAML response: Recipient must be an AWS sign-in endpoint such as https://signin.aws.amazon.com/saml, not https://example.com/saml',
      status: 400,
    });
    const garbage = await awsError(
      sts(aws.url).send(new AssumeRoleWithSAMLCommand({ RoleArn: developer, PrincipalArn: provider, SAMLAssertion: Buffer.from('<not xml').toString('base64') })),
    );
    assert.deepEqual(garbage, { name: 'InvalidIdentityTokenException', message: 'Invalid base64 SAMLResponse', status: 400 });
  });
});
