// rolecall whoami [PROFILE]
import { resolveCredentials } from '../credentials/resolve';
import { RolecallError } from '../errors';
import { createSts } from '../sts/client';
import { accountAlias } from '../sts/iam';
import { envValue, environmentProfile } from '../config/env';
import type { Command } from './command';
import { CREDENTIAL_HELP, CREDENTIAL_OPTIONS, credentialRequest } from './credential-flags';
import { printable } from '../platform/printable';

export const command: Command = {
  name: 'whoami',
  usage: 'rolecall whoami [PROFILE] [--json]',
  options: CREDENTIAL_OPTIONS,
  help: `Gets the profile's credentials (from the cache when fresh), asks STS who they are
(GetCallerIdentity), and shows the ARN, the account and its alias (IAM ListAccountAliases, when the
credentials may call it), when they expire and the steps that made them.

With no PROFILE, --profile or AWS_PROFILE, and keys in the environment (AWS_ACCESS_KEY_ID, ...), it
shows those, as the AWS CLI would use them: what \`eval "$(rolecall assume ...)"\` or from-sts set.

${CREDENTIAL_HELP}`,
  async run(parsed, ctx) {
    const named = parsed.positionals[0] ?? parsed.globals.profile ?? envValue(ctx.env, 'AWS_PROFILE')?.value;
    const inEnvironment = named === undefined ? environmentProfile(ctx.env) : undefined;
    const request = inEnvironment ? { profile: inEnvironment, refresh: false, noCache: true } : credentialRequest(parsed, parsed.positionals[0]);
    const resolved = await resolveCredentials(request, ctx);
    const { plan } = resolved;
    // the variable exec and the exports set: the environment's keys say when they expire only there
    const expiration = inEnvironment ? envValue(ctx.env, 'AWS_CREDENTIAL_EXPIRATION')?.value : undefined;
    const credentials = expiration && !Number.isNaN(Date.parse(expiration)) ? { ...resolved.credentials, expiration: new Date(expiration) } : resolved.credentials;
    const sts = createSts({ region: plan.region?.value, endpoint: plan.stsEndpoint?.value, log: ctx.log });
    const identity = await sts.getCallerIdentity(credentials);
    // the alias is a nicety: role and federated sessions often may not call IAM, which must not fail whoami
    const alias = await accountAlias(credentials, { region: plan.region?.value, endpoint: plan.iamEndpoint?.value, log: ctx.log }).catch((error: unknown) => {
      if (!(error instanceof RolecallError)) throw error;
      ctx.log.debug(`no account alias: ${error.message}`);
      return undefined;
    });
    const expires = credentials.expiration?.toISOString();
    if (parsed.globals.json) {
      ctx.stdout(`${JSON.stringify({ profile: plan.profile.name, ...identity, accountAlias: alias ?? null, expiration: expires ?? null, chain: credentials.chain }, null, 2)}\n`);
      return 0;
    }
    const minutes = credentials.expiration ? Math.round((credentials.expiration.getTime() - ctx.clock.now().getTime()) / 60000) : undefined;
    const lines = [
      `profile  ${plan.profile.name}`,
      `arn      ${identity.arn}`,
      `account  ${identity.account}${alias ? ` (${alias})` : ''}`,
      `user id  ${identity.userId}`,
      `expires  ${expires ? `${expires} (in ${minutes} min)` : 'never (long-lived keys)'}`,
      'chain',
      ...credentials.chain.map((step, i) => `  ${i + 1}. ${step}`),
    ];
    // human text: what IAM, STS or a config file says is shown, never sent as terminal commands
    ctx.stdout(printable(`${lines.join('\n')}\n`));
    return 0;
  },
};
