// coinbase assume-role's SAML mode: the same environment variables and ~/.saml/credentials (or its prompts),
// `eval "$(rolecall assume ACCOUNT ROLE)"` in bash, the testbed's SAML POST API and STS emulator.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestbed, type Testbed } from '../../testbed/index';
import { BIN, runProcess, runRolecall, tempHome, type Home } from '../helpers/cli';

const PTY = new URL('../helpers/oidc-pty.py', import.meta.url).pathname;

let testbed: Testbed;
let home: Home;

before(async () => {
  testbed = await startTestbed();
  home = tempHome();
  const carol = testbed.world.idpUsers.find((u) => u.username === 'carol')!;
  // carol's password has quotes, a $ and a backslash: the body template must carry it intact
  home.write('.saml/credentials', `username = ${carol.username}\npassword = ${carol.password}\n`);
  home.write('.aws/accounts', JSON.stringify({ staging: '222222222222', production: '333333333333' }));
});
after(async () => {
  home.remove();
  await testbed.close();
});

function samlEnv(): NodeJS.ProcessEnv {
  return {
    ...home.env,
    SHELL: '/bin/bash',
    AWS_ASSUME_ROLE_AUTH_SCHEME: 'saml',
    SAML_IDP_ASSERTION_URL: testbed.idp.samlApiUrl,
    SAML_IDP_NAME: 'testbed',
    SAML_IDP_REQUEST_BODY_TEMPLATE: '{"service": "aws", "email": "$saml_user", "password": "$saml_password"}',
    AWS_ENDPOINT_URL_STS: testbed.aws.url,
    AWS_REGION: 'us-east-1',
  };
}

test('eval "$(rolecall assume staging saml-developer)" with the SAML POST API, then the AWS CLI as the role', async () => {
  testbed.aws.resetCalls();
  const script = `eval "$('${process.execPath}' '${BIN}' assume staging saml-developer)" || exit 9
printf '%s\\n' "$AWS_ACCOUNT_NAME:$AWS_ACCOUNT_ROLE"
/usr/bin/aws sts get-caller-identity --endpoint-url ${testbed.aws.url} --query Arn --output text`;
  const result = await runProcess('/bin/bash', ['-c', script], { env: samlEnv() });
  assert.equal(result.code, 0, result.stderr);
  const [prompt, arn] = result.stdout.trim().split('\n');
  assert.equal(prompt, 'staging:saml-developer');
  assert.match(arn!, /^arn:aws:sts::222222222222:assumed-role\/saml-developer\/carol@example\.com$/);
  assert.match(result.stderr, /Login successful!/);
  assert.match(result.stderr, /PrincipalARN: arn:aws:iam::222222222222:saml-provider\/testbed/);
  assert.match(result.stderr, /warning: .*http/i, 'plain http to the SAML API is warned about');
  assert.doesNotMatch(result.stderr, /\$password/, 'the password never reaches stderr');
  assert.equal(testbed.aws.calls('AssumeRoleWithSAML'), 1);
});

test('assume ACCOUNT ROLE --policy: AssumeRoleWithSAML takes the session policy, and the AWS CLI gets the narrowed session', async () => {
  const policy = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListAccountAliases","Resource":"*"}]}';
  const script = `eval "$('${process.execPath}' '${BIN}' assume staging saml-developer --policy '${policy}')" || exit 9
/usr/bin/aws iam list-account-aliases --endpoint-url ${testbed.aws.url} --query 'AccountAliases[0]' --output text
/usr/bin/aws iam list-roles --endpoint-url ${testbed.aws.url} --output text > /dev/null`;
  const result = await runProcess('/bin/bash', ['-c', script], { env: samlEnv() });
  assert.equal(result.stdout, 'staging\n');
  assert.notEqual(result.code, 0);
  assert.match(result.stderr, /assumed-role\/saml-developer\/carol@example\.com is not authorized to perform: iam:ListRoles on resource: arn:aws:iam::222222222222:role\/ because no session policy allows the iam:ListRoles action/);
});

