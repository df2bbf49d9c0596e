// rolecall exec [PROFILE] [--] CMD ARGS
import { resolveCredentials } from '../credentials/resolve';
import { runChild } from '../app/exec';
import { RolecallError } from '../errors';
import { defaultProfileShadow } from '../app/server-shadow';
import { serveProfile } from '../app/serve-profile';
import { listProfiles, readConfigFiles } from '../config/files';
import { CLEARED_VARIABLES, credentialEnv } from '../output/render';
import { stringFlag } from './args';
import type { Command } from './command';
import { CREDENTIAL_HELP, CREDENTIAL_OPTIONS, credentialRequest } from './credential-flags';

/**
 * `exec PROFILE CMD ...`; `exec CMD ...` when --profile or AWS_PROFILE names the profile and the first
 * word is no profile (aws-runas's rule, so `AWS_PROFILE=p rolecall exec bash -c ...` runs bash).
 */
export const profileOrCommand: NonNullable<Command['runsCommand']> = {
  ownPositionals(first, given, { env, home }) {
    if (!given.profileFlag && !env.AWS_PROFILE) return 1;
    return listProfiles(readConfigFiles(env, home)).includes(first) ? 1 : 0;
  },
};

export const command: Command = {
  name: 'exec',
  usage: 'rolecall exec [PROFILE] [--server ecs|imds [--server-address IP]] [--] [CMD [ARGS...]]',
  runsCommand: profileOrCommand,
  options: { ...CREDENTIAL_OPTIONS, server: { type: 'string' }, 'server-address': { type: 'string' } },
  help: `Runs CMD with the profile's credentials in its environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
AWS_SESSION_TOKEN, AWS_CREDENTIAL_EXPIRATION, AWS_REGION). AWS_PROFILE is removed for the child (it would
point the SDKs back at the profile) and passed on as AWSRUNAS_PROFILE. CMD's exit status is rolecall's.

Without CMD, your shell ($SHELL) starts with the credentials, as aws-oidc exec and aws-vault exec do.

rolecall's flags come before CMD; everything from CMD on is CMD's, so \`--\` is optional. The first word
after the flags is PROFILE, unless --profile or AWS_PROFILE names the profile and that word is no
profile in your config: then it is CMD (as aws-runas reads \`AWS_PROFILE=p aws-runas aws s3 ls\`).

Flags:
  --server ecs|imds  serve the credentials from a loopback server instead (ECS container credentials or
                     IMDSv2), renewed before they expire: for jobs that outlive the role session
  --server-address IP  with --server ecs: listen on this address of this machine instead of 127.0.0.1,
                     for containers (e.g. 169.254.170.2, which the AWS SDKs accept; never 0.0.0.0);
                     the token is still required on every request

${CREDENTIAL_HELP}

Examples:
  rolecall exec prod aws s3 ls
  rolecall exec prod --server ecs -- terraform apply
  rolecall exec prod --server ecs --server-address 169.254.170.2 -- \\
    docker run -e AWS_CONTAINER_CREDENTIALS_FULL_URI -e AWS_CONTAINER_AUTHORIZATION_TOKEN amazon/aws-cli s3 ls
  AWS_PROFILE=prod rolecall exec terraform plan
  AWS_PROFILE=prod rolecall exec bash -c 'aws s3 ls "$BUCKET"'`,
  async run(parsed, ctx) {
    // no CMD: your shell, as aws-oidc exec and aws-vault exec start it
    const [program, ...args] = parsed.rest.length ? parsed.rest : ctx.env.SHELL ? [ctx.env.SHELL] : [];
    if (!program) {
      throw new RolecallError('USAGE', 'rolecall exec needs a command to run', {
        hint: 'Usage: rolecall exec [PROFILE] [--] CMD [ARGS...], e.g. rolecall exec prod aws sts get-caller-identity (without CMD: the shell $SHELL names, which is not set)',
      });
    }
    if (parsed.positionals.length > 1) {
      throw new RolecallError('USAGE', `rolecall exec takes one PROFILE before --, got: ${parsed.positionals.join(' ')}`, {
        hint: 'Put -- between the profile and the command: rolecall exec PROFILE -- CMD [ARGS...]',
      });
    }
    const server = stringFlag(parsed, 'server');
    if (server !== undefined && server !== 'ecs' && server !== 'imds') {
      throw new RolecallError('USAGE', `rolecall exec --server takes ecs or imds, not "${server}"`, { hint: 'Use --server ecs (most SDKs) or --server imds (tools that only speak EC2 metadata).' });
    }
    const addressFlag = stringFlag(parsed, 'server-address');
    if (addressFlag !== undefined && server !== 'ecs') {
      throw new RolecallError('USAGE', `rolecall exec --server-address needs --server ecs${server === 'imds' ? ', not imds: the metadata protocol has no token, so it stays on loopback' : ''}`, {
        hint: 'Use --server ecs --server-address IP: every request must then carry the token.',
      });
    }
    const { listenAddress } = await import('../server/address');
    const address = addressFlag === undefined ? undefined : listenAddress(addressFlag, '--server-address');
    const request = credentialRequest(parsed, parsed.positionals[0]);
    const { credentials, plan } = await resolveCredentials(request, ctx);
    const env: NodeJS.ProcessEnv = { ...ctx.env };
    for (const name of CLEARED_VARIABLES) delete env[name];
    const extra = { AWSRUNAS_PROFILE: plan.profile.name };
    if (!parsed.rest.length) ctx.log.info(`Starting ${program} with the credentials of profile ${plan.profile.name}; exit it to go back.`);
    if (!server) {
      Object.assign(env, credentialEnv({ credentials, region: plan.region?.value, extra }));
      return runChild({ command: program, args, env, log: ctx.log });
    }
    // long jobs: a loopback server hands out credentials and renews them through the cache and its lock
    const shadow = defaultProfileShadow(readConfigFiles(ctx.env, ctx.home));
    if (shadow) {
      ctx.log.warn(
        `the child's AWS SDKs will find ${shadow.what} before the credential server, and use that instead of profile ${plan.profile.name}; ` +
          `to hide it from the child: rolecall exec ${plan.profile.name} --server ${server} -- env ${shadow.variable}=/dev/null ${program} ...`,
      );
    }
    const running = await serveProfile(server, request, credentials, ctx, { address });
    for (const name of running.unsetEnv) delete env[name];
    Object.assign(env, running.env, extra, plan.region ? { AWS_REGION: plan.region.value, AWS_DEFAULT_REGION: plan.region.value } : {});
    try {
      return await runChild({ command: program, args, env, log: ctx.log });
    } finally {
      await running.close();
    }
  },
};
