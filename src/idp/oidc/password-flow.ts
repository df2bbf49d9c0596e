// The resource-owner password grant of aws-runas profiles. The password comes from -P, then
// WEB_IDENTITY_PASSWORD, then the secret store (`rolecall password PROFILE`, for the profile or one
// it inherits its web_identity_* settings from), then what `aws-runas password` stored in the
// credentials file, then a prompt on the terminal (aws-runas's precedence, with the keyring
// first); it is redacted from every log line as soon as it is known.
import * as oidc from 'openid-client';
import { RolecallError } from '../../errors';
import type { Logger } from '../../platform/logger';
import type { Prompter } from '../../platform/tty';
import type { OidcClient } from './client';
import { oidcError } from './errors';
import type { SignInSettings } from './settings';
import type { SecretStoreLike } from '../../store/secrets';
import { passwordSecretName } from '../../store/secret-names';

/** Where a password may come from (sign-in.ts's SignInDeps holds these too). */
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

export async function passwordLogin(
  client: OidcClient,
  settings: SignInSettings,
  scopes: string[],
  deps: PasswordDeps,
): Promise<oidc.TokenEndpointResponse> {
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
  try {
    return await oidc.genericGrantRequest(client.config, 'password', { username, password, scope: scopes.join(' ') });
  } catch (error) {
    const mapped = oidcError(error, `the password login for ${username}`, client.issuer);
    if (mapped.code === 'OIDC_GRANT_UNSUPPORTED') {
      throw new RolecallError('OIDC_GRANT_UNSUPPORTED', `${mapped.message}: this identity provider does not accept passwords from rolecall`, {
        hint: 'Log in through the browser instead: set web_identity_flow = browser (or pass --device on a machine without a browser).',
        cause: error,
      });
    }
    if (mapped.code === 'OIDC_DENIED' && origin === 'aws-runas') {
      throw new RolecallError('OIDC_DENIED', `${mapped.message}; the password came from ${runasWhere}, stored by aws-runas`, {
        hint: `If the password changed, store the new one with \`rolecall password ${storedFor}\` (the OS keyring, tried first; repeated failures may lock the account).`,
        cause: error,
      });
    }
    if (mapped.code === 'OIDC_DENIED' && origin === 'store') {
      throw new RolecallError('OIDC_DENIED', `${mapped.message}; the password came from the secret store`, {
        hint: `If the password changed, store the new one with \`rolecall password ${storedFor}\` (repeated failures may lock the account).`,
        cause: error,
      });
    }
    if (mapped.code === 'OIDC_DENIED') {
      const from = { flag: '-P', env: 'WEB_IDENTITY_PASSWORD', store: 'the secret store', 'aws-runas': runasWhere, prompt: 'the prompt' }[origin];
      throw new RolecallError('OIDC_DENIED', mapped.message, {
        hint: `Check the username (${username}) and the password (from ${from}); repeated failures may lock the account.`,
        cause: error,
      });
    }
    throw mapped;
  }
}
