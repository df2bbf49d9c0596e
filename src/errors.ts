// The one closed union of rolecall's error codes. Every failure a user can meet is a RolecallError
// with one of these codes; the catalogue gives each a default hint and the exit status.
// docs/errors.md is generated from CATALOGUE (scripts/errors-doc.ts).

export const CATALOGUE = {
  // usage and input
  USAGE: { exit: 2, hint: 'Run `rolecall <command> --help` for the flags and arguments it takes.' },
  INPUT_INVALID: { exit: 1, hint: 'Check what was piped in: it must be the JSON that `aws sts` prints.' },
  INTERRUPTED: { exit: 130, hint: 'Stopped at a prompt (Ctrl-C; Esc in setup); nothing was written. Run the command again when you are ready.' },
  NO_TTY: {
    exit: 1,
    hint: 'Run the command in a terminal, or give the answer another way: a flag, an argument or an environment variable.',
  },
  // configuration
  CONFIG_SYNTAX: { exit: 2, hint: 'Fix the line named above; the AWS CLI would refuse it too.' },
  CONFIG_INVALID: { exit: 2, hint: 'Fix the value at the place named above.' },
  CONFIG_UNREADABLE: { exit: 2, hint: 'Check that the file exists and that you can read it.' },
  PROFILE_NOT_FOUND: { exit: 2, hint: 'List your profiles with `aws configure list-profiles`, or create one with `rolecall setup`.' },
  PROFILE_CYCLE: { exit: 2, hint: 'Break the loop: one profile in the chain must hold credentials instead of a source_profile.' },
  PROFILE_NO_CREDENTIALS: {
    exit: 2,
    hint: 'Give the profile keys, a source_profile, credential_source, web_identity_* settings or a SAML source; `rolecall doctor PROFILE` shows what it has.',
  },
  DURATION_INVALID: { exit: 2, hint: 'Use seconds (3600) or a Go duration (1h, 90m, 1h30m) between 15m and 12h.' },
  // MFA
  MFA_CODE_INVALID: { exit: 1, hint: 'Enter the current 6-digit code from the MFA device named by mfa_serial; codes change every 30 seconds.' },
  MFA_DEVICE_UNKNOWN: { exit: 2, hint: 'Name the MFA device in the IAM user\'s profile: mfa_serial = arn:aws:iam::ACCOUNT:mfa/DEVICE (`aws iam list-mfa-devices` shows it).' },
  // AWS STS / IAM
  STS_ACCESS_DENIED: {
    exit: 1,
    hint: "Check the role's trust policy: it must allow the principal that called (see `rolecall whoami` on the source profile) and its conditions (MFA, external id, audience).",
  },
  STS_EXPIRED_TOKEN: { exit: 1, hint: 'The credentials that signed the call have expired: run `rolecall clear PROFILE` and try again.' },
  STS_INVALID_CLIENT_TOKEN: {
    exit: 1,
    hint: 'The access key id is not known to AWS: check it where it came from (aws_access_key_id in the credentials file, AWS_ACCESS_KEY_ID, or `rolecall keys add`), or whether the key was deactivated.',
  },
  STS_SIGNATURE_MISMATCH: {
    exit: 1,
    hint: 'The secret access key does not belong to the access key id: check it where it came from (aws_secret_access_key in the credentials file, AWS_SECRET_ACCESS_KEY, or `rolecall keys add`).',
  },
  STS_REGION_DISABLED: { exit: 1, hint: 'STS is not enabled in this region for the account: use another region or enable it in IAM account settings.' },
  STS_DURATION: { exit: 1, hint: "Ask for a shorter duration, or raise the role's MaxSessionDuration." },
  STS_INVALID_IDENTITY_TOKEN: {
    exit: 1,
    hint: 'AWS refused the identity token: check that the IAM OIDC provider matches the issuer and its audience lists the client id.',
  },
  STS_IDP_REJECTED: { exit: 1, hint: 'AWS refused the identity provider: check the IAM identity provider registered for this issuer or SAML metadata.' },
  STS_POLICY_TOO_LARGE: {
    exit: 1,
    hint: 'AWS packs the session policy, the policy ARNs and session tags into one space of its own: shorten the policy (fewer statements, wildcards such as s3:Get*), pass fewer ARNs, or give the role a narrower policy of its own instead.',
  },
  STS_POLICY_MALFORMED: { exit: 1, hint: 'Fix the session policy (session_policy, --policy): it must be an IAM policy document AWS accepts, with Effect, Action and Resource in each statement.' },
  STS_THROTTLED: { exit: 1, hint: 'AWS is throttling the calls: wait a moment and try again; rolecall caches credentials so repeated calls do not call AWS.' },
  STS_UNAVAILABLE: { exit: 1, hint: 'The endpoint did not answer: check the network, endpoint_url and AWS_ENDPOINT_URL_STS.' },
  STS_ERROR: { exit: 1, hint: 'AWS refused the call; the message above is AWS\'s own.' },
  // any identity provider (OIDC, SAML, IAM Identity Center)
  IDP_ANSWER_TOO_LARGE: {
    exit: 1,
    hint: "Check the URL named above: it must be the identity provider's own endpoint, not a download, a stream or a proxy's page; if it is, its answer is broken.",
  },
  // OIDC
  OIDC_DISCOVERY: { exit: 1, hint: 'Check the issuer URL: its /.well-known/openid-configuration must answer with the provider metadata.' },
  OIDC_INSECURE: {
    exit: 1,
    hint: 'Use an https URL. Plain http is only accepted for loopback addresses, or with web_identity_allow_insecure = true (not recommended).',
  },
  OIDC_CALLBACK: { exit: 1, hint: 'The browser came back with an answer that does not belong to this login; start the login again.' },
  OIDC_TIMEOUT: {
    exit: 1,
    hint: 'Nobody finished the login in time: run the command again, raise web_identity_timeout in the profile (seconds or 10m; 300 by default) for a slower login, or use --device on a machine without a browser.',
  },
  OIDC_DENIED: { exit: 1, hint: 'The identity provider refused the login or consent: check your account and the client permissions.' },
  OIDC_TOKEN_INVALID: { exit: 1, hint: 'The identity provider sent a token that failed validation: check the issuer, client id and the clock.' },
  OIDC_GRANT_UNSUPPORTED: {
    exit: 1,
    hint: 'The identity provider does not allow this grant for the client: use the browser flow (default) or --device.',
  },
  OIDC_DEVICE_EXPIRED: { exit: 1, hint: 'The device code expired before the login was finished: run the command again and finish it sooner.' },
  OIDC_ERROR: { exit: 1, hint: 'The identity provider returned an error; the message above is its own.' },
  BROWSER_LAUNCH: { exit: 1, hint: 'Set the browser with the agent setting or $BROWSER, or pass --no-browser and open the printed URL yourself.' },
  // SAML
  SAML_INSECURE: {
    exit: 1,
    hint: 'Use an https assertion URL, or opt in explicitly: saml_allow_insecure = true in the profile, or SAML_IDP_ALLOW_INSECURE=true beside the SAML_IDP_* variables of rolecall assume (the password would travel in clear text).',
  },
  SAML_ASSERTION_INVALID: { exit: 1, hint: 'The identity provider returned something that is not a SAML Response: check the assertion URL and the IdP logs.' },
  SAML_NO_ROLES: { exit: 1, hint: 'The assertion lists no AWS roles: the IdP administrator must map the https://aws.amazon.com/SAML/Attributes/Role attribute.' },
  SAML_ROLE_NOT_FOUND: { exit: 1, hint: 'Pick one of the roles the assertion lists, or ask the IdP administrator to grant the role.' },
  SAML_ERROR: { exit: 1, hint: 'The SAML identity provider returned an error; the message above is its own.' },
  SAML_BROWSER_NOT_FOUND: {
    exit: 1,
    hint: 'Install Google Chrome, Microsoft Edge, Chromium or Brave, or name the browser in the profile: saml_browser = chrome | edge | chromium | brave, or the full path of its executable. rolecall never downloads a browser.',
  },
  SAML_BROWSER_FAILED: { exit: 1, hint: 'Check that the browser starts by hand; run with --debug for its own messages, or name another with saml_browser.' },
  SAML_BROWSER_SIGN_IN_NEEDED: {
    exit: 1,
    hint: 'Sign in once in a browser window (saml_browser_headless = auto or false, on a machine with a display); the saved session then serves runs without a window.',
  },
  SAML_BROWSER_TIMEOUT: {
    exit: 1,
    hint: "Finish the sign-in sooner or raise saml_browser_timeout; if the page named above is not a sign-in step, saml_sso_url may not be the identity provider's start URL for the AWS app.",
  },
  SAML_BROWSER_CLOSED: { exit: 1, hint: 'Run the command again and finish the sign-in in the window rolecall opens; it closes by itself once the provider has posted to AWS.' },
  // IAM Identity Center
  SSO_NO_ACCESS: {
    exit: 1,
    hint: 'Check sso_account_id and sso_role_name: `rolecall list-roles --sso-session NAME` lists the accounts and roles you may use; an administrator assigns the others.',
  },
  SSO_ERROR: { exit: 1, hint: 'IAM Identity Center refused the call; the message above is its own. Check sso_start_url and sso_region.' },
  TOKEN_EXCHANGE_UNSUPPORTED: {
    exit: 1,
    hint: 'Enable OAuth 2.0 Token Exchange for this client at the identity provider (Keycloak: the token-exchange feature and permission).',
  },
  // local state
  KEYRING_UNAVAILABLE: {
    exit: 1,
    hint: 'Set ROLECALL_SECRETS_KEY (64 hex digits from `openssl rand -hex 32`, or a passphrase) to keep secrets in an encrypted file, or start a Secret Service (gnome-keyring); `rolecall doctor` shows what was tried.',
  },
  KEYRING_ERROR: { exit: 1, hint: 'The OS keyring refused the operation; check that it is unlocked.' },
  CACHE_ERROR: { exit: 1, hint: 'Check the cache directory (ROLECALL_CACHE_DIR): it must be yours, mode 0700.' },
  LOCK_TIMEOUT: { exit: 1, hint: 'Another rolecall process holds the login lock for this profile; finish or stop it, then try again.' },
  // exec, servers, console
  EXEC_FAILED: { exit: 127, hint: 'Check the command name and your PATH.' },
  EXEC_NOT_EXECUTABLE: { exit: 126, hint: 'Check that the file is a program you may run (chmod +x), not a directory.' },
  CREDENTIAL_PROCESS_FAILED: { exit: 1, hint: "Run the profile's credential_process command by hand to see what it says." },
  SERVER_ERROR: { exit: 1, hint: 'The loopback credential server could not start; try again or use exec without --server.' },
  CONSOLE_ERROR: { exit: 1, hint: 'The AWS federation endpoint refused the session; the message above is its own.' },
  NETWORK: { exit: 1, hint: 'The host did not answer: check the URL, the network and any proxy settings.' },
  INTERNAL: { exit: 70, hint: 'This is a bug in rolecall: please report it with the output of --debug (secrets are redacted).' },
} as const satisfies Record<string, { exit: number; hint: string }>;

export type ErrorCode = keyof typeof CATALOGUE;

export class RolecallError extends Error {
  readonly code: ErrorCode;
  readonly hint: string;
  override readonly name = 'RolecallError';

  constructor(code: ErrorCode, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint ?? CATALOGUE[code].hint;
  }

  get exitCode(): number {
    return CATALOGUE[this.code].exit;
  }
}

export function isRolecallError(e: unknown): e is RolecallError {
  return e instanceof RolecallError;
}
