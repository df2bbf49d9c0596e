// The commands a profile runs (mfa_process, credential_process) may carry a secret on their command
// line: a TOTP seed, a password-manager session. When they fail, rolecall says how (exit status,
// signal, the first line of stderr) and never repeats the command line; whoami's chain names the
// program only.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { useBastionTestbed } from '../helpers/bastion';
import { runRolecall, type Home } from '../helpers/cli';

const SEED = 'JBSWY3DPEHPK3PXPSEEDSECRET7Q';
const SESSION = 'opsession-Zk39fQp2LxWv';

describe('failing commands with secrets on their command line', () => {
  let home: Home;

  useBastionTestbed((_testbed, startedHome) => {
    home = startedHome;
  });

  // a stand-in for oathtool that refuses the seed, repeating it the way such tools do
  const tool = () => home.write('bin/fake-oathtool', '#!/bin/sh\nfor last; do :; done\necho "oathtool: base32 decoding failed for $last" >&2\nexit 1\n', 0o755);
  const withMfaProcess = (command: string) =>
    home.write('.aws/config.mfa', `${readFileSync(home.env.AWS_CONFIG_FILE!, 'utf8')}\n[profile bastion]\nmfa_process = ${command}\n`);

  const cases = [
    { name: 'exits non-zero', command: () => `sh -c 'exit 3' oathtool --totp -b ${SEED}`, said: /mfa_process \(\S+config\.mfa:\d+\) failed with exit status 3$/m },
    {
      name: 'says why on stderr, repeating its argument',
      command: () => `${tool()} --totp -b ${SEED}`,
      said: /mfa_process \(\S+\) failed with exit status 1: oathtool: base32 decoding failed for \*\*\*\*$/m,
    },
    { name: 'is killed', command: () => `kill -9 $$; op --session ${SESSION}`, said: /mfa_process \(\S+\) was killed by signal SIGKILL$/m },
  ];
  for (const { name, command, said } of cases) {
    it(`an mfa_process that ${name}: how it failed, never its command line`, async () => {
      const config = withMfaProcess(command());
      const result = await runRolecall(['export', 'read', '--format', 'process', '--debug'], { env: { ...home.env, AWS_CONFIG_FILE: config } });
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, said);
      assert.ok(!result.stderr.includes(SEED) && !result.stderr.includes(SESSION), `a secret of the command line reached stderr:\n${result.stderr}`);
    });
  }

  it('a credential_process that fails: its status, not its command line; whoami names the program only', async () => {
    const config = home.write(
      '.aws/config.proc',
      `[profile failing]\ncredential_process = sh -c 'exit 4' op --session ${SESSION}\n[profile proc]\ncredential_process = sh -c 'printf "%s" "$0"' '{"Version":1,"AccessKeyId":"AKIAEXAMPLE","SecretAccessKey":"x"}' ${SESSION}\n`,
    );
    const env = { ...home.env, AWS_CONFIG_FILE: config };
    const failed = await runRolecall(['whoami', 'failing', '--debug'], { env });
    assert.equal(failed.code, 1, failed.stderr);
    assert.match(failed.stderr, /credential_process \(\S+config\.proc:2\) failed with exit status 4$/m);
    assert.ok(!failed.stderr.includes(SESSION), failed.stderr);

    const plan = await runRolecall(['doctor', 'proc', '--json'], { env });
    const steps = (JSON.parse(plan.stdout) as { steps: string[] }).steps;
    assert.deepEqual(steps, ['credential_process of profile proc: sh …']);
  });

  it("doctor's settings name the program of mfa_process and credential_process, never their arguments (a report users paste into issues)", async () => {
    const both = home.write('.aws/config.both', `${readFileSync(withMfaProcess(`oathtool --totp -b ${SEED}`), 'utf8')}\n[profile proc]\ncredential_process = op run --session ${SESSION}\n`);
    const env = { ...home.env, AWS_CONFIG_FILE: both };
    for (const [profile, key, program] of [['read', 'mfa_process', 'oathtool …'], ['proc', 'credential_process', 'op …']] as const) {
      const text = await runRolecall(['doctor', profile], { env });
      assert.match(text.stdout, new RegExp(`^  ${key} = ${program}\\s+# \\S+config\\.both:\\d+$`, 'm'), text.stdout);
      const json = await runRolecall(['doctor', profile, '--json'], { env });
      const settings = (JSON.parse(json.stdout) as { profiles: { settings: { key: string; value: unknown }[] }[] }).profiles.flatMap((p) => p.settings);
      const values = settings.filter((s) => s.key === key).map((s) => s.value);
      assert.ok(values.length > 0 && values.every((v) => v === program), JSON.stringify(values));
      for (const out of [text.stdout + text.stderr, json.stdout + json.stderr]) assert.ok(!out.includes(SEED) && !out.includes(SESSION), `a secret of a command line reached doctor's report:\n${out}`);
    }
  });
});
