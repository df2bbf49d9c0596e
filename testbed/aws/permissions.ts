// Permission policies as IAM evaluates them for a role session: the role's identity policy
// (`permissions` in the world; a role without one may do everything, as before this module) and
// the session policies passed to AssumeRole* (`Policy`, `PolicyArns`). A call is allowed when no
// statement of either denies it, the identity policy allows it, and, for a session that has session
// policies, one of them allows it too: the session's rights are the intersection. The refusals use
// AWS's words ("because no session policy allows the X action"). Session policies are checked as
// STS checks them: `Policy` at most 2048 characters, JSON with valid statements, at most 10 ARNs,
// and the packed size (`PackedPolicyTooLarge` with the percentage of the allotted space).
import { deflateRawSync } from 'node:zlib';
import type { PermissionPolicy, PermissionStatement, World } from '../world';
import { AwsFault, accessDenied, constraint, validationError } from './fault';
import type { Principal } from './identity';
import { conditionsHold, glob, type ConditionContext } from './policy';
import type { Session } from './sessions';

/** AWS's plaintext limit on `Policy` */
const MAX_POLICY_CHARS = 2048;
const MAX_POLICY_ARNS = 10;
/**
 * The space the packed session policies get. AWS does not publish its packing; the emulator packs
 * the policy with deflate and adds the ARNs as they are, against this many bytes: an ordinary
 * policy takes 10-40%, and 2000 characters that do not compress (many distinct resource ARNs) exceed it.
 */
const PACKED_SPACE_BYTES = 1000;

const list = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** What a session's session policies are: the inline one and the managed ones named by ARN. */
export interface SessionPolicies {
  documents: PermissionPolicy[];
}

function malformed(message = 'Syntax errors in policy.'): AwsFault {
  return new AwsFault('MalformedPolicyDocument', message, 400);
}

function checkStatement(statement: unknown): PermissionStatement {
  const s = statement as Partial<PermissionStatement> | null;
  if (typeof s !== 'object' || s === null || Array.isArray(s)) throw malformed();
  if (s.Effect !== 'Allow' && s.Effect !== 'Deny') throw malformed();
  if ((s.Action === undefined) === (s.NotAction === undefined)) throw malformed();
  if ((s.Resource === undefined) === (s.NotResource === undefined)) throw malformed();
  if ('Principal' in s || 'NotPrincipal' in s) throw malformed('Policy document should not specify a principal.');
  return s as PermissionStatement;
}

/** `Policy` and `PolicyArns.member.N.arn` of an AssumeRole* call, checked as STS checks them; undefined when neither is given. */
export function sessionPoliciesOf(world: World, params: URLSearchParams): SessionPolicies | undefined {
  const text = params.get('Policy');
  const arns: string[] = [];
  for (let i = 1; params.has(`PolicyArns.member.${i}.arn`); i++) arns.push(params.get(`PolicyArns.member.${i}.arn`)!);
  if (text === null && arns.length === 0) return undefined;
  const documents: PermissionPolicy[] = [];
  if (text !== null) {
    if (text.length > MAX_POLICY_CHARS) throw constraint(text, 'policy', `Member must have length less than or equal to ${MAX_POLICY_CHARS}`);
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch {
      throw malformed('The policy is not in the valid JSON format.');
    }
    const statements = (document as { Statement?: unknown } | null)?.Statement;
    if (statements === undefined || statements === null) throw malformed();
    documents.push({ Statement: list(statements as unknown).map(checkStatement) });
  }
  if (arns.length > MAX_POLICY_ARNS) throw validationError(`1 validation error detected: Value at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to ${MAX_POLICY_ARNS}`);
  for (const arn of arns) {
    if (arn.length < 20 || arn.length > 2048) throw constraint(arn, 'policyArns.member.arn', 'Member must have length greater than or equal to 20');
    // a policy the world does not hold grants nothing
    documents.push(world.managedPolicies?.[arn] ?? { Statement: [] });
  }
  const packed = (text === null ? 0 : deflateRawSync(Buffer.from(text)).length) + arns.reduce((n, arn) => n + arn.length, 0);
  const percent = Math.ceil((packed * 100) / PACKED_SPACE_BYTES);
  if (percent > 100) throw new AwsFault('PackedPolicyTooLarge', `Packed policy consumes ${percent}% of allotted space, please use smaller policy.`, 400);
  return { documents };
}

type Decision = 'allow' | 'deny' | 'none';

function decide(policies: PermissionPolicy[], action: string, resource: string, context: ConditionContext): Decision {
  const applies = (s: PermissionStatement) =>
    (s.Action !== undefined ? list(s.Action).some((a) => glob(a, action, true)) : !list(s.NotAction).some((a) => glob(a, action, true))) &&
    (s.Resource !== undefined ? list(s.Resource).some((r) => glob(r, resource)) : !list(s.NotResource).some((r) => glob(r, resource))) &&
    conditionsHold(s, context);
  const statements = policies.flatMap((p) => list(p.Statement));
  if (statements.some((s) => s.Effect === 'Deny' && applies(s))) return 'deny';
  return statements.some((s) => s.Effect === 'Allow' && applies(s)) ? 'allow' : 'none';
}

/** Why a role session may not call `action` on `resource`, in AWS's words; undefined when it may. */
export function refusal(world: World, principal: Principal, session: Session | undefined, action: string, resource: string): string | undefined {
  const role = principal.kind === 'role' ? world.roles.find((r) => r.arn === principal.roleArn) : undefined;
  const context: ConditionContext = { 'aws:principalarn': principal.roleArn ?? principal.arn, 'aws:principalaccount': principal.account, 'aws:securetransport': 'true' };
  const denied = (why: string) => `User: ${principal.arn} is not authorized to perform: ${action} on resource: ${resource} ${why}`;
  const identity = role?.permissions ? decide([role.permissions], action, resource, context) : 'allow';
  const sessionPolicies = session?.sessionPolicies;
  const narrowed = sessionPolicies ? decide(sessionPolicies.documents, action, resource, context) : 'allow';
  if (identity === 'deny') return denied(`with an explicit deny in an identity-based policy`);
  if (narrowed === 'deny') return denied(`with an explicit deny in a session policy`);
  if (identity === 'none') return denied(`because no identity-based policy allows the ${action} action`);
  if (narrowed === 'none') return denied(`because no session policy allows the ${action} action`);
  return undefined;
}

/** Throws AWS's AccessDenied when the caller's session may not call `action` on `resource`. */
export function authorize(world: World, caller: { principal: Principal; session?: Session }, action: string, resource: string): void {
  const why = refusal(world, caller.principal, caller.session, action, resource);
  if (why) throw accessDenied(why);
}
