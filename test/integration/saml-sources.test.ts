// Where SAML assertions come from, against the real testbed IdP: coinbase's POST API and the
// OAuth 2.0 token exchange (aws-cli-oidc saml2).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_WORLD, loadWorld, type World } from '../../testbed/world';
import { startIdp, type Idp } from '../../testbed/idp/index';
import { fetchAssertionFromPostApi, type SamlPostApiSettings } from '../../src/idp/saml/post-api';
import { exchangeForSaml, type TokenExchangeOptions } from '../../src/idp/saml/token-exchange';
import { parseSamlResponse } from '../../src/idp/saml/assertion';
import { setting } from '../../src/config/source';
import { createLogger } from '../../src/platform/logger';
import { RolecallError } from '../../src/errors';

const COINBASE_TEMPLATE = '{"service": "aws", "email": "$saml_user", "password": "$saml_password"}';
const DEV = { roleArn: 'arn:aws:iam::222222222222:role/saml-developer', principalArn: 'arn:aws:iam::222222222222:saml-provider/testbed' };
const OPS = { roleArn: 'arn:aws:iam::333333333333:role/saml-operator', principalArn: 'arn:aws:iam::333333333333:saml-provider/testbed' };

let world: World;
let idp: Idp;
before(async () => {
  world = loadWorld(DEFAULT_WORLD);
  idp = await startIdp(world);
});
after(() => idp.close());

function capture() {
  let text = '';
  return { log: createLogger({ write: (s) => void (text += s), debug: true }), stderr: () => text };
}
const user = (name: string) => world.idpUsers.find((u) => u.username === name)!;

