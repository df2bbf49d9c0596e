// rolecall against identity providers that answer the way real ones do, through the built binary:
// a refresh without an ID token (the testbed's quirk, and oauth2-mock-server, a provider this
// project did not write), a provider that takes client_secret_post only, one whose discovery lists
// no client authentication but none, Keycloak's bare-Assertion token exchange and 26.2's standard
// exchange, a private CA, Entra ID's templated issuer, and --device where there is no device login.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { OAuth2Server } from 'oauth2-mock-server';
import { startTestbed, type Testbed } from '../../testbed/index';
import { makePrivateCa } from '../../testbed/idp/tls';
import { runRolecall, tempHome, type Home } from '../helpers/cli';

const homes: Home[] = [];
after(() => {
  for (const h of homes) h.remove();
});

function homeWith(config: string, env: NodeJS.ProcessEnv = {}): Home {
  const h = tempHome();
  homes.push(h);
  h.write('.aws/config', config);
  Object.assign(h.env, env);
  return h;
}

async function exportOk(h: Home, profile: string, extra: string[] = []): Promise<{ AccessKeyId: string; stderr: string }> {
  const result = await runRolecall(['export', profile, '--format', 'process', ...extra], { env: h.env });
  assert.equal(result.code, 0, result.stderr);
  return { ...(JSON.parse(result.stdout) as { AccessKeyId: string }), stderr: result.stderr };
}

async function whoami(h: Home, profile: string): Promise<string> {
  const result = await runRolecall(['whoami', profile, '--json'], { env: h.env });
  assert.equal(result.code, 0, result.stderr);
  return (JSON.parse(result.stdout) as { arn: string }).arn;
}

describe('the testbed provider', () => {
  let testbed: Testbed;
  before(async () => {
    testbed = await startTestbed();
  });
  after(() => testbed.close());
  const carol = () => testbed.world.idpUsers.find((u) => u.username === 'carol')!;

  const profile = (tokenType: string) => `[profile p]
region = us-east-1
web_identity_auth_url = ${testbed.idp.issuer}
web_identity_client_id = rolecall-cli
web_identity_flow = password
web_identity_username = carol
web_identity_token_type = ${tokenType}
role_arn = arn:aws:iam::222222222222:role/oidc-developer
`;

  test('a refresh answer without an ID token, where AWS needs one: a new sign-in, every time, never stuck', async () => {
    const h = homeWith(profile('id_token'), { AWS_ENDPOINT_URL_STS: testbed.aws.url, WEB_IDENTITY_PASSWORD: carol().password });
    testbed.idp.resetCounts();
    await exportOk(h, 'p');
    testbed.idp.setQuirks({ refreshWithoutIdToken: true });
    for (const round of [1, 2]) {
      const { stderr } = await exportOk(h, 'p', ['--refresh']);
      assert.match(stderr, /refreshed the sign-in without an ID token, which AWS needs here: signing in again/);
      assert.equal(testbed.idp.counts().tokens.refresh_token, round);
      assert.equal(testbed.idp.counts().tokens.password, 1 + round, 'the password grant gave a fresh ID token');
    }
  });

  test('a refresh answer without an ID token, where the access token is presented: the last ID token\'s identity stands', async () => {
    const h = homeWith(profile('access_token'), { AWS_ENDPOINT_URL_STS: testbed.aws.url, WEB_IDENTITY_PASSWORD: carol().password });
    testbed.idp.resetCounts();
    await exportOk(h, 'p');
    testbed.idp.setQuirks({ refreshWithoutIdToken: true });
    await exportOk(h, 'p', ['--refresh']);
    assert.equal(testbed.idp.counts().tokens.password, 1, 'no second sign-in');
    assert.equal(testbed.idp.counts().tokens.refresh_token, 1);
    assert.equal(await whoami(h, 'p'), 'arn:aws:sts::222222222222:assumed-role/oidc-developer/carol@example.com');
  });
});

