// The container credentials server as real consumers see it (AWS CLI v2, boto3), and every
// request it must refuse.
import assert from 'node:assert/strict';
import { networkInterfaces } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { startCredentialServer, type CredentialServer } from '../../src/server/index';
import { AWS, BOTO3_FROZEN, childEnv, childJson, deps, http, mintingProvider, NODE_PATH, recordingLogger, run, SDK_JS } from './server-fixtures';
import { NO_BOTO3, skipWithoutPython } from '../helpers/python';

describe('ECS credential server', () => {
  const minted = mintingProvider(60 * 60_000);
  const log = recordingLogger();
  let server: CredentialServer;
  let url: URL;
  let token: string;
  const authorized = (extra: Record<string, string> = {}) => ({ Authorization: token, Host: url.host, ...extra });

  before(async () => {
    server = await startCredentialServer('ecs', minted.provider, deps(log));
    url = new URL(server.env.AWS_CONTAINER_CREDENTIALS_FULL_URI ?? '');
    token = server.env.AWS_CONTAINER_AUTHORIZATION_TOKEN ?? '';
  });
  after(() => server.close());

  it('tells the child a loopback URL with a random port and path, and a random token', () => {
    assert.equal(url.protocol, 'http:');
    assert.equal(url.hostname, '127.0.0.1');
    assert.notEqual(url.port, '');
    assert.match(url.pathname, /^\/role-credentials\/[0-9a-f]{24}$/);
    assert.match(token, /^[\w-]{43}$/);
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE']) {
      assert.ok(server.unsetEnv.includes(name), `${name} is removed from the child's environment`);
    }
  });

  it('serves the AWS CLI v2 the credentials, over static keys and a profile inherited from the parent', async () => {
    const { env, cleanup } = childEnv(server, { AWS_ACCESS_KEY_ID: 'AKIASTATICKEYSHOULDNT', AWS_SECRET_ACCESS_KEY: 'static', AWS_PROFILE: 'nonexistent' });
    try {
      const result = await run(AWS, ['configure', 'export-credentials', '--format', 'process'], env);
      assert.equal(result.code, 0, result.stderr);
      const out = JSON.parse(result.stdout) as Record<string, string>;
      const served = minted.minted[0];
      assert.ok(served);
      assert.equal(out.AccessKeyId, served.accessKeyId);
      assert.equal(out.SecretAccessKey, served.secretAccessKey);
      assert.equal(out.SessionToken, served.sessionToken);
      assert.equal(new Date(out.Expiration ?? '').getTime(), served.expiration.getTime());
    } finally {
      cleanup();
    }
  });

  it('serves boto3 the credentials through its container provider', { skip: skipWithoutPython('boto3', NO_BOTO3) }, async () => {
    const out = await childJson(server, 'python3', ['-c', BOTO3_FROZEN]);
    assert.equal(out.method, 'container-role');
    assert.equal(out.AccessKeyId, minted.minted[0]?.accessKeyId);
    assert.equal(out.Token, minted.minted[0]?.sessionToken);
  });

  it('serves the AWS SDK for JavaScript v3 through its default chain', async () => {
    const out = await childJson(server, process.execPath, ['-e', SDK_JS], { NODE_PATH });
    assert.equal(out.accessKeyId, minted.minted[0]?.accessKeyId);
    assert.equal(out.sessionToken, minted.minted[0]?.sessionToken);
  });

  it('answers the container JSON with the role ARN and account', async () => {
    const answer = await http(url.href, { headers: authorized() });
    assert.equal(answer.status, 200);
    assert.equal(answer.headers['cache-control'], 'no-store');
    const body = JSON.parse(answer.body) as Record<string, string>;
    assert.deepEqual(Object.keys(body).sort(), ['AccessKeyId', 'AccountId', 'Expiration', 'RoleArn', 'SecretAccessKey', 'Token']);
    assert.equal(body.RoleArn, 'arn:aws:iam::111122223333:role/Deploy');
    assert.equal(body.AccountId, '111122223333');
  });

  it('accepts localhost:PORT as the Host too', async () => {
    const answer = await http(url.href, { headers: authorized({ Host: `localhost:${url.port}` }) });
    assert.equal(answer.status, 200);
  });

  it('refuses a request without the token (401)', async () => {
    const answer = await http(url.href, { headers: { Host: url.host } });
    assert.equal(answer.status, 401);
    assert.doesNotMatch(answer.body, /ASIA/);
  });

  it('refuses a wrong token, also one that only starts right (401)', async () => {
    for (const wrong of ['nope', `${token}x`, token.slice(0, -1), `Bearer ${token}`]) {
      const answer = await http(url.href, { headers: authorized({ Authorization: wrong }) });
      assert.equal(answer.status, 401, wrong);
      assert.doesNotMatch(answer.body, /ASIA/);
    }
  });

  it('refuses a Host that is not the loopback address and port: DNS rebinding (403)', async () => {
    for (const host of [`rebind.example:${url.port}`, '127.0.0.1', `127.0.0.1:${Number(url.port) + 1}`, `169.254.170.2:${url.port}`]) {
      const answer = await http(url.href, { headers: authorized({ Host: host }) });
      assert.equal(answer.status, 403, host);
      assert.match(answer.body, /Host header/);
    }
  });

  it('refuses requests relayed by a proxy: X-Forwarded-For or Forwarded (403)', async () => {
    const relayed: Record<string, string>[] = [{ 'X-Forwarded-For': '127.0.0.1' }, { Forwarded: 'for=127.0.0.1' }];
    for (const header of relayed) {
      const answer = await http(url.href, { headers: authorized(header) });
      assert.equal(answer.status, 403, JSON.stringify(header));
      assert.match(answer.body, /proxy/);
    }
  });

  it('answers 404 on another path and 405 on another method, only after the token', async () => {
    assert.equal((await http(new URL('/role-credentials', url).href, { headers: authorized() })).status, 404);
    assert.equal((await http(new URL('/role-credentials', url).href, { headers: { Host: url.host } })).status, 401);
    assert.equal((await http(url.href, { method: 'POST', headers: authorized() })).status, 405);
  });

  it('cannot be reached on any address but loopback', async (t) => {
    const external = Object.values(networkInterfaces())
      .flat()
      .find((address) => address && !address.internal && address.family === 'IPv4');
    if (!external) {
      t.skip('this machine has no non-loopback IPv4 address to try');
      return;
    }
    await assert.rejects(http(`http://${external.address}:${url.port}${url.pathname}`, { headers: authorized() }), { code: 'ECONNREFUSED' });
  });

  it('logs paths and statuses, never the token or the credentials', () => {
    const text = log.lines.join('');
    assert.match(text, /GET \/role-credentials\/[0-9a-f]+ -> 200/);
    assert.match(text, /-> 401/);
    assert.match(text, /-> 403/);
    assert.ok(!text.includes(token), 'token logged');
    for (const creds of minted.minted) {
      assert.ok(!text.includes(creds.secretAccessKey), 'secret key logged');
      assert.ok(!text.includes(creds.sessionToken), 'session token logged');
    }
  });
});
