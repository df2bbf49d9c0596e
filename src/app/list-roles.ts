// aws-oidc's `list`: every role (IAM ListRoles, all pages) whose trust policy lets a claim with the
// given client id assume it, judged by the statements' conditions on that claim.
import { RolecallError } from '../errors';
import type { RoleSummary } from '../sts/iam';

export interface MatchedRole {
  roleName: string;
  arn: string;
  /** the condition values on the claim that matched (or all of them, without a client id) */
  values: string[];
}

interface Statement {
  Effect?: string;
  Condition?: Record<string, Record<string, unknown>>;
}

const OPERATORS = new Set(['StringEquals', 'StringLike', 'StringEqualsIgnoreCase']);

function likeToRegExp(pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
}

function matches(operator: string, pattern: string, value: string): boolean {
  if (operator === 'StringLike') return likeToRegExp(pattern).test(value);
  if (operator === 'StringEqualsIgnoreCase') return pattern.toLowerCase() === value.toLowerCase();
  return pattern === value;
}

export function parsePolicy(document: string, roleArn: string): Statement[] {
  let text = document;
  try {
    text = decodeURIComponent(document);
  } catch {
    // already decoded
  }
  try {
    const parsed = JSON.parse(text) as { Statement?: Statement | Statement[] };
    const statements = parsed.Statement ?? [];
    return Array.isArray(statements) ? statements : [statements];
  } catch {
    throw new RolecallError('STS_ERROR', `the trust policy of ${roleArn} is not JSON`, { hint: 'IAM returned a policy rolecall cannot read; check the role in the console.' });
  }
}

/** The values of the role's Allow conditions on `claim` that accept `clientId` (all values when no client id). */
export function matchingValues(statements: Statement[], claim: string, clientId: string | undefined): string[] {
  const found: string[] = [];
  for (const statement of statements) {
    if (statement.Effect !== 'Allow' || !statement.Condition) continue;
    for (const [qualified, conditions] of Object.entries(statement.Condition)) {
      const operator = qualified.replace(/^(ForAnyValue|ForAllValues):/, '');
      if (!OPERATORS.has(operator)) continue;
      for (const [key, raw] of Object.entries(conditions)) {
        if (key.toLowerCase() !== claim.toLowerCase()) continue;
        const values = (Array.isArray(raw) ? raw : [raw]).map(String);
        for (const value of values) if (clientId === undefined || matches(operator, value, clientId)) found.push(value);
      }
    }
  }
  return [...new Set(found)];
}

export function filterRoles(roles: RoleSummary[], claim: string, clientId: string | undefined): MatchedRole[] {
  const out: MatchedRole[] = [];
  for (const role of roles) {
    if (!role.assumeRolePolicyDocument) continue;
    const values = matchingValues(parsePolicy(role.assumeRolePolicyDocument, role.arn), claim, clientId);
    if (values.length) out.push({ roleName: role.roleName, arn: role.arn, values });
  }
  return out.sort((a, b) => a.arn.localeCompare(b.arn));
}
