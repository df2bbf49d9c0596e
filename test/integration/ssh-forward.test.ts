// `rolecall ssh` against a real sshd (Debian's openssh-server) on a loopback port: the remote AWS CLI
// gets the role through the forward, keeps getting renewed credentials across expiry, nothing secret
// shows in the remote process list or in any file written during the session, the credentials are
// refused once ssh ends, and --via stdin works where the sshd accepts no variables.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestbed, type Testbed } from '../../testbed/index';
import { STDIN_WRAPPER } from '../../src/app/ssh';
import { shortSessionHome } from '../helpers/bastion';
import { runProcess, runRolecall, type Home } from '../helpers/cli';
import { SSHD, startSshd, type Sshd } from '../helpers/sshd';
import { http } from './server-fixtures';

// The server renews in the last third of a session and, while a renewal is slower than 0.5 s, answers
// with the current credentials: with 30-second sessions those still outlive one slow remote AWS CLI
// call on a loaded 2-core machine (20 seconds did not, at a load average of 30).
const SESSION_SECONDS = 30;
const noSshd = !existsSync(SSHD) && `${SSHD} is not installed (Debian openssh-server; scripts/setup.sh installs it)`;

/** the remote command's view of AWS: no files of the remote user, no instance metadata */
const AWS_REMOTE = 'AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true /usr/bin/aws';

/** Regular files under `dirs` changed since `marker` was written (what a session may have left). */
function filesWrittenSince(marker: string, dirs: string[]): string[] {
  const existing = dirs.filter((d) => existsSync(d));
  let out = '';
  try {
    out = execFileSync('find', [...existing, '-xdev', '-type', 'f', '-newer', marker, '-size', '-10M', '-print0'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    // find exits 1 when some directory could not be read; what it printed still counts
    out = String((error as { stdout?: string }).stdout ?? '');
  }
  return out.split('\0').filter(Boolean);
}

function containing(files: string[], secrets: string[]): string[] {
  const found: string[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'latin1');
    } catch {
      continue;
    }
    for (const secret of secrets) if (text.includes(secret)) found.push(`${file} holds ${secret.slice(0, 6)}...`);
  }
  return found;
}

