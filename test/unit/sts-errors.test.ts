import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mapAwsError, isDurationAboveMax } from '../../src/sts/errors';

function awsError(name: string, message: string, status = 400, fault: 'client' | 'server' = 'client') {
  return Object.assign(new Error(message), { name, $fault: fault, $metadata: { httpStatusCode: status } });
}

const call = { action: 'AssumeRole', target: 'arn:aws:iam::222222222222:role/read', endpoint: 'https://sts.amazonaws.com' };

test('each AWS error maps to one rolecall code, keeping AWS\'s message', () => {
  const cases: [string, string, string][] = [
    ['AccessDenied', 'User: arn:aws:iam::1:user/x is not authorized to perform: sts:AssumeRole', 'STS_ACCESS_DENIED'],
    ['AccessDenied', 'MultiFactorAuthentication failed with invalid MFA one time pass code.', 'MFA_CODE_INVALID'],
    ['ExpiredToken', 'The security token included in the request is expired', 'STS_EXPIRED_TOKEN'],
    ['InvalidClientTokenId', 'The security token included in the request is invalid.', 'STS_INVALID_CLIENT_TOKEN'],
    ['SignatureDoesNotMatch', 'The request signature we calculated does not match', 'STS_SIGNATURE_MISMATCH'],
    ['RegionDisabledException', 'STS is not activated in this region for account:1.', 'STS_REGION_DISABLED'],
    ['ValidationError', 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.', 'STS_DURATION'],
    ['InvalidIdentityToken', 'Couldn\'t retrieve verification key from your identity provider', 'STS_INVALID_IDENTITY_TOKEN'],
    ['IDPRejectedClaim', 'Not authorized', 'STS_IDP_REJECTED'],
    ['Throttling', 'Rate exceeded', 'STS_THROTTLED'],
    ['MalformedPolicyDocument', 'bad policy', 'STS_POLICY_MALFORMED'],
    ['PackedPolicyTooLarge', 'Packed policy consumes 112% of allotted space, please use smaller policy.', 'STS_POLICY_TOO_LARGE'],
    ['PackedPolicyTooLargeException', 'Packed policy is too large', 'STS_POLICY_TOO_LARGE'],
    ['InvalidParameterValue', 'something else', 'STS_ERROR'],
  ];
  for (const [name, message, code] of cases) {
    const mapped = mapAwsError(awsError(name, message), call);
    assert.equal(mapped.code, code, name);
    assert.ok(mapped.message.includes(message), mapped.message);
    assert.ok(mapped.message.startsWith('AssumeRole arn:aws:iam::222222222222:role/read failed:'), mapped.message);
    assert.ok(mapped.hint.length > 20);
  }
});

test('PackedPolicyTooLarge says the percentage and how far over it is', () => {
  const mapped = mapAwsError(awsError('PackedPolicyTooLargeException', 'Packed policy consumes 112% of allotted space, please use smaller policy.'), call);
  assert.equal(
    mapped.message,
    'AssumeRole arn:aws:iam::222222222222:role/read failed: the session policy and policy ARNs take 112% of the space AWS allows them in a session, 12 points too many (PackedPolicyTooLarge: Packed policy consumes 112% of allotted space, please use smaller policy.)',
  );
  assert.match(mapped.hint, /shorten the policy/);
});

test('server faults and network failures say the endpoint did not answer', () => {
  assert.equal(mapAwsError(awsError('InternalFailure', 'oops', 500, 'server'), call).code, 'STS_UNAVAILABLE');
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
  const mapped = mapAwsError(Object.assign(new Error('fetch failed'), { cause: refused }), call);
  assert.equal(mapped.code, 'STS_UNAVAILABLE');
  assert.match(mapped.message, /cannot reach https:\/\/sts\.amazonaws\.com \(ECONNREFUSED\)/);
});

test('a signature refused for time says to fix the clock', () => {
  const mapped = mapAwsError(awsError('SignatureDoesNotMatch', 'Signature expired: 20261123T100000Z is now earlier than 20261123T100500Z'), call);
  assert.match(mapped.hint, /clock/);
});

test('only the MaxSessionDuration refusal is retried', () => {
  assert.ok(isDurationAboveMax(mapAwsError(awsError('ValidationError', 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.'), call)));
  assert.ok(!isDurationAboveMax(mapAwsError(awsError('ValidationError', 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.'), call)));
});

test("AccessDenied on a federated call points at the role's trust of the identity provider", () => {
  const oidc = mapAwsError(awsError('AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity'), { ...call, action: 'AssumeRoleWithWebIdentity' });
  assert.equal(oidc.code, 'STS_ACCESS_DENIED');
  assert.match(oidc.hint, /sts:AssumeRoleWithWebIdentity to the IAM OIDC provider/);
  const saml = mapAwsError(awsError('AccessDenied', 'Not authorized to perform sts:AssumeRoleWithSAML'), { ...call, action: 'AssumeRoleWithSAML' });
  assert.equal(saml.code, 'STS_ACCESS_DENIED');
  assert.match(saml.hint, /sts:AssumeRoleWithSAML to the SAML provider the assertion names/);
  assert.match(mapAwsError(awsError('AccessDenied', 'not authorized'), call).hint, /rolecall whoami/, 'AssumeRole keeps the source profile hint');
});
