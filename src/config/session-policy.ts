// The parsers of session policies (session_policy, --policy; session_policy_arns, --policy-arn):
// a policy written inline as JSON or kept in a file, read and checked before anyone signs in, and
// sent without its spaces (AWS counts the characters); the managed policies' ARNs, ten at most.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { RolecallError } from '../errors';
import { describeSource, type Setting } from './source';
import type { Parser } from './parse';

/** AWS: "The plaintext that you use for both inline and managed session policies can't exceed 2,048 characters." */
export const SESSION_POLICY_MAX_CHARS = 2048;
/** AWS: up to 10 managed policy ARNs per session */
export const SESSION_POLICY_MAX_ARNS = 10;
const POLICY_ARN = /^arn:aws(?:-[a-z]+)*:iam::(?:\d{12}|aws):policy\/(?:[\x21-\x7e]+\/)?[\w+=,.@-]{1,128}$/;

function where(value: Setting<string>, key: string): string {
  const written = value.source.kind === 'file' && value.source.key ? value.source.key : key;
  return `${written} (${describeSource(value.source)})`;
}

/** Whether a written session policy names a file rather than holding the JSON itself (`{...}`). */
export function namesPolicyFile(written: string): boolean {
  return !written.trim().startsWith('{');
}

/** A file named by the setting: `file://` as the AWS CLI writes it, `~/`, relative to the config file that names it. */
function policyPath(value: Setting<string>): string {
  const path = value.value.trim().replace(/^file:\/\//, '');
  if (path.startsWith('~/')) return join(process.env.HOME ?? '', path.slice(2));
  if (isAbsolute(path)) return path;
  return value.source.kind === 'file' ? join(dirname(value.source.path), path) : resolve(path);
}

/** The policy document as JSON without spaces: written inline (`{...}`) or the file's content. */
export const sessionPolicy: Parser<string | undefined> = (value, key) => {
  const written = value.value.trim();
  if (written === '') return undefined;
  let text = written;
  let from = 'its JSON';
  if (namesPolicyFile(written)) {
    const path = policyPath(value);
    from = path;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new RolecallError('CONFIG_UNREADABLE', `cannot read the session policy file ${path}, named by ${where(value, key)}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
        hint: 'Give the policy as JSON ({"Version": ...}) or the path of a file holding it.',
      });
    }
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new RolecallError('CONFIG_INVALID', `the session policy of ${where(value, key)} is not JSON (${from}): ${(error as Error).message}`, {
      hint: 'A session policy is an IAM policy document: {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}.',
    });
  }
  const statement = (document as { Statement?: unknown } | null)?.Statement;
  if (typeof document !== 'object' || document === null || Array.isArray(document) || (typeof statement !== 'object' || statement === null)) {
    throw new RolecallError('CONFIG_INVALID', `the session policy of ${where(value, key)} has no Statement (${from})`, {
      hint: 'A session policy is an IAM policy document: {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}.',
    });
  }
  const packed = JSON.stringify(document);
  if (packed.length > SESSION_POLICY_MAX_CHARS) {
    throw new RolecallError('CONFIG_INVALID', `the session policy of ${where(value, key)} is ${packed.length} characters without its spaces; AWS takes ${SESSION_POLICY_MAX_CHARS} at most`, {
      hint: 'Shorten it: fewer statements, wildcards in actions (s3:Get*), or a managed policy passed by ARN (session_policy_arns, --policy-arn).',
    });
  }
  return packed;
};

/** Managed policy ARNs, separated by commas or spaces; blank is not set. */
export const sessionPolicyArns: Parser<string[] | undefined> = (value, key) => {
  const arns = value.value.split(/[\s,]+/).filter(Boolean);
  if (arns.length === 0) return undefined;
  const bad = arns.find((arn) => !POLICY_ARN.test(arn));
  if (bad) {
    throw new RolecallError('CONFIG_INVALID', `${JSON.stringify(bad)} in ${where(value, key)} is not an IAM policy ARN`, {
      hint: 'A managed policy ARN looks like arn:aws:iam::aws:policy/ReadOnlyAccess or arn:aws:iam::123456789012:policy/NAME.',
    });
  }
  if (arns.length > SESSION_POLICY_MAX_ARNS) {
    throw new RolecallError('CONFIG_INVALID', `${where(value, key)} names ${arns.length} policies; AWS takes ${SESSION_POLICY_MAX_ARNS} at most in a session`, {
      hint: 'Pass fewer managed policies, or write what the session may do as one inline session policy (session_policy, --policy).',
    });
  }
  return [...new Set(arns)];
};
