// Google-shaped sign-in through the built binary and a real browser: Google issues a refresh token
// only for access_type=offline, and after the first grant only with prompt=consent (the testbed's
// google shape). rolecall asks for both when no refresh token is kept, so the next run refreshes
// without a browser, as aws-oidc's Google example expects.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestbed, type Testbed } from '../../testbed/index';
import { AGENT_ARGV } from '../helpers/agent';
import { runRolecall, tempHome, type Home } from '../helpers/cli';

let testbed: Testbed;
let home: Home;
before(async () => {
  testbed = await startTestbed({ idp: { shape: 'google' } });
  home = tempHome();
  home.write(
    '.aws/config',
    `[profile google]
region = us-east-1
web_identity_auth_url = ${testbed.idp.issuer}
web_identity_provider = google
web_identity_client_id = rolecall-cli
web_identity_agent = ${JSON.stringify([...AGENT_ARGV, '{}'])}
role_arn = arn:aws:iam::222222222222:role/oidc-developer
`,
  );
  const carol = testbed.world.idpUsers.find((u) => u.username === 'carol')!;
  Object.assign(home.env, { AWS_ENDPOINT_URL_STS: testbed.aws.url, TESTBED_USER: carol.username, TESTBED_PASSWORD: carol.password, TESTBED_AGENT_LOG: `${home.dir}/agent.log` });
});
after(async () => {
  home.remove();
  await testbed.close();
});

test('access_type=offline and prompt=consent on the first grant: the next run refreshes, no browser', async () => {
  const first = await runRolecall(['export', 'google', '--format', 'process'], { env: home.env, timeoutMs: 90_000 });
  assert.equal(first.code, 0, first.stderr);
  const [request] = testbed.idp.authorizationRequests();
  assert.equal(request!.get('access_type'), 'offline');
  assert.equal(request!.get('prompt'), 'consent');
  assert.doesNotMatch(request!.get('scope')!, /offline_access/, 'Google lists no offline_access');

  const second = await runRolecall(['export', 'google', '--format', 'process', '--refresh'], { env: home.env, timeoutMs: 90_000 });
  assert.equal(second.code, 0, second.stderr);
  assert.equal(testbed.idp.counts().authorizations, 1, 'no second browser sign-in');
  assert.equal(testbed.idp.counts().tokens.refresh_token, 1);

  // the refresh token forgotten: the browser again, and consent asked again so Google gives a new one
  const cleared = await runRolecall(['clear', '--all'], { env: home.env });
  assert.equal(cleared.code, 0, cleared.stderr);
  const third = await runRolecall(['export', 'google', '--format', 'process'], { env: home.env, timeoutMs: 90_000 });
  assert.equal(third.code, 0, third.stderr);
  assert.equal(testbed.idp.authorizationRequests()[1]!.get('prompt'), 'consent');
  const fourth = await runRolecall(['export', 'google', '--format', 'process', '--refresh'], { env: home.env, timeoutMs: 90_000 });
  assert.equal(fourth.code, 0, fourth.stderr);
  assert.equal(testbed.idp.counts().authorizations, 2);
});
