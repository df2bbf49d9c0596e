// Session policies through the built binary: --policy / --policy-arn and the session_policy /
// session_policy_arns keys narrow the last role session, and the STS emulator applies them (the
// session may do only what both the role and the policy allow), checked with the AWS CLI as the
// consumer; they are part of the cache key, doctor shows them, AWS's PackedPolicyTooLarge is
// explained with its percentage, and `login` with a policy gives a console with the narrowed rights.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { Testbed } from '../../testbed/index';
import { runProcess, runRolecall, type Home } from '../helpers/cli';
import { useBastionTestbed } from '../helpers/bastion';

const AWS = '/usr/bin/aws';
const ALIASES_ONLY = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:ListAccountAliases", "Resource": "*"}]}';
const EVERYTHING = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}';
const ALIASES_ARN = 'arn:aws:iam::222222222222:policy/account-aliases-only';

let testbed: Testbed;
let home: Home;

useBastionTestbed((started, startedHome) => {
  testbed = started;
  home = startedHome;
  home.write('.aws/policies/aliases.json', `${ALIASES_ONLY}\n`);
  appendFileSync(
    home.env.AWS_CONFIG_FILE!,
    `
[profile narrow]
role_arn = arn:aws:iam::222222222222:role/deploy
source_profile = bob
external_id = deploy-ext-42
session_policy = policies/aliases.json

[profile narrow-arns]
role_arn = arn:aws:iam::222222222222:role/deploy
source_profile = bob
external_id = deploy-ext-42
session_policy_arns = ${ALIASES_ARN}

[profile proc]
credential_process = /bin/true
`,
  );
});

interface Keys {
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken: string;
}

async function keysOf(args: string[]): Promise<Keys> {
  const run = await runRolecall(['export', ...args, '--format', 'process'], { env: home.env });
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout) as Keys;
}

/** The AWS CLI with these keys, against the emulator. */
function aws(keys: Keys, ...args: string[]) {
  const env = { ...home.env, AWS_ACCESS_KEY_ID: keys.AccessKeyId, AWS_SECRET_ACCESS_KEY: keys.SecretAccessKey, AWS_SESSION_TOKEN: keys.SessionToken, AWS_CONFIG_FILE: '/dev/null' };
  return runProcess(AWS, [...args, '--endpoint-url', testbed.aws.url, '--region', 'us-east-1', '--output', 'json'], { env, timeoutMs: 60_000 });
}

const NO_SESSION_POLICY = /AccessDenied.*is not authorized to perform: iam:ListRoles on resource: arn:aws:iam::222222222222:role\/ because no session policy allows the iam:ListRoles action/;

test('--policy: the session may list the account aliases and nothing else; the same policy is a cache hit, another a new AssumeRole', async () => {
  const before = testbed.aws.calls('AssumeRole');
  const narrowed = await keysOf(['deploy', '--policy', ALIASES_ONLY]);
  const aliases = await aws(narrowed, 'iam', 'list-account-aliases');
  assert.equal(aliases.code, 0, aliases.stderr);
  assert.deepEqual((JSON.parse(aliases.stdout) as { AccountAliases: string[] }).AccountAliases, ['staging']);
  const roles = await aws(narrowed, 'iam', 'list-roles');
  assert.notEqual(roles.code, 0);
  assert.match(roles.stderr, NO_SESSION_POLICY);

  // the policy is part of the cache key: the same one (spaces aside) is served from the cache...
  const again = await keysOf(['deploy', '--policy', JSON.stringify(JSON.parse(ALIASES_ONLY))]);
  assert.equal(again.AccessKeyId, narrowed.AccessKeyId);
  assert.equal(testbed.aws.calls('AssumeRole') - before, 1);
  // ...none is another session, with the role's own rights
  const whole = await keysOf(['deploy']);
  assert.notEqual(whole.AccessKeyId, narrowed.AccessKeyId);
  assert.equal(testbed.aws.calls('AssumeRole') - before, 2);
  assert.equal((await aws(whole, 'iam', 'list-roles')).code, 0);
});

test('a session policy narrows, never widens: Action * still leaves out what the role may not do', async () => {
  const keys = await keysOf(['deploy', '--policy', EVERYTHING]);
  assert.equal((await aws(keys, 'iam', 'list-roles')).code, 0, 'the role allows iam:List*');
  const assume = await aws(keys, 'sts', 'assume-role', '--role-arn', 'arn:aws:iam::222222222222:role/read', '--role-session-name', 'wider');
  assert.notEqual(assume.code, 0);
  assert.match(assume.stderr, /not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::222222222222:role\/read because no identity-based policy allows the sts:AssumeRole action/);
});

