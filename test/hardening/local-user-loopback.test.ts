// Another local user against the OIDC login's loopback listener. A redirect URI of
// http://localhost:PORT/... reaches whichever loopback address the browser resolves localhost to
// (Chromium tries ::1 first); rolecall used to bind 127.0.0.1 only, so a user holding [::1]:PORT
// received the authorization code.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestbed, type Testbed } from '../../testbed/index';
import { AGENT_ARGV, agentSaid } from '../helpers/agent';
import { runRolecall, tempHome, type Home } from '../helpers/cli';
import { otherUserSkip, squatAsNobody } from '../helpers/other-user';

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });

/** a machine (a container) with IPv6 off on loopback has no ::1 to squat on, and rolecall binds 127.0.0.1 alone */
const noIpv6Loopback = !Object.values(networkInterfaces()).some((addresses) => addresses?.some((a) => a.address === '::1')) && 'this machine has no ::1 (IPv6 is off on loopback), so nobody can squat there';

describe('the login listener and a user squatting on ::1', { skip: otherUserSkip || noIpv6Loopback }, () => {
  let testbed: Testbed;
  let home: Home;
  let dir: string;

  const profile = (redirectUri: string, agent: string[]) => `[profile web]
region = us-east-1
web_identity_auth_url = ${testbed.idp.issuer}
web_identity_client_id = rolecall-cli
web_identity_redirect_uri = ${redirectUri}
web_identity_agent = ${JSON.stringify(agent)}
role_arn = arn:aws:iam::222222222222:role/oidc-developer
`;

  before(async () => {
    testbed = await startTestbed();
    home = tempHome();
    dir = mkdtempSync(join(tmpdir(), 'rolecall-squat-'));
    chmodSync(dir, 0o755);
    Object.assign(home.env, {
      AWS_ENDPOINT_URL_STS: testbed.aws.url,
      TESTBED_USER: 'alice',
      TESTBED_PASSWORD: testbed.world.idpUsers.find((u) => u.username === 'alice')!.password,
      TESTBED_AGENT_LOG: join(dir, 'agent.log'),
    });
  });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    home.remove();
    await testbed.close();
  });

  it('a localhost redirect URI whose port another user holds on ::1: a clear error before any browser opens', async () => {
    const port = await freePort();
    const squatter = await squatAsNobody('::1', port);
    assert.ok(squatter.listening, `nobody could not listen on [::1]:${port}: ${squatter.error}`);
    try {
      home.write('.aws/config', profile(`http://localhost:${port}/callback`, [...AGENT_ARGV, '{}']));
      const result = await runRolecall(['export', 'web', '--format', 'process'], { env: home.env, timeoutMs: 90_000 });
      assert.equal(result.code, 1, result.stderr);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, new RegExp(`^rolecall: cannot listen on \\[::1\\]:${port} for the login callback \\(the redirect URI says localhost.*\\): EADDRINUSE$`, 'm'));
      assert.match(result.stderr, /hint: Another program \(perhaps another user's\) holds that port: whoever holds it would receive the login code/);
      assert.ok(!existsSync(join(dir, 'agent.log')), 'the browser was never opened');
      assert.equal(squatter.received(), '', 'the squatter received nothing');
    } finally {
      squatter.stop();
    }
  });

  it('a localhost redirect URI without a port: rolecall holds both addresses, nobody can squat, and the browser login completes', async () => {
    // the agent tells the test the login URL, then waits for it before opening the real browser
    const agent = ['sh', '-c', `for url; do :; done; echo "$url" > ${dir}/url; while [ ! -e ${dir}/go ]; do sleep 0.05; done; exec "$@"`, 'agent', ...AGENT_ARGV, '{}'];
    home.write('.aws/config', profile('http://localhost/callback', agent));
    const running = runRolecall(['export', 'web', '--format', 'process'], { env: home.env, timeoutMs: 120_000 });
    const squatters = [];
    try {
      for (const end = Date.now() + 30_000; !existsSync(join(dir, 'url')) || !readFileSync(join(dir, 'url'), 'utf8').endsWith('\n'); ) {
        assert.ok(Date.now() < end, 'the agent was started with the login URL');
        await new Promise((r) => setTimeout(r, 50));
      }
      const redirect = new URL(new URL(readFileSync(join(dir, 'url'), 'utf8').trim()).searchParams.get('redirect_uri')!);
      assert.equal(redirect.hostname, 'localhost');
      for (const host of ['::1', '127.0.0.1']) {
        const squatter = await squatAsNobody(host, Number(redirect.port));
        squatters.push(squatter);
        assert.equal(squatter.error, 'EADDRINUSE', `nobody must not get ${host} port ${redirect.port}`);
      }
    } finally {
      for (const squatter of squatters) squatter.stop();
      writeFileSync(join(dir, 'go'), '');
    }
    const result = await running;
    assert.equal(result.code, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout).Version, 1);
    await agentSaid(join(dir, 'agent.log'), /the loopback page says: Login successful/);
  });
});
