// rolecall list-roles [--claim K] [--client-id ID] [--profile P] [--json]   (aws-oidc: list --claim --client_id)
import { filterRoles } from '../app/list-roles';
import { loadProfile, resolveCredentials } from '../credentials/resolve';
import { RolecallError } from '../errors';
import { listAllRoles } from '../sts/iam';
import { stringFlag } from './args';
import type { Command } from './command';
import { CREDENTIAL_OPTIONS, credentialRequest } from './credential-flags';
import { printable } from '../platform/printable';

export const command: Command = {
  name: 'list-roles',
  usage: 'rolecall list-roles [--claim K] [--client-id ID] [--profile P] [--json]',
  options: { ...CREDENTIAL_OPTIONS, claim: { type: 'string' }, 'client-id': { type: 'string' }, client_id: { type: 'string' } },
  help: `Lists the IAM roles (ListRoles, every page) that an OIDC client can assume: roles whose trust
policy has an Allow statement with a StringEquals/StringLike (or ForAnyValue:/ForAllValues:) condition
on the claim that accepts the client id. The caller's credentials come from --profile (it needs
iam:ListRoles). Without --claim and --client-id, the profile's web_identity_auth_url and
web_identity_client_id give them ("HOST:aud" and the client id).

Flags:
  --claim K          the condition key, e.g. accounts.google.com:aud
  --client-id ID     the client id the condition must accept (aws-oidc's --client_id works too)
  --json             JSON instead of a table`,
  async run(parsed, ctx) {
    const request = credentialRequest(parsed, parsed.positionals[0]);
    // the arguments are checked before anyone signs in
    const profile = loadProfile(request, ctx);
    const issuer = profile.value('web_identity_auth_url');
    const claim = stringFlag(parsed, 'claim') ?? (issuer ? `${new URL(issuer).host}${new URL(issuer).pathname.replace(/\/$/, '')}:aud` : undefined);
    if (!claim) {
      throw new RolecallError('USAGE', 'rolecall list-roles needs --claim (the trust policy condition key, e.g. accounts.google.com:aud)', {
        hint: 'Pass --claim and --client-id, or use a --profile with web_identity_auth_url and web_identity_client_id.',
      });
    }
    const clientId = stringFlag(parsed, 'client-id') ?? stringFlag(parsed, 'client_id') ?? profile.value('web_identity_client_id');
    const { credentials, plan } = await resolveCredentials({ ...request, profile }, ctx);
    const roles = await listAllRoles(credentials, { region: plan.region?.value, endpoint: plan.iamEndpoint?.value, log: ctx.log });
    const matched = filterRoles(roles, claim, clientId);
    if (parsed.globals.json) {
      ctx.stdout(`${JSON.stringify(matched.map((m) => ({ RoleName: m.roleName, Arn: m.arn, ClientId: m.values })), null, 2)}\n`);
      return 0;
    }
    ctx.log.info(`${matched.length} of ${roles.length} roles accept ${clientId ? `client ${clientId}` : 'any client'} on ${claim}`);
    if (matched.length === 0) return 0;
    const width = Math.max(8, ...matched.map((m) => m.roleName.length));
    const arnWidth = Math.max(3, ...matched.map((m) => m.arn.length));
    const lines = [`${'RoleName'.padEnd(width)}  ${'Arn'.padEnd(arnWidth)}  ClientId`, ...matched.map((m) => `${m.roleName.padEnd(width)}  ${m.arn.padEnd(arnWidth)}  ${m.values.join(', ')}`)];
    // human text: what IAM, STS or a config file says is shown, never sent as terminal commands
    ctx.stdout(printable(`${lines.join('\n')}\n`));
    return 0;
  },
};
