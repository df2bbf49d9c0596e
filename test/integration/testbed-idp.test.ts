// The testbed IdP as a client sees it: openid-client v6 (the library rolecall uses) against the
// running provider, a real chromium filling its pages, jose checking ID tokens.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import * as client from 'openid-client';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import type { Browser } from 'playwright-core';
import { DEFAULT_WORLD, loadWorld, type World } from '../../testbed/world';
import { startIdp, type Idp } from '../../testbed/idp/index';
import { approveDevice, launchChromium, signIn } from '../../testbed/idp/browser-login';
import { DOMParser } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import { readFileSync } from 'node:fs';
import { SAML_SIGNING_CERT_FILE } from '../../testbed/idp/saml-response';

const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const SAML2 = 'urn:ietf:params:oauth:token-type:saml2';

let world: World;
let idp: Idp;
let browser: Browser;

before(async () => {
  world = loadWorld(DEFAULT_WORLD);
  idp = await startIdp(world, {});
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await idp?.close();
});

const alice = () => world.idpUsers.find((user) => user.username === 'alice')!;

function configFor(clientId: string, auth: client.ClientAuth = client.None()): Promise<client.Configuration> {
  return client.discovery(new URL(idp.issuer), clientId, undefined, auth, { execute: [client.allowInsecureRequests] });
}

