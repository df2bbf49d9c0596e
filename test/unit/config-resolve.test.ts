// Profile resolution: every level of the precedence ladder with its source, source_profile chains,
// cycles, unknown profiles with close names, and reading the files from a temp home.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { configFilesFrom, listProfiles, readConfigFiles, type ConfigFiles } from '../../src/config/files';
import { parseIni } from '../../src/config/ini';
import type { Profile } from '../../src/config/profile';
import { resolveProfile } from '../../src/config/resolve';
import { describeSource, type Setting } from '../../src/config/source';
import { rejects } from '../helpers/profiles';

const CONFIG = '/home/u/.aws/config';
const CREDENTIALS = '/home/u/.aws/credentials';

function files(config: string, credentials = ''): ConfigFiles {
  return configFilesFrom(parseIni(config, CONFIG), parseIni(credentials, CREDENTIALS));
}

/** key -> "value @ where" for compact assertions */
function shown(profile: Profile, ...keys: string[]): Record<string, string | undefined> {
  return Object.fromEntries(
    keys.map((k) => {
      const s = profile.settings.get(k);
      return [k, s && `${s.value} @ ${describeSource(s.source)}`];
    }),
  );
}

const flag = (value: string, name: string): Setting => ({ value, source: { kind: 'flag', name } });

const LADDER = `[default]
region = us-east-1
credentials_duration = 2h
web_identity_client_id = from-default
mfa_serial = arn:aws:iam::111111111111:mfa/not-inherited

[profile base]
region = eu-west-1
web_identity_auth_url = https://idp.example.com
web_identity_provider = keycloak

[profile app]
source_profile = base
role_arn = arn:aws:iam::123456789012:role/app
region = eu-central-1
`;

test('every level of the ladder, with its source: flag > env > profile > source_profile > [default] > built-in', () => {
  const f = files(LADDER, '[app]\nregion = ap-south-1\naws_access_key_id = AKIAAPP\n');
  const env = { AWS_REGION: 'us-west-2', AWS_DEFAULT_REGION: 'us-west-1', MFA_TYPE: 'push' };
  const full = resolveProfile(f, { name: flag('app', '--profile'), env, overrides: new Map([['region', flag('sa-east-1', '--region')]]) });
  assert.deepEqual(shown(full, 'region', 'mfa_type', 'web_identity_auth_url', 'web_identity_client_id', 'credentials_duration', 'aws_access_key_id'), {
    region: 'sa-east-1 @ flag --region',
    mfa_type: 'push @ environment variable MFA_TYPE',
    web_identity_auth_url: `https://idp.example.com @ ${CONFIG}:9`,
    web_identity_client_id: `from-default @ ${CONFIG}:4`,
    credentials_duration: `2h @ ${CONFIG}:3`,
    aws_access_key_id: `AKIAAPP @ ${CREDENTIALS}:3`,
  });
  // take away the top level each time: the next one shows through
  const noFlag = resolveProfile(f, { name: flag('app', '--profile'), env });
  assert.equal(shown(noFlag, 'region').region, 'us-west-2 @ environment variable AWS_REGION');
  assert.equal(shown(resolveProfile(f, { name: flag('app', '--profile'), env: { AWS_DEFAULT_REGION: 'us-west-1' } }), 'region').region, 'us-west-1 @ environment variable AWS_DEFAULT_REGION');
  // the credentials file's keys beat the config file's for the same profile, as the AWS CLI merges them
  assert.equal(shown(resolveProfile(f, { name: flag('app', '--profile'), env: {} }), 'region').region, `ap-south-1 @ ${CREDENTIALS}:2`);
  const configOnly = files(LADDER);
  assert.equal(shown(resolveProfile(configOnly, { name: flag('app', '--profile'), env: {} }), 'region').region, `eu-central-1 @ ${CONFIG}:15`);
  const noOwnRegion = files(LADDER.replace('region = eu-central-1\n', ''));
  assert.equal(shown(resolveProfile(noOwnRegion, { name: flag('app', '--profile'), env: {} }), 'region').region, `eu-west-1 @ ${CONFIG}:8`);
  const onlyDefault = files(LADDER.replace('region = eu-central-1\n', '').replace('region = eu-west-1\n', ''));
  assert.equal(shown(resolveProfile(onlyDefault, { name: flag('app', '--profile'), env: {} }), 'region').region, `us-east-1 @ ${CONFIG}:2`);
  const bare = resolveProfile(files('[profile app]\nrole_arn = arn:aws:iam::123456789012:role/app\n'), { name: flag('app', '--profile'), env: {} });
  assert.deepEqual(shown(bare, 'region', 'mfa_type', 'credentials_duration'), {
    region: undefined,
    mfa_type: 'auto @ built-in default',
    credentials_duration: '1h @ built-in default',
  });
});

