// The IMDSv2 server as real consumers see it (AWS CLI v2, boto3), what they ask it for, and
// every request it must refuse.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCredentialServer, type CredentialServer } from '../../src/server/index';
import { AWS, BOTO3_FROZEN, childEnv, childJson, deps, http, mintingProvider, NODE_PATH, recordingLogger, run, SDK_JS, sleep } from './server-fixtures';
import { NO_BOTO3, skipWithoutPython } from '../helpers/python';

const CREDENTIALS = '/latest/meta-data/iam/security-credentials/';

describe('IMDSv2 credential server', () => {
  const minted = mintingProvider(60 * 60_000);
  const log = recordingLogger();
  let server: CredentialServer;
  let base: URL;
  const at = (path: string) => new URL(path, base).href;
  const sessionToken = async (ttl = '60') => {
    const answer = await http(at('/latest/api/token'), { method: 'PUT', headers: { Host: base.host, 'X-aws-ec2-metadata-token-ttl-seconds': ttl } });
    assert.equal(answer.status, 200, answer.body);
    return answer.body;
  };
  const get = (path: string, headers: Record<string, string>) => http(at(path), { headers: { Host: base.host, ...headers } });

  before(async () => {
    server = await startCredentialServer('imds', minted.provider, deps(log));
    base = new URL(server.env.AWS_EC2_METADATA_SERVICE_ENDPOINT ?? '');
  });
  after(() => server.close());

  it('tells the child a loopback endpoint in IPv4 mode, and removes what would win over it', () => {
    assert.equal(base.hostname, '127.0.0.1');
    assert.equal(base.pathname, '/');
    assert.equal(server.env.AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE, 'IPv4');
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_EC2_METADATA_DISABLED']) {
      assert.ok(server.unsetEnv.includes(name), `${name} is removed from the child's environment`);
    }
  });

  it('serves the AWS CLI v2 the credentials', async () => {
    const { env, cleanup } = childEnv(server, { AWS_EC2_METADATA_DISABLED: 'true', AWS_SESSION_TOKEN: 'inherited' });
    try {
      const result = await run(AWS, ['configure', 'export-credentials', '--format', 'process'], env);
      assert.equal(result.code, 0, result.stderr);
      const out = JSON.parse(result.stdout) as Record<string, string>;
      const served = minted.minted[0];
      assert.ok(served);
      assert.equal(out.AccessKeyId, served.accessKeyId);
      assert.equal(out.SecretAccessKey, served.secretAccessKey);
      assert.equal(out.SessionToken, served.sessionToken);
    } finally {
      cleanup();
    }
  });

  it('serves boto3 the credentials through its instance-metadata provider', { skip: skipWithoutPython('boto3', NO_BOTO3) }, async () => {
    const out = await childJson(server, 'python3', ['-c', BOTO3_FROZEN]);
    assert.equal(out.method, 'iam-role');
    assert.equal(out.AccessKeyId, minted.minted[0]?.accessKeyId);
  });

  it('serves the AWS SDK for JavaScript v3 through its default chain', async () => {
    const out = await childJson(server, process.execPath, ['-e', SDK_JS], { NODE_PATH });
    assert.equal(out.accessKeyId, minted.minted[0]?.accessKeyId);
    assert.equal(out.sessionToken, minted.minted[0]?.sessionToken);
  });

  it('answers what the AWS CLI and boto3 ask on the way; only the region (availability zone) is not served', { skip: skipWithoutPython('boto3', NO_BOTO3) }, async () => {
    const { env, cleanup } = childEnv(server);
    delete env.AWS_DEFAULT_REGION;
    const from = log.lines.length;
    try {
      const cli = await run(AWS, ['configure', 'export-credentials', '--format', 'process'], env);
      assert.equal(cli.code, 0, cli.stderr);
      const sdk = await run('python3', ['-c', BOTO3_FROZEN], env);
      assert.equal(sdk.code, 0, sdk.stderr);
      // a call needs a region: without AWS_REGION the CLI asks IMDS for the availability zone
      const call = await run(AWS, ['ec2', 'describe-regions'], env);
      assert.notEqual(call.code, 0);
      assert.match(call.stderr, /You must specify a region/);
    } finally {
      cleanup();
    }
    const asked = new Set(log.lines.slice(from).flatMap((line) => line.match(/: (\w+ \S+ -> \d+)/)?.[1] ?? []));
    assert.deepEqual([...asked].sort(), [
      'GET /latest/meta-data/iam/security-credentials/ -> 200',
      'GET /latest/meta-data/iam/security-credentials/Deploy -> 200',
      'GET /latest/meta-data/placement/availability-zone/ -> 404',
      'PUT /latest/api/token -> 200',
    ]);
  });

  it('lists the role of the credentials and serves its IMDS JSON', async () => {
    const token = await sessionToken();
    const list = await get(CREDENTIALS, { 'X-aws-ec2-metadata-token': token });
    assert.equal(list.status, 200);
    assert.equal(list.body, 'Deploy');
    const creds = await get(`${CREDENTIALS}Deploy`, { 'X-aws-ec2-metadata-token': token });
    assert.equal(creds.status, 200);
    const body = JSON.parse(creds.body) as Record<string, string>;
    assert.equal(body.Code, 'Success');
    assert.equal(body.Type, 'AWS-HMAC');
    assert.match(body.LastUpdated ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(body.Expiration, `${minted.minted[0]?.expiration.toISOString().slice(0, 19)}Z`);
    assert.equal(body.Token, minted.minted[0]?.sessionToken);
  });

  it('lists the role name it was given', async () => {
    const named = await startCredentialServer('imds', mintingProvider(60_000).provider, deps(), { roleName: 'ci-runner' });
    try {
      const endpoint = new URL(named.env.AWS_EC2_METADATA_SERVICE_ENDPOINT ?? '');
      const put = await http(new URL('/latest/api/token', endpoint).href, {
        method: 'PUT',
        headers: { Host: endpoint.host, 'X-aws-ec2-metadata-token-ttl-seconds': '5' },
      });
      const list = await http(new URL(CREDENTIALS, endpoint).href, { headers: { Host: endpoint.host, 'X-aws-ec2-metadata-token': put.body } });
      assert.equal(list.body, 'ci-runner');
    } finally {
      await named.close();
    }
  });

  it('refuses IMDSv1: a GET without a session token (401)', async () => {
    for (const path of [CREDENTIALS, `${CREDENTIALS}Deploy`, '/latest/meta-data/']) {
      const answer = await get(path, {});
      assert.equal(answer.status, 401, path);
      assert.match(answer.body, /IMDSv2 only/);
    }
  });

  it('refuses forged, altered and expired session tokens (401)', async () => {
    const token = await sessionToken('1');
    const [expiry, signature] = token.split('.');
    for (const wrong of ['9999999999.forged', `${Number(expiry) + 100}.${signature}`, `${token}.x`, `${token}x`, '']) {
      assert.equal((await get(`${CREDENTIALS}Deploy`, { 'X-aws-ec2-metadata-token': wrong })).status, 401, wrong);
    }
    assert.equal((await get(`${CREDENTIALS}Deploy`, { 'X-aws-ec2-metadata-token': token })).status, 200);
    await sleep(2100);
    assert.equal((await get(`${CREDENTIALS}Deploy`, { 'X-aws-ec2-metadata-token': token })).status, 401, 'expired');
  });

  it('issues session tokens for 1..21600 s only, by PUT only (400, 405)', async () => {
    const put = (headers: Record<string, string>) => http(at('/latest/api/token'), { method: 'PUT', headers: { Host: base.host, ...headers } });
    for (const ttl of ['0', '21601', '-5', '1.5', 'abc', '', '1e3', '0x10', '+60', '0060000']) {
      assert.equal((await put({ 'X-aws-ec2-metadata-token-ttl-seconds': ttl })).status, 400, ttl);
    }
    assert.equal((await put({})).status, 400);
    const longest = await put({ 'X-aws-ec2-metadata-token-ttl-seconds': '21600' });
    assert.equal(longest.status, 200);
    assert.equal(longest.headers['x-aws-ec2-metadata-token-ttl-seconds'], '21600');
    assert.equal((await get('/latest/api/token', {})).status, 405);
  });

  it('refuses a Host that is not the loopback address and port, for the token and the credentials (403)', async () => {
    const token = await sessionToken();
    const host = `rebind.example:${base.port}`;
    const put = await http(at('/latest/api/token'), { method: 'PUT', headers: { Host: host, 'X-aws-ec2-metadata-token-ttl-seconds': '60' } });
    assert.equal(put.status, 403);
    assert.equal((await get(`${CREDENTIALS}Deploy`, { Host: host, 'X-aws-ec2-metadata-token': token })).status, 403);
  });

  it('refuses requests relayed by a proxy, for the token and the credentials (403)', async () => {
    const token = await sessionToken();
    const put = await http(at('/latest/api/token'), {
      method: 'PUT',
      headers: { Host: base.host, 'X-aws-ec2-metadata-token-ttl-seconds': '60', 'X-Forwarded-For': '10.0.0.1' },
    });
    assert.equal(put.status, 403);
    assert.equal((await get(`${CREDENTIALS}Deploy`, { 'X-aws-ec2-metadata-token': token, Forwarded: 'for=10.0.0.1' })).status, 403);
  });

  it('answers 404 for what it does not serve, and 405 for methods other than GET', async () => {
    const token = await sessionToken();
    assert.equal((await get(`${CREDENTIALS}Other`, { 'X-aws-ec2-metadata-token': token })).status, 404);
    assert.equal((await get('/latest/meta-data/placement/region', { 'X-aws-ec2-metadata-token': token })).status, 404);
    const post = await http(at(`${CREDENTIALS}Deploy`), { method: 'POST', headers: { Host: base.host, 'X-aws-ec2-metadata-token': token } });
    assert.equal(post.status, 405);
  });

  it('logs paths and statuses, never session tokens or credentials', async () => {
    const token = await sessionToken();
    await get(`${CREDENTIALS}Deploy`, { 'X-aws-ec2-metadata-token': token });
    const text = log.lines.join('');
    assert.match(text, /GET \/latest\/meta-data\/iam\/security-credentials\/Deploy -> 200/);
    assert.ok(!text.includes(token), 'session token logged');
    for (const creds of minted.minted) {
      assert.ok(!text.includes(creds.secretAccessKey), 'secret key logged');
      assert.ok(!text.includes(creds.sessionToken), 'session token logged');
    }
  });
});
