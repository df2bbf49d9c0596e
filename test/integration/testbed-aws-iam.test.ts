// The emulator's IAM (ListRoles pagination, GetUser, ListMFADevices, ListAccountAliases) through
// @aws-sdk/client-iam and the AWS CLI v2, and the console federation endpoint over plain HTTP.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { GetUserCommand, ListAccountAliasesCommand, ListMFADevicesCommand, ListRolesCommand, type Role } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetFederationTokenCommand, GetSessionTokenCommand } from '@aws-sdk/client-sts';
import { startAws, type AwsEmulator } from '../../testbed/aws/index';
import { DEFAULT_WORLD } from '../../testbed/world';
import { awsError, defaultWorld, iam, keysOf, sts, type Keys } from './testbed-aws-helpers';

const world = defaultWorld();
world.roles.push({
  arn: 'arn:aws:iam::222222222222:role/teams/data/analyst',
  maxSessionDuration: 7200,
  description: 'a role with a path',
  trustPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: '222222222222' }, Action: 'sts:AssumeRole' }] },
});
const alice = world.users.find((u) => u.name === 'alice')!;
const bob = world.users.find((u) => u.name === 'bob')!;
const ALICE: Keys = { accessKeyId: alice.accessKeyId, secretAccessKey: alice.secretAccessKey };
const BOB: Keys = { accessKeyId: bob.accessKeyId, secretAccessKey: bob.secretAccessKey };
const STAGING_ROLES = world.roles.filter((r) => r.arn.startsWith('arn:aws:iam::222222222222:')).map((r) => r.arn);

let aws: AwsEmulator;
let deploy: Keys;
before(async () => {
  aws = await startAws(world, { worldDir: dirname(DEFAULT_WORLD) });
  const out = await sts(aws.url, BOB).send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::222222222222:role/deploy', RoleSessionName: 'bob', ExternalId: 'deploy-ext-42' }));
  deploy = keysOf(out.Credentials);
});
after(() => aws.close());

describe('IAM ListRoles', () => {
  it("pages through the caller's account with MaxItems and Marker", async () => {
    aws.resetCalls();
    const client = iam(aws.url, deploy);
    const pages: Role[][] = [];
    let Marker: string | undefined;
    do {
      const out = await client.send(new ListRolesCommand({ MaxItems: 3, Marker }));
      pages.push(out.Roles!);
      assert.equal(out.IsTruncated, out.Marker !== undefined);
      Marker = out.Marker;
    } while (Marker);
    assert.deepEqual(pages.map((p) => p.length), [3, 3, 2]);
    assert.deepEqual(pages.flat().map((r) => r.Arn), STAGING_ROLES);
    assert.equal(aws.calls('ListRoles'), 3);
  });

  it('returns each role like IAM: name, path, id, URL-encoded trust policy', async () => {
    const out = await iam(aws.url, deploy).send(new ListRolesCommand({ PathPrefix: '/teams/' }));
    assert.equal(out.IsTruncated, false);
    const [role] = out.Roles!;
    assert.equal(out.Roles!.length, 1);
    assert.equal(role!.RoleName, 'analyst');
    assert.equal(role!.Path, '/teams/data/');
    assert.equal(role!.MaxSessionDuration, 7200);
    assert.equal(role!.Description, 'a role with a path');
    assert.match(role!.RoleId!, /^AROA[A-Z2-7]{17}$/);
    assert.ok(role!.CreateDate instanceof Date);
    assert.match(role!.AssumeRolePolicyDocument!, /^%7B%22Version%22/);
    assert.deepEqual(JSON.parse(decodeURIComponent(role!.AssumeRolePolicyDocument!)), world.roles.at(-1)!.trustPolicy);
  });

  it('is paginated by the real AWS CLI v2', async () => {
    const { stdout } = await promisify(execFile)('/usr/bin/aws', ['iam', 'list-roles', '--page-size', '2', '--endpoint-url', aws.url, '--output', 'json'], {
      env: {
        PATH: process.env.PATH,
        HOME: '/nonexistent',
        AWS_CONFIG_FILE: '/dev/null',
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
        AWS_ACCESS_KEY_ID: deploy.accessKeyId,
        AWS_SECRET_ACCESS_KEY: deploy.secretAccessKey,
        AWS_SESSION_TOKEN: deploy.sessionToken,
        AWS_DEFAULT_REGION: 'us-east-1',
      },
    });
    assert.deepEqual((JSON.parse(stdout) as { Roles: Role[] }).Roles.map((r) => r.Arn), STAGING_ROLES);
  });

  it('refuses a call signed for the wrong service', async () => {
    // an IAM request put through the STS client gets a credential scope of .../sts/aws4_request
    const misrouted = new ListRolesCommand({}) as unknown as GetSessionTokenCommand;
    const e = await awsError(sts(aws.url, deploy).send(misrouted));
    assert.deepEqual(e, { name: 'SignatureDoesNotMatch', message: "Credential should be scoped to correct service: 'iam'. ", status: 403 });
  });
});

