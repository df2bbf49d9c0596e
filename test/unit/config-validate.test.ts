// Validation of known keys: clear CONFIG_INVALID errors naming the value and its source; secrets never shown.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateProfile } from '../../src/config/validate';
import { RolecallError } from '../../src/errors';
import { profileOf } from '../helpers/profiles';

function invalid(entries: Record<string, string>, message: RegExp, code = 'CONFIG_INVALID'): void {
  assert.throws(
    () => validateProfile(profileOf(entries)),
    (e: unknown) => e instanceof RolecallError && e.code === code && message.test(e.message),
    JSON.stringify(entries),
  );
}

test('good values of every known key pass, unknown keys pass', () => {
  validateProfile(
    profileOf({
      role_arn: 'arn:aws:iam::123456789012:role/dev',
      jump_role_arn: 'arn:aws-us-gov:iam::123456789012:role/path/to/jump',
      mfa_serial: 'arn:aws:iam::123456789012:mfa/alice',
      duration_seconds: '3600',
      credentials_duration: '1h30m',
      region: 'us-gov-west-1',
      endpoint_url: 'http://127.0.0.1:4566',
      'endpoint_url.sts': 'https://sts.eu-west-1.amazonaws.com',
      web_identity_auth_url: 'https://idp.example.com/realms/x',
      web_identity_provider: 'Keycloak',
      mfa_type: 'PUSH',
      federation_type: 'saml2',
      role_session_name: 'alice@example.com',
      external_id: 'ext-123:abc',
      web_identity_allow_insecure: 'False',
      web_identity_agent: '["open", "-b", "com.google.chrome", "{}"]',
      sso_start_url: 'https://d-1234567890.awsapps.com/start',
      sso_account_id: '123456789012',
      sso_role_name: 'AdministratorAccess',
      sso_registration_scopes: 'sso:account:access, codewhisperer:completions',
      ca_bundle: 'anything goes for keys we do not read',
      cli_pager: '',
    }),
  );
  validateProfile(profileOf({ mfa_serial: 'GAHT12345678', role_arn: 'arn:aws-cn:iam::123456789012:role/x' }));
});

test('bad values are refused, naming the key, value and file:line', () => {
  invalid({ role_arn: 'arn:aws:iam::123:role/dev' }, /^role_arn = "arn:aws:iam::123:role\/dev" \(\/home\/u\/\.aws\/config:2\) is not an IAM role ARN$/);
  invalid({ role_arn: 'arn:aws:iam::123456789012:user/dev' }, /is not an IAM role ARN/);
  invalid({ jump_role_arn: 'dev' }, /^jump_role_arn = "dev" .* is not an IAM role ARN/);
  invalid({ mfa_serial: 'arn:aws:iam::123456789012:role/x' }, /^mfa_serial = .* is not an MFA device/);
  invalid({ mfa_serial: 'short' }, /is not an MFA device/);
  invalid({ duration_seconds: '1h' }, /^duration_seconds = "1h" \(\/home\/u\/\.aws\/config:2\) is not a whole number of seconds/);
  invalid({ duration_seconds: '60' }, /"60" \(\/home\/u\/\.aws\/config:2\) is 1m, outside 15m..12h/, 'DURATION_INVALID');
  invalid({ credentials_duration: 'forever' }, /"forever" \(\/home\/u\/\.aws\/config:2\) is not a duration/, 'DURATION_INVALID');
  invalid({ region: 'US East' }, /^region = "US East" .* is not an AWS region/);
  invalid({ endpoint_url: 'localhost:4566' }, /^endpoint_url = "localhost:4566" .* is not an http\(s\) URL/);
  invalid({ 'endpoint_url.sts': 'not a url' }, /^endpoint_url\.sts = "not a url" .* is not a URL/);
  invalid({ web_identity_auth_url: '//idp' }, /is not a URL/);
  invalid(
    { web_identity_provider: 'pingfederate' },
    /^web_identity_provider = "pingfederate" .* is not supported; supported: adfs, auth0, azuread, forgerock, generic, google, keycloak, okta, onelogin$/,
  );
  invalid({ mfa_type: 'sms' }, /^mfa_type = "sms" .* supported: auto, none, code, push, totp$/);
  invalid({ federation_type: 'ws-fed' }, /supported: oidc, saml2/);
  invalid({ role_session_name: 'has space' }, /is not a role session name/);
  invalid({ web_identity_allow_insecure: 'maybe' }, /is not true or false/);
  invalid({ web_identity_agent: '["open", 1]' }, /^web_identity_agent = .* is not a list of strings/);
});

