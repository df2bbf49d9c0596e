// Issue 8 end to end: `rolecall exec PROFILE --server ecs|imds -- CMD` where CMD outlives its
// role session. The testbed issues 20-second sessions; the child calls STS with the real AWS CLI
// v2 and boto3 for more than two sessions, and every call must succeed with renewed credentials.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { startTestbed, type Testbed } from '../../testbed/index';
import { shortSessionHome } from '../helpers/bastion';
import { runRolecall, type Home } from '../helpers/cli';
import { NO_BOTO3, skipWithoutPython } from '../helpers/python';

const SESSION_SECONDS = 20;

// one python process for the whole run: the AWS CLI as a subprocess, boto3 in-process. It keeps
// calling until `seconds` have passed since its first successful round (on a loaded machine one
// AWS CLI start can take 10 s, which a fixed deadline would take out of the span observed)
const CHILD = `
import boto3, subprocess, sys, time
seconds, url, held = float(sys.argv[1]), sys.argv[2], sys.argv[3] == "held"
client = boto3.session.Session().client("sts", endpoint_url=url) if held else None
first = None
while first is None or time.time() - first < seconds:
    cli = subprocess.run(["/usr/bin/aws", "sts", "get-caller-identity", "--endpoint-url", url, "--query", "Arn", "--output", "text"],
                         capture_output=True, text=True)
    if cli.returncode != 0:
        sys.exit("aws failed: " + cli.stderr)
    sdk = (client or boto3.session.Session().client("sts", endpoint_url=url)).get_caller_identity()
    now = time.time()
    first = now if first is None else first
    print(now, cli.stdout.strip(), sdk["Arn"], flush=True)
    time.sleep(1)
`;

describe(`exec --server with ${SESSION_SECONDS}-second role sessions`, { concurrency: true }, () => {
  let testbed: Testbed;
  let home: Home;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    testbed = await startTestbed({ settings: { minSessionSeconds: SESSION_SECONDS } });
    ({ home, env } = shortSessionHome(testbed, SESSION_SECONDS));
  });
  after(async () => {
    home.remove();
    await testbed.close();
  });

  it('warns when keys in [default] would win over the server in the child, and the hint it gives works', async () => {
    const credentials = home.write('.aws/credentials-with-default', `${readFileSync(home.env.AWS_SHARED_CREDENTIALS_FILE!, 'utf8')}
[default]
aws_access_key_id = ${testbed.world.users.find((u) => u.name === 'bob')!.accessKeyId}
aws_secret_access_key = ${testbed.world.users.find((u) => u.name === 'bob')!.secretAccessKey}
`);
    const withDefault = { ...env, AWS_SHARED_CREDENTIALS_FILE: credentials };
    const arn = ['/usr/bin/aws', 'sts', 'get-caller-identity', '--endpoint-url', testbed.aws.url, '--query', 'Arn', '--output', 'text'];
    const shadowed = await runRolecall(['exec', 'deploy-short', '--server', 'ecs', '--', ...arn], { env: withDefault });
    assert.equal(shadowed.code, 0, shadowed.stderr);
    assert.match(shadowed.stdout.trim(), /^arn:aws:iam::\d{12}:user\/bob$/, 'the SDK took [default], as the warning says');
    assert.match(shadowed.stderr, new RegExp(`warning: the child's AWS SDKs will find aws_access_key_id in \\[default\\] of ${credentials} before the credential server`));
    assert.match(shadowed.stderr, /-- env AWS_SHARED_CREDENTIALS_FILE=\/dev\/null \/usr\/bin\/aws \.\.\./);
    const hidden = await runRolecall(['exec', 'deploy-short', '--server', 'ecs', '--', 'env', 'AWS_SHARED_CREDENTIALS_FILE=/dev/null', ...arn], { env: withDefault });
    assert.equal(hidden.code, 0, hidden.stderr);
    assert.match(hidden.stdout.trim(), /^arn:aws:sts::222222222222:assumed-role\/deploy\//);
  });

  const cases = [
    { kind: 'ecs', boto3: 'held' },
    // botocore extends IMDS credentials that expire within ~20 minutes, so boto3 takes a fresh session per call
    { kind: 'imds', boto3: 'fresh' },
  ];
  for (const { kind, boto3 } of cases) {
    it(`${kind}: the AWS CLI and boto3 in the child keep succeeding for more than two sessions`, { skip: skipWithoutPython('boto3', NO_BOTO3) }, async () => {
      const before = testbed.aws.calls('AssumeRole');
      const seconds = SESSION_SECONDS * 2.5;
      const result = await runRolecall(
        ['exec', 'deploy-short', '--server', kind, '--', 'python3', '-c', CHILD, String(seconds), testbed.aws.url, boto3],
        { env, timeoutMs: (seconds + 120) * 1000 },
      );
      assert.equal(result.code, 0, result.stderr);
      const rounds = result.stdout.trim().split('\n');
      for (const round of rounds) {
        assert.match(round, /^[\d.]+ arn:aws:sts::222222222222:assumed-role\/deploy\/\S+ arn:aws:sts::222222222222:assumed-role\/deploy\/\S+$/);
      }
      const at = (round: string | undefined) => Number(round?.split(' ')[0]);
      const span = at(rounds.at(-1)) - at(rounds[0]);
      assert.ok(span > 2 * SESSION_SECONDS, `${rounds.length} successful rounds over ${span.toFixed(1)} s`);
      // at least the first session and two renewals (other tests may add their own calls)
      assert.ok(testbed.aws.calls('AssumeRole') - before >= 3, 'the credentials were renewed through STS');
    });
  }
});
