// Bad input through the real binary: each a clear error naming the file, line or flag, a non-zero
// exit, nothing on stdout, nothing written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, runProcess, runRolecall, tempHome, type Home } from '../helpers/cli';

async function fails(home: Home, args: string[], code = 2) {
  const result = await runRolecall(args, { env: home.env });
  assert.equal(result.code, code, result.stderr);
  assert.equal(result.stdout, '');
  assert.ok(!existsSync(home.env.ROLECALL_CACHE_DIR!), 'nothing is cached');
  return result.stderr;
}

test('a malformed config line names file:line', async () => {
  const home = tempHome();
  try {
    const path = home.write('.aws/config', '[profile ok]\nregion = us-east-1\n[profile broken\nregion = eu-west-1\n');
    const stderr = await fails(home, ['export', 'ok']);
    assert.match(stderr, new RegExp(`${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3`));
  } finally {
    home.remove();
  }
});

test('an unknown profile suggests close names', async () => {
  const home = tempHome();
  try {
    home.write('.aws/config', '[profile production]\nregion = us-east-1\n[profile staging]\nregion = us-east-1\n');
    const stderr = await fails(home, ['export', 'prodution']);
    assert.match(stderr, /profile "prodution"/);
    assert.match(stderr, /production/);
  } finally {
    home.remove();
  }
});

test('a source_profile cycle names the whole cycle', async () => {
  const home = tempHome();
  try {
    home.write(
      '.aws/config',
      '[profile a]\nrole_arn = arn:aws:iam::222222222222:role/a\nsource_profile = b\n[profile b]\nrole_arn = arn:aws:iam::222222222222:role/b\nsource_profile = c\n[profile c]\nrole_arn = arn:aws:iam::222222222222:role/c\nsource_profile = a\n',
    );
    const stderr = await fails(home, ['export', 'a']);
    assert.match(stderr, /a -> b -> c -> a/);
  } finally {
    home.remove();
  }
});

test('a profile with a role but nothing to assume it with', async () => {
  const home = tempHome();
  try {
    home.write('.aws/config', '[profile lonely]\nrole_arn = arn:aws:iam::222222222222:role/read\n');
    const stderr = await fails(home, ['export', 'lonely']);
    assert.match(stderr, /profile "lonely" sets role_arn \(.*config:2\) but nothing to assume it with/);
  } finally {
    home.remove();
  }
});

test('an unreadable config file is named', async () => {
  const home = tempHome();
  try {
    const path = home.write('.aws/config', '[default]\nregion = us-east-1\n');
    chmodSync(path, 0o000);
    let result;
    if (process.getuid?.() === 0) {
      // root reads every file: run rolecall as nobody, who owns the home but may not read the file
      spawnSync('chown', ['-R', '65534:65534', home.dir]);
      result = await runProcess('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', '--', process.execPath, BIN, 'export'], { env: home.env });
    } else {
      result = await runRolecall(['export'], { env: home.env });
    }
    assert.equal(result.code, 2, result.stderr);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, new RegExp(`${path}.*(EACCES|permission denied)`, 'i'));
    assert.match(result.stderr, /hint: /);
    assert.ok(!existsSync(home.env.ROLECALL_CACHE_DIR!), 'nothing is cached');
  } finally {
    home.remove();
  }
});

test('a config path that is a directory is named', async () => {
  const home = tempHome();
  try {
    home.write('.aws/config/placeholder', '');
    const stderr = await fails(home, ['export', 'x']);
    assert.match(stderr, /\.aws\/config/);
  } finally {
    home.remove();
  }
});

test('bad durations name their source', async () => {
  const home = tempHome();
  try {
    home.write('.aws/credentials', '[k]\naws_access_key_id = AKIAEXAMPLE000000000\naws_secret_access_key = secret-secret\n');
    home.write('.aws/config', '[profile r]\nrole_arn = arn:aws:iam::222222222222:role/read\nsource_profile = k\ncredentials_duration = 13h\n');
    const fromFile = await fails(home, ['export', 'r']);
    assert.match(fromFile, /13h/);
    assert.match(fromFile, /config:4/);
    const fromFlag = await fails(home, ['export', 'r', '--duration', '5m']);
    assert.match(fromFlag, /--duration/);
  } finally {
    home.remove();
  }
});

