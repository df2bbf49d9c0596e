// Trust policy evaluation as IAM does it for the sts:AssumeRole* actions: an explicit Deny wins,
// otherwise some Allow statement must match the action, the principal and every condition.
import type { TrustPolicy, TrustStatement } from '../world';
import type { Principal } from './identity';

/** condition keys (lower case, as IAM compares them case-insensitively) -> the request's value(s) */
export type ConditionContext = Record<string, string | string[] | undefined>;

export interface TrustRequest {
  action: string;
  /** an IAM caller (AssumeRole) */
  aws?: Principal;
  /** the identity provider ARN (AssumeRoleWithWebIdentity, AssumeRoleWithSAML) */
  federated?: string;
  context: ConditionContext;
}

const list = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

export function glob(pattern: string, value: string, ignoreCase = false): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's').test(value);
}

function actionMatches(statement: TrustStatement, action: string): boolean {
  return list(statement.Action).some((a) => glob(a, action, true));
}

function awsPrincipalMatches(value: string, caller: Principal): boolean {
  if (value === '*') return true;
  const root = /^(?:arn:aws:iam::)?(\d{12})(?::root)?$/.exec(value);
  if (root) return root[1] === caller.account;
  return value === caller.userArn || value === caller.roleArn || value === caller.arn;
}

function principalMatches(statement: TrustStatement, request: TrustRequest): boolean {
  const p = statement.Principal;
  if (p === '*') return true;
  if (request.aws) return list(p.AWS).some((v) => awsPrincipalMatches(v, request.aws!));
  if (request.federated) return list(p.Federated).includes(request.federated);
  return false;
}

type Test = (actual: string, expected: string) => boolean;

const numeric = (compare: (a: number, b: number) => boolean): Test => (a, b) => {
  const [x, y] = [Number(a), Number(b)];
  return !Number.isNaN(x) && !Number.isNaN(y) && compare(x, y);
};

const TESTS: Record<string, { test: Test; negated?: boolean }> = {
  StringEquals: { test: (a, b) => a === b },
  StringNotEquals: { test: (a, b) => a === b, negated: true },
  StringEqualsIgnoreCase: { test: (a, b) => a.toLowerCase() === b.toLowerCase() },
  StringNotEqualsIgnoreCase: { test: (a, b) => a.toLowerCase() === b.toLowerCase(), negated: true },
  StringLike: { test: (a, b) => glob(b, a) },
  StringNotLike: { test: (a, b) => glob(b, a), negated: true },
  ArnEquals: { test: (a, b) => a === b },
  ArnLike: { test: (a, b) => glob(b, a) },
  ArnNotEquals: { test: (a, b) => a === b, negated: true },
  ArnNotLike: { test: (a, b) => glob(b, a), negated: true },
  Bool: { test: (a, b) => a.toLowerCase() === b.toLowerCase() },
  NumericEquals: { test: numeric((a, b) => a === b) },
  NumericNotEquals: { test: numeric((a, b) => a === b), negated: true },
  NumericLessThan: { test: numeric((a, b) => a < b) },
  NumericLessThanEquals: { test: numeric((a, b) => a <= b) },
  NumericGreaterThan: { test: numeric((a, b) => a > b) },
  NumericGreaterThanEquals: { test: numeric((a, b) => a >= b) },
  DateLessThan: { test: (a, b) => Date.parse(a) < Date.parse(b) },
  DateGreaterThan: { test: (a, b) => Date.parse(a) > Date.parse(b) },
};

function conditionHolds(operator: string, key: string, expected: string[], context: ConditionContext): boolean {
  const actual = list(context[key.toLowerCase()]);
  if (operator === 'Null') return expected.every((e) => (e.toLowerCase() === 'true') === (actual.length === 0));
  const qualifier = /^(ForAnyValue|ForAllValues):/.exec(operator)?.[1];
  let base = operator.replace(/^For(?:Any|All)Values?:/, '');
  const ifExists = base.endsWith('IfExists');
  if (ifExists) base = base.slice(0, -'IfExists'.length);
  const rule = TESTS[base];
  if (!rule) return false; // an operator IAM would not accept never grants anything
  const one = (value: string) => {
    const hit = expected.some((e) => rule.test(value, e));
    return rule.negated ? !hit : hit;
  };
  if (qualifier === 'ForAllValues') return actual.every(one);
  if (qualifier === 'ForAnyValue') return actual.some(one);
  if (actual.length === 0) return ifExists || Boolean(rule.negated);
  return rule.negated ? actual.every(one) : actual.some(one);
}

export function conditionsHold(statement: Pick<TrustStatement, 'Condition'>, context: ConditionContext): boolean {
  return Object.entries(statement.Condition ?? {}).every(([operator, keys]) =>
    Object.entries(keys).every(([key, value]) => conditionHolds(operator, key, list(value).map(String), context)),
  );
}

export function trustAllows(policy: TrustPolicy, request: TrustRequest): boolean {
  const applies = (s: TrustStatement) => actionMatches(s, request.action) && principalMatches(s, request) && conditionsHold(s, request.context);
  const statements = list(policy.Statement);
  if (statements.some((s) => s.Effect === 'Deny' && applies(s))) return false;
  return statements.some((s) => s.Effect === 'Allow' && applies(s));
}
