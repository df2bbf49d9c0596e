// The emulator's trust policy evaluation on its own: principals, Deny over Allow, and IAM's
// condition semantics for missing keys, negated operators, IfExists and the set qualifiers; and its
// permission and session policies (a session's rights as the intersection, STS's checks of Policy).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { roleSessionPrincipal, userPrincipal } from '../../testbed/aws/identity';
import { trustAllows, type ConditionContext } from '../../testbed/aws/policy';
import { DEFAULT_WORLD, loadWorld, type TrustStatement } from '../../testbed/world';
import { refusal, sessionPoliciesOf } from '../../testbed/aws/permissions';
import type { AwsFault } from '../../testbed/aws/fault';
import type { Session } from '../../testbed/aws/sessions';
import { randomBytes } from 'node:crypto';

const bob = userPrincipal('arn:aws:iam::111111111111:user/bob');
const reader = roleSessionPrincipal('arn:aws:iam::222222222222:role/read', 'alice', undefined);

function allows(statement: Partial<TrustStatement>, context: ConditionContext = {}, aws = bob): boolean {
  const full: TrustStatement = { Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole', ...statement };
  return trustAllows({ Statement: [full] }, { action: 'sts:AssumeRole', aws, context });
}

describe('trust policy principals', () => {
  it('matches account root in both spellings, user ARNs, role ARNs for their sessions, and *', () => {
    assert.ok(allows({ Principal: { AWS: 'arn:aws:iam::111111111111:root' } }));
    assert.ok(allows({ Principal: { AWS: ['999999999999', '111111111111'] } }));
    assert.ok(!allows({ Principal: { AWS: '222222222222' } }));
    assert.ok(allows({ Principal: { AWS: 'arn:aws:iam::111111111111:user/bob' } }));
    assert.ok(!allows({ Principal: { AWS: 'arn:aws:iam::111111111111:user/alice' } }));
    assert.ok(allows({ Principal: { AWS: 'arn:aws:iam::222222222222:role/read' } }, {}, reader));
    assert.ok(!allows({ Principal: { AWS: 'arn:aws:iam::222222222222:role/read' } }));
    assert.ok(allows({ Principal: '*' }));
    assert.ok(!allows({ Principal: { Federated: 'arn:aws:iam::111111111111:saml-provider/x' } }));
  });

  it('wants the action, and lets an explicit Deny win', () => {
    assert.ok(!allows({ Action: 'sts:AssumeRoleWithSAML' }));
    assert.ok(allows({ Action: ['sts:TagSession', 'sts:*'] }));
    const deny: TrustStatement = { Effect: 'Deny', Principal: { AWS: 'arn:aws:iam::111111111111:user/bob' }, Action: 'sts:AssumeRole' };
    const allow: TrustStatement = { Effect: 'Allow', Principal: { AWS: '111111111111' }, Action: 'sts:AssumeRole' };
    assert.ok(!trustAllows({ Statement: [allow, deny] }, { action: 'sts:AssumeRole', aws: bob, context: {} }));
  });
});

describe('trust policy conditions', () => {
  const ctx = { 'host:aud': 'cli', 'host:amr': ['pwd', 'mfa'], 'aws:multifactorauthage': '120' };

  it('compares strings exactly, with wildcards, and keys case-insensitively', () => {
    assert.ok(allows({ Condition: { StringEquals: { 'HOST:aud': 'cli' } } }, ctx));
    assert.ok(!allows({ Condition: { StringEquals: { 'host:aud': 'CLI' } } }, ctx));
    assert.ok(allows({ Condition: { StringEqualsIgnoreCase: { 'host:aud': 'CLI' } } }, ctx));
    assert.ok(allows({ Condition: { StringLike: { 'host:aud': ['x*', 'c?i'] } } }, ctx));
    assert.ok(!allows({ Condition: { StringLike: { 'host:aud': 'c*x' } } }, ctx));
  });

  it('treats a missing key as IAM does', () => {
    assert.ok(!allows({ Condition: { StringEquals: { 'sts:externalid': 'x' } } }, ctx));
    assert.ok(allows({ Condition: { StringNotEquals: { 'sts:externalid': 'x' } } }, ctx));
    assert.ok(allows({ Condition: { StringEqualsIfExists: { 'sts:externalid': 'x' } } }, ctx));
    assert.ok(allows({ Condition: { Null: { 'sts:externalid': 'true', 'host:aud': 'false' } } }, ctx));
    assert.ok(!allows({ Condition: { 'ForAnyValue:StringEquals': { 'sts:externalid': 'x' } } }, ctx));
    assert.ok(allows({ Condition: { 'ForAllValues:StringEquals': { 'sts:externalid': 'x' } } }, ctx));
  });

  it('applies the set qualifiers to multi-valued keys', () => {
    assert.ok(allows({ Condition: { 'ForAnyValue:StringEquals': { 'host:amr': 'mfa' } } }, ctx));
    assert.ok(!allows({ Condition: { 'ForAllValues:StringEquals': { 'host:amr': 'mfa' } } }, ctx));
    assert.ok(allows({ Condition: { 'ForAllValues:StringLike': { 'host:amr': ['pwd', 'mf*'] } } }, ctx));
  });

  it('compares numbers and booleans, and needs every operator and key to hold', () => {
    assert.ok(allows({ Condition: { NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } } }, ctx));
    assert.ok(!allows({ Condition: { NumericGreaterThan: { 'aws:MultiFactorAuthAge': '3600' } } }, ctx));
    assert.ok(allows({ Condition: { Bool: { 'aws:SecureTransport': true } } }, { 'aws:securetransport': 'true' }));
    assert.ok(!allows({ Condition: { StringEquals: { 'host:aud': 'cli' }, NumericLessThan: { 'aws:multifactorauthage': '60' } } }, ctx));
    assert.ok(!allows({ Condition: { NoSuchOperator: { 'host:aud': 'cli' } } }, ctx));
  });
});