/** a loopback redirect listener on a random port: resolves with the one callback URL it receives */
async function loopback(host: '127.0.0.1' | 'localhost' = '127.0.0.1') {
  let received!: (url: URL) => void;
  const callback = new Promise<URL>((resolve) => (received = resolve));
  const server = createServer((req, res) => {
    res.end('you can close this tab');
    received(new URL(req.url ?? '/', redirectUri));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const redirectUri = `http://${host}:${port}/callback`;
  return {
    redirectUri,
    callback,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** access tokens are RFC 9068 JWTs for the client, signed with the same keys as ID tokens */
async function verifyAccessToken(token: string, clientId = 'rolecall-cli') {
  const jwks = createRemoteJWKSet(new URL(`${idp.issuer}/jwks`));
  const { payload, protectedHeader } = await jwtVerify(token, jwks, { issuer: idp.issuer, audience: clientId, typ: 'at+jwt' });
  assert.equal(payload.client_id, clientId);
  assert.equal(payload.sub, 'alice-0001');
  assert.equal(protectedHeader.alg, 'RS256');
  return payload;
}

async function expectOAuthError(promise: Promise<unknown>, error: string, description?: RegExp) {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof client.ResponseBodyError, `expected an OAuth error response, got ${String(err)}`);
    assert.equal(err.error, error);
    if (description) assert.match(err.error_description ?? '', description);
    return true;
  });
}

const SAML_NS = 'urn:oasis:names:tc:SAML:2.0:assertion';
const DSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';

/** checks the Assertion's signature with the committed certificate (as the STS emulator will) and reads it */
function verifySamlResponse(xml: string) {
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  const assertions = doc.getElementsByTagNameNS(SAML_NS, 'Assertion');
  assert.equal(assertions.length, 1);
  const assertion = assertions[0]!;
  const signature = Array.from(doc.getElementsByTagNameNS(DSIG_NS, 'Signature')).find((element) => element.parentNode === assertion);
  assert.ok(signature, 'the Assertion carries its own signature');
  const verifier = new SignedXml({ publicCert: readFileSync(SAML_SIGNING_CERT_FILE, 'utf8') });
  verifier.loadSignature(signature.toString());
  assert.equal(verifier.checkSignature(xml), true);
  assert.deepEqual(
    verifier.getReferences().map((reference) => reference.uri),
    [`#${assertion.getAttribute('ID')}`],
  );
  const text = (name: string) => assertion.getElementsByTagNameNS(SAML_NS, name)[0]?.textContent ?? undefined;
  const attribute = (name: string) =>
    Array.from(assertion.getElementsByTagNameNS(SAML_NS, 'Attribute'))
      .filter((element) => element.getAttribute('Name') === `https://aws.amazon.com/SAML/Attributes/${name}`)
      .flatMap((element) => Array.from(element.getElementsByTagNameNS(SAML_NS, 'AttributeValue')).map((value) => value.textContent));
  const conditions = assertion.getElementsByTagNameNS(SAML_NS, 'Conditions')[0]!;
  const notOnOrAfter = Date.parse(conditions.getAttribute('NotOnOrAfter') ?? '');
  assert.ok(notOnOrAfter > Date.now() && notOnOrAfter <= Date.now() + 300_000 + 1000, 'valid for 5 minutes');
  return {
    issuer: text('Issuer'),
    nameId: text('NameID'),
    audience: text('Audience'),
    roles: attribute('Role'),
    sessionName: attribute('RoleSessionName')[0],
    sessionDuration: attribute('SessionDuration')[0],
  };
}

async function passwordLogin(config: client.Configuration, scope = 'openid email profile offline_access') {
  const user = alice();
  return client.genericGrantRequest(config, 'password', { username: user.username, password: user.password, scope });
}

test('discovery document names the endpoints, grants and PKCE method', async () => {
  const response = await fetch(`${idp.issuer}/.well-known/openid-configuration`);
  assert.equal(response.status, 200);
  const doc = (await response.json()) as Record<string, unknown>;
  assert.equal(doc.issuer, idp.issuer);
  assert.match(idp.issuer, /^http:\/\/127\.0\.0\.1:\d+$/);
  for (const key of ['authorization_endpoint', 'token_endpoint', 'jwks_uri', 'device_authorization_endpoint']) {
    assert.ok(String(doc[key]).startsWith(`${idp.issuer}/`), key);
  }
  assert.deepEqual(doc.code_challenge_methods_supported, ['S256']);
  for (const grant of ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code', 'password', TOKEN_EXCHANGE]) {
    assert.ok((doc.grant_types_supported as string[]).includes(grant), grant);
  }
  assert.deepEqual([...(doc.scopes_supported as string[])].sort(), ['email', 'offline_access', 'openid', 'profile']);
  assert.deepEqual(doc.id_token_signing_alg_values_supported, ['RS256']);
});

describe('authorization code + PKCE in a real browser', () => {
  test('sign in on a loopback redirect with a random port; the ID token verifies', async () => {
    idp.resetCounts();
    const config = await configFor('rolecall-cli');
    const listener = await loopback();
    try {
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const nonce = client.randomNonce();
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: listener.redirectUri,
        scope: 'openid email profile offline_access',
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
      const page = await browser.newPage();
      await page.goto(url.href);
      await signIn(page, alice());
      const callbackUrl = await listener.callback;
      await page.close();
      const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: verifier,
        expectedState: state,
        expectedNonce: nonce,
      });
      assert.ok(tokens.refresh_token, 'a refresh token for a client allowed the refresh_token grant');
      const jwks = createRemoteJWKSet(new URL(`${idp.issuer}/jwks`));
      const { payload, protectedHeader } = await jwtVerify(tokens.id_token!, jwks, { issuer: idp.issuer, audience: 'rolecall-cli' });
      assert.equal(protectedHeader.alg, 'RS256');
      assert.equal(payload.nonce, nonce);
      assert.equal(payload.sub, 'alice-0001');
      assert.equal(payload.email, 'alice@example.com');
      assert.equal(payload.email_verified, true);
      assert.equal(payload.name, 'alice');
      assert.equal(payload.exp! - payload.iat!, world.settings.idTokenTtlSeconds);
      const access = await verifyAccessToken(tokens.access_token);
      assert.equal(access.exp! - access.iat!, world.settings.idTokenTtlSeconds);
      assert.deepEqual(idp.counts().authorizations, 1);
      assert.equal(idp.counts().tokens.authorization_code, 1);
    } finally {
      await listener.close();
    }
  });

  test('a wrong password is refused on the page; denying consent sends access_denied to the redirect URI', async () => {
    const config = await configFor('rolecall-cli');
    const listener = await loopback('localhost');
    try {
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: listener.redirectUri,
        scope: 'openid',
        code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
        code_challenge_method: 'S256',
        state: 'state-1',
      });
      const page = await browser.newPage();
      await page.goto(url.href);
      await page.locator('#username').fill('alice');
      await page.locator('#password').fill('wrong');
      await page.locator('#submit').click();
      assert.match(await page.locator('#error').innerText(), /Invalid username or password/);
      await signIn(page, { ...alice(), consent: 'deny' });
      const callbackUrl = await listener.callback;
      await page.close();
      assert.equal(callbackUrl.searchParams.get('error'), 'access_denied');
      assert.equal(callbackUrl.searchParams.get('state'), 'state-1');
      assert.equal(callbackUrl.searchParams.get('code'), null);
    } finally {
      await listener.close();
    }
  });

  test('every client may redirect to any loopback port, and nowhere else', async () => {
    const authorize = (clientId: string, redirectUri: string) => {
      const url = new URL(`${idp.issuer}/auth`);
      url.search = new URLSearchParams({
        client_id: clientId,
        response_type: 'code',
        scope: 'openid',
        redirect_uri: redirectUri,
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
      }).toString();
      return fetch(url, { redirect: 'manual' });
    };
    for (const clientId of ['rolecall-cli', 'rolecall-confidential', 'rolecall-no-exchange']) {
      for (const redirectUri of ['http://127.0.0.1:49152/callback', 'http://localhost:61000/callback']) {
        const response = await authorize(clientId, redirectUri);
        assert.equal(response.status, 303, `${clientId} ${redirectUri}`);
        assert.match(response.headers.get('location') ?? '', /^\/interaction\/[\w-]+$/);
      }
    }
    for (const redirectUri of ['http://evil.example:49152/callback', 'http://127.0.0.1:49152/elsewhere']) {
      const response = await authorize('rolecall-cli', redirectUri);
      assert.equal(response.status, 400, redirectUri);
      assert.match(await response.text(), /id="error-error">invalid_redirect_uri</);
    }
  });

  test('an interaction page without its cookie shows an error page, not a crash', async () => {
    const response = await fetch(`${idp.issuer}/interaction/some-uid`);
    assert.equal(response.status, 400);
    assert.match(await response.text(), /id="error-error">invalid_request<.*interaction session id cookie not found/s);
  });

  test('an authorization request without PKCE is refused', async () => {
    const url = new URL(`${idp.issuer}/auth`);
    url.search = new URLSearchParams({
      client_id: 'rolecall-cli',
      response_type: 'code',
      scope: 'openid',
      redirect_uri: 'http://127.0.0.1:5555/callback',
    }).toString();
    const response = await fetch(url, { redirect: 'manual' });
    const location = new URL(response.headers.get('location') ?? '');
    assert.equal(location.origin, 'http://127.0.0.1:5555');
    assert.equal(location.searchParams.get('error'), 'invalid_request');
    assert.match(location.searchParams.get('error_description') ?? '', /requires PKCE/);
  });
});

