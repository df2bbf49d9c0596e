// The resource-owner password grant of aws-runas profiles. The password comes from -P, then
// WEB_IDENTITY_PASSWORD, then the secret store (`rolecall password PROFILE`, for the profile or one
// it inherits its web_identity_* settings from), then what `aws-runas password` stored in the
// credentials file, then a prompt on the terminal (aws-runas's precedence, with the keyring
// first); it is redacted from every log line as soon as it is known. Okta's sign-in
// (./okta-flow.ts) takes the username and password from here too.
//
// Keycloak's direct grant takes the user's one-time code as `totp` when the realm asks for one, and
// answers a missing code exactly as a wrong password (401 invalid_grant "Invalid user credentials").
// So with mfa_type = code (or totp) the code goes with the first request; with auto, a refusal is
// followed by one more attempt with a code, when there is a way to get one (mfa_process, --mfa-code,
// a terminal); with none, never.
import * as oidc from 'openid-client';
import { RolecallError } from '../../errors';
import type { Logger } from '../../platform/logger';
import type { Prompter } from '../../platform/tty';
import type { OidcClient } from './client';
import { oidcError } from './errors';
import { PROVIDER_NAMES } from './provider';
import type { SignInSettings } from './settings';
import type { SecretStoreLike } from '../../store/secrets';
import { passwordSecretName } from '../../store/secret-names';

/** Where a password and a one-time code may come from (sign-in.ts's SignInDeps holds these too). */
export interface PasswordDeps {
  env: NodeJS.ProcessEnv;
  log: Logger;
  prompt: Prompter;
  secrets: SecretStoreLike;
  /** the profile asked for, then those it inherits from: a stored password is looked up in that order */
  profiles: string[];
  passwordFlag?: string;
  /** the password `aws-runas password` stored for the IdP at this URL (credentials file), decoded, with where it is */
  awsRunasPassword?(issuer: string): { password: string; where: string } | undefined;
  /** a one-time code for the provider's MFA (Okta, Keycloak): --mfa-code, mfa_process, or asked on the terminal */
  mfaCode?(who: string): Promise<string>;
  /** after the provider refused a code typed at the terminal (`why` says so): another one typed there; undefined otherwise */
  mfaCodeAgain?(who: string, why: string): Promise<string | undefined>;
}

type PasswordOrigin = 'flag' | 'env' | 'store' | 'aws-runas' | 'prompt';

async function storedPassword(secrets: SecretStoreLike, profiles: string[], log: Logger): Promise<{ password: string; profile: string } | undefined> {
  try {
    for (const profile of profiles) {
      const password = await secrets.get(passwordSecretName(profile));
      if (password) return { password, profile };
    }
  } catch (error) {
    log.debug(`no stored password: ${(error as Error).message}`);
  }
  return undefined;
}

/** who signs in, and where the password came from (for the hint when it is refused) */
export interface UserCredentials {
  username: string;
  password: string;
  origin: PasswordOrigin;
  /** the profile a stored password belongs to, or the one to store it for */
  storedFor: string;
  /** the file aws-runas's password came from */
  runasWhere?: string;
}

export async function userCredentials(client: OidcClient, settings: SignInSettings, deps: PasswordDeps): Promise<UserCredentials> {
  let storedFor = deps.profiles[0] ?? 'default';
  const username = settings.username?.value ?? (await deps.prompt.ask(`Username for ${client.issuer}:`, { hint: 'Set web_identity_username in the profile, or WEB_IDENTITY_USERNAME.' }));
  let origin: PasswordOrigin = 'flag';
  let password = deps.passwordFlag;
  if (!password && deps.env.WEB_IDENTITY_PASSWORD) [password, origin] = [deps.env.WEB_IDENTITY_PASSWORD, 'env'];
  if (!password) {
    const stored = await storedPassword(deps.secrets, deps.profiles, deps.log);
    if (stored) [password, origin, storedFor] = [stored.password, 'store', stored.profile];
  }
  let runasWhere: string | undefined;
  if (!password) {
    const stored = deps.awsRunasPassword?.(settings.issuer.value);
    if (stored) [password, origin, runasWhere] = [stored.password, 'aws-runas', stored.where];
  }
  if (!password) {
    password = await deps.prompt.ask(`Password for ${username} at ${client.issuer}:`, { secret: true, hint: `Store it with \`rolecall password ${storedFor}\` (in a terminal), or set WEB_IDENTITY_PASSWORD.` });
    origin = 'prompt';
  }
  deps.log.redact(password);
  return { username, password, origin, storedFor, runasWhere };
}