test('bad flags and commands', async () => {
  const home = tempHome();
  try {
    const unknownFlag = await fails(home, ['export', '--formta', 'json']);
    assert.match(unknownFlag, /unknown flag --formta\. Did you mean "--format"\?/);
    const badFormat = await fails(home, ['export', '--format', 'yaml']);
    assert.match(badFormat, /yaml/);
    assert.match(badFormat, /process/);
    const unknownCommand = await fails(home, ['exprot']);
    assert.match(unknownCommand, /unknown command "exprot"\. Did you mean "export"\?/);
  } finally {
    home.remove();
  }
});

test('--help works on every command', async () => {
  const home = tempHome();
  try {
    const top = await runRolecall(['--help'], { env: home.env });
    assert.equal(top.code, 0);
    const commands = [...top.stdout.matchAll(/^ {2}([a-z][a-z-]*) {2,}/gm)].map((m) => m[1]!);
    assert.ok(commands.includes('export') && commands.includes('exec') && commands.includes('assume'), top.stdout);
    for (const name of commands) {
      const help = await runRolecall([name, '--help'], { env: home.env });
      assert.equal(help.code, 0, `${name}: ${help.stderr}`);
      assert.match(help.stdout, new RegExp(`^Usage: rolecall ${name}`), name);
    }
  } finally {
    home.remove();
  }
});

test('a credential_process that calls rolecall for the same profile stops with a clear error', async () => {
  const home = tempHome();
  try {
    home.write('.aws/config', `[profile loop]\ncredential_process = ${process.execPath} ${BIN} export loop --format process\n`);
    const result = await runRolecall(['export', 'loop', '--format', 'process'], { env: home.env, timeoutMs: 60_000 });
    assert.notEqual(result.code, 0);
    assert.equal(result.stdout, '');
    // the rolecall inside finds the lock of the same credentials held by the one outside
    assert.match(result.stderr, /rolecall: profile loop: its credential_process calls rolecall for the same credentials again, which would wait for itself/);
    assert.match(result.stderr, /credential_process \(.*config:2\) failed with exit status 1/);
  } finally {
    home.remove();
  }
});

test('an OIDC login with no role to assume says so, in rolecall profiles and the aws-oidc file alike', async () => {
  const home = tempHome();
  try {
    home.write('.aws/config', '[profile oidc]\nweb_identity_auth_url = https://idp.example.com\nweb_identity_client_id = cli\n');
    const profile = await fails(home, ['export', 'oidc']);
    assert.match(profile, /profile "oidc" has an OIDC login \(web_identity_auth_url, .*config:2\) but no role_arn to assume with it\n {2}hint: Add role_arn = /);
    // aws-oidc's file with the role's key misspelt
    home.write('.aws-oidc/config', '[[AuthProvider]]\nname = "t"\nrolearn = "arn:aws:iam::222222222222:role/x"\nprovider_url = "https://idp.example.com"\nclient_id = "cli"\n');
    const auth = await fails(home, ['auth', 't']);
    assert.match(auth, /has an OIDC login .*\.aws-oidc\/config:4\) but no role_arn to assume with it/);
    assert.match(auth, /aws-oidc: role_arn in the \[\[AuthProvider\]\] or --role_arn/);
  } finally {
    home.remove();
  }
});

test("the seeds' files missing or not naming the provider: said plainly, without pointing at setup", async () => {
  const home = tempHome();
  try {
    const auth = await fails(home, ['auth', 't']);
    assert.match(auth, /provider "t" is not in .*\.aws-oidc\/config \(the file does not exist\)/);
    home.write('cli-oidc.yaml', 'myop:\n  oidc_provider_metadata_url: https://idp.example.com\n  client_id: cli\n');
    const result = await runRolecall(['get-cred', '-p', 'zzz'], { env: { ...home.env, AWS_CLI_OIDC_CONFIG: join(home.dir, 'cli-oidc.yaml') } });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /OIDC provider "zzz" is not in .*cli-oidc\.yaml \(providers: myop\)\n {2}hint: Add it to .*cli-oidc\.yaml\.\n/);
    // coinbase's two-argument habit at the wrong command
    const two = await fails(home, ['export', 'production', 'read']);
    assert.match(two, /hint: .*For coinbase's ACCOUNT ROLE form: eval "\$\(rolecall assume production read\)"/);
  } finally {
    home.remove();
  }
});
