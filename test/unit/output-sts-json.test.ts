// Reading `aws sts ...` output: every call's shape, and a precise error for everything else that
// never repeats the input (it holds secrets).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RolecallError } from '../../src/errors';
import { renderCredentials } from '../../src/output/render';
import { parseStsJson } from '../../src/output/sts-json';
import type { Credentials } from '../../src/sts/credentials';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY';
const TOKEN = 'IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ+abc=';
const CREDENTIALS = `"Credentials": {
        "AccessKeyId": "ASIA5EXAMPLEKEYID123",
        "SecretAccessKey": "${SECRET}",
        "SessionToken": "${TOKEN}",
        "Expiration": "2026-11-23T10:00:00+00:00"
    }`;

// What the AWS CLI v2 prints for each call (--output json), trimmed to the keys each call returns.
const OUTPUTS: Record<string, { text: string; arn?: string; kind: string }> = {
  'assume-role': {
    text: `{
    ${CREDENTIALS},
    "AssumedRoleUser": {
        "AssumedRoleId": "AROA3XFRBF535PLBIFPI4:DevAccount",
        "Arn": "arn:aws:sts::123456789123:assumed-role/OrganizationAccountAccessRole/DevAccount"
    }
}`,
    arn: 'arn:aws:sts::123456789123:assumed-role/OrganizationAccountAccessRole/DevAccount',
    kind: 'AssumeRole output',
  },
  'assume-role-with-saml': {
    text: `{
    ${CREDENTIALS},
    "AssumedRoleUser": { "AssumedRoleId": "AROAEXAMPLE:alice@example.com", "Arn": "arn:aws:sts::123456789123:assumed-role/read/alice@example.com" },
    "Subject": "alice@example.com",
    "SubjectType": "persistent",
    "Issuer": "https://idp.example.com/saml",
    "Audience": "https://signin.aws.amazon.com/saml",
    "NameQualifier": "SbdGOnUkh1i4+EXAMPLExL/jEvs="
}`,
    arn: 'arn:aws:sts::123456789123:assumed-role/read/alice@example.com',
    kind: 'AssumeRoleWithSAML output',
  },
  'assume-role-with-web-identity': {
    text: `{
    ${CREDENTIALS},
    "SubjectFromWebIdentityToken": "amzn1.account.AF6RHO7KZU5XRVQJGXK6HB56KR2A",
    "AssumedRoleUser": { "AssumedRoleId": "AROACLKWSDQRAOEXAMPLE:app1", "Arn": "arn:aws:sts::123456789123:assumed-role/FederatedWebIdentityRole/app1" },
    "Provider": "www.amazon.com",
    "Audience": "client.5498841531868486423.1548@apps.example.com"
}`,
    arn: 'arn:aws:sts::123456789123:assumed-role/FederatedWebIdentityRole/app1',
    kind: 'AssumeRoleWithWebIdentity output',
  },
  'get-session-token': { text: `{\n    ${CREDENTIALS}\n}`, kind: 'GetSessionToken output' },
  'get-federation-token': {
    text: `{
    ${CREDENTIALS},
    "FederatedUser": { "FederatedUserId": "123456789123:bob", "Arn": "arn:aws:sts::123456789123:federated-user/bob" },
    "PackedPolicySize": 6
}`,
    arn: 'arn:aws:sts::123456789123:federated-user/bob',
    kind: 'GetFederationToken output',
  },
};

for (const [call, { text, arn, kind }] of Object.entries(OUTPUTS)) {
  test(`reads \`aws sts ${call}\` output`, () => {
    const credentials = parseStsJson(text);
    assert.equal(credentials.accessKeyId, 'ASIA5EXAMPLEKEYID123');
    assert.equal(credentials.secretAccessKey, SECRET);
    assert.equal(credentials.sessionToken, TOKEN);
    assert.equal(credentials.expiration?.toISOString(), '2026-11-23T10:00:00.000Z');
    assert.equal(credentials.arn, arn);
    assert.equal(credentials.accountId, arn ? '123456789123' : undefined);
    assert.deepEqual(credentials.chain, [`${kind} on standard input`]);
  });
}

