// A hostile identity provider or web page against the OIDC login, through the built binary: an ID
// token "issued" a year ahead, and thousands of forged callbacks to the loopback listener.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { BIN, runRolecall, tempHome, type Home } from '../helpers/cli';
import { startHostileOp, type HostileOp } from '../helpers/oidc-hostile-op';

const CLOSED_PORT_STS = 'http://127.0.0.1:9';

describe('a hostile identity provider or page against the OIDC login', () => {
  let home: Home;
  const ops: HostileOp[] = [];

  before(() => {
    home = tempHome();
  });
  after(async () => {
    home.remove();
    await Promise.all(ops.map((op) => op.close()));
  });

  const profile = (issuer: string, extra = '') =>
    home.write(
      '.aws/config',
      `[profile web]
region = us-east-1
web_identity_auth_url = ${issuer}
web_identity_client_id = rolecall-cli
role_arn = arn:aws:iam::222222222222:role/oidc-developer
${extra}`,
    );

  it('an ID token issued a year in the future is refused', async () => {
    const op = await startHostileOp({ attack: 'future-iat' });
    ops.push(op);
    profile(op.issuer, 'web_identity_username = alice\n');
    const result = await runRolecall(['export', 'web', '--format', 'process'], { env: { ...home.env, WEB_IDENTITY_PASSWORD: 'pw-alice-123', AWS_ENDPOINT_URL_STS: CLOSED_PORT_STS } });
    assert.equal(result.code, 1, result.stderr);
    assert.deepEqual(op.requests, ['password'], 'the token was issued');
    assert.match(result.stderr, /rolecall: the ID token from http:\/\/127\.0\.0\.1:\d+ was refused: it says it was issued at \d{4}-.*, more than 60 s ahead of this machine's clock \(check the clock\)/);
  });

  it('2,000 forged callbacks: three warnings and one note, and the real callback still completes the login', { timeout: 120_000 }, async () => {
    const op = await startHostileOp();
    ops.push(op);
    profile(op.issuer);
    const child = spawn(process.execPath, [BIN, 'export', 'web', '--format', 'process', '--no-browser'], { env: { ...home.env, AWS_ENDPOINT_URL_STS: CLOSED_PORT_STS }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    let loginUrl: string | undefined;
    for (const end = Date.now() + 30_000; !loginUrl; await new Promise((r) => setTimeout(r, 50))) {
      assert.ok(Date.now() < end, `no login URL printed:\n${stderr}`);
      loginUrl = /Open this URL in a browser to sign in at \S+:\n\n {2}(\S+)\n/.exec(stderr)?.[1];
    }
    const callback = new URL(new URL(loginUrl).searchParams.get('redirect_uri')!);
    const forged = 2000;
    for (let sent = 0; sent < forged; sent += 50) {
      await Promise.all(
        Array.from({ length: 50 }, async (_, i) => {
          const answer = await fetch(`${callback.href}?code=stolen-${sent + i}&state=forged-${sent + i}`);
          assert.equal(answer.status, 400);
          await answer.text();
        }),
      );
    }
    // the user's browser arrives at last: the provider sends it back with the real state
    const back = await fetch(loginUrl, { redirect: 'manual' });
    const real = await fetch(back.headers.get('location')!);
    assert.match(await real.text(), /Login (successful|failed)/);
    const code = await exited;
    const refusedLines = stderr.split('\n').filter((line) => line.includes('refused a login callback'));
    assert.equal(refusedLines.length, 3, stderr);
    assert.equal(stderr.split('\n').filter((line) => line.includes('refusing more login callbacks; they are counted, not shown one by one.')).length, 1);
    assert.ok(op.requests.includes('authorization_code'), 'the real callback was exchanged for tokens');
    // the STS behind it is closed: the login itself got through
    assert.equal(code, 1);
    assert.doesNotMatch(stderr, /OIDC_CALLBACK|no valid login callback/);
  });
});
