// The seeds' own files read as they are: ~/.aws/accounts, ~/.aws-oidc/config (TOML),
// ~/.aws-cli-oidc/config.yaml, ~/.saml/credentials, and coinbase's environment.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { readAccounts, resolveAccount } from '../../src/config/accounts';
import { awsCliOidcConfigPath, awsCliOidcProfile, readAwsCliOidcConfig } from '../../src/config/aws-cli-oidc';
import { awsOidcProfile, readAwsOidcConfig } from '../../src/config/aws-oidc';
import { assumeRoleProfileName, authScheme, coinbaseSettings } from '../../src/config/coinbase';
import { readSamlCredentials } from '../../src/config/saml-credentials';
import { describeSource, type Setting } from '../../src/config/source';
import { createLogger } from '../../src/platform/logger';
import { validateProfile } from '../../src/config/validate';
import { rejects } from '../helpers/profiles';

const homes: string[] = [];
after(() => homes.forEach((h) => rmSync(h, { recursive: true, force: true })));

function home(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'rolecall-seed-'));
  homes.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text, { mode: 0o600 });
  }
  return dir;
}

const where = (s: Setting | undefined) => s && `${s.value} @ ${describeSource(s.source)}`;

test('~/.aws/accounts: aliases to ids (strings or numbers), ids find their alias, unknown aliases suggest', () => {
  const h = home({ '.aws/accounts': '{\n  "default": "123456789012",\n  "staging": 210987654321,\n  "production": "123456789012"\n}\n' });
  const accounts = readAccounts(h, {});
  assert.deepEqual([...accounts], [['default', '123456789012'], ['staging', '210987654321'], ['production', '123456789012']]);
  assert.deepEqual(resolveAccount('staging', accounts), { id: '210987654321', name: 'staging' });
  assert.deepEqual(resolveAccount('123456789012', accounts), { id: '123456789012', name: 'production' });
  assert.deepEqual(resolveAccount('999999999999', accounts), { id: '999999999999', name: '999999999999' });
  rejects(() => resolveAccount('prodution', accounts), 'USAGE', /"prodution" is neither a 12-digit account id nor an alias in the accounts file\. Did you mean "production"\?/, /default, staging, production/);
  assert.deepEqual([...readAccounts(home({}), {})], []);
});

test('~/.aws/accounts errors name the file and line', () => {
  const broken = home({ '.aws/accounts': '{\n  "staging": "210987654321",\n  "production": "123456789012",\n}\n' });
  rejects(() => readAccounts(broken, {}), 'CONFIG_SYNTAX', new RegExp(`^${join(broken, '.aws/accounts')}:4: not valid JSON`));
  const badId = home({ '.aws/accounts': '{\n  "staging": "210987654321",\n  "production": "12345"\n}\n' });
  rejects(() => readAccounts(badId, {}), 'CONFIG_INVALID', new RegExp(`${join(badId, '.aws/accounts')}:3: account "production" is "12345", not a 12-digit account id`));
  rejects(() => readAccounts(home({ '.aws/accounts': '["123456789012"]' }), {}), 'CONFIG_INVALID', /:1: expected a JSON object of alias to account id/);
  const elsewhere = home({ 'x/accounts.json': '{"ops": "000000000001"}' });
  assert.equal(readAccounts('/nonexistent', { ROLECALL_ACCOUNTS_FILE: join(elsewhere, 'x/accounts.json') }).get('ops'), '000000000001');
});

const AWS_OIDC = `region = "us-east-1"

[[AuthProvider]]
name = "google"
role_arn = "arn:aws:iam::123456789012:role/your-role-name"
duration = 900
provider_url = "https://accounts.google.com"
client_id = "YOUR_CLIENT_ID"
client_secret = "YOUR_CLIENT_SECRET" # only specify this if your OIDC provider requires it even when using PKCE
agent = ["open", "-b", "com.google.chrome", "-n", "--args", "--profile-directory=Profile 1", "{}"]

[[AuthProvider]]
name = "onelogin"
provider_url = "https://openid-connect.onelogin.com/oidc"
client_id = "97a61160"
`;

