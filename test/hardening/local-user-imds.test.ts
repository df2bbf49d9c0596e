// Another local user against `rolecall exec --server imds`: the server's port is in /proc/net/tcp
// for anyone to read, and IMDSv2 has no secret of its own (a PUT gets a session token), so before
// the owner check any local user could take the role credentials the child was being served.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestbed, type Testbed } from '../../testbed/index';
import { bastionHome } from '../helpers/bastion';
import { runRolecall, runProcess, type Home } from '../helpers/cli';
import { asNobody, otherUserSkip } from '../helpers/other-user';

// what an attacker does with the port: IMDSv2's token, then the role list and the credentials
const THIEF = `
const base = process.argv[2];
const say = (step, status, body) => console.log(JSON.stringify({ step, status, body }));
(async () => {
  const put = await fetch(new URL('latest/api/token', base), { method: 'PUT', headers: { 'x-aws-ec2-metadata-token-ttl-seconds': '60' } });
  const token = await put.text();
  say('token', put.status, token);
  const headers = { 'x-aws-ec2-metadata-token': token };
  const list = await fetch(new URL('latest/meta-data/iam/security-credentials/', base), { headers });
  const role = await list.text();
  say('roles', list.status, role);
  const creds = await fetch(new URL('latest/meta-data/iam/security-credentials/' + role, base), { headers });
  say('credentials', creds.status, await creds.text());
})();
`;

const waitFor = async (path: string, ms: number) => {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) {
    if (existsSync(path) && readFileSync(path, 'utf8').endsWith('\n')) return readFileSync(path, 'utf8').trim();
  }
  throw new Error(`${path} did not appear`);
};

describe('exec --server imds and another local user', { skip: otherUserSkip }, () => {
  let testbed: Testbed;
  let home: Home;
  let dir: string;

  before(async () => {
    testbed = await startTestbed();
    home = bastionHome(testbed);
    dir = mkdtempSync(join(tmpdir(), 'rolecall-imds-'));
    chmodSync(dir, 0o755);
    writeFileSync(join(dir, 'thief.js'), THIEF, { mode: 0o644 });
  });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    home.remove();
    await testbed.close();
  });

  it('refuses every request of another user, while the child (AWS CLI) and its own user are served', async () => {
    // the child tells the test its endpoint, waits for the attack, then uses the server itself
    const child = `echo "$AWS_EC2_METADATA_SERVICE_ENDPOINT" > ${dir}/endpoint
      while [ ! -e ${dir}/go ]; do sleep 0.05; done
      exec /usr/bin/aws sts get-caller-identity --endpoint-url ${testbed.aws.url} --query Arn --output text`;
    const running = runRolecall(['exec', 'deploy', '--server', 'imds', '--', 'sh', '-c', child], { env: home.env });
    try {
      const endpoint = await waitFor(join(dir, 'endpoint'), 30_000);
      assert.match(endpoint, /^http:\/\/127\.0\.0\.1:\d+\//);

      const stolen = await asNobody(process.execPath, [join(dir, 'thief.js'), endpoint]);
      assert.equal(stolen.code, 0, stolen.stderr);
      const steps = stolen.stdout.trim().split('\n').map((line) => JSON.parse(line) as { step: string; status: number; body: string });
      // no session token for another user, and without one nothing is read
      assert.deepEqual(steps.map((s) => s.status), [403, 401, 401], stolen.stdout);
      assert.match(steps[0]!.body, /another user \(uid 65534\)/);
      assert.doesNotMatch(stolen.stdout, /ASIA|AccessKeyId|SecretAccessKey/);

      // the same requests from rolecall's own user are answered: the refusal is about who asks
      const own = await runProcess(process.execPath, [join(dir, 'thief.js'), endpoint], { env: { PATH: '/usr/bin:/bin' } });
      const ownSteps = own.stdout.trim().split('\n').map((line) => JSON.parse(line) as { status: number; body: string });
      assert.deepEqual(ownSteps.map((s) => s.status), [200, 200, 200], own.stdout + own.stderr);
      assert.match(ownSteps[2]!.body, /"AccessKeyId":"ASIA/);
    } finally {
      writeFileSync(join(dir, 'go'), '');
    }
    const result = await running;
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout.trim(), /^arn:aws:sts::222222222222:assumed-role\/deploy\//);
    // the user hears of the attempt once, however many requests it made
    const warnings = result.stderr.split('\n').filter((l) => l.includes('credential server refused'));
    assert.deepEqual(warnings, ['warning: the imds credential server refused a request: the connection comes from another user (uid 65534).']);
  });
});
