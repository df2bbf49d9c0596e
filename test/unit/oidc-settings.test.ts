import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RolecallError } from '../../src/errors';
import { profileOf } from '../helpers/profiles';
import { oidcSettings, DEFAULT_SCOPES } from '../../src/plan/oidc';
import { signInSettings } from '../../src/idp/oidc/settings';

const base = { web_identity_auth_url: 'https://idp.example.com', web_identity_client_id: 'cli' };

function refused(fn: () => unknown, pattern: RegExp, code = 'CONFIG_INVALID') {
  assert.throws(fn, (e: unknown) => e instanceof RolecallError && e.code === code && pattern.test(e.message));
}

test('a minimal profile gives the browser flow with PKCE defaults', () => {
  const s = oidcSettings(profileOf(base), {});
  assert.equal(s.issuer.value, 'https://idp.example.com');
  assert.deepEqual(s.issuer.source, { kind: 'file', path: '/home/u/.aws/config', line: 2 });
  assert.equal(s.clientId.value, 'cli');
  assert.equal(s.flow, 'browser');
  assert.deepEqual(s.scopes, DEFAULT_SCOPES);
  assert.equal(s.tokenType, 'id_token');
  assert.equal(s.timeoutSeconds, 300);
  assert.equal(s.allowInsecure, false);
  assert.equal(s.insecureSkipVerify, false);
  assert.equal(signInSettings(s, {}).noBrowser, false);
  assert.equal(s.clientSecret, undefined);
});

test('--device and --no-browser win over the profile at sign-in; the step keeps the flow of the profile', () => {
  const s = oidcSettings(profileOf({ ...base, web_identity_flow: 'password' }), { device: true });
  assert.equal(s.flow, 'password', 'the step (and so the cache key) does not depend on the flag');
  const login = signInSettings(s, { device: true, noBrowser: true });
  assert.equal(login.flow, 'device');
  assert.equal(login.noBrowser, true);
  // --device needs no loopback redirect: a browser-flow profile with another one is not refused then
  const browserOnly = profileOf({ ...base, web_identity_flow: 'browser', web_identity_redirect_uri: 'https://app.example.com/cb' });
  assert.equal(signInSettings(oidcSettings(browserOnly, { device: true }), { device: true }).flow, 'device');
  refused(() => oidcSettings(browserOnly), /web_identity_redirect_uri .*loopback/);
});

test('aws-runas profiles (username, provider or a non-loopback redirect) use the password flow', () => {
  assert.equal(oidcSettings(profileOf({ ...base, web_identity_username: 'alice' }), {}).flow, 'password');
  assert.equal(oidcSettings(profileOf({ ...base, web_identity_provider: 'okta' }), {}).flow, 'password');
  assert.equal(oidcSettings(profileOf({ ...base, web_identity_redirect_uri: 'app:/callback' }), {}).flow, 'password');
  assert.equal(oidcSettings(profileOf({ ...base, web_identity_redirect_uri: 'http://127.0.0.1:8400/cb' }), {}).flow, 'browser');
});

test('a non-loopback redirect URI with the browser flow is refused naming file and line', () => {
  refused(() => oidcSettings(profileOf({ ...base, web_identity_flow: 'browser', web_identity_redirect_uri: 'https://evil.example.com/cb' }), {}), /web_identity_redirect_uri .*\/home\/u\/\.aws\/config:5.*loopback/);
});

test('aws-oidc agent arrives as a JSON array; a plain string is split', () => {
  const s = oidcSettings(profileOf({ ...base, web_identity_agent: '["open", "-b", "com.google.chrome", "-n", "--args", "--profile-directory=Profile 1", "{}"]' }), {});
  assert.deepEqual(s.agent, ['open', '-b', 'com.google.chrome', '-n', '--args', '--profile-directory=Profile 1', '{}']);
  assert.deepEqual(oidcSettings(profileOf({ ...base, web_identity_agent: 'firefox --new-window' }), {}).agent, ['firefox', '--new-window']);
  refused(() => oidcSettings(profileOf({ ...base, web_identity_agent: '["open", 3]' }), {}), /web_identity_agent .*config:4.* is not a list of strings/);
  refused(() => oidcSettings(profileOf({ ...base, web_identity_agent: '[open' }), {}), /web_identity_agent = "\[open" .* is not a list of strings/);
});

