// `exec --server ecs --server-address IP` for containers, with a network namespace standing in for a
// container (no Docker engine runs here): a veth pair made by the test, the host end holding the
// address the AWS SDKs accept for container credentials (169.254.170.2, as ECS uses) and a plain
// private one. From inside the namespace, with only the two variables `docker run -e` would pass,
// the AWS CLI, boto3 and the JS SDK get the profile's credentials; the token and the Host check hold;
// nothing listens on loopback or a wildcard; and nothing answers once the child has ended.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestbed, type Testbed } from '../../testbed/index';
import { bastionHome } from '../helpers/bastion';
import { runProcess, runRolecall, type Home } from '../helpers/cli';
import { AWS, BOTO3_FROZEN, NODE_PATH, SDK_JS, sleep } from './server-fixtures';

const ECS_HOST = '169.254.170.2';

function canMakeNamespaces(): string | false {
  if (process.getuid?.() !== 0) return 'making a network namespace needs root (CI runs as root)';
  try {
    execFileSync('ip', ['netns', 'list'], { stdio: 'ignore' });
    return false;
  } catch {
    return 'ip netns is not available (iproute2)';
  }
}

/** A namespace joined to the host by a veth pair: the host end holds `hostAddresses`, the namespace reaches them. */
function makeContainer(hostAddresses: string[]) {
  const id = randomBytes(3).toString('hex');
  const ns = `rolecall-${id}`;
  const hostEnd = `rch${id}`;
  const inside = `rcc${id}`;
  const own = `10.${randomInt(200, 250)}.${randomInt(0, 256)}.${randomInt(2, 250)}`;
  const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  ip('netns', 'add', ns);
  try {
    ip('link', 'add', hostEnd, 'type', 'veth', 'peer', 'name', inside, 'netns', ns);
    for (const address of hostAddresses) ip('address', 'add', `${address}/32`, 'dev', hostEnd);
    ip('link', 'set', hostEnd, 'up');
    ip('route', 'add', `${own}/32`, 'dev', hostEnd);
    ip('-n', ns, 'link', 'set', 'lo', 'up');
    ip('-n', ns, 'address', 'add', `${own}/32`, 'dev', inside);
    ip('-n', ns, 'link', 'set', inside, 'up');
    for (const address of hostAddresses) ip('-n', ns, 'route', 'add', `${address}/32`, 'dev', inside);
  } catch (error) {
    ip('netns', 'delete', ns);
    throw error;
  }
  return {
    ns,
    /** runs `file args` inside the namespace with exactly `env` */
    run: (file: string, args: string[], env: NodeJS.ProcessEnv, input?: string) => runProcess('ip', ['netns', 'exec', ns, file, ...args], { env, input }),
    remove: () => ip('netns', 'delete', ns),
  };
}

/** a raw request from inside the namespace, with the headers given: status and body */
const RAW_GET = `
const [url, headers] = [process.argv[1], JSON.parse(process.argv[2])];
require('node:http').get(url, { headers, agent: false }, (res) => {
  let body = ''; res.on('data', (c) => (body += c)); res.on('end', () => console.log(JSON.stringify({ status: res.statusCode, body })));
}).on('error', (e) => console.log(JSON.stringify({ error: e.code })));
`;

