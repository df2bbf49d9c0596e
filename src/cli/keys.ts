// rolecall keys add|rm PROFILE: moves a bastion IAM user's long-lived keys out of the plain
// credentials file into the OS keyring ("keys:PROFILE"), where the plan finds them when the
// credentials file has none for the profile.
import { RolecallError } from '../errors';
import { readConfigFiles } from '../config/files';
import { openSecretStore } from '../store/secrets';
import type { Command } from './command';
import { keysSecretName } from '../store/secret-names';


const ACCESS_KEY_ID = /^[A-Z0-9]{16,128}$/;

export const command: Command = {
  name: 'keys',
  usage: 'rolecall keys add|rm PROFILE',
  options: {},
  help: `Keeps the access key of an IAM user (a bastion profile with MFA, as coinbase assume-role uses) in the OS keyring
instead of the plain-text credentials file. \`add\` asks for the access key id and secret on the
terminal; \`rm\` forgets them. A profile without keys in the credentials file uses the stored ones.
Without a Secret Service they go to the kernel keyring, or to an encrypted file when
ROLECALL_SECRETS_KEY is set (see ROLECALL_KEYRING in docs/configuration.md).

Examples:
  rolecall keys add bastion     # then delete [bastion]'s two key lines from ~/.aws/credentials
  rolecall keys rm bastion`,
  async run(parsed, ctx) {
    const [action, profile, ...extra] = parsed.positionals;
    if ((action !== 'add' && action !== 'rm') || !profile || extra.length) {
      throw new RolecallError('USAGE', `rolecall keys takes add or rm and one PROFILE, got: ${parsed.positionals.join(' ') || 'nothing'}`, {
        hint: `Usage: ${command.usage}`,
      });
    }
    const secrets = openSecretStore({ env: ctx.env, home: ctx.home, log: ctx.log });
    const where = (await secrets.choice()).name;
    if (action === 'rm') {
      const removed = await secrets.delete(keysSecretName(profile));
      ctx.log.info(removed ? `Removed the keys of profile ${profile} from ${where}.` : `No keys were stored for profile ${profile} in ${where}.`);
      return 0;
    }
    const hint = 'rolecall keys add reads the keys from a terminal only (never from arguments or a pipe): run it in one.';
    const accessKeyId = await ctx.prompt.ask(`AWS access key id for profile ${profile}:`, { hint });
    if (!ACCESS_KEY_ID.test(accessKeyId)) {
      throw new RolecallError('INPUT_INVALID', `"${accessKeyId}" does not look like an AWS access key id; nothing was stored`, {
        hint: 'Access key ids are 16 or more upper-case letters and digits, like AKIAIOSFODNN7EXAMPLE.',
      });
    }
    const secretAccessKey = await ctx.prompt.ask('AWS secret access key:', { secret: true, hint });
    if (secretAccessKey === '') throw new RolecallError('INPUT_INVALID', 'the secret access key is empty; nothing was stored', { hint: 'Run the command again and paste the secret.' });
    ctx.log.redact(secretAccessKey);
    await secrets.set(keysSecretName(profile), JSON.stringify({ accessKeyId, secretAccessKey }));
    ctx.log.info(`Stored the keys of profile ${profile} in ${where}.`);
    const files = readConfigFiles(ctx.env, ctx.home);
    const left = ['aws_access_key_id', 'aws_secret_access_key'].filter((key) => files.credentialProfiles.get(profile)?.values.has(key));
    if (left.length) {
      // both lines go: a key id left alone is a profile with half its keys, refused by rolecall and the AWS CLI alike
      ctx.log.warn(`${files.credentials.path} still holds ${left.join(' and ')} for [${profile}], which ${left.length > 1 ? 'win' : 'wins'} over the keyring: delete ${left.length > 1 ? 'both lines' : 'that line'} there.`);
    }
    return 0;
  },
};
