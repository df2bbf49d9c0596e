// `rolecall list-roles` against the emulator's IAM ListRoles: 250 roles in bob's account, so the
// 100-role pages make three calls, with every condition shape aws-oidc users write. The expected
// answer is worked out from how each role was made, not by running the filter.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestbed, type Testbed } from '../../testbed/index';
import type { WorldRole } from '../../testbed/world';
import { runRolecall, type Home } from '../helpers/cli';
import { bastionHome } from '../helpers/bastion';

const HOST = 'idp.example.com';
const ACCOUNT = '111111111111';
const COUNT = 250;

const name = (i: number) => `team-${String(i).padStart(3, '0')}`;
const fed = (condition: Record<string, unknown>, effect = 'Allow') => ({
  Effect: effect,
  Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/${HOST}` },
  Action: 'sts:AssumeRoleWithWebIdentity',
  Condition: condition,
});

/** role i's trust policy statements, by i % 8 */
function statements(i: number): unknown[] {
  switch (i % 8) {
    case 0:
      return [fed({ StringEquals: { [`${HOST}:aud`]: 'client-a' } })];
    case 1:
      return [fed({ StringEquals: { [`${HOST}:aud`]: ['client-b', 'client-a'], [`${HOST}:sub`]: 'someone' } })];
    case 2:
      return [fed({ StringLike: { [`${HOST}:aud`]: 'client-*' } })];
    case 3:
      return [fed({ 'ForAnyValue:StringLike': { [`${HOST}:aud`]: ['other-*', 'client-?'] } })];
    case 4:
      return [fed({ StringEquals: { [`${HOST}:aud`]: 'client-z' } })];
    case 5:
      return [fed({ StringEquals: { [`${HOST}:sub`]: 'client-a' } })];
    case 6:
      return [fed({ StringEquals: { [`other.example.com:aud`]: 'client-a' } })];
    default:
      return [fed({ StringEquals: { [`${HOST}:aud`]: 'client-a' } }, 'Deny'), { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' }];
  }
}

/** by hand: shapes 0-3 accept client-a, with the value that did */
const ACCEPTING: Record<number, string> = { 0: 'client-a', 1: 'client-a', 2: 'client-*', 3: 'client-?' };
const expected = Array.from({ length: COUNT }, (_, i) => i)
  .filter((i) => ACCEPTING[i % 8] !== undefined)
  .map((i) => ({ RoleName: name(i), Arn: `arn:aws:iam::${ACCOUNT}:role/${name(i)}`, ClientId: [ACCEPTING[i % 8]!] }));

let testbed: Testbed;
let home: Home;

before(async () => {
  testbed = await startTestbed({
    edit: (world) => {
      for (let i = 0; i < COUNT; i++) {
        const role: WorldRole = {
          arn: `arn:aws:iam::${ACCOUNT}:role/${name(i)}`,
          maxSessionDuration: 3600,
          trustPolicy: { Version: '2012-10-17', Statement: statements(i) } as WorldRole['trustPolicy'],
        };
        world.roles.push(role);
      }
    },
  });
  home = bastionHome(testbed);
});
after(async () => {
  home.remove();
  await testbed.close();
});

test('list-roles --json walks 3 pages and keeps exactly the roles whose conditions accept the client', async () => {
  testbed.aws.resetCalls();
  const run = await runRolecall(['list-roles', '--profile', 'bob', '--claim', `${HOST}:aud`, '--client-id', 'client-a', '--json'], { env: home.env });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(testbed.aws.calls('ListRoles'), 3);
  assert.equal(expected.length, 126); // 31 full rounds of 8 shapes x 4, then team-248 (shape 0) and team-249 (shape 1)
  assert.deepEqual(JSON.parse(run.stdout), expected);
});

test("aws-oidc's --client_id spelling, as a table", async () => {
  const run = await runRolecall(['list-roles', '--profile', 'bob', '--claim', `${HOST}:aud`, '--client_id', 'client-a'], { env: home.env });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /126 of 250 roles accept client client-a on idp\.example\.com:aud/);
  const lines = run.stdout.trimEnd().split('\n');
  assert.equal(lines.length, 1 + expected.length);
  assert.match(lines[0]!, /^RoleName\s+Arn\s+ClientId$/);
  const rows = lines.slice(1).map((l) => l.split(/\s{2,}/));
  assert.deepEqual(
    rows,
    expected.map((e) => [e.RoleName, e.Arn, e.ClientId[0]]),
  );
});

test('without a client id, every role with a condition on the claim; another client matches only wildcards', async () => {
  const all = await runRolecall(['list-roles', '--profile', 'bob', '--claim', `${HOST}:aud`, '--json'], { env: home.env });
  assert.equal(all.code, 0, all.stderr);
  // shapes 0-4 have an Allow condition on the claim (4: client-z); 5-7 do not
  const names = (JSON.parse(all.stdout) as { RoleName: string }[]).map((r) => r.RoleName);
  assert.deepEqual(names, Array.from({ length: COUNT }, (_, i) => i).filter((i) => i % 8 <= 4).map(name));

  const other = await runRolecall(['list-roles', '--profile', 'bob', '--claim', `${HOST}:aud`, '--client-id', 'client-q', '--json'], { env: home.env });
  const matched = JSON.parse(other.stdout) as { RoleName: string; ClientId: string[] }[];
  assert.deepEqual(
    matched.map((r) => [r.RoleName, r.ClientId]),
    Array.from({ length: COUNT }, (_, i) => i).filter((i) => i % 8 === 2 || i % 8 === 3).map((i) => [name(i), [i % 8 === 2 ? 'client-*' : 'client-?']]),
  );
});

test('an IAM endpoint that does not answer: the error names it and the variable that sets it', async () => {
  const run = await runRolecall(['list-roles', '--profile', 'bob', '--claim', `${HOST}:aud`], { env: { ...home.env, AWS_ENDPOINT_URL_IAM: 'http://127.0.0.1:9' } });
  assert.equal(run.code, 1);
  assert.match(run.stderr, /ListRoles failed: cannot reach http:\/\/127\.0\.0\.1:9 \(ECONNREFUSED\)/);
  assert.match(run.stderr, /hint: .*AWS_ENDPOINT_URL_IAM/);
  assert.equal(run.stdout, '');
});

test('without --claim, and no OIDC settings in the profile to take it from, the arguments are refused before anything is called', async () => {
  const run = await runRolecall(['list-roles', '--profile', 'bob'], { env: home.env });
  assert.equal(run.code, 2);
  assert.equal(run.stderr.split('\n')[0], 'rolecall: list-roles needs --claim (the trust policy condition key, e.g. accounts.google.com:aud)');
  assert.equal(run.stdout, '');
});