test('device flow completed in the browser', async () => {
  const config = await configFor('rolecall-cli');
  const device = await client.initiateDeviceAuthorization(config, { scope: 'openid email offline_access' });
  assert.ok(device.verification_uri_complete);
  const page = await browser.newPage();
  const polling = client.pollDeviceAuthorizationGrant(config, device);
  await approveDevice(page, device.verification_uri, alice(), device.user_code);
  await page.close();
  const tokens = await polling;
  assert.equal(tokens.claims()?.email, 'alice@example.com');
  assert.ok(tokens.refresh_token);
  await verifyAccessToken(tokens.access_token);
});

test('device flow aborted in the browser: the poll gets access_denied', async () => {
  const config = await configFor('rolecall-cli');
  const device = await client.initiateDeviceAuthorization(config, { scope: 'openid' });
  const polling = client.pollDeviceAuthorizationGrant(config, device);
  const page = await browser.newPage();
  await page.goto(device.verification_uri_complete!);
  await page.locator('#abort').click();
  await page.locator('#aborted').waitFor();
  await page.close();
  await expectOAuthError(polling, 'access_denied');
});

describe('password grant', () => {
  test('good password: ID, access and refresh tokens', async () => {
    const tokens = await passwordLogin(await configFor('rolecall-cli'));
    assert.equal(tokens.claims()?.sub, 'alice-0001');
    assert.equal(tokens.claims()?.aud, 'rolecall-cli');
    await verifyAccessToken(tokens.access_token);
    assert.ok(tokens.refresh_token);
    assert.equal(tokens.expires_in, world.settings.idTokenTtlSeconds);
  });

  test('wrong password: invalid_grant; a client without the grant: unauthorized_client', async () => {
    const config = await configFor('rolecall-cli');
    await expectOAuthError(
      client.genericGrantRequest(config, 'password', { username: 'alice', password: 'nope', scope: 'openid' }),
      'invalid_grant',
    );
    await expectOAuthError(passwordLogin(await configFor('rolecall-no-exchange')), 'unauthorized_client');
  });
});

