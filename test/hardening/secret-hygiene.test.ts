// No secret where it does not belong. The main flows run with --debug against the testbed; then
// stdout (beyond the protocol output that must hold the credentials), stderr, every file under the
// temp HOME and cache, and /proc/PID/cmdline and /proc/PID/environ of rolecall and of the child it
// runs are scanned for every secret the testbed knows (IAM secret keys, IdP passwords, the client
// secret) and every secret a run produced (issued keys and session tokens, refresh tokens, the console
// sign-in URL and its token). Files that exist to hold credentials (the cache, the opt-in secrets
// file) are checked for modes instead: 0600 files in 0700 directories.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { startTestbed, type Testbed } from '../../testbed/index';
import { runRolecall, type Home, type RunResult } from '../helpers/cli';
import { bastionHome } from '../helpers/bastion';
import { awsOidcTestbedConfig } from '../helpers/agent';
import { recordScan } from './figures';
import { decryptSecretsFile } from '../helpers/secrets-file';
import { startHostileServer } from '../helpers/hostile-http';

let testbed: Testbed;
let h: Home;
/** name -> value of every secret known so far */
const secrets = new Map<string, string>();
let places = 0;

before(async () => {
  testbed = await startTestbed();
  h = bastionHome(
    testbed,
    `
[profile runas]
web_identity_auth_url = ${testbed.idp.issuer}
web_identity_client_id = rolecall-cli
web_identity_redirect_uri = app:/callback
web_identity_username = alice
role_arn = arn:aws:iam::222222222222:role/oidc-developer
`,
  );
  h.env.AWS_ENDPOINT_URL_SIGNIN = testbed.aws.signinUrl;
  h.env.AWS_ENDPOINT_URL_STS = testbed.aws.url;
  const w = testbed.world;
  for (const u of w.users) secrets.set(`IAM secret key of ${u.name}`, u.secretAccessKey);
  for (const u of w.idpUsers) secrets.set(`IdP password of ${u.username}`, u.password);
  for (const c of w.idpClients) if (c.client_secret) secrets.set(`client secret of ${c.client_id}`, c.client_secret);
});
after(async () => {
  h.remove();
  await testbed.close();
});

function learn(name: string, value: string | undefined): void {
  if (value && value.length >= 8) secrets.set(name, value);
}

/** a SAML Response or assertion in any of the shapes it travels in: XML, base64 of its XML, base64url */
const ASSERTION_SHAPES = [/<(?:saml2?p?:)?(?:Response|Assertion)[\s>]/, /PD94bWwg|PHNhbWxwOl|PHNhbWwyc|PHNhbWw6QX/];

/** Fails naming the secret and the place when `text` holds one of `secrets` (all of them unless `only`). */
function scan(place: string, text: string, allowed: ReadonlySet<string> = new Set()): void {
  places++;
  for (const shape of ASSERTION_SHAPES) assert.doesNotMatch(text, shape, `a SAML assertion found in ${place}`);
  for (const [name, value] of secrets) {
    if (allowed.has(name)) continue;
    assert.ok(!text.includes(value), `${name} found in ${place}`);
    // also percent- and JSON-encoded, as URLs and debug lines would carry it
    assert.ok(!text.includes(encodeURIComponent(value)), `${name} (URL-encoded) found in ${place}`);
  }
}

function scanRun(flow: string, run: RunResult, protocol: ReadonlySet<string> = new Set()): void {
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /debug/i, `${flow} ran with --debug output`);
  scan(`${flow}: stderr`, run.stderr);
  scan(`${flow}: stdout`, run.stdout, protocol);
}

const issued = (prefix: string, stdout: string) => {
  const json = JSON.parse(stdout) as { AccessKeyId: string; SecretAccessKey: string; SessionToken: string };
  learn(`${prefix} secret key`, json.SecretAccessKey);
  learn(`${prefix} session token`, json.SessionToken);
  return new Set([`${prefix} secret key`, `${prefix} session token`]);
};

test('bastion export (process and env formats) with --debug', async () => {
  const first = await runRolecall(['export', 'read', '--format', 'process', '--debug'], { env: h.env });
  assert.equal(first.code, 0, first.stderr);
  const protocol = issued('read role', first.stdout);
  scanRun('export --format process', first, protocol);
  const env = await runRolecall(['export', 'read', '--format', 'env', '--debug', '--refresh'], { env: h.env });
  assert.equal(env.code, 0, env.stderr);
  learn('read role (refreshed) secret key', /^AWS_SECRET_ACCESS_KEY=(.*)$/m.exec(env.stdout)?.[1]);
  learn('read role (refreshed) session token', /^AWS_SESSION_TOKEN=(.*)$/m.exec(env.stdout)?.[1]);
  scanRun('export --format env', env, new Set([...protocol, 'read role (refreshed) secret key', 'read role (refreshed) session token']));
  recordScan('bastion export', secrets.size, places);
});

