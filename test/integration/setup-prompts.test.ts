// The setup wizard's OIDC questions on a real terminal (tmux): an issuer that does not answer and a
// client the IdP refuses are said at their own prompt, inside the wizard's frame, and asked again
// with nothing else lost; the region is asked (Enter takes [default]'s) and written into the
// profile and its AWS CLI companion.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestbed, type Testbed } from '../../testbed/index';
import { BIN, tempHome, type Home } from '../helpers/cli';
import { wizardTerminal } from '../helpers/wizard-terminal';

let testbed: Testbed;
let home: Home;

before(async () => {
  testbed = await startTestbed();
  home = tempHome();
  home.write('.aws/config', '[default]\nregion = eu-central-1\n');
});
after(async () => {
  home.remove();
  await testbed.close();
});

test('OIDC: a wrong issuer and a refused client are said at their prompts and asked again; the region is asked and written', async (t) => {
  const terminal = wizardTerminal(home, ['setup', '--no-login'], { x: 140, y: 50 });
  t.after(() => terminal.close());
  const { screen, until, keys } = terminal;
  const type = (text: string) => {
    keys('-l', text);
    keys('Enter');
  };
  const erase = () => keys(...Array<string>(60).fill('BSpace'));

  await until('the kind question', 'How do you prove who you are?');
  keys('Enter'); // OIDC login, the first
  await until('the profile name question', 'Profile name');
  type('web');
  await until('the issuer question', 'OIDC issuer URL');
  type('http://127.0.0.1:9/nothing-listens');
  await until('the discovery error', /did not answer with a discovery document/);
  // inside the wizard's frame: the error, the hint, and the same question again with the answer given
  await until('the issuer asked again', /did not answer with a discovery document .*\n│\n▲  Check the issuer URL.*\n│  Type it again, or Ctrl-C to stop .*\n│\n◆  OIDC issuer URL\n│  http:\/\/127\.0\.0\.1:9\/nothing-listens/);
  erase();
  type(testbed.idp.issuer);
  await until('the discovery checked', `Checked the discovery document of ${testbed.idp.issuer}`);
  await until('the client question', 'OAuth client id');
  type('no-such-client');
  await until('the client refused', /refused client no-such-client with a loopback redirect/);
  erase();
  type('rolecall-cli');
  await until('the client checked', /Checked that .* accepts client rolecall-cli/);
  await until('the role question', 'Role ARN to assume');
  type('arn:aws:iam::222222222222:role/oidc-developer');
  await until('the region question', 'AWS region (Enter for eu-central-1)');
  type('moon-1');
  await until('the region refused', /Regions look like us-east-1/);
  erase();
  keys('Enter'); // [default]'s
  await until('the AWS CLI question', 'Also write [profile web-cli]');
  keys('Enter');
  await until('the preview', 'Write this profile?');
  keys('Enter');
  const { status, stderr } = await terminal.done();
  assert.equal(status, '0', `${screen()}\n${stderr}`);
  assert.doesNotMatch(stderr, /checked:/, 'the checks were shown inside the wizard, not after it');
  assert.equal(
    readFileSync(join(home.dir, '.aws', 'config'), 'utf8'),
    `[default]\nregion = eu-central-1\n\n[profile web]\nweb_identity_auth_url = ${testbed.idp.issuer}\nweb_identity_client_id = rolecall-cli\nrole_arn = arn:aws:iam::222222222222:role/oidc-developer\nregion = eu-central-1\n\n[profile web-cli]\ncredential_process = ${process.execPath} ${BIN} export web --format process\nregion = eu-central-1\n`,
  );
});
