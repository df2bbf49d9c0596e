// The emulator's trust policy evaluation on its own: principals, Deny over Allow, and IAM's
// condition semantics for missing keys, negated operators, IfExists and the set qualifiers.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { roleSessionPrincipal, userPrincipal } from '../../testbed/aws/identity';
import { trustAllows, type ConditionContext } from '../../testbed/aws/policy';
import type { TrustStatement } from '../../testbed/world';

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
