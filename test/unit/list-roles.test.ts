import { test } from 'node:test';
import assert from 'node:assert/strict';
import { filterRoles } from '../../src/app/list-roles';
import type { RoleSummary } from '../../src/sts/iam';

const HOST = 'accounts.google.com';
function role(name: string, statements: unknown[]): RoleSummary {
  return { roleName: name, arn: `arn:aws:iam::123456789012:role/${name}`, assumeRolePolicyDocument: encodeURIComponent(JSON.stringify({ Version: '2012-10-17', Statement: statements })) };
}
const fed = (condition: unknown, effect = 'Allow') => ({ Effect: effect, Principal: { Federated: HOST }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: condition });

const roles = [
  role('equals-single', [fed({ StringEquals: { [`${HOST}:aud`]: 'client-a' } })]),
  role('equals-array', [fed({ StringEquals: { [`${HOST}:aud`]: ['client-b', 'client-a'] } })]),
  role('like-wildcard', [fed({ StringLike: { [`${HOST}:aud`]: 'client-*' } })]),
  role('any-value', [fed({ 'ForAnyValue:StringEquals': { [`${HOST}:aud`]: ['client-a'] } })]),
  role('other-client', [fed({ StringEquals: { [`${HOST}:aud`]: 'client-z' } })]),
  role('other-claim', [fed({ StringEquals: { [`${HOST}:sub`]: 'client-a' } })]),
  role('deny-only', [fed({ StringEquals: { [`${HOST}:aud`]: 'client-a' } }, 'Deny')]),
  role('no-condition', [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::1:root' }, Action: 'sts:AssumeRole' }]),
  role('single-statement-object', []),
];
// a policy whose Statement is an object, not an array
roles[8] = { ...roles[8]!, assumeRolePolicyDocument: JSON.stringify({ Statement: fed({ StringLike: { [`${HOST}:AUD`]: 'client-?' } }) }) };

test('roles whose conditions on the claim accept the client id, by hand', () => {
  const matched = filterRoles(roles, `${HOST}:aud`, 'client-a');
  assert.deepEqual(
    matched.map((m) => [m.roleName, m.values]),
    [
      ['any-value', ['client-a']],
      ['equals-array', ['client-a']],
      ['equals-single', ['client-a']],
      ['like-wildcard', ['client-*']],
      ['single-statement-object', ['client-?']],
    ],
  );
});

test('without a client id, every role with a condition on the claim', () => {
  assert.deepEqual(
    filterRoles(roles, `${HOST}:aud`, undefined).map((m) => m.roleName),
    ['any-value', 'equals-array', 'equals-single', 'like-wildcard', 'other-client', 'single-statement-object'],
  );
});
