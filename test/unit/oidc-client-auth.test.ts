// Which client authentication rolecall picks from a discovery document, the one encoding of the
// client id, and which provider a URL and discovery document are.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyClientAuth, basicAuthorization, chooseClientAuth, formEncode } from '../../src/idp/oidc/client-auth';
import { detectProvider, providerFromHost } from '../../src/idp/oidc/provider';
import { RolecallError } from '../../src/errors';

const withSecret = { clientId: 'my-cli.app_1', clientSecret: 's3cret +/=' };

test('the method: forced, none without a secret, basic when listed or nothing is listed, else post, else none', () => {
  assert.equal(chooseClientAuth({ clientId: 'x' }, ['client_secret_basic'], 'https://idp'), 'none');
  assert.equal(chooseClientAuth(withSecret, undefined, 'https://idp'), 'client_secret_basic');
  assert.equal(chooseClientAuth(withSecret, ['client_secret_post', 'client_secret_basic'], 'https://idp'), 'client_secret_basic');
  assert.equal(chooseClientAuth(withSecret, ['private_key_jwt', 'client_secret_post'], 'https://idp'), 'client_secret_post');
  assert.equal(chooseClientAuth(withSecret, ['none'], 'https://idp'), 'none');
  assert.equal(chooseClientAuth(withSecret, ['client_secret_basic'], 'https://idp', 'client_secret_post'), 'client_secret_post');
  assert.throws(() => chooseClientAuth(withSecret, ['private_key_jwt'], 'https://idp'), (e: RolecallError) => e.code === 'OIDC_ERROR' && /takes only private_key_jwt/.test(e.message));
  assert.throws(() => chooseClientAuth({ clientId: 'x' }, undefined, 'https://idp', 'client_secret_basic'), (e: RolecallError) => e.code === 'CONFIG_INVALID');
});

test('one encoding: form encoding leaves letters, digits and *-._ alone, in the header and in the body alike', () => {
  assert.equal(formEncode('my-cli.app_1'), 'my-cli.app_1');
  assert.equal(formEncode('s3cret +/='), 's3cret+%2B%2F%3D');
  assert.equal(basicAuthorization(withSecret), `Basic ${Buffer.from('my-cli.app_1:s3cret+%2B%2F%3D').toString('base64')}`);
  const body = new URLSearchParams();
  const headers: Record<string, string> = {};
  applyClientAuth('client_secret_post', withSecret, body, headers);
  assert.equal(body.toString(), 'client_id=my-cli.app_1&client_secret=s3cret+%2B%2F%3D');
  assert.deepEqual(headers, {});
});

test('providers from the host, the discovery document and its headers, or the name given', () => {
  assert.equal(providerFromHost(new URL('https://acme.okta.com/oauth2')), 'okta');
  assert.equal(providerFromHost(new URL('https://acme.oktapreview.com')), 'okta');
  assert.equal(providerFromHost(new URL('https://accounts.google.com')), 'google');
  assert.equal(providerFromHost(new URL('https://login.microsoftonline.com/t/v2.0')), 'azuread');
  assert.equal(providerFromHost(new URL('https://acme.onelogin.com/oidc/2')), 'onelogin');
  const kc = new URL('https://sso.example.com/realms/corp');
  assert.equal(detectProvider(undefined, kc, { issuer: kc.href, token_endpoint: `${kc.href}/protocol/openid-connect/token` }), 'keycloak');
  const okta = new URL('https://login.example.com');
  assert.equal(detectProvider(undefined, okta, { issuer: okta.href, authorization_endpoint: 'https://login.example.com/oauth2/v1/authorize' }), 'okta');
  assert.equal(detectProvider(undefined, okta, { issuer: okta.href }, new Headers({ 'x-okta-request-id': 'x' })), 'okta');
  assert.equal(detectProvider(undefined, okta, { issuer: okta.href }), 'generic');
  assert.equal(detectProvider('keycloak', okta, { issuer: okta.href }), 'keycloak');
  assert.equal(detectProvider('auth0', kc, { issuer: kc.href }), 'generic');
});
