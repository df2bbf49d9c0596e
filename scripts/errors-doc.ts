// Generates docs/errors.md from CATALOGUE in src/errors.ts: one row per error code with its exit
// status, when it happens and what to do (the default hint). `when` is typed by ErrorCode, so a new
// code without documentation does not compile, and test/hardening/errors-doc.test.ts fails when the
// committed docs/errors.md differs from what this script writes.
// Usage: node --import tsx scripts/errors-doc.ts [--check]
import { readFileSync, writeFileSync } from 'node:fs';
import { CATALOGUE, type ErrorCode } from '../src/errors';

export const DOC_PATH = new URL('../docs/errors.md', import.meta.url).pathname;

const WHEN: Record<ErrorCode, string> = {
  USAGE: 'A command was given a flag, argument or combination it does not take.',
  INTERRUPTED: 'Ctrl-C at a prompt (a password, an MFA code, a username), or setup cancelled with Ctrl-C or Esc; exit 130, as a shell reports a command stopped by SIGINT, so a script or loop around rolecall stops too.',
  INPUT_INVALID: 'What was piped in (`from-sts`) or typed at a prompt is not what the command expects.',
  NO_TTY: 'rolecall has to ask for something (MFA code, password, role) but has neither a terminal nor the value from a flag or variable.',
  CONFIG_SYNTAX: 'A configuration file (INI, TOML, YAML, accounts JSON) cannot be parsed; the message names the file and line.',
  CONFIG_INVALID: 'A setting has a value rolecall cannot use (bad ARN, URL, number, unknown choice); the message names where it came from.',
  CONFIG_UNREADABLE: 'A configuration file named by the environment or a setting exists but cannot be read.',
  PROFILE_NOT_FOUND: 'The profile named by the argument, --profile or AWS_PROFILE is in no config file.',
  PROFILE_CYCLE: 'source_profile settings form a loop.',
  PROFILE_NO_CREDENTIALS: 'The profile says nothing rolecall can turn into credentials.',
  DURATION_INVALID: 'A duration (duration_seconds, credentials_duration, -d) is not a number of seconds or Go duration in range.',
  MFA_CODE_INVALID: 'AWS refused the MFA code (wrong, reused or from another device).',
  MFA_DEVICE_UNKNOWN: 'No mfa_serial names the IAM user\'s MFA device and rolecall could not find it: iam:ListMFADevices was refused, or the user has no device for the code given.',
  STS_ACCESS_DENIED: 'AWS STS refused to let the caller assume the role.',
  STS_EXPIRED_TOKEN: 'The credentials or token presented to STS had expired.',
  STS_INVALID_CLIENT_TOKEN: 'STS does not know the access key id.',
  STS_SIGNATURE_MISMATCH: 'STS computed a different signature: wrong secret key, or a clock far off.',
  STS_REGION_DISABLED: 'STS is not activated in the region called.',
  STS_DURATION: 'The requested session duration is longer than the role or chain allows.',
  STS_INVALID_IDENTITY_TOKEN: 'AssumeRoleWithWebIdentity refused the OIDC token.',
  STS_IDP_REJECTED: 'AWS does not trust the identity provider (OIDC provider or SAML metadata).',
  STS_POLICY_TOO_LARGE: 'AWS refused the session policy and policy ARNs as too large once packed (`PackedPolicyTooLarge`); the message says by how much, in percent of the allowed space.',
  STS_POLICY_MALFORMED: 'AWS refused the session policy as no valid policy document (`MalformedPolicyDocument`).',
  STS_THROTTLED: 'AWS kept throttling the call after rolecall retried with backoff.',
  STS_UNAVAILABLE: 'The STS endpoint could not be reached, or kept failing with 5xx after retries.',
  STS_ERROR: 'Any other refusal from AWS; AWS\'s own message is shown.',
  IDP_ANSWER_TOO_LARGE: 'An identity provider (OIDC discovery, signing keys, token endpoint, Okta\'s Authentication API, IAM Identity Center, a SAML POST API) answered more than 1 MiB; rolecall stops reading at that bound.',
  OIDC_DISCOVERY: 'The issuer\'s discovery document could not be fetched or is not valid provider metadata.',
  OIDC_INSECURE: 'An IdP endpoint uses plain http on a non-loopback host.',
  OIDC_CALLBACK: 'The loopback listener received a callback with a wrong state, missing code or an error it cannot use.',
  OIDC_TIMEOUT: 'The browser or device login was not finished in time.',
  OIDC_DENIED: 'The user or the IdP refused the login or consent.',
  OIDC_TOKEN_INVALID: 'The ID token failed validation (signature, iss, aud, exp, nonce).',
  OIDC_GRANT_UNSUPPORTED: 'The IdP does not allow the grant (password, device, refresh, token exchange) for this client.',
  OIDC_DEVICE_EXPIRED: 'The device code expired before the login was approved.',
  OIDC_ERROR: 'Any other error from the IdP; its own message is shown.',
  BROWSER_LAUNCH: 'The browser agent could not be started.',
  SAML_INSECURE: 'The SAML assertion URL is plain http and the user did not opt in.',
  SAML_ASSERTION_INVALID: 'The IdP answered with something that is not a SAML Response.',
  SAML_NO_ROLES: 'The SAML assertion has no AWS Role attribute values.',
  SAML_ROLE_NOT_FOUND: 'The role asked for is not among the roles the assertion grants.',
  SAML_ERROR: 'The SAML POST API or token exchange returned an error.',
  SAML_BROWSER_NOT_FOUND: 'A browser SAML profile (saml_sso_url) found no Chromium-family browser, or not the one saml_browser names; the message lists where it looked.',
  SAML_BROWSER_FAILED: 'The browser for a SAML sign-in did not start or stopped, or playwright-core (which drives it) cannot be loaded.',
  SAML_BROWSER_SIGN_IN_NEEDED: 'The identity provider wants the user (no saved session) but no window may be shown: saml_browser_headless = true, or no display.',
  SAML_BROWSER_TIMEOUT: 'The identity provider did not post the sign-in to AWS within saml_browser_timeout; the message names the page the browser was on.',
  SAML_BROWSER_CLOSED: 'The user closed the sign-in window before the identity provider posted to AWS.',
  SSO_NO_ACCESS: 'IAM Identity Center does not let the person signed in use the role in the account (`ForbiddenException: No access`): not assigned, or a misspelt sso_account_id or sso_role_name.',
  SSO_ERROR: 'IAM Identity Center (SSO OIDC or the access portal) refused a call; its own words are shown.',
  TOKEN_EXCHANGE_UNSUPPORTED: 'The IdP does not support RFC 8693 token exchange for this client.',
  KEYRING_UNAVAILABLE: 'No store can keep secrets here: no Secret Service kept a probe entry, nor did the kernel keyring, and ROLECALL_SECRETS_KEY is not set for the encrypted file (or a store forced with ROLECALL_KEYRING does not work).',
  KEYRING_ERROR: 'The keyring refused to read or write a secret.',
  CACHE_ERROR: 'The cache directory or a cache file cannot be used (owner, mode, I/O error).',
  LOCK_TIMEOUT: 'Another live rolecall process held the profile\'s lock for too long.',
  EXEC_FAILED: 'The command given to `exec` was not found.',
  EXEC_NOT_EXECUTABLE: 'The command given to `exec` was found but may not be run (not executable, a directory), as a shell exits 126.',
  CREDENTIAL_PROCESS_FAILED: 'A source profile\'s credential_process could not start, failed, printed no usable credentials, or calls rolecall for itself in a loop.',
  SERVER_ERROR: 'The loopback credential server for `exec --server` could not start.',
  CONSOLE_ERROR: 'The AWS federation endpoint refused to issue a sign-in token.',
  NETWORK: 'A host (IdP, SAML API, IAM Identity Center) did not answer, refused the connection or timed out.',
  INTERNAL: 'An unexpected failure inside rolecall (a bug).',
};

