// The wait for an OIDC login says how long it lasts before rolecall gives up (web_identity_timeout),
// on a terminal ("(0s of 3s, Ctrl-C to cancel)") and as a plain line, and the timeout error names
// the setting that changes it. Through the built binary, with a "browser" that never logs in.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestbed, type Testbed } from '../../testbed/index';
import { BIN, runProcess, runRolecall, tempHome, type Home } from '../helpers/cli';

let testbed: Testbed;
let home: Home;
let env: NodeJS.ProcessEnv;

before(async () => {
  testbed = await startTestbed();
  home = tempHome();
  home.write(
    '.aws/config',
    `[profile oidc]
web_identity_auth_url = ${testbed.idp.issuer}
web_identity_client_id = rolecall-cli
role_arn = arn:aws:iam::222222222222:role/oidc-developer
endpoint_url = ${testbed.aws.url}
web_identity_timeout = 3
`,
  );
  env = { ...home.env, BROWSER: '/bin/true' };
});
after(async () => {
  home.remove();
  await testbed.close();
});

const GAVE_UP = /^rolecall: the browser login did not finish within 3s \(web_identity_timeout\)$/m;
const HINT = /^ {2}hint: Nobody finished the login in time: run the command again, raise web_identity_timeout in the profile/m;

test('without a terminal the wait line says how long it lasts; the timeout names web_identity_timeout', async () => {
  const run = await runRolecall(['export', 'oidc'], { env });
  assert.equal(run.code, 1, run.stderr);
  assert.equal(run.stdout, '');
  assert.match(run.stderr, /^Waiting for the login in the browser\.\.\. \(up to 3s\)$/m);
  assert.match(run.stderr, GAVE_UP);
  assert.match(run.stderr, HINT);
});

test('on a terminal the spinner counts the seconds waited of the seconds allowed', async () => {
  const pty = new URL('../helpers/oidc-pty.py', import.meta.url).pathname;
  const run = await runProcess('python3', [pty, process.execPath, BIN, 'export', 'oidc'], { env });
  assert.equal(run.code, 1, run.stdout);
  assert.match(run.stdout, /\| Waiting for the login in the browser\.\.\. \(0s of 3s, Ctrl-C to cancel\)/);
  assert.match(run.stdout, /Waiting for the login in the browser\.\.\. \(2s of 3s, Ctrl-C to cancel\)/);
  assert.match(run.stdout.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '').replace(/\r\n?/g, '\n'), GAVE_UP);
});