// markers printed in two halves, so that they are not found inside the script text that /proc/$$/cmdline shows
const PROC = 'printf "%s%s\\n" "==env" "iron=="; tr "\\0" "\\n" </proc/$$/environ; printf "%s%s\\n" "==par" "ent=="; tr "\\0" " " </proc/$PPID/cmdline; tr "\\0" "\\n" </proc/$PPID/environ; printf "%s%s\\n" "==cmd" "line=="; tr "\\0" " " </proc/$$/cmdline';

test('exec: the child gets the role credentials and nothing else secret; argv of rolecall and child clean', async () => {
  const run = await runRolecall(['exec', 'read', '--debug', '--', 'sh', '-c', PROC], { env: h.env });
  assert.equal(run.code, 0, run.stderr);
  const [, environ = '', parent = '', cmdline = ''] = run.stdout.split(/^==(?:environ|parent|cmdline)==$/m);
  const child = environ;
  assert.match(child, /^AWS_SECRET_ACCESS_KEY=/m, 'exec hands the credentials to the child by design');
  const granted = new Set([...secrets.keys()].filter((n) => n.startsWith('read role')));
  learn('exec secret key', /^AWS_SECRET_ACCESS_KEY=(.*)$/m.exec(child)?.[1]);
  learn('exec session token', /^AWS_SESSION_TOKEN=(.*)$/m.exec(child)?.[1]);
  scan('exec child /proc/PID/cmdline', cmdline);
  scan('exec child /proc/PID/environ', child, new Set([...granted, 'exec secret key', 'exec session token']));
  scan('rolecall /proc/PID/cmdline and environ (parent of the child)', parent);
  scan('exec: stderr', run.stderr);
  recordScan('exec', secrets.size, places);
});

test('exec --server ecs: the child environment holds an authorization token, no credentials at all', async () => {
  const run = await runRolecall(['exec', 'read', '--server', 'ecs', '--debug', '--', 'sh', '-c', PROC], { env: h.env });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^AWS_CONTAINER_CREDENTIALS_FULL_URI=http:\/\/127\.0\.0\.1:/m);
  assert.match(run.stdout, /^==parent==$/m, 'the script ran to the end');
  assert.doesNotMatch(run.stdout, /^AWS_SECRET_ACCESS_KEY=/m);
  scan('exec --server child and parent /proc cmdline + environ', run.stdout);
  scan('exec --server: stderr', run.stderr);
  recordScan('exec --server', secrets.size, places);
});

test('login --url: the sign-in URL is on stdout only', async () => {
  const run = await runRolecall(['login', 'read', '--url', '--debug'], { env: h.env });
  assert.equal(run.code, 0, run.stderr);
  const url = new URL(run.stdout.trim());
  learn('console sign-in URL', url.toString());
  learn('console SigninToken', url.searchParams.get('SigninToken') ?? undefined);
  scanRun('login --url', run, new Set(['console sign-in URL', 'console SigninToken']));
  recordScan('login --url', secrets.size, places);
});


test('OIDC browser login (aws-oidc `auth`, a real Chromium driven as the user) with --debug: no token or key in the output', async () => {
  h.write(
    '.aws-oidc/config',
    awsOidcTestbedConfig(testbed.idp.issuer),
  );
  const alice = testbed.world.idpUsers.find((u) => u.username === 'alice')!;
  // the browser agent (the user's hands) needs the password; it is not rolecall's input
  const env = { ...h.env, TESTBED_USER: alice.username, TESTBED_PASSWORD: alice.password, TESTBED_AGENT_LOG: join(h.dir, 'agent.log') };
  testbed.idp.resetCounts();
  const run = await runRolecall(['auth', 'testbed', '--debug'], { env, timeoutMs: 90_000 });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(testbed.idp.counts().authorizations, 1, 'a browser login happened');
  const protocol = issued('oidc browser role', run.stdout);
  scanRun('OIDC browser auth', run, protocol);
  recordScan('OIDC browser auth', secrets.size, places);
});

test('OIDC password login (aws-runas profile) with --debug: no password, token or key in the output', async () => {
  const run = await runRolecall(['export', 'runas', '--format', 'process', '--debug'], {
    env: { ...h.env, WEB_IDENTITY_PASSWORD: testbed.world.idpUsers.find((u) => u.username === 'alice')!.password },
  });
  assert.equal(run.code, 0, run.stderr);
  const protocol = issued('oidc role', run.stdout);
  scanRun('OIDC export', run, protocol);
  // tokens the login stored (refresh tokens in the encrypted secrets file) become secrets to look for elsewhere
  for (const file of walk(h.env.ROLECALL_CACHE_DIR!)) {
    if (!file.endsWith('secrets.json')) continue;
    const stored = decryptSecretsFile(file);
    const strings = JSON.stringify(stored).match(/"[A-Za-z0-9_\-.~+/=]{20,}"/g) ?? [];
    strings.forEach((s, i) => learn(`stored token ${i}`, s.slice(1, -1)));
  }
  recordScan('OIDC export', secrets.size, places);
});

