// Reads credentials from what `aws sts ...` prints: AssumeRole, AssumeRoleWithSAML,
// AssumeRoleWithWebIdentity, GetSessionToken, GetFederationToken output, a bare Credentials
// object (`--query Credentials`), or credential_process JSON (Version 1). Anything else is an
// INPUT_INVALID error that says what is wrong and never echoes the input (it holds secrets).
import { RolecallError } from '../errors';
import type { Credentials } from '../sts/credentials';

type JsonObject = Record<string, unknown>;

const STS_COMMANDS = '`aws sts assume-role` (or assume-role-with-saml, assume-role-with-web-identity, get-session-token, get-federation-token)';

function invalid(message: string, hint?: string): RolecallError {
  return new RolecallError('INPUT_INVALID', message, hint === undefined ? {} : { hint });
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

// The AWS CLI's other --output styles, recognised so the hint can name the fix.
function otherOutputStyle(text: string): string | undefined {
  if (/^(CREDENTIALS|ASSUMEDROLEUSER|FEDERATEDUSER)\t/m.test(text)) return 'text';
  if (/^-{3,}\s*\n\|/.test(text)) return 'table';
  if (/^(Credentials|AssumedRoleUser|FederatedUser|AccessKeyId):/m.test(text)) return 'yaml';
  return undefined;
}

function lineAndColumn(text: string, position: number): string {
  const before = text.slice(0, position).split('\n');
  return `line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1}`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // V8 quotes a stretch of the input in some messages: cut it, it may be a secret
    const what = message.replace(/, ".*" is not valid JSON$/s, '').replace(/ in JSON at position \d+.*$/s, '').replace(/ at position \d+.*$/s, '');
    const position = /at position (\d+)/.exec(message)?.[1];
    const where = position === undefined ? '' : ` (${lineAndColumn(text, Number(position))})`;
    return invalidJson(`standard input is not valid JSON: ${what}${where}`);
  }
}

function invalidJson(message: string): never {
  throw invalid(message, `Pipe in the JSON that ${STS_COMMANDS} prints, unchanged.`);
}

function requiredString(object: JsonObject, key: string, where: string): string {
  const value = object[key];
  if (value === undefined) throw invalid(`${where}${key} is missing`);
  if (typeof value !== 'string' || value === '') throw invalid(`${where}${key} must be a non-empty string, not ${value === '' ? 'an empty one' : describeType(value)}`);
  return value;
}

function optionalString(object: JsonObject, key: string, where: string): string | undefined {
  return object[key] === undefined || object[key] === null ? undefined : requiredString(object, key, where);
}

// ISO 8601 with a time zone: STS's 2026-11-23T10:00:00Z, the AWS CLI v2's +00:00, boto3's str() with a space.
const TIMESTAMP = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2}(?:\.\d+)?)(Z|[+-]\d{2}:?\d{2})$/i;

function expiration(object: JsonObject, where: string): Date | undefined {
  const text = optionalString(object, 'Expiration', where);
  if (text === undefined) return undefined;
  const match = TIMESTAMP.exec(text.trim());
  const zone = match?.[3]?.toUpperCase().replace(/^([+-]\d{2})(\d{2})$/, '$1:$2');
  const date = match ? new Date(`${match[1]}T${match[2]}${zone}`) : undefined;
  if (!date || Number.isNaN(date.getTime())) {
    throw invalid(`${where}Expiration "${text}" is not an ISO 8601 time with a time zone, like 2026-11-23T10:00:00Z`);
  }
  return date;
}

function accountFromArn(arn: string | undefined): string | undefined {
  const account = arn?.split(':')[4];
  return account && /^\d{12}$/.test(account) ? account : undefined;
}

// Which call printed this, from the keys only that call's output has; for the source chain.
function describeDocument(root: JsonObject): string {
  if (!isObject(root.Credentials)) return root.Version === undefined ? 'a Credentials object' : 'credential_process JSON';
  if ('AccountId' in root) return 'rolecall json output';
  if ('SubjectFromWebIdentityToken' in root) return 'AssumeRoleWithWebIdentity output';
  if ('NameQualifier' in root || 'SubjectType' in root) return 'AssumeRoleWithSAML output';
  if ('AssumedRoleUser' in root) return 'AssumeRole output';
  if ('FederatedUser' in root) return 'GetFederationToken output';
  return 'GetSessionToken output';
}

export function parseStsJson(text: string): Credentials {
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  if (trimmed === '') {
    throw invalid('standard input is empty', `The command before the pipe printed nothing: if it was ${STS_COMMANDS}, its error is above.`);
  }
  const style = otherOutputStyle(trimmed);
  if (style) {
    throw invalid(`standard input is the AWS CLI's ${style} output, not JSON`, 'Add --output json to the aws command (or set output = json in ~/.aws/config).');
  }
  const root = parseJson(trimmed);
  if (!isObject(root)) invalidJson(`standard input is ${describeType(root)}, not a JSON object`);
  if (root.Credentials !== undefined && !isObject(root.Credentials)) {
    throw invalid(`Credentials must be an object, not ${describeType(root.Credentials)}`);
  }
  if (!isObject(root.Credentials) && root.AccessKeyId === undefined) {
    const looksLikeIdentity = 'UserId' in root && 'Account' in root;
    throw invalid(
      looksLikeIdentity
        ? 'standard input is `aws sts get-caller-identity` output, which holds no credentials'
        : 'the JSON has neither a Credentials object nor an AccessKeyId',
      `Pipe in the JSON that ${STS_COMMANDS} prints.`,
    );
  }
  if (root.Version !== undefined && root.Version !== 1) {
    throw invalid(`Version is ${JSON.stringify(root.Version)}, but credential_process JSON has Version 1`);
  }
  const [credentials, where] = isObject(root.Credentials) ? [root.Credentials, 'Credentials.'] : [root, ''];
  const accessKeyId = requiredString(credentials, 'AccessKeyId', where);
  const secretAccessKey = requiredString(credentials, 'SecretAccessKey', where);
  const sessionToken = optionalString(credentials, 'SessionToken', where);
  // ASIA keys are temporary (STS): without their session token AWS refuses every call with them
  if (sessionToken === undefined && accessKeyId.startsWith('ASIA')) {
    throw invalid(`${where}SessionToken is missing, and ${where}AccessKeyId is a temporary key (ASIA...) that does not work without it`);
  }
  const expires = expiration(credentials, where);
  const user = isObject(root.AssumedRoleUser) ? root.AssumedRoleUser : isObject(root.FederatedUser) ? root.FederatedUser : undefined;
  const arn = (user && typeof user.Arn === 'string' ? user.Arn : undefined) ?? optionalString(root, 'Arn', '');
  const givenAccount = optionalString(root, 'AccountId', '');
  if (givenAccount !== undefined && !/^\d{12}$/.test(givenAccount)) throw invalid(`AccountId "${givenAccount}" is not a 12-digit AWS account id`);
  const accountId = givenAccount ?? accountFromArn(arn);
  return {
    accessKeyId,
    secretAccessKey,
    ...(sessionToken === undefined ? {} : { sessionToken }),
    ...(expires === undefined ? {} : { expiration: expires }),
    ...(accountId === undefined ? {} : { accountId }),
    ...(arn === undefined ? {} : { arn }),
    chain: [`${describeDocument(root)} on standard input`],
  };
}
