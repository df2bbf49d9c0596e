// A Linux machine without a Secret Service (a server, a container, an SSH session: no D-Bus
// session), through the built binary: `rolecall password` stores the password, an OIDC login keeps
// its refresh token and the next login uses it, and `doctor` names the store that was really used
// after writing, reading back and deleting a probe entry. Before, doctor said "the OS keyring
// answers" while every write failed. The same with a Secret Service that answers reads but keeps
// nothing (no unlocked collection), which rolecall used to choose.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startTestbed, type Testbed } from '../../testbed/index';
import { BIN, runProcess, runRolecall, tempHome, type Home } from '../helpers/cli';
import { keyringAvailable } from '../helpers/keyring';

const PTY = new URL('../helpers/oidc-pty.py', import.meta.url).pathname;
// names of this run only: the kernel keyring is shared by every process of the user
const PROFILE = `runas-${randomBytes(4).toString('hex')}`;
const KERNEL = /the kernel keyring \(keyutils\), (session keyring|user keyring, through keyctl)/;

let testbed: Testbed;
let home: Home;
let env: NodeJS.ProcessEnv;

before(async () => {
  testbed = await startTestbed();
  home = tempHome();
  home.write(
    '.aws/config',
    `[profile ${PROFILE}]
region = us-east-1
web_identity_auth_url = ${testbed.idp.issuer}
web_identity_client_id = rolecall-cli
web_identity_redirect_uri = app:/callback
web_identity_username = alice
role_arn = arn:aws:iam::222222222222:role/oidc-developer
`,
  );
  // no D-Bus session, no store forced: rolecall chooses on its own
  env = { ...home.env, DBUS_SESSION_BUS_ADDRESS: '', AWS_ENDPOINT_URL_STS: testbed.aws.url, IDP_PASSWORD: testbed.world.idpUsers.find((u) => u.username === 'alice')!.password };
  delete env.ROLECALL_KEYRING;
  delete env.ROLECALL_SECRETS_KEY;
});
after(async () => {
  await runRolecall(['clear', '--all'], { env });
  await runRolecall(['password', PROFILE, '--delete'], { env });
  home.remove();
  await testbed.close();
});

test('no Secret Service: rolecall password, the refresh token and doctor all use the kernel keyring, said once', { skip: !keyringAvailable('keyutils') && 'keyctl is not installed', timeout: 180_000 }, async () => {
  const stored = await runProcess('python3', [PTY, process.execPath, BIN, 'password', PROFILE], {
    env: { ...env, PTY_ANSWERS: `Password for profile ${PROFILE}:=>IDP_PASSWORD\nType it again:=>IDP_PASSWORD` },
    timeoutMs: 60_000,
  });
  assert.equal(stored.code, 0, stored.stdout);
  assert.match(stored.stdout, new RegExp(`secrets \\(refresh tokens, passwords, keys\\) are kept in ${KERNEL.source}: there is no D-Bus session`));
  assert.match(stored.stdout, new RegExp(`Stored the password of profile ${PROFILE} in ${KERNEL.source}\\.`));

  testbed.idp.resetCounts();
  const first = await runRolecall(['export', PROFILE, '--format', 'process'], { env });
  assert.equal(first.code, 0, first.stderr);
  assert.equal(testbed.idp.counts().tokens.password, 1, 'the stored password signed in');
  assert.doesNotMatch(first.stderr, /refresh token could not be kept|are kept in/, 'the refresh token was kept, and the store is not said again');

  // without the password, only the refresh token kept in the keyring can sign in
  assert.equal((await runRolecall(['password', PROFILE, '--delete'], { env })).code, 0);
  const second = await runRolecall(['export', PROFILE, '--format', 'process', '--refresh'], { env });
  assert.equal(second.code, 0, second.stderr);
  assert.equal(testbed.idp.counts().tokens.refresh_token, 1, 'the refresh token signed in');
  assert.equal(testbed.idp.counts().tokens.password, 1, 'no second password login');

  const doctor = await runRolecall(['doctor', PROFILE, '--json'], { env });
  const keyring = (JSON.parse(doctor.stdout) as { findings: { check: string; level: string; message: string; hint?: string }[] }).findings.find((f) => f.check === 'keyring');
  assert.equal(keyring?.level, 'warn', 'the kernel keyring is lost at reboot: said as a warning');
  assert.match(keyring?.message ?? '', new RegExp(`^secrets are kept in ${KERNEL.source} \\(there is no D-Bus session \\(DBUS_SESSION_BUS_ADDRESS is not set\\)\\); a probe entry was written, read back and deleted$`));
  assert.match(keyring?.hint ?? '', /lost at reboot/);
});

test('a Secret Service that answers but keeps nothing (gnome-keyring with no unlocked collection, as an SSH or container session starts it): passed over for the kernel keyring, said with the reason', { skip: (!keyringAvailable('secret-service') && 'gnome-keyring-daemon or dbus-run-session is not installed') || (!keyringAvailable('keyutils') && 'keyctl is not installed'), timeout: 180_000 }, async () => {
  const out = mkdtempSync(join(tmpdir(), 'rolecall-locked-'));
  try {
    // its own cache directory: the store is said once per cache directory, and the test above said it
    const locked = { ...env, ROLECALL_CACHE_DIR: join(out, 'cache'), PTY_ANSWERS: `Password for profile ${PROFILE}:=>IDP_PASSWORD\nType it again:=>IDP_PASSWORD` };
    const script = [
      'gnome-keyring-daemon --start --components=secrets >/dev/null 2>&1 </dev/null || exit 99',
      `python3 ${PTY} "${process.execPath}" ${BIN} password ${PROFILE} > ${out}/password.out; echo $? > ${out}/password.status`,
      `"${process.execPath}" ${BIN} doctor ${PROFILE} --json > ${out}/doctor.json`,
      `"${process.execPath}" ${BIN} password ${PROFILE} --delete`,
    ].join('\n');
    const r = await runProcess('dbus-run-session', ['--', 'sh', '-c', script], { env: locked, timeoutMs: 120_000 });
    assert.equal(r.code, 0, r.stderr);
    const stored = readFileSync(join(out, 'password.out'), 'utf8');
    assert.equal(readFileSync(join(out, 'password.status'), 'utf8').trim(), '0', stored);
    const why = String.raw`no Secret Service on the session D-Bus kept a probe entry \([^)]*\)`;
    assert.match(stored, new RegExp(`secrets \\(refresh tokens, passwords, keys\\) are kept in ${KERNEL.source}: ${why}`));
    assert.match(stored, new RegExp(`Stored the password of profile ${PROFILE} in ${KERNEL.source}\\.`));
    const keyring = (JSON.parse(readFileSync(join(out, 'doctor.json'), 'utf8')) as { findings: { check: string; message: string }[] }).findings.find((f) => f.check === 'keyring');
    assert.match(keyring?.message ?? '', new RegExp(`^secrets are kept in ${KERNEL.source} \\(${why}\\); a probe entry was written, read back and deleted$`));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