const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

export function renderErrorsDoc(): string {
  const rows = (Object.keys(CATALOGUE) as ErrorCode[]).map(
    (code) => `| \`${code}\` | ${CATALOGUE[code].exit} | ${cell(WHEN[code])} | ${cell(CATALOGUE[code].hint)} |`,
  );
  return `# Error catalogue

<!-- generated by scripts/errors-doc.ts from src/errors.ts; do not edit by hand -->

Every failure rolecall reports is one of these codes. It prints \`rolecall: <message>\` and a hint
on stderr (never on stdout, which is protocol), and exits with the status below. The hint shown is
the default one listed here unless the situation allows a more precise one (for example which key
or which trust policy condition to check). \`--debug\` adds the steps that led there, with secrets
redacted. Exit status 2 means the input or configuration is wrong; 1 means a service or the
environment refused; 127 means the command for \`exec\` could not start; 70 is a bug.

| code | exit | when it happens | what to do |
|---|---|---|---|
${rows.join('\n')}
`;
}

if (process.argv[1] && new URL(import.meta.url).pathname === process.argv[1]) {
  const text = renderErrorsDoc();
  if (process.argv.includes('--check')) {
    const current = readFileSync(DOC_PATH, 'utf8');
    if (current !== text) {
      console.error('docs/errors.md is out of date: run `node --import tsx scripts/errors-doc.ts`');
      process.exit(1);
    }
  } else {
    writeFileSync(DOC_PATH, text);
    console.error(`wrote ${DOC_PATH}`);
  }
}