test('coinbase SAML assume (SAML POST API with a password) with --debug: no password, assertion or key in the output', async () => {
  const carol = testbed.world.idpUsers.find((u) => u.username === 'carol')!;
  h.write('.saml/credentials', `username = ${carol.username}\npassword = ${carol.password}\n`);
  h.write('.aws/accounts', JSON.stringify({ staging: '222222222222' }));
  const env = {
    ...h.env,
    AWS_ASSUME_ROLE_AUTH_SCHEME: 'saml',
    SAML_IDP_ASSERTION_URL: testbed.idp.samlApiUrl,
    SAML_IDP_NAME: 'testbed',
    SAML_IDP_REQUEST_BODY_TEMPLATE: '{"service": "aws", "email": "$saml_user", "password": "$saml_password"}',
    AWS_REGION: 'us-east-1',
  };
  const run = await runRolecall(['assume', 'staging', 'saml-developer', '--format', 'env', '--debug'], { env });
  assert.equal(run.code, 0, run.stderr);
  learn('SAML role secret key', /^AWS_SECRET_ACCESS_KEY=(.*)$/m.exec(run.stdout)?.[1]);
  learn('SAML role session token', /^AWS_SESSION_TOKEN=(.*)$/m.exec(run.stdout)?.[1]);
  scanRun('SAML assume', run, new Set(['SAML role secret key', 'SAML role session token']));
  recordScan('SAML assume', secrets.size, places);
});

test('an identity provider that echoes the password in its error, with --debug: the password is masked in every line', async () => {
  // a real IdP would never do this; a misconfigured proxy or a hostile one might, and the error text
  // (its error_description) reaches the error line and the debug lines: the logger must mask it
  const idp = await startHostileServer();
  try {
    const issuer = `${idp.url}/echo`;
    idp.routes.set('/echo/.well-known/openid-configuration', () => ({
      body: JSON.stringify({ issuer, token_endpoint: `${issuer}/token`, authorization_endpoint: `${issuer}/auth`, jwks_uri: `${issuer}/jwks` }),
    }));
    idp.routes.set('/echo/token', (_req, body) => {
      const password = new URLSearchParams(body).get('password') ?? '';
      return { status: 400, body: JSON.stringify({ error: 'invalid_grant', error_description: `password ${password} is wrong for alice (${encodeURIComponent(password)})` }) };
    });
    const config = h.write('.aws/config.echo', `[profile echo]\nregion = us-east-1\nweb_identity_auth_url = ${issuer}\nweb_identity_client_id = rolecall-cli\nweb_identity_username = alice\nrole_arn = arn:aws:iam::222222222222:role/oidc-developer\n`);
    const password = testbed.world.idpUsers.find((u) => u.username === 'alice')!.password;
    const run = await runRolecall(['export', 'echo', '--format', 'process', '--debug'], { env: { ...h.env, AWS_CONFIG_FILE: config, WEB_IDENTITY_PASSWORD: password } });
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /password \*\*\*\* is wrong for alice/, 'the echoed password reached the output, masked');
    assert.match(run.stderr, /^debug: /m, 'with --debug lines');
    scan('an IdP echoing the password: stderr', run.stderr);
    scan('an IdP echoing the password: stdout', run.stdout);
    recordScan('IdP echoing the password', secrets.size, places);
  } finally {
    await idp.close();
  }
});

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else out.push(path);
  }
  return out;
}

test('every file rolecall left under HOME and the cache: no secret outside the files meant for them, and those are 0600 in 0700 dirs', (t) => {
  const cache = h.env.ROLECALL_CACHE_DIR!;
  // what the user wrote: IAM keys in the credentials file, the SAML password where coinbase keeps it
  // and the test's own browser agent log
  const userInput = new Set([h.env.AWS_SHARED_CREDENTIALS_FILE!, join(h.dir, '.saml', 'credentials'), join(h.dir, 'agent.log')]);
  for (const file of walk(h.dir)) {
    if (userInput.has(file)) continue;
    // the secrets file is encrypted: it is scanned like any other file, and must show none of them
    const holdsSecrets = file.startsWith(join(cache, 'credentials'));
    if (file.startsWith(cache)) {
      assert.equal(statSync(file).mode & 0o777, 0o600, `${relative(h.dir, file)} is 0600`);
      for (let d = join(file, '..'); d.startsWith(cache); d = join(d, '..')) assert.equal(statSync(d).mode & 0o777, 0o700, `${relative(h.dir, d)} is 0700`);
    }
    if (holdsSecrets) continue;
    scan(`file ${relative(h.dir, file)}`, readFileSync(file, 'latin1'));
  }
  recordScan('files under HOME', new Set(secrets.values()).size, places);
  t.diagnostic(`secret hygiene: ${new Set(secrets.values()).size} distinct secrets (${[...secrets.keys()].join('; ')}), ${places} places scanned`);
});
