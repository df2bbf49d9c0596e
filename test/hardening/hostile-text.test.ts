// Text rolecall did not write reaches the terminal only as visible text: a provider's
// error_description, a SAML StatusMessage and a profile name carrying escape sequences (retitle the
// window, clear the screen, an 8-bit CSI, a carriage return that hides what came before).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runRolecall, tempHome, type Home } from '../helpers/cli';
import { samlStatusResponse, startHostileServer, type HostileServer } from '../helpers/hostile-http';

const HOSTILE = '\u001b]0;owned\u0007\u001b[2J\u009b31mred\rfake\u0008';
const SHOWN = '\\x1b]0;owned\\x07\\x1b[2J\\x9b31mred\\x0dfake\\x08';
/** every C0 control but newline and tab, DEL, every C1 control */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

function assertNoControls(stderr: string, shown = SHOWN): void {
  const found = CONTROL.exec(stderr);
  assert.equal(found, null, `a control character (U+${found?.[0].charCodeAt(0).toString(16).padStart(4, '0')}) reached the terminal:\n${JSON.stringify(stderr)}`);
  assert.ok(stderr.includes(shown), `the hostile text is shown, escaped:\n${stderr}`);
}

describe('hostile text from outside reaches stderr escaped', () => {
  let home: Home;
  let server: HostileServer;

  before(async () => {
    home = tempHome();
    server = await startHostileServer();
  });
  after(async () => {
    home.remove();
    await server.close();
  });

  it("an identity provider's error_description", async () => {
    const issuer = `${server.url}/oidc`;
    server.routes.set('/oidc/.well-known/openid-configuration', () => ({
      body: JSON.stringify({ issuer, token_endpoint: `${issuer}/token`, authorization_endpoint: `${issuer}/auth`, jwks_uri: `${issuer}/jwks`, grant_types_supported: ['password'] }),
    }));
    server.routes.set('/oidc/token', () => ({ status: 400, body: JSON.stringify({ error: 'invalid_grant', error_description: HOSTILE }) }));
    home.write(
      '.aws/config',
      `[profile runas]
region = us-east-1
web_identity_auth_url = ${issuer}
web_identity_client_id = rolecall-cli
web_identity_username = alice
role_arn = arn:aws:iam::222222222222:role/oidc-developer
`,
    );
    const result = await runRolecall(['export', 'runas', '--format', 'process'], { env: { ...home.env, WEB_IDENTITY_PASSWORD: 'correct horse' } });
    assert.equal(result.code, 1, result.stderr);
    assert.ok(server.seen.includes('POST /oidc/token'), 'the provider was asked');
    assertNoControls(result.stderr);
  });

  it("a SAML POST API's StatusMessage", async () => {
    // XML turns a carriage return into a newline: that part cannot arrive through SAML
    const hostile = HOSTILE.replace('\r', '');
    server.routes.set('/saml', () => ({ body: JSON.stringify({ saml_response: samlStatusResponse('urn:oasis:names:tc:SAML:2.0:status:Requester', hostile) }) }));
    home.write('.saml/credentials', 'username = carol\npassword = pw\n');
    const result = await runRolecall(['assume', '222222222222', 'saml-developer', '--format', 'json'], {
      env: { ...home.env, AWS_ASSUME_ROLE_AUTH_SCHEME: 'saml', SAML_IDP_ASSERTION_URL: `${server.url}/saml`, SAML_IDP_NAME: 'hostile', AWS_REGION: 'us-east-1' },
    });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /SAML status urn:oasis:names:tc:SAML:2\.0:status:Requester/);
    assertNoControls(result.stderr, SHOWN.replace('\\x0d', ''));
  });

  it('a profile name', async () => {
    home.write('.aws/config', '[profile real]\nregion = us-east-1\n');
    const result = await runRolecall(['export', `x${HOSTILE}`], { env: home.env });
    assert.equal(result.code, 2, result.stderr);
    assertNoControls(result.stderr);
  });
});
