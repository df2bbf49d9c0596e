// Another local user against a cache directory under a shared directory (XDG_CACHE_HOME or
// ROLECALL_CACHE_DIR on /tmp or a shared disk): they create the name `rolecall` first, as a
// symbolic link to a directory the victim owns. rolecall used to follow it, chmod the target to
// 0700 and create its subdirectories there (for root, that could be /etc). The kernel's
// fs.protected_symlinks would stop the link in a sticky directory; many machines (and this test)
// run with it off, so rolecall must refuse by itself.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestbed, type Testbed } from '../../testbed/index';
import { bastionHome } from '../helpers/bastion';
import { runRolecall, type Home } from '../helpers/cli';
import { asNobody, otherUserSkip } from '../helpers/other-user';

const PROTECTED = '/proc/sys/fs/protected_symlinks';

/** Sets fs.protected_symlinks to 0 for the test, or says why it cannot. */
function withoutProtectedSymlinks(): { skip: string | false; restore(): void } {
  let before: string;
  try {
    before = readFileSync(PROTECTED, 'utf8').trim();
  } catch (error) {
    return { skip: `cannot read ${PROTECTED}: ${(error as Error).message}`, restore() {} };
  }
  if (before === '0') return { skip: false, restore() {} };
  try {
    writeFileSync(PROTECTED, '0');
  } catch (error) {
    return { skip: `the sandbox refuses to set fs.protected_symlinks=0 (${(error as Error).message}); the kernel itself blocks this attack here`, restore() {} };
  }
  return { skip: false, restore: () => writeFileSync(PROTECTED, before) };
}