test('refresh gives new tokens until revokeRefreshTokens', async () => {
  const config = await configFor('rolecall-cli');
  const first = await passwordLogin(config);
  idp.resetCounts();
  const refreshed = await client.refreshTokenGrant(config, first.refresh_token!);
  assert.equal(refreshed.claims()?.email, 'alice@example.com');
  assert.notEqual(refreshed.access_token, first.access_token);
  assert.notEqual(refreshed.refresh_token, first.refresh_token, 'public clients get a rotated refresh token');
  assert.deepEqual(idp.counts().tokens, { refresh_token: 1 });
  await verifyAccessToken(refreshed.access_token);
  await idp.revokeRefreshTokens();
  await expectOAuthError(client.refreshTokenGrant(config, refreshed.refresh_token!), 'invalid_grant');
});

describe('token exchange to SAML', () => {
  test('an access token or an ID token becomes a signed SAML Response listing the roles', async () => {
    const config = await configFor('rolecall-cli');
    const tokens = await passwordLogin(config);
    for (const [token, type] of [
      [tokens.access_token, 'urn:ietf:params:oauth:token-type:access_token'],
      [tokens.id_token!, 'urn:ietf:params:oauth:token-type:id_token'],
    ] as const) {
      const answer = await client.genericGrantRequest(config, TOKEN_EXCHANGE, {
        subject_token: token,
        subject_token_type: type,
        requested_token_type: SAML2,
        audience: 'urn:amazon:webservices',
      });
      assert.equal(answer.issued_token_type, SAML2);
      assert.equal(answer.token_type, 'bearer');
      assert.ok(answer.expires_in && answer.expires_in > 0);
      assert.match(answer.access_token, /^[A-Za-z0-9_-]+$/, 'base64url');
      const saml = verifySamlResponse(Buffer.from(answer.access_token, 'base64url').toString('utf8'));
      assert.equal(saml.issuer, idp.issuer);
      assert.equal(saml.nameId, 'alice@example.com');
      assert.deepEqual(saml.roles, alice().samlRoles);
      assert.equal(saml.sessionName, 'alice@example.com');
      assert.equal(saml.audience, 'https://signin.aws.amazon.com/saml');
    }
  });

  test('refusals: not the client\'s token, unknown audience, a client without the grant, the grant turned off', async () => {
    const config = await configFor('rolecall-cli');
    const tokens = await passwordLogin(config);
    const exchange = (cfg: client.Configuration, extra: Record<string, string> = {}) =>
      client.genericGrantRequest(cfg, TOKEN_EXCHANGE, {
        subject_token: tokens.access_token,
        subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
        requested_token_type: SAML2,
        ...extra,
      });
    await expectOAuthError(exchange(config, { subject_token: 'forged' }), 'invalid_request', /subject_token is invalid/);
    // an ID token passed off as an access token (and the other way round) is refused
    await expectOAuthError(exchange(config, { subject_token: tokens.id_token! }), 'invalid_request', /subject_token is invalid/);
    await expectOAuthError(
      exchange(config, { subject_token_type: 'urn:ietf:params:oauth:token-type:id_token' }),
      'invalid_request',
      /subject_token is invalid/,
    );
    await expectOAuthError(exchange(config, { audience: 'https://evil.example' }), 'invalid_target');
    await expectOAuthError(exchange(await configFor('rolecall-no-exchange')), 'unauthorized_client');
    const confidential = await configFor('rolecall-confidential', client.ClientSecretPost('testbed-confidential-secret-0001'));
    await expectOAuthError(exchange(confidential), 'invalid_request', /not issued to rolecall-confidential/);
    const wrongSecret = await fetch(`${idp.issuer}/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('rolecall-confidential:wrong').toString('base64')}` },
      body: new URLSearchParams({ grant_type: TOKEN_EXCHANGE, subject_token: tokens.access_token, subject_token_type: 'urn:ietf:params:oauth:token-type:access_token' }),
    });
    assert.equal(wrongSecret.status, 401);
    assert.equal(((await wrongSecret.json()) as { error: string }).error, 'invalid_client');
    idp.setTokenExchange(false);
    try {
      await expectOAuthError(exchange(config), 'unsupported_grant_type', /not enabled/);
    } finally {
      idp.setTokenExchange(true);
    }
  });
});

