// rolecall password PROFILE: keeps the IdP password of an aws-runas style profile in the OS
// keyring (or the 0600 file backend the user opted into), never in plain text in a config file.
import { RolecallError } from '../errors';
import { passwordSecretName } from '../store/secret-names';
import { openSecretStore } from '../store/secrets';
import { booleanFlag } from './args';
import type { Command } from './command';

export const command: Command = {
  name: 'password',
  usage: 'rolecall password PROFILE [--delete]',
  options: { delete: { type: 'boolean' } },
  help: `Asks twice for the identity provider password of PROFILE on the terminal and stores it in the
OS keyring. The password login (web_identity_flow = password, or aws-runas profiles with
web_identity_username) uses it when neither -P nor WEB_IDENTITY_PASSWORD is given, for PROFILE
and for every profile that inherits from it (source_profile, or default).
Without a Secret Service (Linux servers, containers, SSH sessions) it goes to the kernel keyring,
or to an encrypted file when ROLECALL_SECRETS_KEY is set; rolecall says which it uses (see
ROLECALL_KEYRING in docs/configuration.md).

  --delete   forget the stored password

Examples:
  rolecall password my-profile
  rolecall password my-profile --delete`,
  async run(parsed, ctx) {
    const profile = parsed.positionals[0] ?? parsed.globals.profile ?? ctx.env.AWS_PROFILE;
    if (!profile || parsed.positionals.length > 1) {
      throw new RolecallError('USAGE', 'rolecall password takes exactly one PROFILE', { hint: `Usage: ${command.usage}` });
    }
    const secrets = openSecretStore({ env: ctx.env, home: ctx.home, log: ctx.log, clock: ctx.clock });
    if (booleanFlag(parsed, 'delete')) {
      const removed = await secrets.delete(passwordSecretName(profile));
      ctx.log.info(removed ? `Forgot the stored password of profile ${profile}.` : `No password was stored for profile ${profile}.`);
      return 0;
    }
    const hint = 'rolecall password reads the password from a terminal only (never from arguments or a pipe): run it in one.';
    const password = await ctx.prompt.ask(`Password for profile ${profile}:`, { secret: true, hint });
    if (password === '') throw new RolecallError('USAGE', 'the password is empty; nothing was stored', { hint: 'Run the command again and type the password.' });
    ctx.log.redact(password);
    const again = await ctx.prompt.ask('Type it again:', { secret: true, hint });
    if (again !== password) {
      throw new RolecallError('USAGE', 'the two passwords differ; nothing was stored', { hint: 'Run the command again and type the same password twice.' });
    }
    await secrets.set(passwordSecretName(profile), password);
    ctx.log.info(`Stored the password of profile ${profile} in ${(await secrets.choice()).name}.`);
    return 0;
  },
};