test('the source profile chain is validated too', () => {
  assert.throws(() => validateProfile(profileOf({}, { sourceProfile: profileOf({ region: 'nowhere' }) })), /region = "nowhere"/);
});

test('one boolean rule for every true/false key: true, yes, on, 1 and false, no, off, 0, in any case', () => {
  for (const key of ['saml_allow_insecure', 'web_identity_allow_insecure', 'web_identity_insecure_skip_verify'] as const) {
    for (const yes of ['true', 'Yes', 'ON', '1', ' on ']) assert.equal(profileOf({ [key]: yes }).value(key), true, `${key} = ${yes}`);
    for (const no of ['false', 'No', 'off', '0']) assert.equal(profileOf({ [key]: no }).value(key), false, `${key} = ${no}`);
    invalid({ [key]: 'enabled' }, new RegExp(`^${key} = "enabled" \\(/home/u/\\.aws/config:2\\) is not true or false$`));
  }
});

test('typed getters: seconds for durations, lists, choices in lower case, blank as unset where a reader writes ""', () => {
  const p = profileOf({
    credentials_duration: '1h30m',
    duration_seconds: '900',
    refresh_window: '5m',
    web_identity_timeout: '2m',
    web_identity_scopes: 'email, profile',
    web_identity_agent: 'firefox --new-window',
    web_identity_flow: 'Device',
    web_identity_client_secret: '',
    mfa_type: 'PUSH',
  });
  assert.deepEqual(p.get('credentials_duration'), { value: 5400, source: { kind: 'file', path: '/home/u/.aws/config', line: 2 } });
  assert.equal(p.value('duration_seconds'), 900);
  assert.equal(p.value('refresh_window'), 300);
  assert.equal(p.value('web_identity_timeout'), 120);
  assert.deepEqual(p.value('web_identity_scopes'), ['email', 'profile']);
  assert.deepEqual(p.value('web_identity_agent'), ['firefox', '--new-window']);
  assert.equal(p.value('web_identity_flow'), 'device');
  assert.equal(p.get('web_identity_client_secret'), undefined);
  assert.equal(p.value('mfa_type'), 'push');
  assert.equal(p.get('role_arn'), undefined);
  assert.equal(p.get('credentials_duration'), p.get('credentials_duration'), 'parsed once');
});

test('a refresh_window or login timeout out of range is refused before anything runs', () => {
  invalid({ refresh_window: '13h' }, /"13h" \(\/home\/u\/\.aws\/config:2\) is outside 0s..12h/, 'DURATION_INVALID');
  invalid({ web_identity_timeout: '2h' }, /^web_identity_timeout = "2h" .* between 1s and 60m/);
  invalid({ oidc_provider_token_exchange_subject_token_type: 'urn:x' }, /neither the access token nor the ID token type/);
});

test('Identity Center values are checked where they are written', () => {
  invalid({ sso_account_id: '1234' }, /^sso_account_id = "1234" \(\/home\/u\/\.aws\/config:2\) is not an AWS account id/);
  invalid({ sso_role_name: 'Admin Access' }, /^sso_role_name = "Admin Access" .* is not a permission set name/);
  invalid({ sso_start_url: 'acme.awsapps.com' }, /^sso_start_url = "acme\.awsapps\.com" .* is not a URL/);
  invalid({ sso_region: 'Ireland' }, /^sso_region = "Ireland" .* is not an AWS region/);
  invalid({ sso_use_device_code: 'sometimes' }, /^sso_use_device_code = "sometimes" .* is not true or false/);
});
