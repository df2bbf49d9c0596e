// Credentials rendered in every output format, and the variables that go with them.
import { RolecallError } from '../errors';
import type { Credentials } from '../sts/credentials';
import { isShellFormat, SHELL_FORMATS, type Format } from './formats';
import { isoTimestamp, renderProcessJson, renderStsJson } from './json';
import { quoteDotenv, quoteEnvFile, quotePosixWhenNeeded } from './quote';
import { SHELL_SYNTAX } from './shells';

export interface Exports {
  credentials: Credentials;
  region?: string;
  /** more variables to set, e.g. AWS_ACCOUNT_NAME, AWS_ACCOUNT_ROLE, AWSRUNAS_PROFILE; they win over the credential ones */
  extra?: Record<string, string>;
}

/**
 * Variables that would contradict freshly exported credentials if a previous session left them
 * behind: a profile the SDKs would read instead, a stale session token or expiry, another
 * account's prompt labels. Shell exports unset each one they do not set; exec removes them all
 * from the child's environment before adding credentialEnv().
 */
export const CLEARED_VARIABLES: readonly string[] = [
  'AWS_PROFILE',
  'AWS_DEFAULT_PROFILE',
  'AWS_SESSION_TOKEN',
  'AWS_SECURITY_TOKEN',
  'AWS_CREDENTIAL_EXPIRATION',
  'AWS_SESSION_EXPIRATION',
  'AWS_ACCOUNT_ID',
  'AWS_ACCOUNT_NAME',
  'AWS_ACCOUNT_ROLE',
  'AWSRUNAS_PROFILE',
];

/**
 * What `rolecall unset` clears by default: every variable that carries AWS credentials (including
 * the legacy AWS_ACCESS_KEY/AWS_SECRET_KEY/AWS_SECURITY_TOKEN) or picks a profile. Region, config
 * file paths and web identity settings (set by the platform on EKS) stay; `unset --all` takes them too.
 */
export const UNSET_VARIABLES: readonly string[] = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_ACCESS_KEY',
  'AWS_SECRET_KEY',
  ...CLEARED_VARIABLES,
];

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The variables exec puts in a child's environment, in the order shells print them. */
export function credentialEnv(exports: Exports): Record<string, string> {
  const { credentials, region } = exports;
  const env: Record<string, string> = {
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
  };
  if (credentials.sessionToken !== undefined) env.AWS_SESSION_TOKEN = credentials.sessionToken;
  if (credentials.expiration !== undefined) env.AWS_CREDENTIAL_EXPIRATION = isoTimestamp(credentials.expiration);
  if (credentials.accountId !== undefined) env.AWS_ACCOUNT_ID = credentials.accountId;
  if (region !== undefined) {
    env.AWS_REGION = region;
    env.AWS_DEFAULT_REGION = region;
  }
  return Object.assign(env, exports.extra);
}

/** CLEARED_VARIABLES that these exports do not set: the ones shell exports unset. */
export function clearedVariables(exports: Exports): string[] {
  const set = credentialEnv(exports);
  return CLEARED_VARIABLES.filter((name) => !Object.hasOwn(set, name));
}

export function renderCredentials(format: Format, exports: Exports): string {
  if (format === 'process') return renderProcessJson(exports.credentials);
  if (format === 'json') return renderStsJson(exports.credentials, exports.region);
  const env = Object.entries(credentialEnv(exports));
  for (const [name, value] of env) checkVariable(format, name, value);
  if (isShellFormat(format)) {
    const syntax = SHELL_SYNTAX[format];
    // unsets first: they are about older state, and the last line's status is then a set's (0)
    return lines([...clearedVariables(exports).map(syntax.unset), ...env.map(([name, value]) => syntax.set(name, value))]);
  }
  const quote = format === 'env' ? quoteEnvFile : quoteDotenv;
  return lines(
    env.map(([name, value]) => {
      const quoted = quote(value);
      if (quoted === undefined) throw unrepresentable(format, name);
      return `${name}=${quoted}`;
    }),
  );
}

/**
 * aws-cli-oidc's `get-cred` output, which its users' scripts read line by line: exactly
 * `export AWS_ACCESS_KEY_ID=...`, `export AWS_SECRET_ACCESS_KEY=...`, `export AWS_SESSION_TOKEN=...`,
 * quoted only where a value needs it, and nothing else.
 */
export function renderAwsCliOidcExports(credentials: Credentials): string {
  const values: [string, string | undefined][] = [
    ['AWS_ACCESS_KEY_ID', credentials.accessKeyId],
    ['AWS_SECRET_ACCESS_KEY', credentials.secretAccessKey],
    ['AWS_SESSION_TOKEN', credentials.sessionToken],
  ];
  const set = values.filter((entry): entry is [string, string] => entry[1] !== undefined);
  for (const [name, value] of set) checkVariable('sh', name, value);
  return lines(set.map(([name, value]) => `export ${name}=${quotePosixWhenNeeded(value)}`));
}

/** Shell code that unsets `names` (default UNSET_VARIABLES); only shell formats can unset. */
export function renderUnset(format: Format, names: readonly string[] = UNSET_VARIABLES): string {
  if (!isShellFormat(format)) {
    throw new RolecallError('USAGE', `the ${format} format cannot unset variables: it only lists values`, {
      hint: `Use a shell format: ${SHELL_FORMATS.join(', ')}.`,
    });
  }
  for (const name of names) checkName(name);
  return lines(names.map(SHELL_SYNTAX[format].unset));
}

function lines(items: string[]): string {
  return items.map((line) => `${line}\n`).join('');
}

function checkName(name: string): void {
  if (!NAME.test(name)) {
    throw new RolecallError('INPUT_INVALID', `"${name}" is not a variable name a shell can set (letters, digits and _, not starting with a digit)`, {
      hint: 'Rename the variable.',
    });
  }
}

// Messages name the variable, never its value: the values are secrets.
function checkVariable(format: Format, name: string, value: string): void {
  checkName(name);
  if (value.includes('\0')) {
    throw new RolecallError('INPUT_INVALID', `the value of ${name} contains a NUL character, which no environment variable can hold`, {
      hint: 'Check where the value came from: AWS never issues such credentials.',
    });
  }
  // with the u flag a surrogate pair is one code point, so \p{Cs} only matches a lone half
  if (/\p{Cs}/u.test(value)) {
    throw new RolecallError('INPUT_INVALID', `the value of ${name} is not valid Unicode (it has a lone surrogate), so it cannot be written as ${format}`, {
      hint: 'Check where the value came from: AWS never issues such credentials.',
    });
  }
}

function unrepresentable(format: Format, name: string): RolecallError {
  const why =
    format === 'env'
      ? 'contains a line break, which the env format (docker --env-file: KEY=value, taken literally to the end of the line) cannot hold'
      : 'mixes quote characters and backslashes or carriage returns in a way no dotenv quoting holds';
  return new RolecallError('INPUT_INVALID', `the value of ${name} ${why}`, {
    hint: 'Use a shell format (bash, zsh, sh, fish, powershell) or json: they hold any value.',
  });
}