test('the aws-cli-oidc settings (mapped by its reader onto web_identity_* keys) arrive', () => {
  const s = oidcSettings(
    profileOf({
      web_identity_auth_url: 'https://kc.example.com/realms/r/.well-known/openid-configuration',
      web_identity_client_id: 'aws',
      web_identity_client_secret: 'shh-secret',
      web_identity_additional_query: '?kc_idp_hint=google&ui_locales=ja',
      web_identity_success_redirect_url: 'https://ok.example.com',
      web_identity_failure_redirect_url: 'https://fail.example.com',
      web_identity_client_cert: '/c.pem',
      web_identity_client_key: '/k.pem',
      web_identity_client_ca: '/ca.pem',
      web_identity_insecure_skip_verify: 'true',
    }),
    {},
  );
  assert.equal(s.issuer.value, 'https://kc.example.com/realms/r');
  assert.equal(s.clientId.value, 'aws');
  assert.equal(s.clientSecret?.value, 'shh-secret');
  assert.equal(s.additionalQuery, 'kc_idp_hint=google&ui_locales=ja');
  assert.equal(s.successRedirectUrl, 'https://ok.example.com');
  assert.equal(s.failureRedirectUrl, 'https://fail.example.com');
  assert.deepEqual([s.clientCert, s.clientKey, s.clientCa], ['/c.pem', '/k.pem', '/ca.pem']);
  assert.equal(s.insecureSkipVerify, true);
  refused(() => oidcSettings(profileOf({ ...base, web_identity_success_redirect_url: 'not a url' }), {}), /web_identity_success_redirect_url .* not a URL/);
});

test('scopes, token type, timeout and booleans are validated', () => {
  assert.deepEqual(oidcSettings(profileOf({ ...base, web_identity_scopes: 'email, profile' }), {}).scopes, ['openid', 'email', 'profile']);
  assert.equal(oidcSettings(profileOf({ ...base, web_identity_token_type: 'access_token' }), {}).tokenType, 'access_token');
  assert.equal(oidcSettings(profileOf({ ...base, web_identity_timeout: '2m' }), {}).timeoutSeconds, 120);
  assert.equal(oidcSettings(profileOf({ ...base, web_identity_timeout: '45' }), {}).timeoutSeconds, 45);
  refused(() => oidcSettings(profileOf({ ...base, web_identity_token_type: 'saml' }), {}), /web_identity_token_type .*supported: id_token, access_token/);
  refused(() => oidcSettings(profileOf({ ...base, web_identity_timeout: 'soon' }), {}), /web_identity_timeout/);
  refused(() => oidcSettings(profileOf({ ...base, web_identity_allow_insecure: 'maybe' }), {}), /web_identity_allow_insecure .*true or false/);
  refused(() => oidcSettings(profileOf({ ...base, web_identity_flow: 'magic' }), {}), /browser, device, password/);
  assert.equal(oidcSettings(profileOf({ ...base, web_identity_allow_insecure: 'TRUE' }), {}).allowInsecure, true);
});

test('missing issuer or client id, or an issuer that is not a URL, is refused clearly', () => {
  refused(() => oidcSettings(profileOf({ web_identity_client_id: 'x' }, { name: 'work' }), {}), /profile work has no web_identity_auth_url/);
  refused(() => oidcSettings(profileOf({ web_identity_auth_url: 'https://idp.example.com' }, { name: 'work' }), {}), /profile work has no web_identity_client_id/);
  refused(() => oidcSettings(profileOf({ ...base, web_identity_auth_url: 'idp.example.com' }), {}), /web_identity_auth_url = "idp.example.com" .*config:2.* not a URL/);
  refused(() => oidcSettings(profileOf({ ...base, web_identity_auth_url: 'ftp://idp.example.com' }), {}), /must be an https URL/);
});
