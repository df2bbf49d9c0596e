// The two halves of the testbed agree: what the IdP issues (ID tokens, token-exchange SAML
// Responses, POST API assertions) is what the AWS emulator accepts, through the same unsigned
// STS Query calls the AWS SDK sends for AssumeRoleWithWebIdentity and AssumeRoleWithSAML.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestbed, type Testbed } from '../../testbed/index';

let testbed: Testbed;

before(async () => {
  testbed = await startTestbed();
});

after(async () => {
  await testbed?.close();
});

async function sts(params: Record<string, string>): Promise<{ status: number; body: string }> {
  const response = await fetch(testbed.aws.url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ Version: '2011-06-15', ...params }),
  });
  return { status: response.status, body: await response.text() };
}

async function token(params: Record<string, string>): Promise<Record<string, string>> {
  const response = await fetch(`${testbed.idp.issuer}/token`, { method: 'POST', body: new URLSearchParams({ client_id: 'rolecall-cli', ...params }) });
  assert.equal(response.status, 200);
  return (await response.json()) as Record<string, string>;
}

const alice = () => testbed.world.idpUsers.find((user) => user.username === 'alice')!;

const passwordLogin = () =>
  token({ grant_type: 'password', username: alice().username, password: alice().password, scope: 'openid email' });

test('an ID token or an access token from the password grant assumes the web identity role', async () => {
  const tokens = await passwordLogin();
  for (const token of [tokens.id_token!, tokens.access_token!]) {
    const answer = await sts({
      Action: 'AssumeRoleWithWebIdentity',
      RoleArn: 'arn:aws:iam::222222222222:role/oidc-developer',
      RoleSessionName: 'alice',
      WebIdentityToken: token,
    });
    assert.equal(answer.status, 200, answer.body);
    assert.match(answer.body, /arn:aws:sts::222222222222:assumed-role\/oidc-developer\/alice/);
  }
});

// AWS: without DurationSeconds the session lasts one hour, whatever SessionDuration the assertion
// carries (the IdP sends 43200, more than saml-operator's 3600 maximum, as real IdPs do)
function expiresInSeconds(body: string): number {
  const expiration = /<Expiration>([^<]+)<\/Expiration>/.exec(body)?.[1] ?? '';
  return Math.round((Date.parse(expiration) - Date.now()) / 1000);
}

test('a token-exchange SAML Response assumes each of the user\'s SAML roles, for the default hour', async () => {
  const { access_token: accessToken } = await passwordLogin();
  const exchanged = await token({
    grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
    subject_token: accessToken!,
    subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
    requested_token_type: 'urn:ietf:params:oauth:token-type:saml2',
    audience: 'urn:amazon:webservices',
  });
  // AWS takes standard base64; the exchange answers base64url like Keycloak
  const assertion = Buffer.from(exchanged.access_token!, 'base64url').toString('base64');
  for (const [role, provider] of [
    ['arn:aws:iam::222222222222:role/saml-developer', 'arn:aws:iam::222222222222:saml-provider/testbed'],
    ['arn:aws:iam::333333333333:role/saml-operator', 'arn:aws:iam::333333333333:saml-provider/testbed'],
  ] as const) {
    const answer = await sts({ Action: 'AssumeRoleWithSAML', RoleArn: role, PrincipalArn: provider, SAMLAssertion: assertion });
    assert.equal(answer.status, 200, answer.body);
    assert.match(answer.body, new RegExp(`assumed-role/${role.split('/')[1]}/alice@example\\.com`));
    assert.ok(Math.abs(expiresInSeconds(answer.body) - 3600) < 60, `${role}: ${expiresInSeconds(answer.body)} s`);
  }
});

test('a POST API assertion assumes the SAML role', async () => {
  const carol = testbed.world.idpUsers.find((user) => user.username === 'carol')!;
  const response = await fetch(testbed.idp.samlApiUrl, {
    method: 'POST',
    body: JSON.stringify({ email: carol.email, password: carol.password }),
  });
  const { saml_response: assertion } = (await response.json()) as { saml_response: string };
  const answer = await sts({
    Action: 'AssumeRoleWithSAML',
    RoleArn: 'arn:aws:iam::222222222222:role/saml-developer',
    PrincipalArn: 'arn:aws:iam::222222222222:saml-provider/testbed',
    SAMLAssertion: assertion,
  });
  assert.equal(answer.status, 200, answer.body);
  assert.match(answer.body, /assumed-role\/saml-developer\/carol@example\.com/);
});
