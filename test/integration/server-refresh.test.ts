// Credentials that outlive nobody: the servers renew before expiry (one call at a time), keep
// serving valid credentials when a renewal fails, answer a clear error once they have expired,
// and a child that runs longer than two lifetimes keeps getting valid, rotating credentials.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RolecallError } from '../../src/errors';
import { startCredentialServer, type CredentialServer, type ServerKind } from '../../src/server/index';
import type { Credentials } from '../../src/sts/credentials';
import {
  AWS,
  childEnv,
  deps,
  http,
  mintingProvider,
  recordingLogger,
  refreshFailure,
  run,
  sleep,
} from './server-fixtures';
import { NO_BOTO3, skipWithoutPython } from '../helpers/python';

/** fetches the served credentials the way an SDK would, for either kind */
async function fetchServed(server: CredentialServer): Promise<{ status: number; body: string; key?: string }> {
  const ecs = server.env.AWS_CONTAINER_CREDENTIALS_FULL_URI;
  let answer;
  if (ecs !== undefined) {
    const url = new URL(ecs);
    answer = await http(url.href, { headers: { Host: url.host, Authorization: server.env.AWS_CONTAINER_AUTHORIZATION_TOKEN ?? '' } });
  } else {
    const base = new URL(server.env.AWS_EC2_METADATA_SERVICE_ENDPOINT ?? '');
    const token = await http(new URL('/latest/api/token', base).href, {
      method: 'PUT',
      headers: { Host: base.host, 'X-aws-ec2-metadata-token-ttl-seconds': '60' },
    });
    answer = await http(new URL('/latest/meta-data/iam/security-credentials/Deploy', base).href, {
      headers: { Host: base.host, 'X-aws-ec2-metadata-token': token.body },
    });
  }
  const key = answer.status === 200 ? (JSON.parse(answer.body) as { AccessKeyId: string }).AccessKeyId : undefined;
  return { status: answer.status, body: answer.body, key };
}