describe('rolecall ssh', { concurrency: true, skip: noSshd }, () => {
  let testbed: Testbed;
  let home: Home;
  let env: NodeJS.ProcessEnv;
  let accepting: Sshd;
  let plain: Sshd;

  before(async () => {
    testbed = await startTestbed({ settings: { minSessionSeconds: SESSION_SECONDS } });
    ({ home, env } = shortSessionHome(testbed, SESSION_SECONDS));
    [accepting, plain] = await Promise.all([startSshd({ acceptEnv: true }), startSshd({ acceptEnv: false })]);
  });
  after(async () => {
    await Promise.all([accepting?.stop(), plain?.stop()]);
    home?.remove();
    await testbed?.close();
  });

  it('--via env: the remote AWS CLI is the role; no secret in the remote ps or in any file written; refused after the session', async () => {
    const marker = join(tmpdir(), `rolecall-ssh-marker-${process.pid}-${Date.now()}`);
    writeFileSync(marker, '');
    const remote = [
      'printf "%s\\n" "$AWS_CONTAINER_CREDENTIALS_FULL_URI" "$AWS_CONTAINER_AUTHORIZATION_TOKEN" "$AWS_REGION"',
      `${AWS_REMOTE} sts get-caller-identity --endpoint-url ${testbed.aws.url} --query Arn --output text`,
      `${AWS_REMOTE} configure export-credentials --format process | tr -d "\\n"; echo`,
      'echo ---ps---',
      'ps -eo args',
    ].join('; ');
    const result = await runRolecall(['ssh', 'deploy', ...accepting.clientArgs, remote], { env });
    assert.equal(result.code, 0, result.stderr);
    const [uri, token, region, arn, exported, psMarker, ...ps] = result.stdout.split('\n');
    assert.match(uri!, /^http:\/\/127\.0\.0\.1:\d+\/role-credentials\/[0-9a-f]{24}$/);
    assert.match(token!, /^[\w-]{43}$/);
    assert.equal(region, 'us-east-1');
    assert.match(arn!, /^arn:aws:sts::222222222222:assumed-role\/deploy\/\S+$/);
    const served = JSON.parse(exported!) as { AccessKeyId: string; SecretAccessKey: string; SessionToken: string };
    const local = JSON.parse((await runRolecall(['export', 'deploy', '--format', 'process'], { env })).stdout) as { AccessKeyId: string };
    assert.equal(served.AccessKeyId, local.AccessKeyId, 'the remote host got the profile’s credentials');
    assert.equal(psMarker, '---ps---');

    // the process list of the remote host (and of this one: it is the same machine) holds no secret
    const path = new URL(uri!).pathname;
    const secrets = [token!, path, served.SecretAccessKey, served.SessionToken];
    const processList = ps.join('\n');
    // other tests' sessions may be in the list too: this one forwards the URI's port
    const ours = ps.find((line) => line.includes(` -R 127.0.0.1:${new URL(uri!).port}:`));
    assert.match(ours ?? '', /^ssh -o ExitOnForwardFailure=yes -R 127\.0\.0\.1:\d+:127\.0\.0\.1:\d+ -o SendEnv=AWS_CONTAINER_CREDENTIALS_FULL_URI -o SendEnv=AWS_CONTAINER_AUTHORIZATION_TOKEN /);
    for (const secret of secrets) assert.ok(!processList.includes(secret), `the process list shows ${secret.slice(0, 6)}...`);

    // nothing written during the session holds the token or the URI; the served keys are only in rolecall's own cache here
    const written = filesWrittenSince(marker, [userInfo().homedir, tmpdir(), '/var/tmp', '/dev/shm', '/run']);
    rmSync(marker);
    const ownCache = join(home.dir, '.cache', 'rolecall');
    assert.deepEqual(containing(written, [token!, path]), []);
    assert.deepEqual(containing(written.filter((f) => !f.startsWith(ownCache)), [served.SecretAccessKey, served.SessionToken]), []);

    // once ssh has ended, neither the forward on the remote host nor the server here answers
    const localPort = /-R 127\.0\.0\.1:\d+:127\.0\.0\.1:(\d+) /.exec(ours!)![1];
    await assert.rejects(http(uri!, { headers: { Authorization: token!, Host: new URL(uri!).host } }), { code: 'ECONNREFUSED' });
    await assert.rejects(http(`http://127.0.0.1:${localPort}${path}`, { headers: { Authorization: token!, Host: `127.0.0.1:${localPort}` } }), { code: 'ECONNREFUSED' });
  });

  it(`keeps the remote credentials renewed across expiry (${SESSION_SECONDS}-second sessions)`, async () => {
    // rounds until 2.5 sessions have passed since the first one (on a loaded machine one AWS CLI start
    // can take 10 s, so a fixed deadline could end before two sessions were seen)
    const seconds = SESSION_SECONDS * 2.5;
    const remote =
      'first=; while :; do ' +
      `a=$(${AWS_REMOTE} sts get-caller-identity --endpoint-url ${testbed.aws.url} --query Arn --output text) || exit 1; ` +
      `k=$(${AWS_REMOTE} configure export-credentials --format env-no-export | grep AWS_ACCESS_KEY_ID) || exit 1; ` +
      `now=$(date +%s); echo "$now $a $k"; first=\${first:-$now}; [ $((now - first)) -gt ${seconds} ] && break; sleep 1; done`;
    const before = testbed.aws.calls('AssumeRole');
    const result = await runRolecall(['ssh', 'deploy-short', ...accepting.clientArgs, remote], { env, timeoutMs: (seconds + 180) * 1000 });
    assert.equal(result.code, 0, result.stderr);
    const rounds = result.stdout.trim().split('\n');
    for (const round of rounds) assert.match(round, /^\d+ arn:aws:sts::222222222222:assumed-role\/deploy\/\S+ AWS_ACCESS_KEY_ID=ASIA\w+$/);
    const at = (round: string | undefined) => Number(round?.split(' ')[0]);
    assert.ok(at(rounds.at(-1)) - at(rounds[0]) > 2 * SESSION_SECONDS, `${rounds.length} rounds`);
    const keys = new Set(rounds.map((r) => r.split(' ')[2]));
    assert.ok(keys.size >= 3, `the remote host saw ${keys.size} sets of credentials`);
    assert.ok(testbed.aws.calls('AssumeRole') - before >= 3, 'renewed through STS');
  });

  it('an interactive session (no remote command) gets the variables too', async () => {
    const result = await runRolecall(['ssh', 'deploy', '-T', ...accepting.clientArgs], {
      env,
      input: `${AWS_REMOTE} sts get-caller-identity --endpoint-url ${testbed.aws.url} --query Arn --output text\n`,
    });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout.trim(), /^arn:aws:sts::222222222222:assumed-role\/deploy\/\S+$/);
  });

  it('where the sshd accepts no variables, --via env leaves the session without credentials and --via stdin works', async () => {
    // this sshd drops AWS_REGION as well
    const identity = `${AWS_REMOTE} sts get-caller-identity --region us-east-1 --endpoint-url ${testbed.aws.url} --query Arn --output text`;
    const refused = await runRolecall(['ssh', 'deploy', ...plain.clientArgs, identity], { env });
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /Unable to locate credentials/);

    const result = await runRolecall(['ssh', '--via', 'stdin', 'deploy', ...plain.clientArgs, `${identity}; ps -eo args; exit 7`], { env });
    assert.equal(result.code, 7, result.stderr);
    const [arn, ...ps] = result.stdout.trim().split('\n');
    assert.match(arn!, /^arn:aws:sts::222222222222:assumed-role\/deploy\/\S+$/);
    const wrapper = ps.find((line) => line.includes('while IFS= read -r l'));
    assert.ok(wrapper, 'the remote wrapper runs');
    assert.ok(!ps.join('\n').includes('AWS_CONTAINER_AUTHORIZATION_TOKEN='), 'no variable in the remote process list');
    assert.ok(!ps.join('\n').includes('/role-credentials/'), 'no URI in the remote process list');
  });

  it('--via stdin: the command reads the rest of stdin, never the lines meant for the wrapper', async () => {
    const result = await runRolecall(['ssh', '--via', 'stdin', 'deploy', ...plain.clientArgs, 'cat; echo "[$AWS_REGION]"'], { env, input: 'first line\nsecond line\n' });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'first line\nsecond line\n[us-east-1]\n');
  });

  it('a remote port that is taken ends the session at once, as ssh says', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const { port } = holder.address() as { port: number };
    try {
      const result = await runRolecall(['ssh', '--remote-port', String(port), 'deploy', ...accepting.clientArgs, 'echo reached'], { env });
      assert.equal(result.code, 255);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, new RegExp(`remote port forwarding failed for listen port ${port}`));
    } finally {
      holder.close();
    }
  });

  it('refuses what cannot work before reading any profile', async () => {
    // a profile that does not exist: reading it first would fail with PROFILE_NOT_FOUND instead
    const cases: [string[], RegExp][] = [
      [['ssh', 'nowhere'], /^rolecall: ssh needs a destination after the profile\n/],
      [['ssh', 'nowhere', '-f', 'host', 'true'], /cannot run ssh -f/],
      [['ssh', '--via', 'stdin', 'nowhere', 'host'], /--via stdin needs a remote command/],
      [['ssh', '--via', 'stdin', 'nowhere', 'host', 'echo a\necho b'], /one-line remote command/],
      [['ssh', '--via', 'carrier-pigeon', 'nowhere', 'host'], /--via takes env or stdin, not "carrier-pigeon"/],
      [['ssh', '--remote-port', '80', 'nowhere', 'host'], /--remote-port takes a port from 1024 to 65535, not "80"/],
    ];
    for (const [args, message] of cases) {
      const result = await runRolecall(args, { env });
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message);
      assert.match(result.stderr, /hint: /);
    }
  });
});

describe('the --via stdin wrapper under each login shell', () => {
  const shells = ['/bin/bash', '/bin/dash', '/usr/bin/zsh', '/usr/bin/fish'];
  for (const shell of shells) {
    it(`${shell}: exports the lines, then runs the command with the login shell`, { skip: !existsSync(shell) && `${shell} is not installed` }, async () => {
      const command = 'echo "$A|$B"; cat';
      const result = await runProcess(shell, ['-c', STDIN_WRAPPER], {
        env: { PATH: process.env.PATH, SHELL: shell },
        input: `A=1\nB=two words = x\n\n${command}\nrest of stdin\n`,
      });
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, '1|two words = x\nrest of stdin\n');
    });
  }
  it('ends with an error when the lines never come', async () => {
    const result = await runProcess('/bin/sh', ['-c', STDIN_WRAPPER], { env: { PATH: process.env.PATH, SHELL: '/bin/sh' }, input: '' });
    assert.equal(result.code, 255);
  });
});
