// The username and password for coinbase's SAML POST API. Username: saml_username (profile, flag
// or env through config), then ~/.saml/credentials, then a prompt. Password: -P, SAML_PASSWORD,
// ~/.saml/credentials (when it is that user's), the OS keyring ("saml-password:URL|USER", then the
// "password:PROFILE" that `rolecall password PROFILE` writes, for the profile or one it inherits
// from), then a hidden prompt on /dev/tty.
import type { SamlPostApi } from '../../plan/saml';
import { readSamlCredentials, samlCredentialsPath } from '../../config/saml-credentials';
import { describeSource } from '../../config/source';
import { RolecallError, isRolecallError } from '../../errors';
import type { Logger } from '../../platform/logger';
import type { Prompter } from '../../platform/tty';
import { passwordSecretName, samlPasswordSecretName } from '../../store/secret-names';
import type { SecretStoreLike } from '../../store/secrets';

export interface SamlLogin {
  username: string;
  password: string;
}

export interface SamlLoginDeps {
  env: NodeJS.ProcessEnv;
  home: string;
  log: Logger;
  prompt: Prompter;
  secrets: Pick<SecretStoreLike, 'get'>;
  /** the profile asked for, then those it inherits from: a password stored for one of them applies */
  profiles: string[];
  /** -P on the command line */
  passwordFlag?: string;
}

/** A machine without a keyring can still answer a prompt: that is not a reason to fail. */
async function fromKeyring(deps: SamlLoginDeps, names: string[]): Promise<string | undefined> {
  try {
    for (const name of names) {
      const value = await deps.secrets.get(name);
      if (value) return value;
    }
    return undefined;
  } catch (error) {
    if (!isRolecallError(error) || error.code !== 'KEYRING_UNAVAILABLE') throw error;
    deps.log.debug(`no keyring to look up the SAML password in: ${error.message}`);
    return undefined;
  }
}

export async function samlLogin(api: Pick<SamlPostApi, 'url' | 'username'>, deps: SamlLoginDeps): Promise<SamlLogin> {
  const url = api.url.value;
  const host = URL.canParse(url) ? new URL(url).host : url;
  const file = samlCredentialsPath(deps.home);
  const stored = readSamlCredentials(deps.home, deps.log);

  const configured = api.username;
  if (configured) deps.log.debug(`SAML username from ${describeSource(configured.source)}`);
  const username =
    configured?.value || stored.username?.value || (await deps.prompt.ask(`SAML username for ${host}:`, { hint: `Set saml_username in the profile, or username in ${file}.` }));
  if (!username) throw new RolecallError('USAGE', 'no SAML username was given', { hint: 'Set saml_username in the profile or username in ~/.saml/credentials.' });

  // the file's password belongs to the file's user
  const filePassword = !stored.username || stored.username.value === username ? stored.password?.value : undefined;
  const password =
    deps.passwordFlag ||
    deps.env.SAML_PASSWORD ||
    filePassword ||
    (await fromKeyring(deps, [samlPasswordSecretName(url, username), ...deps.profiles.map(passwordSecretName)])) ||
    (await deps.prompt.ask(`SAML password for ${username} at ${host}:`, { secret: true, hint: 'Store it with `rolecall password PROFILE` (in a terminal), or set SAML_PASSWORD.' }));
  if (!password) throw new RolecallError('USAGE', 'no SAML password was given', { hint: 'Type the password at the prompt, or store it with `rolecall password PROFILE`.' });
  deps.log.redact(password);
  return { username, password };
}