describe('renewal', { concurrency: true }, () => {
  it('serves the same credentials until a third of their lifetime is left, then new ones', async () => {
    const minted = mintingProvider(3000);
    const server = await startCredentialServer('ecs', minted.provider, deps());
    try {
      const first = await fetchServed(server);
      assert.equal(first.key, minted.minted[0]?.accessKeyId);
      assert.equal((await fetchServed(server)).key, first.key);
      assert.equal(minted.calls.length, 1);
      await sleep(2200);
      const second = await fetchServed(server);
      assert.equal(second.key, minted.minted[1]?.accessKeyId);
      assert.deepEqual(minted.calls, [{ forceRefresh: false }, { forceRefresh: false }]);
    } finally {
      await server.close();
    }
  });

  it('honours refreshBeforeSeconds', async () => {
    const minted = mintingProvider(6000);
    const server = await startCredentialServer('ecs', minted.provider, deps(), { refreshBeforeSeconds: 0.5 });
    try {
      await sleep(4300);
      assert.equal((await fetchServed(server)).key, minted.minted[0]?.accessKeyId, 'not renewed 1.7 s before expiry (the default would)');
      await sleep(1300);
      assert.equal((await fetchServed(server)).key, minted.minted[1]?.accessKeyId, 'renewed 0.4 s before expiry');
    } finally {
      await server.close();
    }
  });

  it('insists with forceRefresh when the shared cache hands back no newer credentials', async () => {
    const minted = mintingProvider(3000);
    let cached: Credentials | undefined;
    const caching = async (options: { forceRefresh: boolean }) => {
      if (options.forceRefresh || cached === undefined) cached = await minted.provider(options);
      else minted.calls.push(options);
      return cached;
    };
    const server = await startCredentialServer('ecs', caching, deps());
    try {
      await sleep(2200);
      assert.equal((await fetchServed(server)).key, minted.minted[1]?.accessKeyId);
      assert.deepEqual(minted.calls, [{ forceRefresh: false }, { forceRefresh: false }, { forceRefresh: true }]);
    } finally {
      await server.close();
    }
  });

  it('renews a third of the lifetime ahead at most, whatever refreshBeforeSeconds says', async () => {
    const minted = mintingProvider(3000);
    const server = await startCredentialServer('ecs', minted.provider, deps(), { refreshBeforeSeconds: 300 });
    try {
      await Promise.all(Array.from({ length: 10 }, () => fetchServed(server)));
      assert.equal(minted.calls.length, 1, 'no renewal while two thirds of the lifetime are left');
      await sleep(2200);
      await Promise.all(Array.from({ length: 10 }, () => fetchServed(server)));
      assert.equal(minted.calls.length, 2);
    } finally {
      await server.close();
    }
  });

  it('makes one renewal call for many requests at once', async () => {
    const minted = mintingProvider(3000);
    const server = await startCredentialServer('imds', minted.provider, deps());
    try {
      await sleep(2200);
      minted.slow(300);
      const answers = await Promise.all(Array.from({ length: 20 }, () => fetchServed(server)));
      assert.equal(minted.calls.length, 2);
      assert.deepEqual(new Set(answers.map((a) => a.key)), new Set([minted.minted[1]?.accessKeyId]));
    } finally {
      await server.close();
    }
  });

  it('does not hold a request for a slow renewal while the current credentials are valid', async () => {
    const minted = mintingProvider(4000);
    const server = await startCredentialServer('ecs', minted.provider, deps());
    try {
      await sleep(2800);
      minted.slow(2000);
      const started = Date.now();
      assert.equal((await fetchServed(server)).key, minted.minted[0]?.accessKeyId);
      assert.ok(Date.now() - started < 1500, `answered after ${Date.now() - started} ms`);
      await sleep(2000);
      assert.equal((await fetchServed(server)).key, minted.minted[1]?.accessKeyId);
    } finally {
      await server.close();
    }
  });

  it('waits for a slow renewal instead of handing out credentials in their last tenth (at most a minute)', async () => {
    const minted = mintingProvider(30_000);
    const server = await startCredentialServer('ecs', minted.provider, deps());
    try {
      // just inside the last tenth (3 s) of 30: timers fire late, never early, so a loaded machine
      // still has close to 3 s before the credentials actually expire
      await sleep(27_100);
      minted.slow(1000);
      const started = Date.now();
      assert.equal((await fetchServed(server)).key, minted.minted[1]?.accessKeyId, 'the renewed credentials, not the expiring ones');
      assert.ok(Date.now() - started >= 900, `answered after ${Date.now() - started} ms, before the renewal was done`);
    } finally {
      await server.close();
    }
  });

  it('refuses long-lived keys: nothing to renew, and SDKs require an expiry', async () => {
    const longLived = async (): Promise<Credentials> => ({ accessKeyId: 'AKIALONGLIVED0000001', secretAccessKey: 'secret', chain: [] });
    await assert.rejects(startCredentialServer('ecs', longLived, deps()), (error: unknown) => {
      assert.ok(error instanceof RolecallError);
      assert.equal(error.code, 'SERVER_ERROR');
      assert.match(error.hint, /without --server/);
      return true;
    });
  });

  it('fails to start with the provider’s own error', async () => {
    const failing = async (): Promise<Credentials> => {
      throw refreshFailure();
    };
    await assert.rejects(startCredentialServer('imds', failing, deps()), { code: 'STS_UNAVAILABLE' });
  });
});

