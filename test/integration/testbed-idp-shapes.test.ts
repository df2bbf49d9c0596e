// The testbed IdP answering as real providers do (testbed/idp/shape.ts and setQuirks): Keycloak's
// realm (direct grant with OTP, bare-Assertion token exchange, 26.2's standard exchange), Google's
// refresh-token rule, Okta's Authentication API with TOTP and Okta Verify push, a provider that
// takes client_secret_post only, refresh answers without an ID token, Entra ID's templated issuer,
// and a private CA. Plain HTTP requests, so every answer's shape is checked as a client sees it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import https from 'node:https';
import { DEFAULT_WORLD, loadWorld, type World } from '../../testbed/world';
import { startIdp, type Idp } from '../../testbed/idp/index';
import { makePrivateCa } from '../../testbed/idp/tls';
import { totpCode } from '../../testbed/aws/totp';
import { formLogin } from '../helpers/form-login';

const world: World = loadWorld(DEFAULT_WORLD);
const alice = world.idpUsers.find((u) => u.username === 'alice')!;
const carol = world.idpUsers.find((u) => u.username === 'carol')!;
const webApp = world.idpClients.find((c) => c.client_id === 'rolecall-web-app')!;

async function discovery(issuer: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${issuer}/.well-known/openid-configuration`);
  assert.equal(response.status, 200);
  return (await response.json()) as Record<string, unknown>;
}

async function token(endpoint: string, form: Record<string, string>, headers: Record<string, string> = {}) {
  const response = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(form) });
  return { status: response.status, body: (await response.json()) as Record<string, string> };
}

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

describe('generic shape: refresh without an ID token, client_secret_post only', () => {
  let idp: Idp;
  before(async () => {
    idp = await startIdp(world, { clientAuthMethods: ['client_secret_post'] });
  });
  after(() => idp.close());

  test('discovery lists client_secret_post and none only; basic is refused, post is taken', async () => {
    const doc = await discovery(idp.issuer);
    assert.deepEqual(doc.token_endpoint_auth_methods_supported, ['none', 'client_secret_post']);
    const form = { grant_type: 'password', username: 'carol', password: carol.password, scope: 'openid' };
    const basic = await token(String(doc.token_endpoint), form, { authorization: `Basic ${Buffer.from(`${webApp.client_id}:${webApp.client_secret}`).toString('base64')}` });
    assert.equal(basic.status, 401);
    assert.equal(basic.body.error, 'invalid_client');
    const post = await token(String(doc.token_endpoint), { ...form, client_id: webApp.client_id, client_secret: webApp.client_secret! });
    assert.equal(post.status, 200, JSON.stringify(post.body));
    assert.ok(post.body.id_token);
    assert.deepEqual(idp.clientAuthentications(), ['basic', 'post-or-none']);
  });

  test('refreshWithoutIdToken: the refresh answer has an access token and no ID token', async () => {
    const doc = await discovery(idp.issuer);
    const first = await token(String(doc.token_endpoint), { grant_type: 'password', username: 'carol', password: carol.password, scope: 'openid offline_access', client_id: 'rolecall-cli' });
    assert.ok(first.body.refresh_token);
    idp.setQuirks({ refreshWithoutIdToken: true });
    const refreshed = await token(String(doc.token_endpoint), { grant_type: 'refresh_token', refresh_token: first.body.refresh_token!, client_id: 'rolecall-cli' });
    assert.equal(refreshed.status, 200);
    assert.ok(refreshed.body.access_token);
    assert.equal(refreshed.body.id_token, undefined);
    idp.setQuirks({ refreshWithoutIdToken: false });
    const again = await token(String(doc.token_endpoint), { grant_type: 'refresh_token', refresh_token: refreshed.body.refresh_token!, client_id: 'rolecall-cli' });
    assert.ok(again.body.id_token);
  });

  test("Entra ID's multi-tenant discovery names a templated issuer", async () => {
    for (const tenant of ['common', 'organizations']) {
      const doc = await discovery(`${idp.origin}/${tenant}/v2.0`);
      assert.equal(doc.issuer, `${idp.origin}/{tenantid}/v2.0`);
    }
  });
});

describe('keycloak shape', () => {
  let idp: Idp;
  before(async () => {
    idp = await startIdp(world, { shape: 'keycloak' });
  });
  after(() => idp.close());

  test('a realm: issuer /realms/rolecall, endpoints under /protocol/openid-connect/', async () => {
    assert.match(idp.issuer, /^http:\/\/127\.0\.0\.1:\d+\/realms\/rolecall$/);
    const doc = await discovery(idp.issuer);
    assert.equal(doc.issuer, idp.issuer);
    assert.equal(doc.token_endpoint, `${idp.issuer}/protocol/openid-connect/token`);
    assert.equal(doc.authorization_endpoint, `${idp.issuer}/protocol/openid-connect/auth`);
    assert.equal(doc.jwks_uri, `${idp.issuer}/protocol/openid-connect/certs`);
    const keys = (await (await fetch(String(doc.jwks_uri))).json()) as { keys: unknown[] };
    assert.equal(keys.keys.length, 1);
  });

  test('the direct grant asks users with an OTP device for the code, and answers 401 "Invalid user credentials" alike', async () => {
    const endpoint = `${idp.issuer}/protocol/openid-connect/token`;
    const form = { grant_type: 'password', client_id: 'rolecall-cli', scope: 'openid', username: 'alice', password: alice.password };
    for (const wrong of [form, { ...form, totp: '000000' }, { ...form, password: 'nope', totp: totpCode(alice.totpSecretBase32!) }]) {
      const answer = await token(endpoint, wrong);
      assert.equal(answer.status, 401);
      assert.deepEqual(answer.body, { error: 'invalid_grant', error_description: 'Invalid user credentials' });
    }
    for (const name of ['totp', 'otp']) {
      const ok = await token(endpoint, { ...form, [name]: totpCode(alice.totpSecretBase32!) });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.ok(ok.body.id_token);
    }
    const noDevice = await token(endpoint, { ...form, username: 'carol', password: carol.password });
    assert.equal(noDevice.status, 200);
  });

  test('the token exchange answers a bare signed saml:Assertion; 26.2 standard exchange refuses saml2', async () => {
    const endpoint = `${idp.issuer}/protocol/openid-connect/token`;
    const login = await token(endpoint, { grant_type: 'password', client_id: 'rolecall-cli', scope: 'openid', username: 'carol', password: carol.password });
    const exchange = {
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      client_id: 'rolecall-cli',
      subject_token: login.body.access_token!,
      subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      requested_token_type: 'urn:ietf:params:oauth:token-type:saml2',
    };
    const answer = await token(endpoint, exchange);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    const xml = Buffer.from(answer.body.access_token!, 'base64url').toString('utf8');
    assert.match(xml, /^<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2\.0:assertion" ID="_[0-9a-f]+"/);
    assert.match(xml, /<ds:Signature/);
    assert.doesNotMatch(xml, /samlp:Response/);
    idp.setQuirks({ samlExchange: 'standard' });
    const refused = await token(endpoint, exchange);
    assert.equal(refused.status, 400);
    assert.deepEqual(refused.body, { error: 'invalid_request', error_description: 'requested_token_type unsupported' });
  });
});

describe('google shape', () => {
  let idp: Idp;
  before(async () => {
    idp = await startIdp(world, { shape: 'google' });
  });
  after(() => idp.close());

  async function codeLogin(extra: Record<string, string>) {
    const doc = await discovery(idp.issuer);
    const { verifier, challenge } = pkce();
    const url = new URL(String(doc.authorization_endpoint));
    const redirect = 'http://127.0.0.1:1/callback';
    for (const [k, v] of Object.entries({ client_id: 'rolecall-cli', response_type: 'code', scope: 'openid email', redirect_uri: redirect, state: 's', code_challenge: challenge, code_challenge_method: 'S256', ...extra })) url.searchParams.set(k, v);
    const back = await formLogin(url.href, { username: 'carol', password: carol.password }, (u) => u.href.startsWith(redirect));
    const code = back.searchParams.get('code');
    assert.ok(code, back.href);
    return token(String(doc.token_endpoint), { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: redirect, client_id: 'rolecall-cli' });
  }

  test('no offline_access among the scopes; a refresh token only for access_type=offline, after the first grant only with prompt=consent', async () => {
    const doc = await discovery(idp.issuer);
    assert.deepEqual(doc.scopes_supported, ['openid', 'email', 'profile']);
    assert.equal((await codeLogin({})).body.refresh_token, undefined, 'online access: no refresh token');
    assert.ok((await codeLogin({ access_type: 'offline' })).body.refresh_token, 'the first offline grant');
    assert.equal((await codeLogin({ access_type: 'offline' })).body.refresh_token, undefined, 'again, without prompt=consent');
    assert.ok((await codeLogin({ access_type: 'offline', prompt: 'consent' })).body.refresh_token, 'with prompt=consent');
  });
});

describe('okta shape', () => {
  let idp: Idp;
  before(async () => {
    idp = await startIdp(world, { shape: 'okta' });
  });
  after(() => idp.close());

  async function api(path: string, body: unknown, contentType = 'application/json') {
    const response = await fetch(new URL(path, idp.origin), { method: 'POST', headers: { 'content-type': contentType, accept: 'application/json' }, body: JSON.stringify(body) });
    assert.ok(response.headers.get('x-okta-request-id'), 'every answer carries x-okta-request-id');
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  }

  async function authorize(sessionToken: string) {
    const { verifier, challenge } = pkce();
    const url = new URL('/oauth2/v1/authorize', idp.origin);
    for (const [k, v] of Object.entries({ client_id: 'rolecall-cli', response_type: 'code', scope: 'openid email', redirect_uri: 'app:/callback', state: 'st', nonce: 'n', code_challenge: challenge, code_challenge_method: 'S256', sessionToken })) url.searchParams.set(k, v);
    const response = await fetch(url, { redirect: 'manual' });
    return { status: response.status, location: response.headers.get('location') ?? '', verifier };
  }

  test("Okta's layout: /oauth2/v1/ endpoints", async () => {
    const doc = await discovery(idp.issuer);
    assert.equal(doc.authorization_endpoint, `${idp.origin}/oauth2/v1/authorize`);
    assert.equal(doc.token_endpoint, `${idp.origin}/oauth2/v1/token`);
    assert.equal(doc.jwks_uri, `${idp.origin}/oauth2/v1/keys`);
  });

  test('a user without factors: SUCCESS, and the sessionToken opens the authorization endpoint once', async () => {
    const wrong = await api('/api/v1/authn', { username: 'carol', password: 'nope' });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.errorCode, 'E0000004');
    assert.equal(wrong.body.errorSummary, 'Authentication failed');
    const notJson = await api('/api/v1/authn', { username: 'carol' }, 'application/x-www-form-urlencoded');
    assert.equal(notJson.status, 415);

    const ok = await api('/api/v1/authn', { username: 'carol', password: carol.password });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.status, 'SUCCESS');
    const first = await authorize(ok.body.sessionToken);
    assert.ok([302, 303].includes(first.status), String(first.status));
    const back = new URL(first.location);
    assert.equal(`${back.protocol}${back.pathname}`, 'app:/callback');
    assert.equal(back.searchParams.get('state'), 'st');
    const tokens = await token(`${idp.origin}/oauth2/v1/token`, { grant_type: 'authorization_code', code: back.searchParams.get('code')!, code_verifier: first.verifier, redirect_uri: 'app:/callback', client_id: 'rolecall-cli' });
    assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
    assert.equal(JSON.parse(Buffer.from(tokens.body.id_token!.split('.')[1]!, 'base64url').toString()).sub, carol.sub);
    const again = await authorize(ok.body.sessionToken);
    assert.doesNotMatch(again.location, /^app:/, 'a spent sessionToken signs nobody in');
  });

  test('TOTP: MFA_REQUIRED lists the factors; a wrong passcode is E0000068; the right one is SUCCESS', async () => {
    const first = await api('/api/v1/authn', { username: 'alice', password: alice.password });
    assert.equal(first.body.status, 'MFA_REQUIRED');
    const factors = first.body._embedded.factors as { factorType: string; _links: { verify: { href: string } } }[];
    assert.deepEqual(factors.map((f) => f.factorType), ['token:software:totp', 'push']);
    const totp = factors[0]!._links.verify.href;
    const wrong = await api(totp, { stateToken: first.body.stateToken, passCode: '000000' });
    assert.equal(wrong.status, 403);
    assert.equal(wrong.body.errorCode, 'E0000068');
    const badState = await api(totp, { stateToken: 'forged', passCode: totpCode(alice.totpSecretBase32!) });
    assert.equal(badState.body.errorCode, 'E0000011');
    const ok = await api(totp, { stateToken: first.body.stateToken, passCode: totpCode(alice.totpSecretBase32!) });
    assert.equal(ok.body.status, 'SUCCESS');
    assert.ok(ok.body.sessionToken);
  });

  test('push: WAITING until the phone answers; approve, deny, timeout, number challenge', async () => {
    const start = async () => {
      const first = await api('/api/v1/authn', { username: 'alice', password: alice.password });
      const push = (first.body._embedded.factors as { factorType: string; _links: { verify: { href: string } } }[]).find((f) => f.factorType === 'push')!;
      const waiting = await api(push._links.verify.href, { stateToken: first.body.stateToken });
      assert.equal(waiting.body.status, 'MFA_CHALLENGE');
      assert.equal(waiting.body.factorResult, 'WAITING');
      return { poll: () => api(waiting.body._links.next.href, { stateToken: first.body.stateToken }), waiting };
    };
    const approved = await start();
    assert.equal((await approved.poll()).body.factorResult, 'WAITING');
    idp.okta.answerPush('alice', 'approve');
    assert.equal((await approved.poll()).body.status, 'SUCCESS');

    const denied = await start();
    idp.okta.answerPush('alice', 'deny');
    assert.equal((await denied.poll()).body.factorResult, 'REJECTED');

    idp.okta.setPush({ timeoutSeconds: 0 });
    const late = await start();
    await new Promise((r) => setTimeout(r, 20));
    assert.equal((await late.poll()).body.factorResult, 'TIMEOUT');

    idp.okta.setPush({ timeoutSeconds: 300, numberChallenge: true });
    const numbered = await start();
    const shown = numbered.waiting.body._embedded.factor._embedded.challenge.correctAnswer as number;
    const [pending] = idp.okta.pushes();
    assert.equal(pending!.correctAnswer, shown);
    assert.equal(pending!.choices!.length, 3);
    assert.ok(pending!.choices!.includes(shown));
    idp.okta.answerPush('alice', 'approve', shown);
    assert.equal((await numbered.poll()).body.status, 'SUCCESS');
    const wrongNumber = await start();
    idp.okta.answerPush('alice', 'approve', idp.okta.pushes()[0]!.choices!.find((n) => n !== idp.okta.pushes()[0]!.correctAnswer));
    assert.equal((await wrongNumber.poll()).body.factorResult, 'REJECTED');

    idp.okta.setPush({ numberOnPoll: true });
    const onPoll = await start();
    assert.equal(onPoll.waiting.body._embedded.factor._embedded, undefined, 'no number with the first answer');
    assert.equal((await onPoll.poll()).body._embedded.factor._embedded.challenge.correctAnswer, idp.okta.pushes()[0]!.correctAnswer);
    idp.okta.answerPush('alice', 'deny');
    idp.okta.setPush({ numberChallenge: false, numberOnPoll: false });
  });

  test('the phone for trying it by hand (/testbed/okta-verify): the waiting push, answered with a button', async () => {
    const phone = new URL('/testbed/okta-verify', idp.origin);
    const press = (fields: Record<string, string>) => fetch(phone, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
    const start = async () => {
      const first = await api('/api/v1/authn', { username: 'alice', password: alice.password });
      const push = (first.body._embedded.factors as { factorType: string; _links: { verify: { href: string } } }[]).find((f) => f.factorType === 'push')!;
      const waiting = await api(push._links.verify.href, { stateToken: first.body.stateToken });
      return () => api(waiting.body._links.next.href, { stateToken: first.body.stateToken });
    };
    idp.okta.setPush({ numberChallenge: false });
    assert.match(await (await fetch(phone)).text(), /No push is waiting/);
    const poll = await start();
    const shown = await (await fetch(phone)).text();
    assert.match(shown, /Did you just try to sign in as alice\?/);
    assert.equal((await press({ user: 'alice', answer: 'approve' })).status, 200);
    assert.equal((await poll()).body.status, 'SUCCESS');
    assert.equal((await press({ user: 'alice', answer: 'approve' })).status, 404, 'no push waiting any more');

    idp.okta.setPush({ numberChallenge: true });
    try {
      const numbered = await start();
      const [pending] = idp.okta.pushes();
      const page = await (await fetch(phone)).text();
      for (const n of pending!.choices!) assert.match(page, new RegExp(`<button>${n}</button>`));
      assert.equal((await press({ user: 'alice', answer: 'approve', number: String(pending!.correctAnswer) })).status, 200);
      assert.equal((await numbered()).body.status, 'SUCCESS');
      const denied = await start();
      assert.equal((await press({ user: 'alice', answer: 'deny' })).status, 200);
      assert.equal((await denied()).body.factorResult, 'REJECTED');
    } finally {
      idp.okta.setPush({ numberChallenge: false });
    }
  });
});

describe('private CA', () => {
  test('https with a certificate the system does not trust: refused without the CA, answered with it', async () => {
    const ca = makePrivateCa();
    const idp = await startIdp(world, { tls: { key: ca.key, cert: ca.cert } });
    try {
      assert.match(idp.issuer, /^https:/);
      const get = (trust?: string) =>
        new Promise<number>((resolve, reject) => {
          https.get(`${idp.issuer}/.well-known/openid-configuration`, { ca: trust }, (res) => resolve(res.statusCode ?? 0)).on('error', reject);
        });
      await assert.rejects(get(), (e: NodeJS.ErrnoException) => e.code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
      assert.equal(await get(ca.caPem), 200);
    } finally {
      await idp.close();
    }
  });
});