describe('session policies (the emulator on its own)', () => {
  const world = loadWorld(DEFAULT_WORLD);
  const deploy = roleSessionPrincipal('arn:aws:iam::222222222222:role/deploy', 'bob', undefined);
  const params = (policy?: unknown, arns: string[] = []) => {
    const p = new URLSearchParams();
    if (policy !== undefined) p.set('Policy', typeof policy === 'string' ? policy : JSON.stringify(policy));
    arns.forEach((arn, i) => p.set(`PolicyArns.member.${i + 1}.arn`, arn));
    return p;
  };
  const session = (policy?: unknown, arns: string[] = []) => ({ sessionPolicies: sessionPoliciesOf(world, params(policy, arns)) }) as Session;
  const why = (s: Session, action: string, resource = '*') => refusal(world, deploy, s, action, resource);
  const fault = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      return `${(error as AwsFault).code}: ${(error as AwsFault).message}`;
    }
    return 'no fault';
  };

  it('the rights are the intersection: the role\'s identity policy and a session policy must both allow; an explicit Deny wins', () => {
    assert.equal(why(session(), 'iam:ListRoles'), undefined, 'no session policy: the role\'s own rights');
    const narrowed = session({ Statement: { Effect: 'Allow', Action: 'iam:ListAccountAliases', Resource: '*' } });
    assert.equal(why(narrowed, 'iam:ListAccountAliases'), undefined);
    assert.match(why(narrowed, 'iam:ListRoles')!, /because no session policy allows the iam:ListRoles action$/);
    const wide = session({ Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });
    assert.match(why(wide, 'sts:AssumeRole', 'arn:aws:iam::222222222222:role/read')!, /because no identity-based policy allows the sts:AssumeRole action$/);
    assert.equal(why(wide, 'sts:AssumeRole', 'arn:aws:iam::222222222222:role/teams/data/analyst'), undefined);
    const denying = session({ Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }, { Effect: 'Deny', NotAction: 'iam:ListAccountAliases', Resource: '*' }] });
    assert.match(why(denying, 'iam:ListRoles')!, /with an explicit deny in a session policy$/);
    assert.equal(why(denying, 'iam:ListAccountAliases'), undefined);
    // inline and managed session policies together: either may allow
    const both = session({ Statement: { Effect: 'Allow', Action: 'iam:GetUser', Resource: '*' } }, ['arn:aws:iam::222222222222:policy/account-aliases-only', 'arn:aws:iam::222222222222:policy/not-in-the-world']);
    assert.equal(why(both, 'iam:GetUser'), undefined);
    assert.equal(why(both, 'iam:ListAccountAliases'), undefined);
    assert.match(why(both, 'iam:ListRoles')!, /no session policy allows/);
  });

  it('checks Policy and PolicyArns as STS does', () => {
    assert.match(fault(() => sessionPoliciesOf(world, params('x'.repeat(2049)))), /^ValidationError: .*at 'policy' failed to satisfy constraint: Member must have length less than or equal to 2048/);
    assert.equal(fault(() => sessionPoliciesOf(world, params('{"Statement": ['))), 'MalformedPolicyDocument: The policy is not in the valid JSON format.');
    assert.equal(fault(() => sessionPoliciesOf(world, params({ Statement: [{ Effect: 'Allow', Action: 's3:*' }] }))), 'MalformedPolicyDocument: Syntax errors in policy.');
    assert.equal(fault(() => sessionPoliciesOf(world, params({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: '*' }] }))), 'MalformedPolicyDocument: Policy document should not specify a principal.');
    assert.match(fault(() => sessionPoliciesOf(world, params(undefined, Array.from({ length: 11 }, (_, i) => `arn:aws:iam::aws:policy/P${i}`)))), /^ValidationError: .*policyArns/);
    const big = { Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: Array.from({ length: 30 }, () => `arn:aws:s3:::b-${randomBytes(30).toString('base64url')}/*`) }] };
    assert.match(fault(() => sessionPoliciesOf(world, params(big))), /^PackedPolicyTooLarge: Packed policy consumes 1\d\d% of allotted space, please use smaller policy\.$/);
    assert.equal(sessionPoliciesOf(world, params()), undefined);
  });
});
