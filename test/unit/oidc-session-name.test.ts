import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { sessionNameFromClaims } from '../../src/idp/oidc/session-name';

test('the email is preferred, then the subject', () => {
  assert.equal(sessionNameFromClaims({ sub: 'alice-0001', email: 'alice@example.com' }), 'alice@example.com');
  assert.equal(sessionNameFromClaims({ sub: 'alice-0001' }), 'alice-0001');
});

test('characters STS refuses are replaced and the length is capped', () => {
  assert.equal(sessionNameFromClaims({ sub: 'auth0|5f7c 8e', email: '' }), 'auth0-5f7c-8e');
  assert.equal(sessionNameFromClaims({ sub: 'x'.repeat(100) }).length, 64);
  assert.equal(sessionNameFromClaims({ sub: 'a' }), 'rolecall-a');
  assert.equal(sessionNameFromClaims({}), 'rolecall-');
});

test('any claims give a name STS accepts', () => {
  fc.assert(
    fc.property(fc.record({ sub: fc.string(), email: fc.option(fc.string(), { nil: undefined }) }), (claims) => {
      assert.match(sessionNameFromClaims(claims), /^[\w+=,.@-]{2,64}$/);
    }),
  );
});