test('--policy-arn (repeatable) through exec, and session_policy_arns: the managed policy narrows the session', async () => {
  const run = await runRolecall(
    ['exec', 'deploy', '--policy-arn', ALIASES_ARN, '--policy-arn', 'arn:aws:iam::aws:policy/IAMReadOnlyAccess', '--', 'sh', '-c', `${AWS} iam list-account-aliases --endpoint-url "$1" --region us-east-1 --output text && ${AWS} iam list-roles --endpoint-url "$1" --region us-east-1 --output text > /dev/null && echo listed`, 'sh', testbed.aws.url],
    { env: { ...home.env, AWS_CONFIG_FILE: home.env.AWS_CONFIG_FILE } },
  );
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /staging\nlisted\n$/, 'IAMReadOnlyAccess allows iam:List* as well');

  const keys = await keysOf(['narrow-arns']);
  assert.equal((await aws(keys, 'iam', 'list-account-aliases')).code, 0);
  assert.match((await aws(keys, 'iam', 'list-roles')).stderr, NO_SESSION_POLICY);
});

test('session_policy from a file next to the config; doctor and whoami show it', async () => {
  const keys = await keysOf(['narrow']);
  assert.match((await aws(keys, 'iam', 'list-roles')).stderr, NO_SESSION_POLICY);

  const doctor = await runRolecall(['doctor', 'narrow'], { env: home.env });
  assert.match(doctor.stdout, /^ {2}session_policy += policies\/aliases\.json +# .*config:\d+$/m);
  assert.match(doctor.stdout, /^ {2}2\. AssumeRole arn:aws:iam::222222222222:role\/deploy narrowed by session policy \(\d+ characters\) \(profile narrow\)$/m);
  const flags = await runRolecall(['doctor', 'deploy', '--policy-arn', ALIASES_ARN], { env: home.env });
  assert.match(flags.stdout, new RegExp(`^ {2}session_policy_arns += ${ALIASES_ARN} +# flag --policy-arn$`, 'm'));
  assert.match(flags.stdout, new RegExp(`AssumeRole arn:aws:iam::222222222222:role/deploy narrowed by policy ARN ${ALIASES_ARN} \\(profile deploy\\)`));

  const whoami = await runRolecall(['whoami', 'narrow', '--json'], { env: home.env });
  assert.equal(whoami.code, 0, whoami.stderr);
  assert.match((JSON.parse(whoami.stdout) as { chain: string[] }).chain.at(-1)!, /narrowed by session policy/);
});

test('a session_policy file edited after a call: the next call gets a session with the new policy, the fast path does not answer it', async () => {
  home.write('.aws/policies/edited.json', ALIASES_ONLY);
  appendFileSync(home.env.AWS_CONFIG_FILE!, '\n[profile edited]\nrole_arn = arn:aws:iam::222222222222:role/deploy\nsource_profile = bob\nexternal_id = deploy-ext-42\nsession_policy = file://policies/edited.json\n');
  const first = await keysOf(['edited']);
  assert.match((await aws(first, 'iam', 'list-roles')).stderr, NO_SESSION_POLICY);
  home.write('.aws/policies/edited.json', EVERYTHING);
  const second = await keysOf(['edited']);
  assert.notEqual(second.AccessKeyId, first.AccessKeyId);
  assert.equal((await aws(second, 'iam', 'list-roles')).code, 0);
  home.write('.aws/policies/edited.json', ALIASES_ONLY);
  assert.equal((await keysOf(['edited'])).AccessKeyId, first.AccessKeyId, 'the first policy again: its cached session');
});

test('inherited: a profile over one with session_policy narrows its own (last) role, not the one below', async () => {
  appendFileSync(home.env.AWS_CONFIG_FILE!, '\n[profile base-narrow]\nrole_arn = arn:aws:iam::222222222222:role/read\nsource_profile = bastion\nsession_policy = ~/.aws/policies/aliases.json\n\n[profile child]\nrole_arn = arn:aws:iam::333333333333:role/admin\nsource_profile = base-narrow\n');
  const doctor = await runRolecall(['doctor', 'child'], { env: home.env });
  assert.match(doctor.stdout, /^ {2}3\. AssumeRole arn:aws:iam::222222222222:role\/read \(profile base-narrow\)$/m, 'the role below is not narrowed');
  assert.match(doctor.stdout, /^ {2}4\. AssumeRole arn:aws:iam::333333333333:role\/admin narrowed by session policy \(\d+ characters\) \(profile child\)$/m);
  // read's session assumes admin: it could not, had it been narrowed to the account aliases
  const keys = await keysOf(['child']);
  assert.match((await aws(keys, 'iam', 'list-roles')).stderr, /because no session policy allows the iam:ListRoles action/);
});

test('a policy over the packed size: AWS\'s PackedPolicyTooLarge explained with its percentage; nothing on stdout', async () => {
  // distinct resource ARNs do not compress: under 2048 characters, over the packed space
  const resources = Array.from({ length: 30 }, () => `arn:aws:s3:::b-${randomBytes(30).toString('base64url')}/*`);
  const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: resources }] });
  assert.ok(policy.length < 2048, `${policy.length}`);
  const run = await runRolecall(['export', 'deploy', '--policy', policy, '--format', 'process'], { env: home.env });
  assert.equal(run.code, 1);
  assert.equal(run.stdout, '');
  assert.match(run.stderr, /rolecall: AssumeRole arn:aws:iam::222222222222:role\/deploy failed: the session policy and policy ARNs take (\d{3})% of the space AWS allows them in a session, \d+ points too many \(PackedPolicyTooLarge: Packed policy consumes \1% of allotted space, please use smaller policy\.\)/);
  assert.match(run.stderr, /hint: AWS packs the session policy, the policy ARNs and session tags into one space/);
});