test('reads a bare Credentials object (--query Credentials), credential_process JSON, and its own json output', () => {
  const bare = parseStsJson(`{"AccessKeyId":"ASIAX","SecretAccessKey":"s","SessionToken":"t","Expiration":"2026-11-23T10:00:00Z"}`);
  assert.deepEqual(bare, { accessKeyId: 'ASIAX', secretAccessKey: 's', sessionToken: 't', expiration: new Date('2026-11-23T10:00:00Z'), chain: ['a Credentials object on standard input'] });
  const longLived = parseStsJson('{"Version": 1, "AccessKeyId": "AKIAX", "SecretAccessKey": "s", "AccountId": "123456789012"}');
  assert.deepEqual(longLived, { accessKeyId: 'AKIAX', secretAccessKey: 's', accountId: '123456789012', chain: ['credential_process JSON on standard input'] });
  const original: Credentials = {
    accessKeyId: 'ASIAX',
    secretAccessKey: SECRET,
    sessionToken: TOKEN,
    expiration: new Date('2026-11-23T10:00:00Z'),
    accountId: '123456789012',
    arn: 'arn:aws:sts::123456789012:assumed-role/read/alice',
    chain: [],
  };
  const { chain: _, ...expected } = original;
  const { chain, ...fromJson } = parseStsJson(renderCredentials('json', { credentials: original }));
  assert.deepEqual(fromJson, expected);
  assert.deepEqual(chain, ['rolecall json output on standard input']);
  // credential_process JSON has no place for the ARN
  const { arn: ___, ...withoutArn } = expected;
  const { chain: ____, ...fromProcess } = parseStsJson(renderCredentials('process', { credentials: original }));
  assert.deepEqual(fromProcess, withoutArn);
});

test('timestamps: Z, +00:00, +0000, other offsets, fractions and boto3-style spaces', () => {
  const at = (expiration: string) => parseStsJson(`{"AccessKeyId":"A","SecretAccessKey":"s","Expiration":"${expiration}"}`).expiration?.toISOString();
  assert.equal(at('2026-11-23T10:00:00Z'), '2026-11-23T10:00:00.000Z');
  assert.equal(at('2026-11-23T10:00:00.123Z'), '2026-11-23T10:00:00.123Z');
  assert.equal(at('2026-11-23T11:00:00+0100'), '2026-11-23T10:00:00.000Z');
  assert.equal(at('2026-11-23 05:00:00-05:00'), '2026-11-23T10:00:00.000Z');
});

test('a byte-order mark and surrounding whitespace are ignored', () => {
  assert.equal(parseStsJson(`\uFEFF\n  ${OUTPUTS['get-session-token']!.text}\n\n`).accessKeyId, 'ASIA5EXAMPLEKEYID123');
});

function rejects(text: string, message: RegExp, hint?: RegExp): void {
  assert.throws(
    () => parseStsJson(text),
    (e: unknown) => {
      assert.ok(e instanceof RolecallError, String(e));
      assert.equal(e.code, 'INPUT_INVALID');
      assert.match(e.message, message);
      if (hint) assert.match(e.hint, hint);
      // the input holds secrets: neither the message nor the hint may repeat them
      for (const secret of [SECRET, TOKEN, 'K7MDENG', 'hunter2']) assert.ok(!`${e.message} ${e.hint}`.includes(secret), `leaked ${secret}: ${e.message}`);
      return true;
    },
  );
}

test('empty input says the command before the pipe printed nothing', () => {
  rejects('', /standard input is empty/, /printed nothing/);
  rejects(' \n\t', /standard input is empty/);
});

