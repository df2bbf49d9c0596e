// rolecall exec [PROFILE] -- CMD ARGS
import { resolveCredentials } from '../app/resolve-credentials';
import { runChild } from '../app/exec';
import { RolecallError } from '../errors';
import { CLEARED_VARIABLES, credentialEnv } from '../output/render';
import type { Command } from './command';
import { CREDENTIAL_HELP, CREDENTIAL_OPTIONS, credentialRequest } from './credential-flags';

export const command: Command = {
  name: 'exec',
  usage: 'rolecall exec [PROFILE] [--server ecs|imds] -- CMD [ARGS...]',
  takesRest: true,
  options: { ...CREDENTIAL_OPTIONS, server: { type: 'string' } },
  help: `Runs CMD with the profile's credentials in its environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
AWS_SESSION_TOKEN, AWS_CREDENTIAL_EXPIRATION, AWS_REGION). AWS_PROFILE is removed for the child (it would
point the SDKs back at the profile) and passed on as AWSRUNAS_PROFILE. CMD's exit status is rolecall's.

${CREDENTIAL_HELP}

Examples:
  rolecall exec prod -- aws s3 ls
  AWS_PROFILE=prod rolecall exec -- terraform plan`,
  async run(parsed, ctx) {
    const [program, ...args] = parsed.rest;
    if (!program) {
      throw new RolecallError('USAGE', 'rolecall exec needs a command after --', { hint: 'Usage: rolecall exec [PROFILE] -- CMD [ARGS...], e.g. rolecall exec prod -- aws sts get-caller-identity' });
    }
    if (parsed.positionals.length > 1) {
      throw new RolecallError('USAGE', `rolecall exec takes one PROFILE before --, got: ${parsed.positionals.join(' ')}`, {
        hint: 'Put -- between the profile and the command: rolecall exec PROFILE -- CMD [ARGS...]',
      });
    }
    const { credentials, plan } = await resolveCredentials(credentialRequest(parsed, parsed.positionals[0]), ctx);
    const env: NodeJS.ProcessEnv = { ...ctx.env };
    for (const name of CLEARED_VARIABLES) delete env[name];
    Object.assign(env, credentialEnv({ credentials, region: plan.region?.value, extra: { AWSRUNAS_PROFILE: plan.profile.name } }));
    return runChild({ command: program, args, env, log: ctx.log });
  },
};