/** the provider refused the username and password: say where the password came from */
export function credentialsRefused(message: string, user: UserCredentials, cause: unknown): RolecallError {
  if (user.origin === 'aws-runas') {
    return new RolecallError('OIDC_DENIED', `${message}; the password came from ${user.runasWhere}, stored by aws-runas`, {
      hint: `If the password changed, store the new one with \`rolecall password ${user.storedFor}\` (the OS keyring, tried first; repeated failures may lock the account).`,
      cause,
    });
  }
  if (user.origin === 'store') {
    return new RolecallError('OIDC_DENIED', `${message}; the password came from the secret store`, {
      hint: `If the password changed, store the new one with \`rolecall password ${user.storedFor}\` (repeated failures may lock the account).`,
      cause,
    });
  }
  const from = { flag: '-P', env: 'WEB_IDENTITY_PASSWORD', store: 'the secret store', 'aws-runas': user.runasWhere, prompt: 'the prompt' }[user.origin];
  return new RolecallError('OIDC_DENIED', message, {
    hint: `Check the username (${user.username}) and the password (from ${from}); repeated failures may lock the account.`,
    cause,
  });
}

/** rolecall has no password sign-in for these: their own APIs need a browser or an API key */
export function refuseBrowserOnlyProvider(client: OidcClient): void {
  if (client.provider !== 'onelogin' && client.provider !== 'azuread' && client.provider !== 'forgerock') return;
  throw new RolecallError('OIDC_GRANT_UNSUPPORTED', `${PROVIDER_NAMES[client.provider]} (${client.issuer}) takes no username and password from rolecall: aws-runas signed in there through the provider's own API`, {
    hint: "Sign in through the provider's own page: set web_identity_flow = browser, or pass --device on a machine without a browser (the provider's MFA works there). See docs/migrate-from-aws-runas.md.",
  });
}

export async function passwordLogin(client: OidcClient, settings: SignInSettings, scopes: string[], deps: PasswordDeps): Promise<oidc.TokenEndpointResponse> {
  refuseBrowserOnlyProvider(client);
  const user = await userCredentials(client, settings, deps);
  const keycloak = client.provider === 'keycloak';
  const codeFor = () => oneTimeCode(client, user, deps);
  const grant = (totp?: string) => oidc.genericGrantRequest(client.config, 'password', { username: user.username, password: user.password, scope: scopes.join(' '), ...(totp ? { totp } : {}) });
  const codeFirst = keycloak && (settings.mfaType === 'code' || settings.mfaType === 'totp');
  try {
    return await grant(codeFirst ? await codeFor() : undefined);
  } catch (error) {
    const mapped = oidcError(error, `the password login for ${user.username}`, client.issuer);
    if (mapped.code === 'OIDC_GRANT_UNSUPPORTED') {
      throw new RolecallError('OIDC_GRANT_UNSUPPORTED', `${mapped.message}: this identity provider does not accept passwords from rolecall`, {
        hint: 'Log in through the browser instead: set web_identity_flow = browser (or pass --device on a machine without a browser).',
        cause: error,
      });
    }
    if (mapped.code !== 'OIDC_DENIED') throw mapped;
    if (keycloak && settings.mfaType === 'auto') return keycloakWithCode(client, grant, codeFor, mapped, user, deps.log);
    throw credentialsRefused(mapped.message, user, error);
  }
}

function oneTimeCode(client: OidcClient, user: UserCredentials, deps: Pick<PasswordDeps, 'mfaCode'>): Promise<string> {
  if (!deps.mfaCode) throw new RolecallError('NO_TTY', `${PROVIDER_NAMES[client.provider]} asks ${user.username} for a one-time code and there is no way to ask for one`);
  return deps.mfaCode(`${user.username} at ${client.issuer}`);
}

/** Keycloak refused the password alone: it may want the code (it answers both the same way) */
async function keycloakWithCode(
  client: OidcClient,
  grant: (totp?: string) => Promise<oidc.TokenEndpointResponse>,
  codeFor: () => Promise<string>,
  refused: RolecallError,
  user: UserCredentials,
  log: Logger,
): Promise<oidc.TokenEndpointResponse> {
  log.info('Keycloak refused the password alone, as it does when the account also needs its one-time code: asking for the code.');
  let code: string;
  try {
    code = await codeFor();
  } catch (error) {
    // no way to ask: the refusal is the news
    if (error instanceof RolecallError && error.code === 'NO_TTY') throw credentialsRefused(`${refused.message}; if the account has a one-time code, set mfa_type = code and mfa_process, or run in a terminal`, user, refused);
    throw error;
  }
  try {
    return await grant(code);
  } catch (error) {
    const mapped = oidcError(error, `the password login for ${user.username} with a one-time code`, client.issuer);
    if (mapped.code !== 'OIDC_DENIED') throw mapped;
    throw new RolecallError('OIDC_DENIED', `${mapped.message}: the password or the one-time code is wrong (Keycloak does not say which)`, {
      hint: `Check the username (${user.username}), the password and the code of the authenticator app; set mfa_type = code to send the code with the first attempt (repeated failures may lock the account).`,
      cause: error,
    });
  }
}
