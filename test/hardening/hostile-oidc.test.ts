// An OIDC identity provider or IAM Identity Center that answers too much: a 50 MB discovery
// document, a 50 MB token answer, a 50 MB answer to Identity Center's RegisterClient. rolecall
// stops reading after 1 MiB (the server sees the connection closed before its answer was taken)
// and ends with an error naming the endpoint and the bound, through the built binary.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runRolecall, tempHome, type Home } from '../helpers/cli';
import { startHostileServer, type HostileServer } from '../helpers/hostile-http';

const CLOSED_PORT_STS = 'http://127.0.0.1:9';
/** valid JSON of 50 MB: the padding is a string member no provider sends */
const huge = (members: Record<string, unknown>) => Buffer.from(JSON.stringify({ ...members, x_padding: 'A'.repeat(50 * 1024 * 1024) }));

describe('identity provider answers beyond any real size', () => {
  let home: Home;
  let server: HostileServer;

  before(async () => {
    home = tempHome();
    server = await startHostileServer();
    home.write(
      '.aws/config',
      `[profile web]
region = us-east-1
web_identity_auth_url = ${server.url}
web_identity_client_id = rolecall-cli
web_identity_username = alice
role_arn = arn:aws:iam::222222222222:role/oidc-developer

[profile sso]
sso_session = corp
sso_account_id = 111111111111
sso_role_name = Developer
region = us-east-1

[sso-session corp]
sso_start_url = https://example.awsapps.com/start
sso_region = us-east-1
sso_registration_scopes = sso:account:access
`,
    );
  });
  after(async () => {
    home.remove();
    await server.close();
  });

  const metadata = () => ({
    issuer: server.url,
    authorization_endpoint: `${server.url}/auth`,
    token_endpoint: `${server.url}/token`,
    jwks_uri: `${server.url}/jwks`,
    response_types_supported: ['code'],
    grant_types_supported: ['authorization_code', 'password', 'refresh_token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    token_endpoint_auth_methods_supported: ['none'],
  });
  const signIn = () =>
    runRolecall(['export', 'web', '--format', 'process', '--no-browser'], { env: { ...home.env, WEB_IDENTITY_PASSWORD: 'pw-alice-123', AWS_ENDPOINT_URL_STS: CLOSED_PORT_STS } });

  /** the answers to `path` the client left untaken */
  const untaken = async (path: string) => {
    const taken = await Promise.all(server.taken.filter((_, i) => server.seen[i]!.endsWith(` ${path}`)));
    assert.ok(taken.length > 0, `${path} was asked for: ${server.seen.join(', ')}`);
    return taken.filter((whole) => !whole).length;
  };

  it('a 50 MB discovery document is refused after the first MiB', async () => {
    server.routes.set('/.well-known/openid-configuration', () => ({ body: huge(metadata()) }));
    const result = await signIn();
    assert.equal(result.code, 1, result.stderr);
    assert.equal(result.stdout, '');
    assert.match(
      result.stderr,
      /rolecall: the discovery document http:\/\/127\.0\.0\.1:\d+\/\.well-known\/openid-configuration answered more than 1 MiB; no identity provider's answer is that large, so rolecall stopped reading it\n.*the identity provider's own endpoint/,
    );
    assert.equal(await untaken('/.well-known/openid-configuration'), 1, 'rolecall closed the connection before the answer was all sent');
    assert.ok(!server.seen.includes('POST /token'), 'nothing was sent to the token endpoint');
  });

  it('a 50 MB answer from the token endpoint is refused after the first MiB', async () => {
    server.routes.set('/.well-known/openid-configuration', () => ({ body: JSON.stringify(metadata()) }));
    server.routes.set('/token', () => ({ body: huge({ access_token: 'at', token_type: 'Bearer', expires_in: 300 }) }));
    const result = await signIn();
    assert.equal(result.code, 1, result.stderr);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /rolecall: the identity provider's token endpoint http:\/\/127\.0\.0\.1:\d+\/token answered more than 1 MiB; no identity provider's answer is that large, so rolecall stopped reading it\n/);
    assert.equal(await untaken('/token'), 1, 'rolecall closed the connection before the answer was all sent');
  });

  it("a 50 MB answer to Identity Center's RegisterClient is refused after the first MiB, and not asked again", async () => {
    server.routes.set('/client/register', () => ({ body: huge({ clientId: 'c', clientSecret: 's', clientSecretExpiresAt: 2000000000 }) }));
    const result = await runRolecall(['export', 'sso', '--format', 'process', '--no-browser'], {
      env: { ...home.env, AWS_ENDPOINT_URL_SSO_OIDC: server.url, AWS_ENDPOINT_URL_SSO: CLOSED_PORT_STS, AWS_ENDPOINT_URL_STS: CLOSED_PORT_STS },
      // read whole, the answer would be taken and the sign-in would wait for a browser
      timeoutMs: 30_000,
    });
    assert.equal(result.code, 1, result.stderr);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /rolecall: Identity Center \(RegisterClient at http:\/\/127\.0\.0\.1:\d+\) answered more than 1 MiB; no identity provider's answer is that large, so rolecall stopped reading it\n/);
    assert.equal(await untaken('/client/register'), 1, 'one request, its answer left untaken');
  });
});
