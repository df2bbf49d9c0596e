// ignore_configured_endpoint_urls (profile key) and AWS_IGNORE_CONFIGURED_ENDPOINT_URLS through the
// built binary, as botocore reads them: true ignores every configured endpoint (endpoint_url, the
// services section, AWS_ENDPOINT_URL_STS too) and the variable beats the key. Each case's STS
// endpoint, as `rolecall doctor` names it, is the one botocore picks for the same files and
// variables (checked against the machine's botocore where it has the setting, 1.31 and later);
// where that endpoint is the testbed's, `rolecall export` gets credentials from it for real.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { startTestbed, type Testbed } from '../../testbed/index';
import { runRolecall, tempHome, type Home } from '../helpers/cli';
import { startHostileServer, type HostileServer } from '../helpers/hostile-http';

const AWS_STS = 'https://sts.us-east-1.amazonaws.com';

/** botocore's STS endpoint for the profile, or undefined when the machine's botocore predates the setting */
function botocoreEndpoint(home: Home, profile: string, env: Record<string, string>): string | undefined {
  const script = `
import botocore.configprovider, botocore.session, sys
if 'ignore_configured_endpoint_urls' not in botocore.configprovider.BOTOCORE_DEFAUT_SESSION_VARIABLES: sys.exit(3)
print(botocore.session.Session(profile=sys.argv[1]).create_client('sts').meta.endpoint_url)
`;
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')));
  const run = spawnSync('python3', ['-c', script, profile], { env: { ...clean, ...home.env, ...env }, encoding: 'utf8' });
  if (run.status === 3 || /No module named/.test(run.stderr)) return undefined;
  assert.equal(run.status, 0, run.stderr);
  return run.stdout.trim().replace(/\/$/, '');
}

describe('ignore_configured_endpoint_urls, as botocore reads it', () => {
  let testbed: Testbed;
  let recorder: HostileServer;
  let home: Home;

  before(async () => {
    testbed = await startTestbed();
    recorder = await startHostileServer();
    home = tempHome();
    const bob = testbed.world.users.find((u) => u.name === 'bob')!;
    home.write('.aws/credentials', `[bob]\naws_access_key_id = ${bob.accessKeyId}\naws_secret_access_key = ${bob.secretAccessKey}\n`);
    const role = `role_arn = arn:aws:iam::222222222222:role/deploy
source_profile = bob
external_id = deploy-ext-42
region = us-east-1
endpoint_url = ${recorder.url}/config-endpoint-url
services = local`;
    home.write(
      '.aws/config',
      `[profile bob]
region = us-east-1

[profile honoured]
${role}

[profile ignoring]
${role}
ignore_configured_endpoint_urls = true

[services local]
sts =
  endpoint_url = ${recorder.url}/config-services-sts
`,
    );
  });
  after(async () => {
    home.remove();
    await recorder.close();
    await testbed.close();
  });

  const cases: Array<{ name: string; profile: string; env: () => Record<string, string>; expected: () => string }> = [
    { name: 'no setting: the services section beats endpoint_url', profile: 'honoured', env: () => ({}), expected: () => `${recorder.url}/config-services-sts` },
    { name: 'no setting: AWS_ENDPOINT_URL_STS beats the config file', profile: 'honoured', env: () => ({ AWS_ENDPOINT_URL_STS: testbed.aws.url }), expected: () => testbed.aws.url },
    { name: 'the key: the config file\'s endpoints are ignored', profile: 'ignoring', env: () => ({}), expected: () => AWS_STS },
    { name: 'the key: AWS_ENDPOINT_URL_STS is ignored too', profile: 'ignoring', env: () => ({ AWS_ENDPOINT_URL_STS: testbed.aws.url }), expected: () => AWS_STS },
    { name: 'the key, and the variable false: the variable wins', profile: 'ignoring', env: () => ({ AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'false', AWS_ENDPOINT_URL_STS: testbed.aws.url }), expected: () => testbed.aws.url },
    { name: 'no key, the variable TRUE (any case): every endpoint is ignored', profile: 'honoured', env: () => ({ AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'TRUE', AWS_ENDPOINT_URL_STS: testbed.aws.url }), expected: () => AWS_STS },
  ];

  for (const c of cases) {
    it(c.name, { timeout: 60_000 }, async (t) => {
      const env = { ...home.env, ...c.env() };
      const doctor = await runRolecall(['doctor', c.profile, '--json'], { env });
      const findings = (JSON.parse(doctor.stdout) as { findings: Array<{ check: string; message: string }> }).findings;
      const sts = findings.find((f) => f.check === 'sts' && /^STS \S+ /.test(f.message));
      assert.ok(sts, doctor.stdout);
      assert.equal(/^STS (\S+) /.exec(sts.message)![1]!.replace(/\/$/, ''), c.expected(), sts.message);
      if (c.expected() === AWS_STS) {
        const note = findings.find((f) => f.message.startsWith('ignore_configured_endpoint_urls = '));
        assert.ok(note, doctor.stdout);
        const config = `${home.dir}/.aws/config`.replace(/[.]/g, '\\.');
        const key = c.env().AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ? 'environment variable AWS_IGNORE_CONFIGURED_ENDPOINT_URLS' : `${config}:\\d+`;
        const variable = c.env().AWS_ENDPOINT_URL_STS ? ', endpoint_url\\.sts \\(environment variable AWS_ENDPOINT_URL_STS\\)' : '';
        assert.match(
          note.message,
          new RegExp(`^ignore_configured_endpoint_urls = (true|TRUE) \\(${key}\\): endpoint_url \\(${config}:\\d+\\), services \\(${config}:\\d+\\)${variable} are ignored, as the AWS CLI ignores them; AWS's own endpoints are called$`),
        );
      }
      const boto = botocoreEndpoint(home, c.profile, c.env());
      if (boto !== undefined) assert.equal(boto, c.expected(), "botocore's endpoint for the same files and variables");
      else t.diagnostic("not compared with botocore: python3's botocore predates ignore_configured_endpoint_urls (1.31), or is missing");

      if (c.expected() === testbed.aws.url) {
        const seen = recorder.seen.length;
        const exported = await runRolecall(['export', c.profile, '--format', 'process', '--no-cache'], { env });
        assert.equal(exported.code, 0, exported.stderr);
        assert.equal(JSON.parse(exported.stdout).Version, 1);
        assert.equal(recorder.seen.length, seen, 'no call to the config file\'s endpoints');
      }
    });
  }

  it('a value other than true or false is refused, naming the file and line', async () => {
    home.write('.aws/config', `[profile odd]\nregion = us-east-1\nsource_profile = bob\nrole_arn = arn:aws:iam::222222222222:role/deploy\nignore_configured_endpoint_urls = yes\n`);
    const result = await runRolecall(['export', 'odd', '--format', 'process'], { env: home.env });
    assert.equal(result.code, 2, result.stderr);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /rolecall: ignore_configured_endpoint_urls = "yes" \(\S+\/\.aws\/config:5\) is not true or false\n {2}hint: Write true or false: the AWS CLI reads every other word as false/);
  });
});
