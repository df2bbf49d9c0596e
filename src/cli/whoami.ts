// rolecall whoami [PROFILE]
import { resolveCredentials } from '../app/resolve-credentials';
import { createSts } from '../sts/client';
import type { Command } from './command';
import { CREDENTIAL_HELP, CREDENTIAL_OPTIONS, credentialRequest } from './credential-flags';

export const command: Command = {
  name: 'whoami',
  usage: 'rolecall whoami [PROFILE] [--json]',
  options: CREDENTIAL_OPTIONS,
  help: `Gets the profile's credentials (from the cache when fresh), asks STS who they are
(GetCallerIdentity), and shows the ARN, the account, when they expire and the steps that made them.

${CREDENTIAL_HELP}`,
  async run(parsed, ctx) {
    const { credentials, plan } = await resolveCredentials(credentialRequest(parsed, parsed.positionals[0]), ctx);
    const sts = createSts({ region: plan.region?.value, endpoint: plan.stsEndpoint?.value, log: ctx.log });
    const identity = await sts.getCallerIdentity(credentials);
    const expires = credentials.expiration?.toISOString();
    if (parsed.globals.json) {
      ctx.stdout(`${JSON.stringify({ profile: plan.profile.name, ...identity, expiration: expires ?? null, chain: credentials.chain }, null, 2)}\n`);
      return 0;
    }
    const minutes = credentials.expiration ? Math.round((credentials.expiration.getTime() - ctx.clock.now().getTime()) / 60000) : undefined;
    const lines = [
      `profile  ${plan.profile.name}`,
      `arn      ${identity.arn}`,
      `account  ${identity.account}`,
      `user id  ${identity.userId}`,
      `expires  ${expires ? `${expires} (in ${minutes} min)` : 'never (long-lived keys)'}`,
      'chain',
      ...credentials.chain.map((step, i) => `  ${i + 1}. ${step}`),
    ];
    ctx.stdout(`${lines.join('\n')}\n`);
    return 0;
  },
};