describe('SAML POST API', () => {
  test('the right password returns a signed assertion; the raw body is recorded', async () => {
    idp.resetCounts();
    const carol = world.idpUsers.find((user) => user.username === 'carol')!;
    const body = JSON.stringify({ service: 'aws', email: carol.email, password: carol.password });
    const response = await fetch(idp.samlApiUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    assert.equal(response.status, 200);
    const answer = (await response.json()) as { saml_response: string };
    const saml = verifySamlResponse(Buffer.from(answer.saml_response, 'base64').toString('utf8'));
    assert.deepEqual(saml.roles, carol.samlRoles);
    assert.equal(idp.counts().samlApi, 1);
    assert.deepEqual(idp.samlApiBodies(), [body]);
  });

  test('a wrong password is 401 with an error', async () => {
    const response = await fetch(idp.samlApiUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'alice', password: 'wrong' }),
    });
    assert.equal(response.status, 401);
    assert.deepEqual(await response.json(), { error: 'invalid username or password' });
  });
});

test('every answer carries a Date shifted by world.settings.dateSkewSeconds, then by setDateSkew', async () => {
  const skewed = await startIdp({ ...world, settings: { ...world.settings, dateSkewSeconds: -7200 } }, {});
  const shiftOf = async (url: string) => {
    const response = await fetch(url);
    return (Date.parse(response.headers.get('date') ?? '') - Date.now()) / 1000;
  };
  try {
    for (const url of [`${skewed.issuer}/.well-known/openid-configuration`, skewed.samlApiUrl]) {
      const shift = await shiftOf(url);
      assert.ok(Math.abs(shift + 7200) < 5, `${url}: Date is ${shift} s off`);
    }
    skewed.setDateSkew(600);
    const shift = await shiftOf(`${skewed.issuer}/jwks`);
    assert.ok(Math.abs(shift - 600) < 5, `Date is ${shift} s off`);
  } finally {
    await skewed.close();
  }
});