test('refused before any STS call: too long, not JSON, eleven ARNs, a file that is not there, a profile that assumes no role', async () => {
  const before = testbed.aws.calls();
  const long = JSON.stringify({ Version: '2012-10-17', Statement: Array.from({ length: 30 }, (_, i) => ({ Effect: 'Allow', Action: `iam:ListRoleTags${i}`, Resource: `arn:aws:iam::222222222222:role/some-long-role-name-${i}` })) });
  const cases: Array<[string[], number, RegExp]> = [
    [['deploy', '--policy', long], 2, /the session policy of session_policy \(flag --policy\) is \d{4} characters without its spaces; AWS takes 2048 at most/],
    [['deploy', '--policy', '{"Statement": [}'], 2, /the session policy of session_policy \(flag --policy\) is not JSON \(its JSON\)/],
    [['deploy', '--policy', '{"Version": "2012-10-17"}'], 2, /the session policy of session_policy \(flag --policy\) has no Statement/],
    [['deploy', ...Array.from({ length: 11 }, (_, i) => ['--policy-arn', `arn:aws:iam::222222222222:policy/p${i}`]).flat()], 2, /session_policy_arns \(flag --policy-arn\) names 11 policies; AWS takes 10 at most/],
    [['deploy', '--policy-arn', 'arn:aws:iam::222222222222:role/read'], 2, /"arn:aws:iam::222222222222:role\/read" in session_policy_arns \(flag --policy-arn\) is not an IAM policy ARN/],
    [['deploy', '--policy', 'missing.json'], 2, /cannot read the session policy file \S+\/missing\.json, named by session_policy \(flag --policy\): ENOENT/],
    [['bob', '--policy', ALIASES_ONLY], 2, /session_policy \(flag --policy\) narrows a role session, but profile bob assumes no role: its credentials come from long-lived keys/],
    [['proc', '--policy-arn', ALIASES_ARN], 2, /session_policy_arns \(flag --policy-arn\) narrows a role session, but profile proc assumes no role: its credentials come from its credential_process/],
  ];
  for (const [args, code, message] of cases) {
    const run = await runRolecall(['export', ...args, '--format', 'process'], { env: home.env });
    assert.equal(run.code, code, `${args.join(' ')}: ${run.stderr}`);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, message);
  }
  assert.equal(testbed.aws.calls() - before, 0, 'no call reached AWS');
});

test('login --url with a session policy: the console has the narrowed rights; assume takes the flag too', async () => {
  const env = { ...home.env, AWS_ENDPOINT_URL_SIGNIN: testbed.aws.signinUrl };
  const permissions = async (args: string[]) => {
    const run = await runRolecall(['login', ...args, '--url'], { env });
    assert.equal(run.code, 0, run.stderr);
    const login = await fetch(run.stdout.trim(), { redirect: 'manual' });
    assert.equal(login.status, 302);
    const html = await (await fetch(new URL(login.headers.get('location')!, run.stdout.trim()))).text();
    return Object.fromEntries([...html.matchAll(/<li data-action="([^"]+)">(\w+)<\/li>/g)].map((m) => [m[1], m[2]]));
  };
  assert.deepEqual(await permissions(['deploy', '--policy', ALIASES_ONLY]), { 'iam:ListAccountAliases': 'allowed', 'iam:ListRoles': 'denied', 'sts:AssumeRole': 'denied' });
  assert.deepEqual(await permissions(['narrow']), { 'iam:ListAccountAliases': 'allowed', 'iam:ListRoles': 'denied', 'sts:AssumeRole': 'denied' });
  assert.deepEqual(await permissions(['deploy']), { 'iam:ListAccountAliases': 'allowed', 'iam:ListRoles': 'allowed', 'sts:AssumeRole': 'denied' });

  const assume = await runRolecall(['assume', 'deploy', '--policy', ALIASES_ONLY, '--format', 'json'], { env: home.env });
  assert.equal(assume.code, 0, assume.stderr);
  const c = (JSON.parse(assume.stdout) as { Credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string } }).Credentials;
  assert.match((await aws({ AccessKeyId: c.AccessKeyId, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken }, 'iam', 'list-roles')).stderr, NO_SESSION_POLICY);
});
