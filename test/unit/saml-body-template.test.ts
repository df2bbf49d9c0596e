import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { renderBodyTemplate } from '../../src/idp/saml/body-template';
import { DEFAULT_BODY_TEMPLATE } from '../../src/plan/saml';
import { setting, type Setting } from '../../src/config/source';
import { RolecallError } from '../../src/errors';

const COINBASE = '{"service": "aws", "email": "$saml_user", "password": "$saml_password"}';
const fromEnv = (value: string): Setting => setting(value, { kind: 'env', name: 'SAML_IDP_REQUEST_BODY_TEMPLATE' });
const CAROL = 'carol\'s "quoted" $password\\';

test("coinbase's README template, with carol's password", () => {
  const body = renderBodyTemplate(fromEnv(COINBASE), { saml_user: 'carol', saml_password: CAROL });
  assert.deepEqual(JSON.parse(body), { service: 'aws', email: 'carol', password: CAROL });
});

test('${name} forms, placeholders outside strings, and look-alike names left alone', () => {
  const body = renderBodyTemplate(fromEnv('{"u": "${saml_user}@corp", "p": $saml_password, "x": "$saml_username", "y": "\\"$saml_user\\""}'), {
    saml_user: 'al"ice',
    saml_password: 'p',
  });
  assert.deepEqual(JSON.parse(body), { u: 'al"ice@corp', p: 'p', x: '$saml_username', y: '"al"ice"' });
});

test('the default template', () => {
  assert.deepEqual(JSON.parse(renderBodyTemplate(setting(DEFAULT_BODY_TEMPLATE, { kind: 'default' }), { saml_user: 'a', saml_password: 'b' })), {
    username: 'a',
    password: 'b',
  });
});

test('a template that is not JSON is refused, naming where it came from and never the password', () => {
  assert.throws(
    () => renderBodyTemplate(fromEnv('{"email": "$saml_user", "password": $saml_password'), { saml_user: 'u', saml_password: 'hunter2-secret' }),
    (error: unknown) => {
      assert.ok(error instanceof RolecallError);
      assert.equal(error.code, 'CONFIG_INVALID');
      assert.match(error.message, /environment variable SAML_IDP_REQUEST_BODY_TEMPLATE.*not JSON/);
      assert.doesNotMatch(error.message + error.hint, /hunter2-secret/);
      return true;
    },
  );
  assert.throws(() => renderBodyTemplate(fromEnv('{"email": "$saml_user", "password": "$saml_pasword"}'), { saml_user: 'u', saml_password: 'p' }), /does not contain \$saml_password/);
});

test('property: any user and password round-trip exactly, in a body with no extra keys', () => {
  const templates: [string, (u: string, p: string) => unknown][] = [
    [COINBASE, (u, p) => ({ service: 'aws', email: u, password: p })],
    ['{"u":"$saml_user","p":"${saml_password}"}', (u, p) => ({ u, p })],
    [
      '{"auth": {"user": "pre-$saml_user-post", "password": $saml_password}, "list": ["$saml_user", "${saml_password}"]}',
      (u, p) => ({ auth: { user: `pre-${u}-post`, password: p }, list: [u, p] }),
    ],
  ];
  const text = fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: fc.constantFrom('"', '\\', '$', '{', '}', ',', ':', '\n', 'u', '\u2028', '\u0000') }));
  fc.assert(
    fc.property(fc.constantFrom(...templates), text, text, ([template, expected], user, password) => {
      const body = JSON.parse(renderBodyTemplate(fromEnv(template), { saml_user: user, saml_password: password })) as unknown;
      assert.deepEqual(body, expected(user, password));
    }),
    { numRuns: 500 },
  );
});