describe('exec --server ecs --server-address, for containers', { concurrency: true, skip: canMakeNamespaces() }, () => {
  let testbed: Testbed;
  let home: Home;
  let container: ReturnType<typeof makeContainer>;
  const plainAddress = `10.${randomInt(200, 250)}.${randomInt(0, 256)}.1`;

  before(async () => {
    testbed = await startTestbed();
    home = bastionHome(testbed);
    container = makeContainer([ECS_HOST, plainAddress]);
  });
  after(async () => {
    container?.remove();
    home?.remove();
    await testbed?.close();
  });

  /**
   * Runs `rolecall exec deploy --server ecs --server-address ADDRESS` whose child writes the two
   * variables to a file and waits; `inside` runs while the server is up, then the child ends.
   */
  async function whileServing<T>(address: string, inside: (vars: { uri: string; token: string }) => Promise<T>): Promise<{ result: T; vars: { uri: string; token: string }; exit: Awaited<ReturnType<typeof runRolecall>> }> {
    const vars = join(home.dir, `vars-${randomBytes(4).toString('hex')}`);
    const child = `printf '%s\\n' "$AWS_CONTAINER_CREDENTIALS_FULL_URI" "$AWS_CONTAINER_AUTHORIZATION_TOKEN" > ${vars}.tmp && mv ${vars}.tmp ${vars}; while [ ! -e ${vars}.go ]; do sleep 0.05; done`;
    const running = runRolecall(['exec', 'deploy', '--server', 'ecs', '--server-address', address, '--', 'sh', '-c', child], { env: home.env });
    let ended: Awaited<typeof running> | undefined;
    void running.then((r) => (ended = r));
    while (!existsSync(vars)) {
      if (ended) throw new Error(`rolecall exec ended before its child started: ${ended.stderr}`);
      await sleep(50);
    }
    const [uri, token] = readFileSync(vars, 'utf8').split('\n') as [string, string];
    let result: T;
    try {
      result = await inside({ uri, token });
    } finally {
      writeFileSync(`${vars}.go`, '');
    }
    return { result, vars: { uri, token }, exit: await running };
  }

  /** what `docker run -e AWS_CONTAINER_CREDENTIALS_FULL_URI -e AWS_CONTAINER_AUTHORIZATION_TOKEN` gives a container, and no more */
  const containerEnv = (vars: { uri: string; token: string }, extra: Record<string, string> = {}) => ({
    PATH: process.env.PATH,
    HOME: '/nonexistent',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_REGION: 'us-east-1',
    AWS_CONTAINER_CREDENTIALS_FULL_URI: vars.uri,
    AWS_CONTAINER_AUTHORIZATION_TOKEN: vars.token,
    ...extra,
  });

  it(`on ${ECS_HOST}: the AWS CLI, boto3 and the JS SDK in the container get the profile's credentials`, async () => {
    const expected = JSON.parse((await runRolecall(['export', 'deploy', '--format', 'process'], { env: home.env })).stdout) as { AccessKeyId: string; SecretAccessKey: string };
    const { result, vars, exit } = await whileServing(ECS_HOST, async (vars) => {
      const cli = await container.run(AWS, ['configure', 'export-credentials', '--format', 'process'], containerEnv(vars));
      const boto3 = await container.run('python3', ['-c', BOTO3_FROZEN], containerEnv(vars));
      const js = await container.run(process.execPath, ['-e', SDK_JS], containerEnv(vars, { NODE_PATH }));
      return { cli, boto3, js };
    });
    assert.equal(exit.code, 0, exit.stderr);
    assert.match(vars.uri, /^http:\/\/169\.254\.170\.2:\d+\/role-credentials\/[0-9a-f]{24}$/);
    assert.equal(result.cli.code, 0, result.cli.stderr);
    assert.equal((JSON.parse(result.cli.stdout) as { AccessKeyId: string }).AccessKeyId, expected.AccessKeyId);
    assert.equal(result.boto3.code, 0, result.boto3.stderr);
    const boto3 = JSON.parse(result.boto3.stdout) as { method: string; AccessKeyId: string; SecretAccessKey: string };
    assert.equal(boto3.method, 'container-role');
    assert.equal(boto3.AccessKeyId, expected.AccessKeyId);
    assert.equal(boto3.SecretAccessKey, expected.SecretAccessKey);
    assert.equal(result.js.code, 0, result.js.stderr);
    assert.equal((JSON.parse(result.js.stdout) as { accessKeyId: string }).accessKeyId, expected.AccessKeyId);
  });

  it('on a plain veth address: the token is required, the Host must be the address, loopback and other addresses are not served; nothing answers after the child', async () => {
    const ask = async (url: string, headers: Record<string, string>) => {
      const answer = await container.run(process.execPath, ['-e', RAW_GET, url, JSON.stringify(headers)], { PATH: process.env.PATH });
      return JSON.parse(answer.stdout) as { status?: number; body?: string; error?: string };
    };
    const { result, vars, exit } = await whileServing(plainAddress, async ({ uri, token }) => {
      const url = new URL(uri);
      const fromHost = (host: string) => runProcess(process.execPath, ['-e', RAW_GET, `http://${host}:${url.port}${url.pathname}`, JSON.stringify({ Authorization: token })], { env: { PATH: process.env.PATH } });
      return {
        withToken: await ask(uri, { Authorization: token }),
        noToken: await ask(uri, {}),
        wrongToken: await ask(uri, { Authorization: `${token.slice(0, -1)}x` }),
        otherHost: await ask(uri, { Authorization: token, Host: `rebound.example:${url.port}` }),
        loopback: JSON.parse((await fromHost('127.0.0.1')).stdout) as { error?: string },
      };
    });
    assert.equal(exit.code, 0, exit.stderr);
    assert.match(vars.uri, new RegExp(`^http://${plainAddress.replaceAll('.', '\\.')}:\\d+/role-credentials/`));
    assert.equal(result.withToken.status, 200, JSON.stringify(result.withToken));
    assert.match(result.withToken.body ?? '', /"AccessKeyId":"ASIA/);
    assert.equal(result.noToken.status, 401);
    assert.equal(result.wrongToken.status, 401);
    assert.equal(result.otherHost.status, 403);
    assert.match(result.otherHost.body ?? '', new RegExp(`the Host header must be ${plainAddress.replaceAll('.', '\\.')}:\\d+`));
    assert.equal(result.loopback.error, 'ECONNREFUSED', 'the server is not on loopback');
    assert.equal((await ask(vars.uri, { Authorization: vars.token })).error, 'ECONNREFUSED', 'nothing answers once the child has ended');
  });

  it('refuses a wildcard, a name and IMDS off loopback before any credentials, and an address of no interface here', async () => {
    const cases: [string[], number, RegExp][] = [
      [['--server', 'ecs', '--server-address', '0.0.0.0'], 2, /--server-address 0\.0\.0\.0 would listen on every network of this machine/],
      [['--server', 'ecs', '--server-address', '::'], 2, /--server-address :: would listen on every network/],
      [['--server', 'ecs', '--server-address', 'host.docker.internal'], 2, /--server-address takes an IP address of this machine, not "host\.docker\.internal"/],
      [['--server', 'imds', '--server-address', ECS_HOST], 2, /--server-address needs --server ecs, not imds: the metadata protocol has no token/],
      [['--server-address', ECS_HOST], 2, /--server-address needs --server ecs/],
      [['--server', 'ecs', '--server-address', '192.0.2.1'], 1, /could not listen on 192\.0\.2\.1: no interface of this machine has that address/],
    ];
    for (const [flags, code, message] of cases) {
      const result = await runRolecall(['exec', 'deploy', ...flags, '--', 'true'], { env: home.env });
      assert.equal(result.code, code, `${flags.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message);
      assert.match(result.stderr, /hint: /);
    }
  });
});