test('credentials cached for the user of ~/.saml/credentials are not handed out once the file names another', async () => {
  const alice = testbed.world.idpUsers.find((u) => u.username === 'alice')!;
  const carol = testbed.world.idpUsers.find((u) => u.username === 'carol')!;
  const arn = async () => {
    const result = await runRolecall(['assume', 'staging', 'saml-developer', '--format', 'json'], { env: samlEnv() });
    assert.equal(result.code, 0, result.stderr);
    return (JSON.parse(result.stdout) as { Arn: string }).Arn;
  };
  try {
    home.write('.saml/credentials', `username = ${alice.username}\npassword = ${alice.password}\n`);
    assert.match(await arn(), /\/alice@example\.com$/);
    testbed.aws.resetCalls();
    assert.match(await arn(), /\/alice@example\.com$/);
    assert.equal(testbed.aws.calls('AssumeRoleWithSAML'), 0, 'the same user: from the cache');
    // carol's own credentials (cached by the first test, or new), never alice's
    home.write('.saml/credentials', `username = ${carol.username}\npassword = ${carol.password}\n`);
    assert.match(await arn(), /\/carol@example\.com$/);
  } finally {
    home.write('.saml/credentials', `username = ${carol.username}\npassword = ${carol.password}\n`);
  }
});

test('without ~/.saml/credentials, eval $(rolecall assume staging saml-developer) asks for the username and the hidden password on the terminal, as coinbase did', async () => {
  const alice = testbed.world.idpUsers.find((u) => u.username === 'alice')!;
  const fresh = tempHome();
  try {
    fresh.write('.aws/accounts', JSON.stringify({ staging: '222222222222' }));
    const script = `eval $('${process.execPath}' '${BIN}' assume staging saml-developer) && printf 'set: %s\\n' "$AWS_ACCOUNT_NAME:$AWS_ACCOUNT_ROLE" && /usr/bin/aws sts get-caller-identity --endpoint-url ${testbed.aws.url} --query Arn --output text`;
    const result = await runProcess('python3', [PTY, '/bin/bash', '--norc', '--noprofile', '-c', script], {
      env: { ...samlEnv(), ...fresh.env, AWS_PAGER: '', PTY_ANSWERS: 'SAML username for 127\\.0\\.0\\.1:\\d+:=>U\nSAML password for alice at 127\\.0\\.0\\.1:\\d+:=>P', U: alice.username, P: alice.password },
    });
    assert.equal(result.code, 0, result.stdout);
    assert.match(result.stdout, /\[typed U\][\s\S]*\[typed P\]/);
    assert.match(result.stdout, /^set: staging:saml-developer\r?$/m);
    assert.match(result.stdout, /^arn:aws:sts::222222222222:assumed-role\/saml-developer\/alice@example\.com\r?$/m);
    assert.ok(!result.stdout.includes(alice.password), 'the password is not echoed');
  } finally {
    fresh.remove();
  }
});

test('a role the assertion does not list is refused with the roles it does list', async () => {
  const result = await runRolecall(['assume', 'production', 'saml-operator', '--format', 'sh'], { env: samlEnv() });
  assert.notEqual(result.code, 0);
  assert.equal(result.stdout, '');
  assert.match(result.stderr, /arn:aws:iam::333333333333:role\/saml-operator.*not in the SAML assertion/s);
  assert.match(result.stderr, /saml-developer/);
});

test('a plain-http SAML API that is not on loopback is refused', async () => {
  const result = await runRolecall(['assume', 'staging', 'saml-developer'], { env: { ...samlEnv(), SAML_IDP_ASSERTION_URL: 'http://idp.example.com/saml' } });
  assert.notEqual(result.code, 0);
  assert.match(result.stderr, /http/);
  assert.match(result.stderr, /hint: Use an https assertion URL/);
});