describe('a cache directory another user planted', { skip: otherUserSkip }, () => {
  let testbed: Testbed;
  let home: Home;
  let shared: string;
  let sysctl: ReturnType<typeof withoutProtectedSymlinks>;

  before(async () => {
    sysctl = withoutProtectedSymlinks();
    testbed = await startTestbed();
    home = bastionHome(testbed);
    delete home.env.ROLECALL_CACHE_DIR;
    shared = mkdtempSync(join(tmpdir(), 'rolecall-shared-'));
    chmodSync(shared, 0o755);
  });
  after(async () => {
    sysctl.restore();
    rmSync(shared, { recursive: true, force: true });
    home.remove();
    await testbed.close();
  });

  /** a directory every user may write to, with the sticky bit (as /tmp is) */
  const stickyDir = (name: string) => {
    const dir = join(shared, name);
    mkdirSync(dir);
    chmodSync(dir, 0o1777);
    return dir;
  };

  it('a symbolic link planted in a shared sticky directory is refused; its target is left as it was', async (t) => {
    if (sysctl.skip) return t.skip(sysctl.skip);
    const xdg = stickyDir('sticky');
    // a directory of the victim's that the attacker wants rolecall to take over
    const target = join(shared, 'victim-config');
    mkdirSync(target);
    chmodSync(target, 0o755);
    writeFileSync(join(target, 'settings.conf'), 'kept\n');
    const planted = await asNobody('ln', ['-s', target, join(xdg, 'rolecall')]);
    assert.equal(planted.code, 0, planted.stderr);
    assert.equal(lstatSync(join(xdg, 'rolecall')).uid, 65534);

    const result = await runRolecall(['export', 'deploy', '--format', 'process'], { env: { ...home.env, XDG_CACHE_HOME: xdg } });
    assert.equal(result.code, 1, result.stderr);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, new RegExp(`the cache directory ${xdg}/rolecall is a symbolic link made by uid 65534, not by you; rolecall will not follow it`));
    assert.match(result.stderr, /hint: Someone else may have planted it/);
    assert.equal(statSync(target).mode & 0o7777, 0o755, 'the target keeps its mode');
    assert.deepEqual(readdirSync(target), ['settings.conf'], 'nothing was created in the target');
  });

  it("the data directory (the SAML browser's profile, the provider's session cookie): a planted link is refused before any browser starts", async (t) => {
    if (sysctl.skip) return t.skip(sysctl.skip);
    const xdg = stickyDir('sticky-data');
    // the attacker's own directory: a browser profile there would hand them the sign-in's cookies
    const theirs = join(xdg, 'nobody-data');
    const planted = await asNobody('sh', ['-c', `mkdir -m 0777 ${theirs} && ln -s ${theirs} ${xdg}/rolecall`]);
    assert.equal(planted.code, 0, planted.stderr);
    const config = join(shared, 'saml-config');
    writeFileSync(config, `[profile corp]\nregion = us-east-1\nsaml_sso_url = https://idp.example.com/sso/aws\nsaml_browser = /usr/bin/chromium\nsaml_browser_timeout = 5\nrole_arn = arn:aws:iam::222222222222:role/developer\n`);
    const env: NodeJS.ProcessEnv = { ...home.env, XDG_DATA_HOME: xdg, AWS_CONFIG_FILE: config };
    delete env.ROLECALL_DATA_DIR;

    const result = await runRolecall(['export', 'corp', '--format', 'process'], { env });
    assert.equal(result.code, 1, result.stderr);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, new RegExp(`the data directory ${xdg}/rolecall is a symbolic link made by uid 65534, not by you; rolecall will not follow it`));
    assert.match(result.stderr, /hint: .*point ROLECALL_DATA_DIR at a directory of your own/);
    assert.deepEqual(readdirSync(theirs), [], 'no browser profile in the planted directory');

    // clear --all does not remove a profile through the planted link either
    mkdirSync(join(xdg, 'rolecall', 'browser-profile'));
    writeFileSync(join(xdg, 'rolecall', 'browser-profile', 'theirs'), 'kept\n');
    const cleared = await runRolecall(['clear', '--all'], { env });
    assert.match(cleared.stderr, /the data directory .* is a symbolic link made by uid 65534/);
    assert.deepEqual(readdirSync(join(theirs, 'browser-profile')), ['theirs']);
  });

  it('a cache directory under a parent everyone may write to without the sticky bit is refused', async () => {
    const open = join(shared, 'open');
    mkdirSync(open);
    chmodSync(open, 0o777);
    const result = await runRolecall(['export', 'deploy', '--format', 'process'], { env: { ...home.env, ROLECALL_CACHE_DIR: join(open, 'rolecall') } });
    assert.equal(result.code, 1, result.stderr);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, new RegExp(`the cache directory ${open}/rolecall is in ${open}, which every user may write to \\(mode 0777, no sticky bit\\): anyone could replace it`));
    assert.ok(!existsSync(join(open, 'rolecall')), 'nothing was created there');
  });

  it('a directory another user made under the sticky directory is refused, and one of your own under it works', async () => {
    const xdg = stickyDir('sticky2');
    const made = await asNobody('mkdir', ['-m', '0700', join(xdg, 'rolecall')]);
    assert.equal(made.code, 0, made.stderr);
    const refused = await runRolecall(['export', 'deploy', '--format', 'process'], { env: { ...home.env, XDG_CACHE_HOME: xdg } });
    assert.equal(refused.code, 1, refused.stderr);
    assert.match(refused.stderr, /belongs to uid 65534, not to you/);

    // your own link (made by you) is followed: a cache on another disk stays possible
    const own = join(shared, 'own-cache');
    const xdg3 = stickyDir('sticky3');
    symlinkSync(own, join(xdg3, 'rolecall'));
    mkdirSync(own, { mode: 0o700 });
    const served = await runRolecall(['export', 'deploy', '--format', 'process'], { env: { ...home.env, XDG_CACHE_HOME: xdg3 } });
    assert.equal(served.code, 0, served.stderr);
    assert.equal(JSON.parse(served.stdout).Version, 1);
    assert.deepEqual(readdirSync(own).sort(), ['credentials', 'fast', 'locks']);
  });
});
