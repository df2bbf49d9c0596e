import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseRole, roleLabel } from '../../src/idp/saml/choose-role';
import type { SamlRole } from '../../src/idp/saml/assertion';
import { ttyPrompter, type Prompter } from '../../src/platform/tty';
import { setting } from '../../src/config/source';
import { RolecallError } from '../../src/errors';

const DEV: SamlRole = { roleArn: 'arn:aws:iam::222222222222:role/saml-developer', principalArn: 'arn:aws:iam::222222222222:saml-provider/testbed' };
const OPS: SamlRole = { roleArn: 'arn:aws:iam::333333333333:role/saml-operator', principalArn: 'arn:aws:iam::333333333333:saml-provider/testbed' };
const accounts = new Map([
  ['staging', '222222222222'],
  ['production', '333333333333'],
  ['prod', '333333333333'],
]);
const noPrompt: Prompter = {
  ask: () => Promise.reject(new Error('must not ask')),
  choose: () => Promise.reject(new Error('must not ask')),
};
// a terminal that is not there: the real prompter's NO_TTY path
const noTty = ttyPrompter(() => undefined);

test('labels show the account alias, id and role name', () => {
  assert.equal(roleLabel(OPS, new Map([['333333333333', 'production']])), 'production (333333333333) / saml-operator');
  assert.equal(roleLabel(OPS, new Map()), '333333333333 / saml-operator');
  assert.equal(roleLabel({ ...DEV, roleArn: 'arn:aws:iam::222222222222:role/team/dev' }, new Map()), '222222222222 / team/dev');
});

test('the named role when the assertion lists it; a unique role name is enough', async () => {
  const wanted = { roleArn: setting(OPS.roleArn, { kind: 'flag', name: '-r' }) };
  assert.deepEqual(await chooseRole([DEV, OPS], wanted, { prompt: noPrompt, accounts }), OPS);
  assert.deepEqual(await chooseRole([DEV, OPS], { roleArn: setting('saml-developer', { kind: 'flag', name: '-r' }) }, { prompt: noPrompt, accounts }), DEV);
});

test('a role that is not in the assertion is refused, listing the roles and where the name came from', async () => {
  const wanted = { roleArn: setting('arn:aws:iam::333333333333:role/saml-operatr', { kind: 'file', path: '/home/u/.aws-cli-oidc/config.yaml', line: 7 }) };
  await assert.rejects(chooseRole([DEV, OPS], wanted, { prompt: noPrompt, accounts }), (error: unknown) => {
    assert.ok(error instanceof RolecallError);
    assert.equal(error.code, 'SAML_ROLE_NOT_FOUND');
    assert.match(error.message, /config\.yaml:7/);
    assert.match(error.message, /Did you mean "arn:aws:iam::333333333333:role\/saml-operator"/);
    assert.match(error.message, /saml-developer.*staging \(222222222222\)/);
    return true;
  });
});

test('the only role needs no question', async () => {
  assert.deepEqual(await chooseRole([DEV], {}, { prompt: noTty, accounts }), DEV);
});

test('several roles are offered with their labels, in the order of the assertion', async () => {
  let offered: string[] = [];
  const prompt: Prompter = {
    ask: () => Promise.reject(new Error('must not ask')),
    choose: (_q, choices) => {
      offered = choices.map((c) => c.label);
      return Promise.resolve(choices[1]!.value);
    },
  };
  assert.deepEqual(await chooseRole([DEV, OPS], {}, { prompt, accounts }), OPS);
  assert.deepEqual(offered, ['staging (222222222222) / saml-developer', 'production (333333333333) / saml-operator']);
});

test('several roles and no terminal: NO_TTY listing the roles and how to pick one', async () => {
  await assert.rejects(chooseRole([DEV, OPS], {}, { prompt: noTty, accounts }), (error: unknown) => {
    assert.ok(error instanceof RolecallError);
    assert.equal(error.code, 'NO_TTY');
    assert.match(error.message, /2 roles/);
    assert.match(error.message, /role\/saml-developer/);
    assert.match(error.message, /role\/saml-operator/);
    assert.match(error.hint, /-r ROLE_ARN/);
    return true;
  });
});
