// The testbed's IAM Identity Center against independent clients: botocore (the machine's python,
// which reads AWS_ENDPOINT_URL_SSO_OIDC / AWS_ENDPOINT_URL_SSO) parses its answers and errors as it
// parses AWS's, and plain HTTP drives what botocore never sends (PKCE, replays, foreign tokens).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { startTestbed, type Testbed } from '../../testbed/index';
import { reservedRoleArn } from '../../testbed/sso/index';
import { approveDevice, authorize, type Person } from '../helpers/sso-person';

let testbed: Testbed;
let alice: Person;
const DEVICE = 'urn:ietf:params:oauth:grant-type:device_code';

before(async () => {
  testbed = await startTestbed();
  const user = testbed.world.idpUsers.find((u) => u.username === 'alice')!;
  alice = { username: user.username, password: user.password };
});
after(async () => {
  await testbed.close();
});

async function call(base: string, path: string, init: { method?: string; body?: unknown; token?: string } = {}) {
  const response = await fetch(`${base}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: { 'content-type': 'application/json', ...(init.token ? { 'x-amz-sso_bearer_token': init.token } : {}) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  return { status: response.status, type: response.headers.get('x-amzn-errortype')?.split(':')[0], body: (text ? JSON.parse(text) : {}) as Record<string, any> };
}

const oidc = (path: string, body: unknown) => call(testbed.aws.sso.oidcUrl, path, { body });
const startUrl = () => testbed.world.identityCenter.startUrl;

async function registerAuthCodeClient() {
  const { body } = await oidc('/client/register', {
    clientName: 'botocore-client-test',
    clientType: 'public',
    grantTypes: ['authorization_code', 'refresh_token'],
    redirectUris: ['http://127.0.0.1/oauth/callback'],
    issuerUrl: startUrl(),
    scopes: ['sso:account:access'],
  });
  return body as { clientId: string; clientSecret: string };
}

function pkce() {
  const verifier = randomBytes(48).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function authorizeUrl(clientId: string, challenge: string, redirectUri: string, state = 'st-1') {
  const q = new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: redirectUri, state, code_challenge_method: 'S256', scopes: 'sso:account:access', code_challenge: challenge });
  return `${testbed.aws.sso.oidcUrl}/authorize?${q}`;
}

/** a browser sign-in, the code read off the redirect (nothing listens on the loopback port) */
const authorizationCode = (clientId: string, challenge: string, redirectUri = 'http://127.0.0.1:9/oauth/callback') =>
  authorize(authorizeUrl(clientId, challenge, redirectUri), alice);

test('botocore registers, runs the device flow, lists (paginated) and gets role credentials that STS accepts', async () => {
  const script = `
import boto3, json, os, sys, urllib.request
from botocore import UNSIGNED
from botocore.config import Config
cfg = Config(signature_version=UNSIGNED, region_name='eu-west-1')
oidc = boto3.client('sso-oidc', config=cfg)
reg = oidc.register_client(clientName='botocore-client-tb', clientType='public', scopes=['sso:account:access'])
dev = oidc.start_device_authorization(clientId=reg['clientId'], clientSecret=reg['clientSecret'], startUrl=sys.argv[1])
out = {'expiresIn': dev['expiresIn'], 'interval': dev['interval'], 'userCode': dev['userCode'], 'complete': dev['verificationUriComplete']}
try:
    oidc.create_token(grantType='${DEVICE}', clientId=reg['clientId'], clientSecret=reg['clientSecret'], deviceCode=dev['deviceCode'])
except oidc.exceptions.AuthorizationPendingException as e:
    out['pending'] = e.response['Error']['Code']
print(json.dumps(out), flush=True)
sys.stdin.readline()
tok = oidc.create_token(grantType='${DEVICE}', clientId=reg['clientId'], clientSecret=reg['clientSecret'], deviceCode=dev['deviceCode'])
sso = boto3.client('sso', config=cfg)
accounts = [a for p in sso.get_paginator('list_accounts').paginate(accessToken=tok['accessToken']) for a in p['accountList']]
roles = [r['roleName'] for p in sso.get_paginator('list_account_roles').paginate(accessToken=tok['accessToken'], accountId='222222222222') for r in p['roleList']]
rc = sso.get_role_credentials(accessToken=tok['accessToken'], accountId='222222222222', roleName='Developer')['roleCredentials']
sts = boto3.client('sts', region_name='us-east-1', endpoint_url=os.environ['STS'], aws_access_key_id=rc['accessKeyId'], aws_secret_access_key=rc['secretAccessKey'], aws_session_token=rc['sessionToken'])
errors = {}
try:
    sso.get_role_credentials(accessToken=tok['accessToken'], accountId='333333333333', roleName='Developer')
except Exception as e:
    errors['forbidden'] = [e.response['Error']['Code'], e.response['Error']['Message'], e.response['ResponseMetadata']['HTTPStatusCode']]
sso.logout(accessToken=tok['accessToken'])
try:
    sso.list_accounts(accessToken=tok['accessToken'])
except sso.exceptions.UnauthorizedException as e:
    errors['afterLogout'] = e.response['Error']['Message']
print(json.dumps({'token': {k: tok[k] for k in ('tokenType', 'expiresIn')}, 'refresh': 'refreshToken' in tok, 'accounts': accounts, 'roles': roles,
  'expiration': rc['expiration'], 'arn': sts.get_caller_identity()['Arn'], 'errors': errors}))
`;
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, AWS_ENDPOINT_URL_SSO_OIDC: testbed.aws.sso.oidcUrl, AWS_ENDPOINT_URL_SSO: testbed.aws.sso.portalUrl, STS: testbed.aws.url, AWS_CONFIG_FILE: '/dev/null' };
  const { spawn } = await import('node:child_process');
  const child = spawn('python3', ['-c', script, startUrl()], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  const firstLine = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      stdout += d;
      if (stdout.includes('\n')) resolve(stdout.split('\n')[0]!);
    });
    child.on('exit', () => reject(new Error(`python ended early: ${stderr}`)));
  });
  const started = JSON.parse(firstLine) as { expiresIn: number; interval: number; userCode: string; complete: string; pending: string };
  assert.equal(started.pending, 'AuthorizationPendingException');
  assert.equal(started.expiresIn, 600);
  assert.match(started.userCode, /^[A-Z]{4}-[A-Z]{4}$/);
  assert.match(await approveDevice(started.complete, alice), /device-success/);
  const done = new Promise<number | null>((resolve) => child.on('close', resolve));
  child.stdin.end('go\n');
  assert.equal(await done, 0, stderr);
  const result = JSON.parse(stdout.split('\n')[1]!);
  assert.deepEqual(result.token, { tokenType: 'Bearer', expiresIn: 3600 });
  assert.equal(result.refresh, true, 'sso:account:access earns a refresh token');
  assert.deepEqual(
    result.accounts.map((a: { accountId: string; accountName: string }) => `${a.accountId} ${a.accountName}`),
    ['222222222222 Staging', '333333333333 Production', '444444444444 Data Science [Sandbox] / Zoë'],
  );
  assert.deepEqual(result.roles, ['Developer', 'ReadOnly']);
  assert.ok(result.expiration > Date.now() + 7 * 3600 * 1000, 'Developer sessions last 8 h (epoch milliseconds)');
  assert.equal(result.arn, `arn:aws:sts::222222222222:assumed-role/${reservedRoleArn('222222222222', 'Developer').split('/').at(-1)}/alice`);
  assert.deepEqual(result.errors.forbidden, ['ForbiddenException', 'No access', 403]);
  assert.equal(result.errors.afterLogout, 'Session token not found or invalid');
  assert.equal(testbed.aws.calls('Logout'), 1);
});

test('authorization code with PKCE: the code is bound to the verifier, the redirect URI, and one use', async () => {
  const client = await registerAuthCodeClient();
  const { verifier, challenge } = pkce();
  const redirect = new URL(await authorizationCode(client.clientId, challenge));
  assert.equal(redirect.searchParams.get('state'), 'st-1');
  const code = redirect.searchParams.get('code')!;
  const token = (extra: Record<string, string>) =>
    oidc('/token', { clientId: client.clientId, clientSecret: client.clientSecret, grantType: 'authorization_code', code, redirectUri: 'http://127.0.0.1:9/oauth/callback', codeVerifier: verifier, ...extra });

  const wrongVerifier = await token({ codeVerifier: pkce().verifier });
  assert.equal(wrongVerifier.type, 'InvalidGrantException');
  assert.equal(wrongVerifier.body.error, 'invalid_grant');
  // a failed redemption spends the code, as a stolen code must not be retried
  const retried = await token({});
  assert.equal(retried.type, 'InvalidGrantException');

  const again = new URL(await authorizationCode(client.clientId, challenge)).searchParams.get('code')!;
  const wrongRedirect = await oidc('/token', { clientId: client.clientId, clientSecret: client.clientSecret, grantType: 'authorization_code', code: again, redirectUri: 'http://127.0.0.1:10/oauth/callback', codeVerifier: verifier });
  assert.equal(wrongRedirect.type, 'InvalidGrantException');

  const third = new URL(await authorizationCode(client.clientId, challenge)).searchParams.get('code')!;
  const good = await oidc('/token', { clientId: client.clientId, clientSecret: client.clientSecret, grantType: 'authorization_code', code: third, redirectUri: 'http://127.0.0.1:9/oauth/callback', codeVerifier: verifier });
  assert.equal(good.status, 200);
  assert.ok(good.body.refreshToken);
  // replaying the redeemed code ends the tokens it gave
  const replay = await oidc('/token', { clientId: client.clientId, clientSecret: client.clientSecret, grantType: 'authorization_code', code: third, redirectUri: 'http://127.0.0.1:9/oauth/callback', codeVerifier: verifier });
  assert.equal(replay.type, 'InvalidGrantException');
  const portal = await call(testbed.aws.sso.portalUrl, '/assignment/accounts', { token: good.body.accessToken });
  assert.equal(portal.status, 401);
  assert.equal(portal.type, 'UnauthorizedException');
});

test('the authorization page refuses what AWS refuses, without redirecting where it cannot trust', async () => {
  const client = await registerAuthCodeClient();
  const { challenge } = pkce();
  const unknown = await fetch(authorizeUrl('nobody', challenge, 'http://127.0.0.1:9/oauth/callback'), { redirect: 'manual' });
  assert.equal(unknown.status, 400);
  const foreign = await fetch(authorizeUrl(client.clientId, challenge, 'https://attacker.example/oauth/callback'), { redirect: 'manual' });
  assert.equal(foreign.status, 400, 'an unregistered redirect URI gets an error page, not a redirect');
  const noPkce = await fetch(authorizeUrl(client.clientId, 'short', 'http://127.0.0.1:9/oauth/callback'), { redirect: 'manual' });
  assert.equal(noPkce.status, 302);
  assert.equal(new URL(noPkce.headers.get('location')!).searchParams.get('error'), 'invalid_request');
  const denied = new URL(await authorize(authorizeUrl(client.clientId, challenge, 'http://127.0.0.1:9/oauth/callback', 'st-2'), { ...alice, consent: 'deny' }));
  assert.equal(denied.searchParams.get('error'), 'access_denied');
  assert.equal(denied.searchParams.get('state'), 'st-2');
  // a device-flow registration cannot start a browser sign-in
  const device = await oidc('/client/register', { clientName: 'botocore-client-x', clientType: 'public' });
  const wrongGrant = await fetch(authorizeUrl(device.body.clientId, challenge, 'http://127.0.0.1:9/oauth/callback'), { redirect: 'manual' });
  assert.equal(wrongGrant.status, 400, 'a registration without redirect URIs has none to send to');
});

test('RegisterClient and CreateToken validate like AWS: client type, scopes, grants, secrets, expiry, refresh rotation, revocation', async () => {
  assert.equal((await oidc('/client/register', { clientName: 'x', clientType: 'confidential' })).type, 'InvalidClientMetadataException');
  assert.equal((await oidc('/client/register', { clientName: 'x', clientType: 'public', scopes: ['admin:everything'] })).type, 'InvalidScopeException');
  assert.equal((await oidc('/client/register', { clientType: 'public' })).type, 'InvalidRequestException');
  const noIssuer = await oidc('/client/register', { clientName: 'x', clientType: 'public', grantTypes: ['authorization_code'], redirectUris: ['http://127.0.0.1/oauth/callback'] });
  assert.equal(noIssuer.type, 'InvalidRequestException');

  const legacy = (await oidc('/client/register', { clientName: 'botocore-client-1', clientType: 'public' })).body;
  const wrongSecret = await oidc('/device_authorization', { clientId: legacy.clientId, clientSecret: 'nope', startUrl: startUrl() });
  assert.equal(wrongSecret.status, 401);
  assert.equal(wrongSecret.type, 'InvalidClientException');
  const wrongStart = await oidc('/device_authorization', { clientId: legacy.clientId, clientSecret: legacy.clientSecret, startUrl: 'https://other.awsapps.com/start' });
  assert.equal(wrongStart.type, 'InvalidRequestException');
  // no sso:account:access: a token, but no refresh token (the AWS CLI's legacy profiles)
  const started = (await oidc('/device_authorization', { clientId: legacy.clientId, clientSecret: legacy.clientSecret, startUrl: startUrl() })).body;
  testbed.aws.sso.slowDown(1);
  const poll = () => oidc('/token', { clientId: legacy.clientId, clientSecret: legacy.clientSecret, grantType: DEVICE, deviceCode: started.deviceCode });
  assert.equal((await poll()).type, 'SlowDownException');
  assert.equal((await poll()).type, 'AuthorizationPendingException');
  testbed.aws.sso.approveDevice(started.userCode, 'alice');
  const legacyToken = await poll();
  assert.equal(legacyToken.status, 200);
  assert.equal(legacyToken.body.refreshToken, undefined);
  assert.equal((await poll()).type, 'InvalidGrantException', 'a device code gives one token');
  assert.equal((await oidc('/token', { clientId: legacy.clientId, clientSecret: legacy.clientSecret, grantType: 'authorization_code', code: 'x', redirectUri: 'x', codeVerifier: 'x' })).type, 'UnauthorizedClientException');
  assert.equal((await oidc('/token', { clientId: legacy.clientId, clientSecret: legacy.clientSecret, grantType: 'password' })).type, 'UnsupportedGrantTypeException');

  const scoped = (await oidc('/client/register', { clientName: 'botocore-client-2', clientType: 'public', scopes: ['sso:account:access'] })).body;
  const device = (await oidc('/device_authorization', { clientId: scoped.clientId, clientSecret: scoped.clientSecret, startUrl: startUrl() })).body;
  testbed.aws.sso.approveDevice(device.userCode, 'alice');
  const first = (await oidc('/token', { clientId: scoped.clientId, clientSecret: scoped.clientSecret, grantType: DEVICE, deviceCode: device.deviceCode })).body;
  const refresh = (token: string, client = scoped) => oidc('/token', { clientId: client.clientId, clientSecret: client.clientSecret, grantType: 'refresh_token', refreshToken: token });
  assert.equal((await refresh(first.refreshToken, legacy)).type, 'InvalidGrantException', 'another client\'s refresh token is refused');
  const second = await refresh(first.refreshToken);
  assert.equal(second.status, 200);
  assert.notEqual(second.body.refreshToken, first.refreshToken, 'refresh tokens rotate');
  assert.equal((await refresh(first.refreshToken)).type, 'InvalidGrantException', 'a spent refresh token is refused');
  testbed.aws.sso.revokeUser('alice');
  assert.equal((await refresh(second.body.refreshToken)).type, 'InvalidGrantException', 'revoked sessions cannot refresh');
  const portal = await call(testbed.aws.sso.portalUrl, '/federation/credentials?account_id=222222222222&role_name=ReadOnly', { token: second.body.accessToken });
  assert.equal(portal.type, 'UnauthorizedException');
  assert.ok(testbed.aws.sso.grants('refresh_token') >= 4);
});

test('the portal checks the bearer token and its parameters, and pages every list', async () => {
  const noToken = await call(testbed.aws.sso.portalUrl, '/assignment/accounts');
  assert.equal(noToken.status, 401);
  assert.equal(noToken.body.message, 'Session token not found or invalid');
  const client = (await oidc('/client/register', { clientName: 'botocore-client-3', clientType: 'public', scopes: ['sso:account:access'] })).body;
  const device = (await oidc('/device_authorization', { clientId: client.clientId, clientSecret: client.clientSecret, startUrl: startUrl() })).body;
  testbed.aws.sso.approveDevice(device.userCode, 'carol');
  const { accessToken } = (await oidc('/token', { clientId: client.clientId, clientSecret: client.clientSecret, grantType: DEVICE, deviceCode: device.deviceCode })).body;
  const portal = (path: string) => call(testbed.aws.sso.portalUrl, path, { token: accessToken });
  assert.deepEqual((await portal('/assignment/accounts')).body, { accountList: [{ accountId: '222222222222', accountName: 'Staging', emailAddress: 'aws-staging@example.com' }] });
  assert.equal((await portal('/assignment/roles?account_id=22')).type, 'InvalidRequestException');
  assert.equal((await portal('/assignment/accounts?next_token=garbage')).type, 'InvalidRequestException');
  assert.equal((await portal('/federation/credentials?account_id=222222222222&role_name=Developer')).status, 403, 'carol has ReadOnly only');
  const creds = await portal('/federation/credentials?account_id=222222222222&role_name=ReadOnly');
  assert.equal(creds.status, 200);
  assert.match(creds.body.roleCredentials.accessKeyId, /^ASIA/);
  assert.equal(typeof creds.body.roleCredentials.expiration, 'number');
});