test('only INHERITED_KEYS flow down from source_profile and [default]', () => {
  const app = resolveProfile(files(LADDER), { name: flag('app', '--profile'), env: {} });
  assert.equal(app.settings.get('mfa_serial'), undefined, 'mfa_serial is not inherited from [default]');
  assert.equal(app.settings.get('source_profile')?.value, 'base');
  const base = resolveProfile(files(LADDER), { name: flag('base', '--profile'), env: {} });
  assert.equal(base.settings.get('role_arn'), undefined, "the source profile does not get the role it is a source for");
});

test('the profile name: argument, else AWS_PROFILE, else default; each remembered', () => {
  const f = files('[default]\nregion = us-east-1\n[profile dev]\nregion = eu-west-1\n');
  assert.deepEqual(resolveProfile(f, { name: flag('dev', '--profile'), env: { AWS_PROFILE: 'default' } }).nameSource, { kind: 'flag', name: '--profile' });
  const fromEnv = resolveProfile(f, { env: { AWS_PROFILE: 'dev' } });
  assert.equal(fromEnv.name, 'dev');
  assert.deepEqual(fromEnv.nameSource, { kind: 'env', name: 'AWS_PROFILE' });
  const fallback = resolveProfile(f, { env: { AWS_PROFILE: '' } });
  assert.equal(fallback.name, 'default');
  assert.deepEqual(fallback.nameSource, { kind: 'default' });
  // no [default] at all is fine: the environment alone can carry credentials
  assert.equal(resolveProfile(files(''), { env: {} }).name, 'default');
});

test('environment overrides for the aws-runas keys, endpoints and the coinbase timeout', () => {
  const env = {
    AWS_ENDPOINT_URL: 'http://127.0.0.1:1',
    AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:2',
    AWS_ENDPOINT_URL_IAM: 'http://127.0.0.1:3',
    CREDENTIALS_DURATION: '90m',
    WEB_IDENTITY_AUTH_URL: 'https://env.example.com',
    WEB_IDENTITY_USERNAME: 'alice',
    WEB_IDENTITY_PROVIDER: 'okta',
    JUMP_ROLE_ARN: 'arn:aws:iam::123456789012:role/jump',
    AWS_ROLE_SESSION_TIMEOUT: '43200',
  };
  const p = resolveProfile(files(LADDER), { name: flag('app', '--profile'), env });
  const expected: Record<string, string> = {
    endpoint_url: 'AWS_ENDPOINT_URL',
    'endpoint_url.sts': 'AWS_ENDPOINT_URL_STS',
    'endpoint_url.iam': 'AWS_ENDPOINT_URL_IAM',
    credentials_duration: 'CREDENTIALS_DURATION',
    web_identity_auth_url: 'WEB_IDENTITY_AUTH_URL',
    web_identity_username: 'WEB_IDENTITY_USERNAME',
    web_identity_provider: 'WEB_IDENTITY_PROVIDER',
    jump_role_arn: 'JUMP_ROLE_ARN',
    duration_seconds: 'AWS_ROLE_SESSION_TIMEOUT',
  };
  for (const [key, name] of Object.entries(expected)) {
    assert.deepEqual(p.settings.get(key), { value: env[name as keyof typeof env], source: { kind: 'env', name } }, key);
  }
  // the chain below the profile is read from the files: one jump, not one per hop
  assert.equal(p.sourceProfile?.settings.get('jump_role_arn'), undefined);
});