describe('IAM caller details', () => {
  it('GetUser and ListMFADevices describe the calling user; ListAccountAliases names the account', async () => {
    const client = iam(aws.url, ALICE);
    const user = await client.send(new GetUserCommand({}));
    assert.equal(user.User!.Arn, 'arn:aws:iam::111111111111:user/alice');
    assert.equal(user.User!.UserName, 'alice');
    const mfa = await client.send(new ListMFADevicesCommand({}));
    assert.deepEqual(mfa.MFADevices!.map((d) => d.SerialNumber), [alice.mfa!.serial]);
    assert.deepEqual((await client.send(new ListAccountAliasesCommand({}))).AccountAliases, ['bastion']);
    assert.deepEqual((await iam(aws.url, deploy).send(new ListAccountAliasesCommand({}))).AccountAliases, ['staging']);
    const role = await awsError(iam(aws.url, deploy).send(new GetUserCommand({})));
    assert.deepEqual(role, { name: 'ValidationError', message: 'Must specify userName when calling with non-User credentials', status: 400 });
    const missing = await awsError(client.send(new GetUserCommand({ UserName: 'zed' })));
    assert.deepEqual(missing, { name: 'NoSuchEntityException', message: 'The user with name zed cannot be found.', status: 404 });
  });
});

describe('console federation endpoint', () => {
  const signinToken = (keys: Keys, duration?: number) => {
    const url = new URL(aws.signinUrl);
    url.searchParams.set('Action', 'getSigninToken');
    url.searchParams.set('Session', JSON.stringify({ sessionId: keys.accessKeyId, sessionKey: keys.secretAccessKey, sessionToken: keys.sessionToken }));
    if (duration !== undefined) url.searchParams.set('SessionDuration', String(duration));
    return fetch(url);
  };

  it('trades role credentials for a sign-in token, and the token for the console', async () => {
    aws.resetCalls();
    const answer = await signinToken(deploy, 3600);
    assert.equal(answer.status, 200);
    const { SigninToken } = (await answer.json()) as { SigninToken: string };
    assert.ok(SigninToken.length > 100);
    const login = new URL(aws.signinUrl);
    login.search = new URLSearchParams({ Action: 'login', Issuer: 'rolecall', Destination: 'https://console.aws.amazon.com/console/home?region=eu-west-1', SigninToken }).toString();
    const redirect = await fetch(login, { redirect: 'manual' });
    assert.equal(redirect.status, 302);
    const location = redirect.headers.get('location')!;
    assert.ok(location.startsWith(`${aws.url}/console?`), location);
    const page = await (await fetch(location)).text();
    assert.match(page, /<h1 id="identity">arn:aws:sts::222222222222:assumed-role\/deploy\/bob<\/h1>/);
    assert.match(page, /<span id="account">222222222222<\/span> \(<span id="alias">staging<\/span>\)/);
    assert.equal(aws.calls('getSigninToken'), 1);
    assert.equal(aws.calls('login'), 1);
    const forged = new URL(login);
    forged.searchParams.set('SigninToken', 'x'.repeat(256));
    assert.equal((await fetch(forged, { redirect: 'manual' })).status, 400);
  });

  it('refuses long-lived keys, GetSessionToken credentials and SessionDuration for chained roles', async () => {
    assert.equal((await signinToken(BOB)).status, 400);
    const session = await sts(aws.url, BOB).send(new GetSessionTokenCommand({}));
    assert.equal((await signinToken(keysOf(session.Credentials))).status, 400);
    const chained = await sts(aws.url, deploy).send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::222222222222:role/teams/data/analyst', RoleSessionName: 'bob' }));
    const refused = await signinToken(keysOf(chained.Credentials), 3600);
    assert.equal(refused.status, 400);
    assert.match(await refused.text(), /role chaining/);
    assert.equal((await signinToken(keysOf(chained.Credentials))).status, 200);
    assert.equal((await signinToken({ ...deploy, secretAccessKey: 'wrong' })).status, 400);
  });

  it('signs in a federated user made from long-lived keys', async () => {
    const federated = await sts(aws.url, BOB).send(new GetFederationTokenCommand({ Name: 'bob', DurationSeconds: 3600 }));
    assert.equal(federated.FederatedUser!.Arn, 'arn:aws:sts::111111111111:federated-user/bob');
    const answer = await signinToken(keysOf(federated.Credentials));
    assert.equal(answer.status, 200);
  });
});
