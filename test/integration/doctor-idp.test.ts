// rolecall doctor on OIDC profiles, through the built binary: how the login will go, found the way
// a sign-in finds it (the discovery document fetched with the profile's TLS settings, the provider
// named or recognised, the flow and the provider's MFA, the client authentication), and the errors
// a sign-in would meet (a private CA, Entra ID's templated issuer, a browser-only provider asked for
// a password) reported before the user meets them.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestbed, type Testbed } from '../../testbed/index';
import { makePrivateCa } from '../../testbed/idp/tls';
import { runRolecall, tempHome, type Home } from '../helpers/cli';

interface Finding {
  check: string;
  level: string;
  message: string;
  hint?: string;
}

const homes: Home[] = [];
const testbeds: Testbed[] = [];
after(async () => {
  for (const h of homes) h.remove();
  for (const t of testbeds) await t.close();
});

async function testbed(options: Parameters<typeof startTestbed>[0] = {}): Promise<Testbed> {
  const started = await startTestbed(options);
  testbeds.push(started);
  return started;
}

async function doctor(config: string, files: Record<string, string> = {}, env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; idp: Finding[]; all: Finding[] }> {
  const h = tempHome();
  homes.push(h);
  const paths = Object.fromEntries(Object.entries(files).map(([name, text]) => [name, h.write(name, text)]));
  h.write('.aws/config', config.replace(/\{(\w[\w.]*)\}/g, (_, name: string) => paths[name] ?? `{${name}}`));
  const run = await runRolecall(['doctor', 'p', '--json'], { env: { ...h.env, ...env } });
  assert.ok(run.stdout.trim().startsWith('{'), run.stderr);
  const all = (JSON.parse(run.stdout) as { findings: Finding[] }).findings;
  return { code: run.code, idp: all.filter((f) => f.check === 'idp'), all };
}

const role = 'role_arn = arn:aws:iam::222222222222:role/oidc-developer\n';