describe('a provider that takes client_secret_post only', () => {
  let testbed: Testbed;
  before(async () => {
    testbed = await startTestbed({ idp: { clientAuthMethods: ['client_secret_post'] } });
  });
  after(() => testbed.close());

  test('a client id with "-" and a secret: the discovery document decides, the secret goes in the form', async () => {
    const app = testbed.world.idpClients.find((c) => c.client_id === 'rolecall-web-app')!;
    const carol = testbed.world.idpUsers.find((u) => u.username === 'carol')!;
    const config = (forced = '') => `[profile p]
region = us-east-1
web_identity_auth_url = ${testbed.idp.issuer}
web_identity_client_id = ${app.client_id}
web_identity_client_secret = ${app.client_secret}
web_identity_flow = password
web_identity_username = carol
role_arn = arn:aws:iam::222222222222:role/jump
${forced}`;
    const h = homeWith(config(), { AWS_ENDPOINT_URL_STS: testbed.aws.url, WEB_IDENTITY_PASSWORD: carol.password });
    testbed.idp.resetCounts();
    await exportOk(h, 'p');
    assert.deepEqual(testbed.idp.clientAuthentications(), ['post-or-none']);
    assert.equal(await whoami(h, 'p'), 'arn:aws:sts::222222222222:assumed-role/jump/carol@example.com');

    const forced = homeWith(config('web_identity_client_auth_method = client_secret_basic\n'), { AWS_ENDPOINT_URL_STS: testbed.aws.url, WEB_IDENTITY_PASSWORD: carol.password });
    const refused = await runRolecall(['export', 'p', '--format', 'process'], { env: forced.env });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /refused the password login for carol \(invalid_client: client authentication method client_secret_basic is not supported/);
    assert.match(refused.stderr, /hint: Check the client id and client_secret .* set web_identity_client_auth_method/);
    assert.ok(!refused.stderr.includes(app.client_secret!));
  });
});

describe('oauth2-mock-server, an independent provider', () => {
  let mock: OAuth2Server;
  let testbed: Testbed;
  let host: string;
  before(async () => {
    mock = new OAuth2Server();
    await mock.issuer.keys.generate('RS256');
    await mock.start(0, '127.0.0.1');
    host = new URL(mock.issuer.url!).host;
    testbed = await startTestbed({
      edit(world) {
        world.oidcProviders.push({ arn: `arn:aws:iam::222222222222:oidc-provider/${host}`, url: mock.issuer.url!, clientIds: ['my-cli-app'] });
        world.roles.push({
          arn: 'arn:aws:iam::222222222222:role/mock-developer',
          maxSessionDuration: 3600,
          trustPolicy: { Statement: [{ Effect: 'Allow', Principal: { Federated: `arn:aws:iam::222222222222:oidc-provider/${host}` }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { [`${host}:aud`]: 'my-cli-app' } } }] },
        });
      },
    });
  });
  after(async () => {
    await testbed.close();
    await mock.stop();
  });

  const config = () => `[profile m]
region = us-east-1
web_identity_auth_url = ${mock.issuer.url}
web_identity_client_id = my-cli-app
web_identity_client_secret = mock-secret-1
web_identity_flow = password
web_identity_username = johndoe
role_arn = arn:aws:iam::222222222222:role/mock-developer
`;

  test('its discovery lists only "none": the client id goes in the form, so the ID token\'s audience is the client id', async () => {
    const h = homeWith(config(), { AWS_ENDPOINT_URL_STS: testbed.aws.url, WEB_IDENTITY_PASSWORD: 'anything' });
    const requests: string[] = [];
    mock.service.on('beforeResponse', (_response: unknown, req: { headers: Record<string, string | undefined>; body?: Record<string, string> }) => {
      requests.push(`${req.body?.grant_type}:${req.headers.authorization ? 'basic' : `client_id=${req.body?.client_id}`}`);
    });
    await exportOk(h, 'm');
    assert.deepEqual(requests, ['password:client_id=my-cli-app']);
    assert.equal(await whoami(h, 'm'), 'arn:aws:sts::222222222222:assumed-role/mock-developer/johndoe');
    mock.service.removeAllListeners('beforeResponse');
  });

  test('its refresh answers without an ID token: rolecall signs in again instead of failing for good', async () => {
    const h = homeWith(config(), { AWS_ENDPOINT_URL_STS: testbed.aws.url, WEB_IDENTITY_PASSWORD: 'anything' });
    const grants: string[] = [];
    mock.service.on('beforeResponse', (response: { body: Record<string, unknown> }, req: { body?: Record<string, string> }) => {
      grants.push(String(req.body?.grant_type));
      if (req.body?.grant_type === 'refresh_token') delete response.body.id_token;
    });
    await exportOk(h, 'm');
    for (let i = 0; i < 2; i++) await exportOk(h, 'm', ['--refresh']);
    assert.deepEqual(grants, ['password', 'refresh_token', 'password', 'refresh_token', 'password']);
    mock.service.removeAllListeners('beforeResponse');
  });

  test('--device where the provider has no device login: the hint does not suggest --device', async () => {
    const h = homeWith(config(), { AWS_ENDPOINT_URL_STS: testbed.aws.url });
    const result = await runRolecall(['export', 'm', '--device', '--format', 'process'], { env: h.env });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /has no device_authorization_endpoint: it does not offer the device login/);
    assert.match(result.stderr, /hint: Sign in through the browser instead: run the command without --device/);
    assert.doesNotMatch(result.stderr, /or --device/);
  });
});