test('SAML_IDP_ALLOW_INSECURE=true lets the environment-variable mode use a plain-http SAML API, warned about on every use', async () => {
  const url = testbed.idp.samlApiUrl.replace('//127.0.0.1:', '//0.0.0.0:');
  const env = { ...samlEnv(), SAML_IDP_ASSERTION_URL: url };
  const refused = await runRolecall(['assume', 'staging', 'saml-developer', '--no-cache'], { env });
  assert.equal(refused.code, 1);
  assert.equal(refused.stdout, '');
  assert.match(refused.stderr, /refusing to send credentials to the SAML assertion URL http:\/\/0\.0\.0\.0:\d+ over plain http \(from environment variable SAML_IDP_ASSERTION_URL\)/);
  assert.match(refused.stderr, /SAML_IDP_ALLOW_INSECURE=true/);
  for (let i = 0; i < 2; i++) {
    const allowed = await runRolecall(['assume', 'staging', 'saml-developer', '--no-cache'], { env: { ...env, SAML_IDP_ALLOW_INSECURE: 'true' } });
    assert.equal(allowed.code, 0, allowed.stderr);
    assert.match(allowed.stdout, /^export AWS_ACCOUNT_ROLE='saml-developer';$/m);
    assert.match(allowed.stderr, /warning: the SAML assertion URL http:\/\/0\.0\.0\.0:\d+ is plain http: your credentials travel unencrypted \(insecure mode is on\)/);
  }
  // the opt-in is for `assume` only, like the other SAML_IDP_* variables, and takes true/false only
  const bad = await runRolecall(['assume', 'staging', 'saml-developer', '--no-cache'], { env: { ...env, SAML_IDP_ALLOW_INSECURE: 'sure' } });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /saml_allow_insecure = "sure" \(environment variable SAML_IDP_ALLOW_INSECURE\) is not true or false/);
});

test('saml_allow_insecure = on in a profile lets a plain-http SAML API through, with a warning; off refuses it', async () => {
  // 0.0.0.0 reaches the testbed on this machine but is not a loopback name: only the opt-in lets it through
  const url = testbed.idp.samlApiUrl.replace('//127.0.0.1:', '//0.0.0.0:');
  const profile = (allow: string) => `[profile saml-http]
saml_assertion_url = ${url}
saml_provider_name = testbed
saml_request_body_template = {"service": "aws", "email": "$saml_user", "password": "$saml_password"}
saml_allow_insecure = ${allow}
role_arn = arn:aws:iam::222222222222:role/saml-developer
region = us-east-1
`;
  const env = { ...home.env, AWS_ENDPOINT_URL_STS: testbed.aws.url };
  try {
    for (const on of ['on', 'yes', 'TRUE', '1']) {
      home.write('.aws/config', profile(on));
      const result = await runRolecall(['export', 'saml-http', '--format', 'json', '--no-cache'], { env });
      assert.equal(result.code, 0, `${on}: ${result.stderr}`);
      assert.match((JSON.parse(result.stdout) as { Arn: string }).Arn, /assumed-role\/saml-developer\/carol@example\.com$/);
      assert.match(result.stderr, /warning: the SAML assertion URL http:\/\/0\.0\.0\.0:\d+ is plain http: your credentials travel unencrypted \(insecure mode is on\)/);
    }
    for (const off of ['off', 'no', 'false', '0']) {
      home.write('.aws/config', profile(off));
      const result = await runRolecall(['export', 'saml-http', '--format', 'json', '--no-cache'], { env });
      assert.equal(result.code, 1, `${off}: ${result.stderr}`);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, /refusing to send credentials to the SAML assertion URL http:\/\/0\.0\.0\.0:\d+ over plain http/);
    }
    home.write('.aws/config', profile('maybe'));
    const bad = await runRolecall(['export', 'saml-http', '--format', 'json', '--no-cache'], { env });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /saml_allow_insecure = "maybe" \(.*\.aws\/config:5\) is not true or false/);
  } finally {
    home.write('.aws/config', '');
  }
});