describe('how the login will go', () => {
  test('Okta, recognised from its answer: its Authentication API, then Okta Verify push or a code; no browser check', async () => {
    const okta = await testbed({ idp: { shape: 'okta' } });
    const { code, idp, all } = await doctor(`[profile p]\nregion = us-east-1\nendpoint_url = ${okta.aws.url}\nweb_identity_auth_url = ${okta.idp.origin}\nweb_identity_client_id = rolecall-cli\nweb_identity_redirect_uri = app:/callback\nweb_identity_username = alice\n${role}`);
    assert.equal(code, 0, JSON.stringify(all.filter((f) => f.level === 'fail')));
    assert.ok(
      idp.some((f) => f.level === 'ok' && /^the IdP http:\/\/127\.0\.0\.1:\d+ is Okta \(recognised\): signs in without a browser through Okta's Authentication API as alice, then Okta Verify push, else a one-time code \(mfa_type auto\); the client authenticates with none$/.test(f.message)),
      JSON.stringify(idp, null, 1),
    );
    assert.deepEqual(all.filter((f) => f.check === 'browser'), []);
  });

  test("Keycloak named by WEB_IDENTITY_PROVIDER, mfa_type code: the password with the one-time code", async () => {
    const kc = await testbed({ idp: { shape: 'keycloak' } });
    const { code, idp, all } = await doctor(`[profile p]\nregion = us-east-1\nendpoint_url = ${kc.aws.url}\nweb_identity_auth_url = ${kc.idp.issuer}\nweb_identity_client_id = rolecall-cli\nweb_identity_flow = password\nweb_identity_username = alice\nmfa_type = code\n${role}`, {}, { WEB_IDENTITY_PROVIDER: 'keycloak' });
    assert.equal(code, 0, JSON.stringify(all.filter((f) => f.level === 'fail')));
    assert.ok(
      idp.some((f) => f.level === 'ok' && /^the IdP http:\/\/127\.0\.0\.1:\d+\/realms\/rolecall is Keycloak \(web_identity_provider\): signs in without a browser with the password of alice and the one-time code \(mfa_type code\); the client authenticates with none$/.test(f.message)),
      JSON.stringify(idp, null, 1),
    );
  });

  test('Google-shaped, the browser login: asks for offline access', async () => {
    const google = await testbed({ idp: { shape: 'google' } });
    const { idp } = await doctor(`[profile p]\nweb_identity_auth_url = ${google.idp.issuer}\nweb_identity_client_id = rolecall-cli\nweb_identity_provider = google\n${role}`, {}, { BROWSER: '/bin/true' });
    assert.ok(
      idp.some((f) => f.level === 'ok' && /^the IdP http:\/\/127\.0\.0\.1:\d+ is Google \(web_identity_provider\): signs in in the browser, asking for offline access \(a refresh token\); the client authenticates with none$/.test(f.message)),
      JSON.stringify(idp, null, 1),
    );
  });

  test('OneLogin named on a password profile: the refusal a sign-in would meet, as a failed check', async () => {
    const generic = await testbed();
    const { code, idp } = await doctor(`[profile p]\nweb_identity_auth_url = ${generic.idp.issuer}\nweb_identity_client_id = rolecall-cli\nweb_identity_flow = password\nweb_identity_username = alice\nweb_identity_provider = onelogin\n${role}`);
    assert.equal(code, 1);
    const failed = idp.find((f) => f.level === 'fail');
    assert.match(failed?.message ?? '', /^OneLogin \(http:\/\/127\.0\.0\.1:\d+\) takes no username and password from rolecall/);
    assert.match(failed?.hint ?? '', /web_identity_flow = browser, or pass --device/);
  });
});

describe('what a sign-in would meet', () => {
  test('a private CA: with web_identity_client_ca the IdP answers; without it, the hint names the key', async () => {
    const ca = makePrivateCa();
    const tls = await testbed({ idp: { tls: { key: ca.key, cert: ca.cert } } });
    const profile = (caLine: string) => `[profile p]\nweb_identity_auth_url = ${tls.idp.issuer}\nweb_identity_client_id = rolecall-cli\nweb_identity_flow = password\nweb_identity_username = carol\n${role}${caLine}`;
    const trusted = await doctor(profile('web_identity_client_ca = {ca.pem}\n'), { 'ca.pem': ca.caPem });
    assert.deepEqual(trusted.idp.filter((f) => f.level === 'fail'), [], JSON.stringify(trusted.idp, null, 1));
    assert.ok(trusted.idp.some((f) => /openid-configuration answers \(HTTP 200\)/.test(f.message)), JSON.stringify(trusted.idp, null, 1));
    assert.ok(trusted.idp.some((f) => /^the IdP https:\/\/127\.0\.0\.1:\d+: signs in without a browser with the password of carol; the client authenticates with none$/.test(f.message)), JSON.stringify(trusted.idp, null, 1));

    const untrusted = await doctor(profile(''));
    assert.equal(untrusted.code, 1);
    const failed = untrusted.idp.filter((f) => f.level === 'fail');
    assert.equal(failed.length, 1, JSON.stringify(untrusted.idp, null, 1));
    assert.match(failed[0]!.message, /the TLS connection to the identity provider https:\/\/127\.0\.0\.1:\d+ failed for discovery: UNABLE_TO_VERIFY_LEAF_SIGNATURE/);
    assert.match(failed[0]!.hint ?? '', /web_identity_client_ca/);
  });

  test("Entra ID's multi-tenant URL: the templated issuer and the tenant URL to use", async () => {
    const generic = await testbed();
    const { code, idp } = await doctor(`[profile p]\nweb_identity_auth_url = ${generic.idp.origin}/common/v2.0\nweb_identity_client_id = rolecall-cli\n${role}`, {}, { BROWSER: '/bin/true' });
    assert.equal(code, 1);
    const failed = idp.find((f) => f.level === 'fail');
    assert.match(failed?.message ?? '', /names the issuer http:\/\/127\.0\.0\.1:\d+\/\{tenantid\}\/v2\.0, a template for every tenant/);
    assert.match(failed?.hint ?? '', /Set web_identity_auth_url to your tenant's issuer/);
  });
});