describe('Keycloak', () => {
  let testbed: Testbed;
  before(async () => {
    testbed = await startTestbed({ idp: { shape: 'keycloak' } });
  });
  after(() => testbed.close());

  const config = () => `[profile kc]
region = us-east-1
web_identity_auth_url = ${testbed.idp.issuer}
web_identity_client_id = rolecall-cli
web_identity_flow = password
web_identity_username = carol
federation_type = saml2
oidc_provider_token_exchange_audience = urn:amazon:webservices
role_arn = arn:aws:iam::222222222222:role/saml-developer
`;

  test("aws-cli-oidc's saml2: Keycloak's bare Assertion is wrapped in a Response that AWS takes", async () => {
    const carol = testbed.world.idpUsers.find((u) => u.username === 'carol')!;
    const h = homeWith(config(), { AWS_ENDPOINT_URL_STS: testbed.aws.url, WEB_IDENTITY_PASSWORD: carol.password });
    testbed.aws.resetCalls();
    await exportOk(h, 'kc');
    assert.equal(testbed.aws.calls('AssumeRoleWithSAML'), 1);
    assert.equal(await whoami(h, 'kc'), 'arn:aws:sts::222222222222:assumed-role/saml-developer/carol@example.com');
  });

  test("Keycloak 26.2's standard token exchange: the hint names what to enable", async () => {
    const carol = testbed.world.idpUsers.find((u) => u.username === 'carol')!;
    const h = homeWith(config(), { AWS_ENDPOINT_URL_STS: testbed.aws.url, WEB_IDENTITY_PASSWORD: carol.password });
    testbed.idp.setQuirks({ samlExchange: 'standard' });
    const result = await runRolecall(['export', 'kc', '--format', 'process'], { env: h.env });
    testbed.idp.setQuirks({ samlExchange: 'assertion' });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /does not issue SAML assertions by token exchange \(invalid_request: requested_token_type unsupported\)/);
    assert.match(result.stderr, /hint: Keycloak 26\.2 and later .*--features=token-exchange,admin-fine-grained-authz:v1.*'Standard token exchange' off/);
  });
});

describe('TLS and issuers', () => {
  test('a private CA: without web_identity_client_ca the hint names it; with it the sign-in and STS work', async () => {
    const ca = makePrivateCa();
    const testbed = await startTestbed({ idp: { tls: { key: ca.key, cert: ca.cert } } });
    try {
      const carol = testbed.world.idpUsers.find((u) => u.username === 'carol')!;
      const config = (caLine: string) => `[profile tls]
region = us-east-1
web_identity_auth_url = ${testbed.idp.issuer}
web_identity_client_id = rolecall-cli
web_identity_flow = password
web_identity_username = carol
role_arn = arn:aws:iam::222222222222:role/oidc-developer
${caLine}`;
      const without = homeWith(config(''), { AWS_ENDPOINT_URL_STS: testbed.aws.url, WEB_IDENTITY_PASSWORD: carol.password });
      const refused = await runRolecall(['export', 'tls', '--format', 'process'], { env: without.env });
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /the TLS connection to the identity provider https:\/\/127\.0\.0\.1:\d+ failed for discovery: UNABLE_TO_VERIFY_LEAF_SIGNATURE/);
      assert.match(refused.stderr, /hint: A private CA goes in web_identity_client_ca/);
      assert.doesNotMatch(refused.stderr, /did not answer/);

      const h = homeWith('', { AWS_ENDPOINT_URL_STS: testbed.aws.url, WEB_IDENTITY_PASSWORD: carol.password });
      const caFile = h.write('ca.pem', ca.caPem);
      h.write('.aws/config', config(`web_identity_client_ca = ${caFile}\n`));
      await exportOk(h, 'tls');
    } finally {
      await testbed.close();
    }
  });

  test("Entra ID's multi-tenant URL: the templated issuer is named, and the tenant URL to use instead", async () => {
    const testbed = await startTestbed();
    try {
      const h = homeWith(`[profile entra]
web_identity_auth_url = ${testbed.idp.origin}/common/v2.0
web_identity_client_id = rolecall-cli
role_arn = arn:aws:iam::222222222222:role/oidc-developer
`);
      const result = await runRolecall(['export', 'entra', '--format', 'process', '--no-browser'], { env: h.env });
      assert.equal(result.code, 1);
      assert.match(result.stderr, /names the issuer http:\/\/127\.0\.0\.1:\d+\/\{tenantid\}\/v2\.0, a template for every tenant \(Entra ID's multi-tenant endpoint\)/);
      assert.match(result.stderr, /hint: Set web_identity_auth_url to your tenant's issuer, http:\/\/127\.0\.0\.1:\d+\/<your tenant id>\/v2\.0/);
    } finally {
      await testbed.close();
    }
  });
});