function isError(code: string, pattern: RegExp, secret?: string) {
  return (error: unknown) => {
    assert.ok(error instanceof RolecallError, `expected a RolecallError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    assert.match(error.message, pattern);
    if (secret) assert.ok(!`${error.message} ${error.hint}`.includes(secret), 'the secret must not appear in the error');
    return true;
  };
}

describe('SAML POST API (coinbase)', () => {
  const settings = (): SamlPostApiSettings => ({
    url: setting(idp.samlApiUrl, { kind: 'env', name: 'SAML_IDP_ASSERTION_URL' }),
    bodyTemplate: setting(COINBASE_TEMPLATE, { kind: 'env', name: 'SAML_IDP_REQUEST_BODY_TEMPLATE' }),
    allowInsecure: false,
  });

  test('the right password gets a signed assertion listing both of alice\'s roles', async () => {
    const alice = user('alice');
    const { log, stderr } = capture();
    const encoded = await fetchAssertionFromPostApi(settings(), { username: alice.email, password: alice.password }, { log });
    const assertion = parseSamlResponse(encoded);
    assert.deepEqual(assertion.roles, [DEV, OPS]);
    assert.equal(assertion.sessionName, alice.email);
    assert.ok(assertion.notOnOrAfter && assertion.notOnOrAfter.getTime() > Date.now());
    assert.ok(!stderr().includes(alice.password), '--debug output must not show the password');
  });

  test('a wrong password is SAML_ERROR naming what came back, never the password', async () => {
    const { log } = capture();
    await assert.rejects(
      fetchAssertionFromPostApi(settings(), { username: 'alice', password: 'wrong-password-123' }, { log }),
      isError('SAML_ERROR', /HTTP 401 with a JSON object with the keys "error" and no "saml_response"/, 'wrong-password-123'),
    );
  });

  test("carol's password (quotes, $ and a backslash) arrives intact and cannot add keys", async () => {
    const carol = user('carol');
    idp.resetCounts();
    const { log } = capture();
    const assertion = parseSamlResponse(await fetchAssertionFromPostApi(settings(), { username: 'carol', password: carol.password }, { log }));
    assert.deepEqual(assertion.roles, [DEV]);
    const [body] = idp.samlApiBodies();
    assert.deepEqual(JSON.parse(body!), { service: 'aws', email: 'carol', password: carol.password });
  });

  test('a username crafted to inject a password key is just a strange username', async () => {
    idp.resetCounts();
    const { log } = capture();
    const injected = 'carol", "password": "x", "email": "alice';
    await assert.rejects(fetchAssertionFromPostApi(settings(), { username: injected, password: 'x' }, { log }), isError('SAML_ERROR', /HTTP 401/));
    assert.deepEqual(Object.keys(JSON.parse(idp.samlApiBodies()[0]!) as object), ['service', 'email', 'password']);
  });

  test('plain http to a host that is not loopback is refused before anything is sent', async () => {
    idp.resetCounts();
    const { log } = capture();
    const remote = { ...settings(), url: setting('http://sso.example.com/api/v1/saml/sso', { kind: 'env', name: 'SAML_IDP_ASSERTION_URL' }) };
    await assert.rejects(
      fetchAssertionFromPostApi(remote, { username: 'alice', password: 'pw-never-sent' }, { log }),
      isError('SAML_INSECURE', /http:\/\/sso\.example\.com over plain http \(from environment variable SAML_IDP_ASSERTION_URL\)/),
    );
    assert.equal(idp.counts().samlApi, 0);
  });

  test('with the opt-in, http is used and warned about on every use', async () => {
    const alice = user('alice');
    // 0.0.0.0 is not a loopback name to rolecall, yet Linux delivers it to the 127.0.0.1 listener:
    // a non-loopback http URL that the test can still reach without any network
    const url = new URL(idp.samlApiUrl);
    url.hostname = '0.0.0.0';
    const remote = { ...settings(), url: setting(url.href, { kind: 'flag', name: '--saml-url' }) };
    const { log, stderr } = capture();
    await assert.rejects(fetchAssertionFromPostApi(remote, { username: alice.email, password: alice.password }, { log }), isError('SAML_INSECURE', /plain http/));
    const insecure = { ...remote, allowInsecure: true };
    for (let i = 0; i < 2; i++) {
      const assertion = parseSamlResponse(await fetchAssertionFromPostApi(insecure, { username: alice.email, password: alice.password }, { log }));
      assert.equal(assertion.roles.length, 2);
    }
    assert.equal(stderr().match(/warning: the SAML assertion URL http:\/\/0\.0\.0\.0:\d+ is plain http/g)?.length, 2);
  });

});

// What a real IdP will not do on request: redirect, answer with a login page, or send null. A tiny
// hostile server on loopback stands in for a misconfigured or malicious POST API.
describe('SAML POST API that misbehaves', () => {
  let server: Server;
  let base: string;
  const stolen: string[] = [];
  before(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        if (req.url === '/redirect') {
          res.writeHead(307, { location: `${base}/steal` }).end();
        } else if (req.url === '/steal') {
          stolen.push(body);
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"saml_response": "PHNhbWxwOlJlc3BvbnNlLz4="}');
        } else if (req.url === '/echo') {
          const sent = JSON.parse(body) as { password: string };
          res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'bad request', received: sent.password }));
        } else if (req.url === '/html') {
          res.writeHead(200, { 'content-type': 'text/html' }).end('<html><form id="login"></form></html>');
        } else {
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"saml_response": null, "status": "ok"}');
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const at = (path: string): SamlPostApiSettings => ({
    url: setting(`${base}${path}`, { kind: 'file', path: '/home/u/.aws/config', line: 3 }),
    bodyTemplate: setting(COINBASE_TEMPLATE, { kind: 'default' }),
    allowInsecure: false,
  });

  test('a redirect is not followed with the password in the body', async () => {
    const { log } = capture();
    await assert.rejects(fetchAssertionFromPostApi(at('/redirect'), { username: 'alice', password: 'never-resent-1' }, { log }), isError('SAML_ERROR', /redirect \(HTTP 307\)/));
    assert.deepEqual(stolen, []);
  });

  test('an answer echoing the password is described by its keys only', async () => {
    const { log } = capture();
    await assert.rejects(
      fetchAssertionFromPostApi(at('/echo'), { username: 'alice', password: 'echoed-secret-9' }, { log }),
      isError('SAML_ERROR', /answered HTTP 400 with a JSON object with the keys "error", "received" and no "saml_response"/, 'echoed-secret-9'),
    );
  });

  test('a login page instead of JSON', async () => {
    const { log } = capture();
    await assert.rejects(
      fetchAssertionFromPostApi(at('/html'), { username: 'alice', password: 'pw-123456' }, { log }),
      isError('SAML_ERROR', /\/html \(from \/home\/u\/\.aws\/config:3\) answered HTTP 200 with text\/html, not JSON/),
    );
  });

  test('a null saml_response', async () => {
    const { log } = capture();
    await assert.rejects(
      fetchAssertionFromPostApi(at('/null'), { username: 'alice', password: 'pw-123456' }, { log }),
      isError('SAML_ERROR', /keys "saml_response", "status" and a "saml_response" that is not a base64 string \(null\)/),
    );
  });
});

describe('token exchange to SAML (aws-cli-oidc saml2)', () => {
  let tokenEndpoint: string;
  let accessToken: string;
  let idToken: string;
  before(async () => {
    const discovery = (await (await fetch(`${idp.issuer}/.well-known/openid-configuration`)).json()) as { token_endpoint: string };
    tokenEndpoint = discovery.token_endpoint;
    const alice = user('alice');
    const response = await fetch(tokenEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'password', client_id: 'rolecall-cli', username: 'alice', password: alice.password, scope: 'openid email' }),
    });
    const tokens = (await response.json()) as { access_token: string; id_token: string };
    assert.equal(response.status, 200, JSON.stringify(tokens));
    accessToken = tokens.access_token;
    idToken = tokens.id_token;
  });
  const options = (extra: Partial<TokenExchangeOptions> = {}): TokenExchangeOptions => ({
    tokenEndpoint,
    clientId: 'rolecall-cli',
    authMethod: 'none',
    subjectToken: accessToken,
    subjectTokenType: 'urn:ietf:params:oauth:token-type:access_token',
    allowInsecure: false,
    ...extra,
  });

  test('the access token from a password login becomes a base64url SAML Response with alice\'s roles', async () => {
    const { log, stderr } = capture();
    const encoded = await exchangeForSaml(options(), { log });
    assert.match(encoded, /^[A-Za-z0-9_-]+$/, 'Keycloak-style base64url');
    const assertion = parseSamlResponse(encoded);
    assert.deepEqual(assertion.roles, [DEV, OPS]);
    assert.equal(assertion.base64, Buffer.from(encoded, 'base64url').toString('base64'));
    assert.ok(!stderr().includes(accessToken));
  });

  test('the ID token works too, with an audience the IdP knows', async () => {
    const { log } = capture();
    const encoded = await exchangeForSaml(
      options({ subjectToken: idToken, subjectTokenType: 'urn:ietf:params:oauth:token-type:id_token', audience: 'urn:amazon:webservices' }),
      { log },
    );
    assert.equal(parseSamlResponse(encoded).roles.length, 2);
  });

  test('a client without the token-exchange permission: TOKEN_EXCHANGE_UNSUPPORTED naming the client and the IdP setting', async () => {
    const { log } = capture();
    await assert.rejects(exchangeForSaml(options({ clientId: 'rolecall-no-exchange' }), { log }), (error: unknown) => {
      isError('TOKEN_EXCHANGE_UNSUPPORTED', /does not allow token exchange to SAML for client "rolecall-no-exchange" \(unauthorized_client/)(error);
      assert.match((error as RolecallError).hint, /token-exchange permission/);
      return true;
    });
  });

  test('an IdP without the feature: TOKEN_EXCHANGE_UNSUPPORTED', async (t) => {
    idp.setTokenExchange(false);
    t.after(() => idp.setTokenExchange(true));
    const { log } = capture();
    await assert.rejects(exchangeForSaml(options(), { log }), isError('TOKEN_EXCHANGE_UNSUPPORTED', /unsupported_grant_type/));
  });

  test('an unknown audience names the setting to fix', async () => {
    const { log } = capture();
    await assert.rejects(exchangeForSaml(options({ audience: 'urn:example:not-aws' }), { log }), (error: unknown) => {
      isError('OIDC_ERROR', /refused the audience "urn:example:not-aws" \(invalid_target/)(error);
      assert.match((error as RolecallError).hint, /oidc_provider_token_exchange_audience/);
      return true;
    });
  });

  test('a confidential client authenticates with client_secret_basic', async () => {
    const { log } = capture();
    const confidential = world.idpClients.find((c) => c.client_id === 'rolecall-confidential')!;
    // the wrong secret is refused as a client ...
    await assert.rejects(
      exchangeForSaml(options({ clientId: confidential.client_id, clientSecret: 'not-the-secret-000', authMethod: 'client_secret_basic' }), { log }),
      isError('OIDC_ERROR', /did not accept client "rolecall-confidential" \(invalid_client/, 'not-the-secret-000'),
    );
    // ... the right one gets past client authentication to the token check (alice's token was issued to rolecall-cli)
    await assert.rejects(
      exchangeForSaml(options({ clientId: confidential.client_id, clientSecret: confidential.client_secret!, authMethod: 'client_secret_basic' }), { log }),
      isError('OIDC_ERROR', /invalid_request: subject_token is invalid/),
    );
  });

  test('a plain-http token endpoint that is not loopback is refused', async () => {
    const { log } = capture();
    await assert.rejects(
      exchangeForSaml(options({ tokenEndpoint: 'http://idp.example.com/token' }), { log }),
      isError('OIDC_INSECURE', /token endpoint http:\/\/idp\.example\.com over plain http/),
    );
  });
});