describe('renewal failure', { concurrency: true }, () => {
  for (const kind of ['ecs', 'imds'] as ServerKind[]) {
    it(`${kind}: keeps serving the valid credentials, then answers 500 with the error after expiry, then recovers`, async () => {
      const minted = mintingProvider(4000);
      const log = recordingLogger();
      const server = await startCredentialServer(kind, minted.provider, deps(log));
      try {
        const first = minted.minted[0]?.accessKeyId;
        minted.fail(refreshFailure());
        await sleep(3000);
        assert.equal((await fetchServed(server)).key, first);
        assert.equal(minted.calls.length, 2, 'one renewal attempted');
        assert.match(log.lines.join(''), /could not renew the credentials .*the STS endpoint did not answer \(test\); serving the current ones until/);
        assert.equal((await fetchServed(server)).key, first);
        assert.equal(minted.calls.length, 2, 'no second attempt within the backoff');

        await sleep(1300);
        const expired = await fetchServed(server);
        assert.equal(expired.status, 500);
        const body = JSON.parse(expired.body) as { code: string; message: string };
        assert.equal(body.code, 'STS_UNAVAILABLE');
        assert.match(body.message, /^the credentials expired at .* and renewing them failed: the STS endpoint did not answer \(test\)$/);

        if (kind === 'ecs') {
          // the AWS CLI prints the body it got, so the user sees why
          const { env, cleanup } = childEnv(server);
          try {
            const result = await run(AWS, ['configure', 'export-credentials', '--format', 'process'], env);
            assert.notEqual(result.code, 0);
            assert.equal(result.stdout, '');
            assert.match(result.stderr, /STS_UNAVAILABLE/);
            assert.match(result.stderr, /renewing them failed: the STS endpoint did not answer/);
          } finally {
            cleanup();
          }
        }

        minted.fail(undefined);
        let recovered: string | undefined;
        for (const deadline = Date.now() + 20_000; recovered === undefined && Date.now() < deadline; await sleep(250)) {
          recovered = (await fetchServed(server)).key;
        }
        assert.equal(recovered, minted.minted[1]?.accessKeyId);
      } finally {
        await server.close();
      }
    });
  }
});

/** one python process, fetching credentials for `seconds`; prints what it held and when */
const BOTO3_LOOP = `
import boto3, json, sys, time
seconds, fresh = float(sys.argv[1]), sys.argv[2] == "fresh"
held = None if fresh else boto3.session.Session().get_credentials()
end = time.time() + seconds
while time.time() < end:
    creds = boto3.session.Session().get_credentials() if fresh else held
    f = creds.get_frozen_credentials()
    print(json.dumps({"t": time.time(), "key": f.access_key, "token": f.token}), flush=True)
    time.sleep(0.2)
`;

describe('a child running longer than two credential lifetimes', { concurrency: true }, () => {
  const LIFETIME_MS = 3000;
  const cases: { kind: ServerKind; session: 'fresh' | 'one' }[] = [
    { kind: 'ecs', session: 'fresh' },
    { kind: 'ecs', session: 'one' },
    // botocore extends IMDS credentials that expire within ~20 minutes, so one long-lived
    // session would not refresh short ones: a fresh session per call (docs/credential-server.md)
    { kind: 'imds', session: 'fresh' },
  ];
  for (const { kind, session } of cases) {
    it(`${kind}, boto3 with ${session === 'fresh' ? 'a fresh session per call' : 'one session’s refreshable credentials'}: always valid, rotating`, { skip: skipWithoutPython('boto3', NO_BOTO3) }, async () => {
      const minted = mintingProvider(LIFETIME_MS);
      const server = await startCredentialServer(kind, minted.provider, deps());
      const { env, cleanup } = childEnv(server);
      try {
        const result = await run('python3', ['-c', BOTO3_LOOP, String((LIFETIME_MS * 2.5) / 1000), session], env);
        assert.equal(result.code, 0, result.stderr);
        const held = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as { t: number; key: string; token: string });
        assert.ok(held.length >= 10, `${held.length} iterations`);
        for (const { t, key, token } of held) {
          const served = minted.byKey(key);
          assert.ok(served, `${key} was minted by the provider`);
          assert.equal(token, served.sessionToken);
          assert.ok(t * 1000 < served.expiration.getTime(), `${key} held at ${t} after it expired at ${served.expiration.toISOString()}`);
        }
        assert.ok(new Set(held.map((h) => h.key)).size >= 3, 'rotated at least twice');
      } finally {
        cleanup();
        await server.close();
      }
    });
  }
});