test('~/.aws-oidc/config (seed 000) maps each provider onto web_identity_* settings with file:line', () => {
  const h = home({ '.aws-oidc/config': AWS_OIDC });
  const path = join(h, '.aws-oidc/config');
  const file = readAwsOidcConfig(h);
  assert.deepEqual([...file.providers.keys()], ['google', 'onelogin']);
  const google = awsOidcProfile('google', file);
  assert.deepEqual(
    Object.fromEntries(['region', 'role_arn', 'duration_seconds', 'web_identity_auth_url', 'web_identity_client_id', 'web_identity_client_secret', 'web_identity_agent'].map((k) => [k, where(google.settings.get(k))])),
    {
      region: `us-east-1 @ ${path}:1`,
      role_arn: `arn:aws:iam::123456789012:role/your-role-name @ ${path}:5`,
      duration_seconds: `900 @ ${path}:6`,
      web_identity_auth_url: `https://accounts.google.com @ ${path}:7`,
      web_identity_client_id: `YOUR_CLIENT_ID @ ${path}:8`,
      web_identity_client_secret: `YOUR_CLIENT_SECRET @ ${path}:9`,
      web_identity_agent: `["open","-b","com.google.chrome","-n","--args","--profile-directory=Profile 1","{}"] @ ${path}:10`,
    },
  );
  assert.deepEqual(google.nameSource, { kind: 'argument', name: 'PROVIDER' });
  // `auth onelogin --role_arn=... --duration 7200` (seed 000's profiles) and the environment
  const onelogin = awsOidcProfile(
    'onelogin',
    file,
    new Map([
      ['role_arn', { value: 'arn:aws:iam::123456789012:role/engineer', source: { kind: 'flag', name: '--role_arn' } }],
      ['duration_seconds', { value: '7200', source: { kind: 'flag', name: '--duration' } }],
    ]),
    { AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:4566', AWS_REGION: 'eu-west-1' },
  );
  assert.equal(where(onelogin.settings.get('role_arn')), 'arn:aws:iam::123456789012:role/engineer @ flag --role_arn');
  assert.equal(where(onelogin.settings.get('duration_seconds')), '7200 @ flag --duration');
  assert.equal(where(onelogin.settings.get('web_identity_auth_url')), `https://openid-connect.onelogin.com/oidc @ ${path}:14`);
  assert.equal(where(onelogin.settings.get('region')), 'eu-west-1 @ environment variable AWS_REGION');
  assert.equal(where(onelogin.settings.get('endpoint_url.sts')), 'http://127.0.0.1:4566 @ environment variable AWS_ENDPOINT_URL_STS');
  rejects(() => awsOidcProfile('googel', file), 'PROFILE_NOT_FOUND', new RegExp(`provider "googel" is not in ${path} \\(providers: google, onelogin\\)`), /Did you mean "google"\?/);
});

test('~/.aws-oidc/config errors name file:line', () => {
  const syntax = home({ '.aws-oidc/config': 'region = "us-east-1"\n[[AuthProvider]]\nname = "google\n' });
  rejects(() => readAwsOidcConfig(syntax), 'CONFIG_SYNTAX', new RegExp(`^${join(syntax, '.aws-oidc/config')}:3: `));
  const types = home({ '.aws-oidc/config': '[[AuthProvider]]\nname = "g"\n\nagent = "open"\n' });
  rejects(() => readAwsOidcConfig(types), 'CONFIG_INVALID', new RegExp(`${join(types, '.aws-oidc/config')}:4: agent must be a list of strings`));
  const unnamed = home({ '.aws-oidc/config': '[[AuthProvider]]\nname = "g"\n[[AuthProvider]]\nclient_id = "x"\n' });
  rejects(() => readAwsOidcConfig(unnamed), 'CONFIG_INVALID', /config:3: this \[\[AuthProvider\]\] has no name/);
  rejects(() => awsOidcProfile('google', readAwsOidcConfig(home({ '.aws-oidc/config': 'region = "us-east-1"\n' }))), 'PROFILE_NOT_FOUND', /it defines no \[\[AuthProvider\]\]/);
  rejects(() => awsOidcProfile('google', readAwsOidcConfig(home({}))), 'PROFILE_NOT_FOUND', /\(the file does not exist\)$/);
});

const AWS_CLI_OIDC = `myop:
  oidc_provider_metadata_url: https://keycloak.example.com/realms/myrealm/.well-known/openid-configuration
  oidc_authentication_request_additional_query: "?kc_idp_hint=google"
  successful_redirect_url: https://example.com/ok
  failure_redirect_url: ""
  client_id: aws-cli
  client_secret: ""
  insecure_skip_verify: "false"
  aws_federation_type: saml2
  max_session_duration_seconds: "43200"
  default_iam_role_arn: arn:aws:iam::123456789012:role/developer
  oidc_provider_token_exchange_audience: urn:amazon:webservices
  oidc_provider_token_exchange_subject_token_type: urn:ietf:params:oauth:token-type:access_token
google:
  oidc_provider_metadata_url: https://accounts.google.com/.well-known/openid-configuration
  client_id: 123.apps.googleusercontent.com
  aws_federation_type: oidc
  max_session_duration_seconds: 3600
  aws_federation_role_session_name: alice
  client_auth_cert: /etc/pki/me.pem
`;

test('~/.aws-cli-oidc/config.yaml (seed 001) maps each provider onto rolecall settings with file:line', () => {
  const h = home({ '.aws-cli-oidc/config.yaml': AWS_CLI_OIDC });
  const path = join(h, '.aws-cli-oidc/config.yaml');
  const file = readAwsCliOidcConfig(h, {});
  const myop = awsCliOidcProfile('myop', file);
  const keys = [...myop.settings.keys()].filter((k) => myop.settings.get(k)!.source.kind === 'file');
  assert.deepEqual(Object.fromEntries(keys.map((k) => [k, where(myop.settings.get(k))])), {
    web_identity_auth_url: `https://keycloak.example.com/realms/myrealm @ ${path}:2`,
    web_identity_additional_query: `?kc_idp_hint=google @ ${path}:3`,
    web_identity_success_redirect_url: `https://example.com/ok @ ${path}:4`,
    web_identity_client_id: `aws-cli @ ${path}:6`,
    web_identity_insecure_skip_verify: `false @ ${path}:8`,
    federation_type: `saml2 @ ${path}:9`,
    default_iam_role_arn: `arn:aws:iam::123456789012:role/developer @ ${path}:11`,
    duration_seconds: `43200 @ ${path}:10`,
    oidc_provider_token_exchange_audience: `urn:amazon:webservices @ ${path}:12`,
    oidc_provider_token_exchange_subject_token_type: `urn:ietf:params:oauth:token-type:access_token @ ${path}:13`,
  });
  // `get-cred -p GOOGLE -r ROLE -d SECS`: names match case-insensitively as viper does; flags win
  const google = awsCliOidcProfile('GOOGLE', file, new Map([['role_arn', { value: 'arn:aws:iam::123456789012:role/x', source: { kind: 'flag', name: '-r' } }]]));
  assert.equal(google.name, 'google');
  assert.equal(where(google.settings.get('web_identity_auth_url')), `https://accounts.google.com @ ${path}:15`);
  assert.equal(where(google.settings.get('duration_seconds')), `3600 @ ${path}:18`);
  assert.equal(where(google.settings.get('role_session_name')), `alice @ ${path}:19`);
  assert.equal(where(google.settings.get('web_identity_client_cert')), `/etc/pki/me.pem @ ${path}:20`);
  assert.equal(where(google.settings.get('role_arn')), 'arn:aws:iam::123456789012:role/x @ flag -r');
  // with oidc, default_iam_role_arn is the role to assume
  const oidc = readAwsCliOidcConfig(home({ '.aws-cli-oidc/config.yaml': 'g:\n  aws_federation_type: oidc\n  default_iam_role_arn: arn:aws:iam::123456789012:role/dev\n' }), {});
  assert.equal(awsCliOidcProfile('g', oidc).settings.get('role_arn')?.value, 'arn:aws:iam::123456789012:role/dev');
  rejects(() => awsCliOidcProfile('myopp', file), 'PROFILE_NOT_FOUND', /OIDC provider "myopp" is not in .*config.yaml \(providers: myop, google\)/, /Did you mean "myop"\?/);
});

test('AWS_CLI_OIDC_CONFIG names the directory (as aws-cli-oidc) or the file', () => {
  const h = home({ 'elsewhere/config.yaml': AWS_CLI_OIDC });
  assert.equal(awsCliOidcConfigPath('/home/u', {}), '/home/u/.aws-cli-oidc/config.yaml');
  assert.equal(awsCliOidcConfigPath('/home/u', { AWS_CLI_OIDC_CONFIG: join(h, 'elsewhere') }), join(h, 'elsewhere/config.yaml'));
  assert.equal(awsCliOidcConfigPath('/home/u', { AWS_CLI_OIDC_CONFIG: join(h, 'elsewhere/config.yaml') }), join(h, 'elsewhere/config.yaml'));
  assert.deepEqual([...readAwsCliOidcConfig('/nonexistent', { AWS_CLI_OIDC_CONFIG: join(h, 'elsewhere') }).providers.keys()], ['myop', 'google']);
});

test('~/.aws-cli-oidc/config.yaml errors name file:line', () => {
  const syntax = home({ '.aws-cli-oidc/config.yaml': 'myop:\n  client_id: a\n client_secret: [\n' });
  rejects(() => readAwsCliOidcConfig(syntax, {}), 'CONFIG_SYNTAX', new RegExp(`^${join(syntax, '.aws-cli-oidc/config.yaml')}:3: `));
  const shape = home({ '.aws-cli-oidc/config.yaml': 'myop:\n  client_id: a\nother: just text\n' });
  rejects(() => readAwsCliOidcConfig(shape, {}), 'CONFIG_INVALID', /config.yaml:3: provider "other" must be a map of settings/);
  const nested = home({ '.aws-cli-oidc/config.yaml': 'myop:\n  client_id:\n    - a\n' });
  rejects(() => readAwsCliOidcConfig(nested, {}), 'CONFIG_INVALID', /config.yaml:2: client_id must be a single value/);
});

test('~/.saml/credentials (seed 003): username and password with their lines; a loose mode is warned about', () => {
  const h = home({ '.saml/credentials': '# mine\nusername = lukeskywalker\npassword = hunter2=with=equals\n' });
  const lines: string[] = [];
  const log = createLogger({ write: (t) => lines.push(t) });
  const found = readSamlCredentials(h, log);
  assert.equal(where(found.username), `lukeskywalker @ ${join(h, '.saml/credentials')}:2`);
  assert.equal(where(found.password), `hunter2=with=equals @ ${join(h, '.saml/credentials')}:3`);
  assert.deepEqual(lines, []);
  chmodSync(join(h, '.saml/credentials'), 0o644);
  readSamlCredentials(h, log);
  assert.equal(lines.length, 1);
  assert.match(lines[0]!, /credentials holds a password and is readable by others \(mode 0644\): run `chmod 600 /);
  // the password is now masked in anything the logger writes
  log.info('sent hunter2=with=equals');
  assert.equal(lines[1], 'sent ****\n');
  assert.deepEqual(readSamlCredentials(home({}), log), {});
});

test('coinbase environment (seed 003): bastion profile, session timeout, and the SAML API only in saml mode', () => {
  assert.deepEqual(assumeRoleProfileName({ AWS_PROFILE_ASSUME_ROLE: 'bastion' }), { value: 'bastion', source: { kind: 'env', name: 'AWS_PROFILE_ASSUME_ROLE' } });
  assert.equal(assumeRoleProfileName({}), undefined);
  const saml = {
    AWS_ROLE_SESSION_TIMEOUT: '43200',
    SAML_IDP_ASSERTION_URL: 'https://idp.example.com/saml',
    SAML_IDP_NAME: 'saml-idp',
    SAML_IDP_REQUEST_BODY_TEMPLATE: '{"email": "$saml_user", "password": "$saml_password"}',
  };
  assert.deepEqual([...coinbaseSettings(saml).keys()], ['duration_seconds'], 'bastion mode by default: SAML_IDP_* left in a shell rc do nothing');
  const settings = coinbaseSettings({ ...saml, AWS_ASSUME_ROLE_AUTH_SCHEME: 'saml' });
  assert.deepEqual(Object.fromEntries([...settings].map(([k, v]) => [k, where(v)])), {
    duration_seconds: '43200 @ environment variable AWS_ROLE_SESSION_TIMEOUT',
    saml_assertion_url: 'https://idp.example.com/saml @ environment variable SAML_IDP_ASSERTION_URL',
    saml_provider_name: 'saml-idp @ environment variable SAML_IDP_NAME',
    saml_request_body_template: `${saml.SAML_IDP_REQUEST_BODY_TEMPLATE} @ environment variable SAML_IDP_REQUEST_BODY_TEMPLATE`,
  });
  assert.equal(authScheme({}), 'bastion');
  rejects(() => authScheme({ AWS_ASSUME_ROLE_AUTH_SCHEME: 'kerberos' }), 'CONFIG_INVALID', /AWS_ASSUME_ROLE_AUTH_SCHEME=kerberos is neither bastion nor saml/);
});

test("a bad value in the seeds' files is named by the key the file writes, not rolecall's name for it", () => {
  const oidc = home({ '.aws-oidc/config': '[[AuthProvider]]\nname = "g"\nrole_arn = "arn:aws:iam::123456789012:role/r"\nduration = "2h"\nprovider_url = "https://idp.example.com"\nclient_id = "c"\n' });
  rejects(() => validateProfile(awsOidcProfile('g', readAwsOidcConfig(oidc))), 'CONFIG_INVALID', /^duration = "2h" \(.*\.aws-oidc\/config:4\) /);
  const yaml = home({ 'c/config.yaml': 'myop:\n  oidc_provider_metadata_url: https://idp.example.com\n  client_id: c\n  aws_federation_type: oidcc\n' });
  rejects(() => validateProfile(awsCliOidcProfile('myop', readAwsCliOidcConfig(yaml, { AWS_CLI_OIDC_CONFIG: join(yaml, 'c') }))), 'CONFIG_INVALID', /^aws_federation_type = "oidcc" \(.*config\.yaml:4\) /);
});
