// Which of the assertion's roles to assume: the one the user named (-r, role_arn,
// default_iam_role_arn), the only one, or the one picked on /dev/tty.
import { describeSource, type Setting } from '../../config/source';
import { RolecallError, isRolecallError } from '../../errors';
import { didYouMean } from '../../platform/suggest';
import type { Prompter } from '../../platform/tty';
import type { SamlRole } from './assertion';

const NAME_THE_ROLE = 'Name the role: --role-arn ROLE_ARN (-r ROLE_ARN with get-cred), or role_arn / default_iam_role_arn in the profile.';

/** "production (333333333333) / saml-operator", or "333333333333 / saml-operator" without an alias. */
export function roleLabel(role: SamlRole, aliasOf: ReadonlyMap<string, string>): string {
  const match = /^arn:[^:]+:iam::(\d{12}):role\/(.+)$/.exec(role.roleArn);
  if (!match) return role.roleArn;
  const account = match[1]!;
  const name = match[2]!;
  const alias = aliasOf.get(account);
  return `${alias ? `${alias} (${account})` : account} / ${name}`;
}

function listing(roles: SamlRole[], aliasOf: ReadonlyMap<string, string>): string {
  return roles.map((r) => `  ${r.roleArn}  (${roleLabel(r, aliasOf)})`).join('\n');
}

/** The role ARN, or a role name (with its path) when only one account has it. */
function find(roles: SamlRole[], wanted: string): SamlRole | undefined {
  const exact = roles.find((r) => r.roleArn === wanted);
  if (exact || wanted.includes(':')) return exact;
  const byName = roles.filter((r) => r.roleArn.endsWith(`:role/${wanted}`));
  return byName.length === 1 ? byName[0] : undefined;
}

export async function chooseRole(
  roles: SamlRole[],
  wanted: { roleArn?: Setting<string> },
  deps: { prompt: Prompter; accounts: Map<string, string> /* alias -> account id */ },
): Promise<SamlRole> {
  const aliasOf = new Map<string, string>();
  for (const [alias, id] of deps.accounts) if (!aliasOf.has(id)) aliasOf.set(id, alias);

  if (wanted.roleArn) {
    const found = find(roles, wanted.roleArn.value);
    if (found) return found;
    throw new RolecallError(
      'SAML_ROLE_NOT_FOUND',
      `the role ${wanted.roleArn.value} (from ${describeSource(wanted.roleArn.source)}) is not in the SAML assertion.${didYouMean(
        wanted.roleArn.value,
        roles.map((r) => r.roleArn),
      )} The assertion lists:\n${listing(roles, aliasOf)}`,
    );
  }
  const [first, ...others] = roles;
  if (!first) throw new RolecallError('SAML_NO_ROLES', 'the SAML assertion lists no roles to choose from');
  if (others.length === 0) return first;

  try {
    return await deps.prompt.choose(
      'Select the role to assume:',
      roles.map((role) => ({ label: roleLabel(role, aliasOf), value: role })),
      NAME_THE_ROLE,
    );
  } catch (error) {
    if (!isRolecallError(error) || error.code !== 'NO_TTY') throw error;
    throw new RolecallError('NO_TTY', `the SAML assertion lists ${roles.length} roles and there is no terminal to ask which one:\n${listing(roles, aliasOf)}`, {
      hint: NAME_THE_ROLE,
      cause: error,
    });
  }
}