test('service endpoints from a [services] section, and the AWS order against the general endpoint', () => {
  const config = `[profile local]
services = emulator
endpoint_url = http://127.0.0.1:9000
[services emulator]
sts =
  endpoint_url = http://127.0.0.1:4566
iam =
  endpoint_url = http://127.0.0.1:4567
`;
  const p = resolveProfile(files(config), { name: flag('local', '--profile'), env: {} });
  assert.deepEqual(shown(p, 'endpoint_url', 'endpoint_url.sts', 'endpoint_url.iam'), {
    endpoint_url: `http://127.0.0.1:9000 @ ${CONFIG}:3`,
    'endpoint_url.sts': `http://127.0.0.1:4566 @ ${CONFIG}:6`,
    'endpoint_url.iam': `http://127.0.0.1:4567 @ ${CONFIG}:8`,
  });
  // AWS_ENDPOINT_URL beats the file's service-specific endpoints; AWS_ENDPOINT_URL_STS beats both
  const env = resolveProfile(files(config), { name: flag('local', '--profile'), env: { AWS_ENDPOINT_URL: 'http://127.0.0.1:1', AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:2' } });
  assert.deepEqual(shown(env, 'endpoint_url', 'endpoint_url.sts', 'endpoint_url.iam'), {
    endpoint_url: 'http://127.0.0.1:1 @ environment variable AWS_ENDPOINT_URL',
    'endpoint_url.sts': 'http://127.0.0.1:2 @ environment variable AWS_ENDPOINT_URL_STS',
    'endpoint_url.iam': undefined,
  });
  rejects(
    () => resolveProfile(files('[profile local]\nservices = missing\n'), { name: flag('local', '--profile'), env: {} }),
    'CONFIG_INVALID',
    new RegExp(`services = missing \\(${CONFIG}:2\\), but ${CONFIG} has no \\[services missing\\] section`),
  );
});

test('a source_profile chain of depth 4 resolves recursively and inherits through every hop', () => {
  const config = `[profile p1]
role_arn = arn:aws:iam::123456789012:role/p1
source_profile = p2
[profile p2]
role_arn = arn:aws:iam::123456789012:role/p2
source_profile = p3
[profile p3]
role_arn = arn:aws:iam::123456789012:role/p3
source_profile = p4
region = eu-north-1
[profile p4]
web_identity_auth_url = https://idp.example.com
`;
  const p1 = resolveProfile(files(config, '[p4]\naws_access_key_id = AKIA4\naws_secret_access_key = s4\n'), { name: flag('p1', '--profile'), env: {} });
  const names: string[] = [];
  for (let p: Profile | undefined = p1; p; p = p.sourceProfile) names.push(p.name);
  assert.deepEqual(names, ['p1', 'p2', 'p3', 'p4']);
  assert.deepEqual(p1.sourceProfile?.nameSource, { kind: 'file', path: CONFIG, line: 3 });
  assert.equal(shown(p1, 'region').region, `eu-north-1 @ ${CONFIG}:10`);
  assert.equal(shown(p1, 'web_identity_auth_url').web_identity_auth_url, `https://idp.example.com @ ${CONFIG}:12`);
  assert.equal(p1.sourceProfile?.sourceProfile?.sourceProfile?.settings.get('aws_access_key_id')?.value, 'AKIA4');
});

test('a cycle is refused, naming the whole loop and each source_profile line', () => {
  const config = `[profile a]
source_profile = b
[profile b]
source_profile = c
[profile c]
source_profile = a
[profile top]
source_profile = b
`;
  rejects(
    () => resolveProfile(files(config), { name: flag('a', '--profile'), env: {} }),
    'PROFILE_CYCLE',
    new RegExp(`^source_profile loop: a -> b -> c -> a \\(a: source_profile at ${CONFIG}:2; b: source_profile at ${CONFIG}:4; c: source_profile at ${CONFIG}:6\\)$`),
  );
  rejects(() => resolveProfile(files(config), { name: flag('top', '--profile'), env: {} }), 'PROFILE_CYCLE', /loop: b -> c -> a -> b /);
  rejects(() => resolveProfile(files('[profile self]\nsource_profile = self\n'), { name: flag('self', '--profile'), env: {} }), 'PROFILE_CYCLE', /loop: self -> self \(self: source_profile at/);
});

test('a profile may name itself as source_profile when it holds keys, as the AWS CLI allows', () => {
  const p = resolveProfile(files('[profile me]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = me\nmfa_serial = arn:aws:iam::123456789012:mfa/me\n', '[me]\naws_access_key_id = AKIAME\naws_secret_access_key = s\n'), {
    name: flag('me', '--profile'),
    env: {},
  });
  assert.equal(p.sourceProfile?.name, 'me');
  assert.deepEqual([...p.sourceProfile!.settings.keys()], ['aws_access_key_id', 'aws_secret_access_key']);
});

test('a source_profile naming a missing profile names the file:line of the key and close names', () => {
  rejects(
    () => resolveProfile(files('[profile app]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = bastoin\n', '[bastion]\naws_access_key_id = A\n'), { name: flag('app', '--profile'), env: {} }),
    'PROFILE_NOT_FOUND',
    new RegExp(`source_profile = bastoin \\(${CONFIG}:3\\), but profile "bastoin" is not in ${CONFIG} or ${CREDENTIALS}`),
    /Did you mean "bastion"\?/,
  );
});

test('an unknown profile suggests close names and spots a config section written without "profile"', () => {
  const f = files('[default]\n[profile production]\n[profile prod-eu]\n[staging]\nregion = us-east-1\n', '[bastion]\n');
  rejects(
    () => resolveProfile(f, { env: { AWS_PROFILE: 'prod' } }),
    'PROFILE_NOT_FOUND',
    new RegExp(`^profile "prod" \\(from environment variable AWS_PROFILE\\) is not in ${CONFIG} or ${CREDENTIALS}$`),
    /Did you mean "prod-eu" or "production"\?/,
  );
  rejects(() => resolveProfile(f, { name: flag('staging', '--profile'), env: {} }), 'PROFILE_NOT_FOUND', /profile "staging" \(from flag --profile\) is not in/, new RegExp(`\\[staging\\] at ${CONFIG}:4 is not a profile: in the config file write \\[profile staging\\]`));
  assert.deepEqual(listProfiles(f), ['default', 'production', 'prod-eu', 'bastion']);
});

test('[profile default] is the default profile; credentials-file sections are profiles as written', () => {
  const f = files('[profile default]\nregion = eu-west-1\n[default]\noutput = json\n', '[profile x]\naws_access_key_id = A\n');
  const p = resolveProfile(f, { env: {} });
  assert.deepEqual(shown(p, 'region', 'output'), { region: `eu-west-1 @ ${CONFIG}:2`, output: `json @ ${CONFIG}:4` });
  assert.deepEqual(listProfiles(f), ['default', 'profile x']);
});

test('credential_source: Environment accepted; EC2/ECS refused as unsupported; both with source_profile refused', () => {
  const env = resolveProfile(files('[profile e]\nrole_arn = arn:aws:iam::123456789012:role/r\ncredential_source = Environment\n'), { name: flag('e', '--profile'), env: {} });
  assert.equal(env.settings.get('credential_source')?.value, 'Environment');
  rejects(
    () => resolveProfile(files('[profile e]\ncredential_source = Ec2InstanceMetadata\n'), { name: flag('e', '--profile'), env: {} }),
    'CONFIG_INVALID',
    new RegExp(`credential_source = Ec2InstanceMetadata \\(${CONFIG}:2\\) is not supported by rolecall`),
    /credential_source = Environment/,
  );
  rejects(() => resolveProfile(files('[profile e]\ncredential_source = EcsContainer\n'), { name: flag('e', '--profile'), env: {} }), 'CONFIG_INVALID', /not supported by rolecall/);
  rejects(() => resolveProfile(files('[profile e]\ncredential_source = Magic\n'), { name: flag('e', '--profile'), env: {} }), 'CONFIG_INVALID', /not a credential source; valid: Environment, Ec2InstanceMetadata, EcsContainer/);
  rejects(
    () => resolveProfile(files('[default]\n[profile e]\nsource_profile = default\ncredential_source = Environment\n'), { name: flag('e', '--profile'), env: {} }),
    'CONFIG_INVALID',
    new RegExp(`both source_profile \\(${CONFIG}:3\\) and credential_source \\(${CONFIG}:4\\)`),
  );
});

test('indented blocks become key.sub settings', () => {
  const p = resolveProfile(files('[default]\ns3 =\n  max_concurrent_requests = 10\n'), { env: {} });
  assert.equal(shown(p, 's3.max_concurrent_requests')['s3.max_concurrent_requests'], `10 @ ${CONFIG}:3`);
});

test('readConfigFiles: AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE with ~ and $VAR, missing files empty, unreadable ones named', () => {
  const home = mkdtempSync(join(tmpdir(), 'rolecall-home-'));
  try {
    mkdirSync(join(home, 'conf'));
    writeFileSync(join(home, 'conf', 'cfg'), '[profile dev]\nregion = eu-west-1\n');
    const f = readConfigFiles({ AWS_CONFIG_FILE: '~/conf/cfg', AWS_SHARED_CREDENTIALS_FILE: '$HOME/nope', HOME: home }, home);
    assert.equal(f.config.path, join(home, 'conf', 'cfg'));
    assert.equal(f.credentials.path, join(home, 'nope'));
    assert.deepEqual(listProfiles(f), ['dev']);
    assert.equal(resolveProfile(f, { env: {}, name: flag('dev', '--profile') }).settings.get('region')?.source.kind, 'file');
    // defaults: ~/.aws/config and ~/.aws/credentials
    mkdirSync(join(home, '.aws'));
    writeFileSync(join(home, '.aws', 'credentials'), '[bastion]\naws_access_key_id = A\n');
    assert.deepEqual(listProfiles(readConfigFiles({}, home)), ['bastion']);
    // a directory where the file should be, and (unless we are root) a file we may not read
    rejects(() => readConfigFiles({ AWS_CONFIG_FILE: join(home, 'conf') }, home), 'CONFIG_UNREADABLE', new RegExp(`cannot read AWS config file ${join(home, 'conf')}: EISDIR`));
    // a link loop cannot be read even by root
    symlinkSync(join(home, 'loop'), join(home, 'loop'));
    rejects(() => readConfigFiles({ AWS_SHARED_CREDENTIALS_FILE: join(home, 'loop') }, home), 'CONFIG_UNREADABLE', /cannot read AWS credentials file .*loop: ELOOP/);
    if (process.getuid?.() !== 0) {
      chmodSync(join(home, '.aws', 'credentials'), 0o000);
      rejects(() => readConfigFiles({}, home), 'CONFIG_UNREADABLE', /cannot read AWS credentials file .*credentials: EACCES/);
    }
    writeFileSync(join(home, 'conf', 'cfg'), '[default]\nregion\n');
    rejects(() => readConfigFiles({ AWS_CONFIG_FILE: join(home, 'conf', 'cfg') }, home), 'CONFIG_SYNTAX', new RegExp(`${join(home, 'conf', 'cfg')}:2: `));
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

test('an Identity Center profile gets its [sso-session] keys with their lines; a mismatch or a missing section is refused as the AWS CLI refuses it', () => {
  const config = `[sso-session acme]
sso_start_url = https://acme.awsapps.com/start
sso_region = eu-west-1
sso_registration_scopes = sso:account:access

[profile dev]
sso_session = acme
sso_account_id = 111111111111
sso_role_name = Developer
sso_region = eu-west-1

[profile odd]
sso_session = acme
sso_account_id = 111111111111
sso_role_name = Developer
sso_start_url = https://other.awsapps.com/start

[profile lost]
sso_session = acem
sso_account_id = 111111111111
sso_role_name = Developer
`;
  const dev = resolveProfile(files(config), { name: flag('dev', '--profile'), env: {} });
  assert.deepEqual(shown(dev, 'sso_start_url', 'sso_region', 'sso_registration_scopes'), {
    sso_start_url: `https://acme.awsapps.com/start @ ${CONFIG}:2`,
    sso_region: `eu-west-1 @ ${CONFIG}:10`,
    sso_registration_scopes: `sso:account:access @ ${CONFIG}:4`,
  });
  assert.deepEqual(dev.value('sso_registration_scopes'), ['sso:account:access']);
  rejects(
    () => resolveProfile(files(config), { name: flag('odd', '--profile'), env: {} }),
    'CONFIG_INVALID',
    /profile "odd" sets sso_start_url = https:\/\/other\.awsapps\.com\/start \(.*config:16\), but its sso-session acme has sso_start_url = https:\/\/acme\.awsapps\.com\/start \(.*config:2\)/,
  );
  rejects(() => resolveProfile(files(config), { name: flag('lost', '--profile'), env: {} }), 'CONFIG_INVALID', /no \[sso-session acem\] section/, /Did you mean "acme"\?/);
});