test('broken JSON: where it broke, without quoting the input', () => {
  rejects(`{\n  "Credentials": {\n    "AccessKeyId": "A",\n    "SecretAccessKey": "${SECRET}",\n  }\n}`, /not valid JSON: .* \(line 5, column 3\)/);
  rejects(`{"SecretAccessKey": "${SECRET}" hunter2}`, /not valid JSON/);
  rejects(`{"SecretAccessKey": "${SECRET}`, /not valid JSON: Unterminated string/);
  rejects(`${OUTPUTS['get-session-token']!.text}\n${OUTPUTS['get-session-token']!.text}`, /not valid JSON: Unexpected non-whitespace character after JSON \(line 9, column 1\)/);
  rejects('hunter2', /not valid JSON/);
});

test("the AWS CLI's text, table and yaml output are recognised, with --output json as the fix", () => {
  rejects(`ASSUMEDROLEUSER\tarn:aws:sts::1:assumed-role/r/s\tAROA:s\nCREDENTIALS\tASIA\t2026-11-23T10:00:00+00:00\t${SECRET}\t${TOKEN}\n`, /the AWS CLI's text output/, /--output json/);
  rejects(`------------------\n|   AssumeRole   |\n+----------------+\n`, /table output/, /--output json/);
  rejects(`AssumedRoleUser:\n  Arn: arn\nCredentials:\n  AccessKeyId: ASIA\n  SecretAccessKey: ${SECRET}\n`, /yaml output/, /--output json/);
});

test('JSON of the wrong shape names the key that is wrong', () => {
  rejects('[1, 2]', /standard input is an array, not a JSON object/);
  rejects('"text"', /standard input is a string, not a JSON object/);
  rejects('{"UserId": "AIDA", "Account": "123456789012", "Arn": "arn:aws:iam::123456789012:user/alice"}', /get-caller-identity.*no credentials/);
  rejects('{"Foo": 1}', /neither a Credentials object nor an AccessKeyId/, /aws sts assume-role/);
  rejects('{"Credentials": "ASIA"}', /Credentials must be an object, not a string/);
  rejects(`{"Credentials": {"SecretAccessKey": "${SECRET}"}}`, /^Credentials\.AccessKeyId is missing$/);
  rejects('{"Credentials": {"AccessKeyId": "ASIA"}}', /^Credentials\.SecretAccessKey is missing$/);
  rejects(`{"Credentials": {"AccessKeyId": 42, "SecretAccessKey": "${SECRET}"}}`, /Credentials\.AccessKeyId must be a non-empty string, not a number/);
  rejects(`{"AccessKeyId": "", "SecretAccessKey": "${SECRET}"}`, /^AccessKeyId must be a non-empty string, not an empty one$/);
  rejects(`{"Credentials": {"AccessKeyId": "A", "SecretAccessKey": "${SECRET}", "SessionToken": ["${TOKEN}"]}}`, /Credentials\.SessionToken must be a non-empty string, not an array/);
  rejects(`{"Credentials": {"AccessKeyId": "A", "SecretAccessKey": "${SECRET}", "Expiration": "tomorrow"}}`, /Credentials\.Expiration "tomorrow" is not an ISO 8601 time with a time zone/);
  rejects(`{"AccessKeyId": "A", "SecretAccessKey": "${SECRET}", "Expiration": "2026-11-23T10:00:00"}`, /^Expiration .* time zone/);
  rejects(`{"AccessKeyId": "A", "SecretAccessKey": "${SECRET}", "Expiration": "2026-13-45T10:00:00Z"}`, /not an ISO 8601 time/);
  rejects(`{"Version": 2, "AccessKeyId": "A", "SecretAccessKey": "${SECRET}"}`, /Version is 2, but credential_process JSON has Version 1/);
  rejects(`{"AccessKeyId": "A", "SecretAccessKey": "${SECRET}", "AccountId": "12345"}`, /AccountId "12345" is not a 12-digit AWS account id/);
  // a misspelt SessionToken: the temporary key alone would be refused by AWS on every call
  rejects(`{"Credentials": {"AccessKeyId": "ASIAX", "SecretAccessKey": "${SECRET}", "SessionTokn": "${TOKEN}"}}`, /^Credentials\.SessionToken is missing, and Credentials\.AccessKeyId is a temporary key/);
});
