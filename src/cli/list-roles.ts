// rolecall list-roles [--claim K] [--client-id ID] [--profile P] [--json]   (aws-oidc: list --claim --client_id)
// rolecall list-roles --sso-session NAME (or --profile P of an Identity Center profile): every account and role
import { filterRoles } from '../app/list-roles';
import { profileUsing, rolesOfSession } from '../app/sso-roles';
import { readConfigFiles } from '../config/files';
import { resolveSsoSession } from '../config/resolve';
import type { Context } from '../platform/context';
import type { Profile } from '../config/profile';
import type { Parsed } from './command';
import { loadProfile, resolveCredentials } from '../credentials/resolve';
import { RolecallError } from '../errors';
import { listAllRoles } from '../sts/iam';
import { booleanFlag, stringFlag } from './args';
import type { Command } from './command';
import { CREDENTIAL_OPTIONS, credentialRequest } from './credential-flags';
import { printable } from '../platform/printable';

export const command: Command = {
  name: 'list-roles',
  usage: 'rolecall list-roles [--claim K] [--client-id ID] [--profile P] [--json] | --sso-session NAME',
  options: { ...CREDENTIAL_OPTIONS, claim: { type: 'string' }, 'client-id': { type: 'string' }, client_id: { type: 'string' }, 'sso-session': { type: 'string' } },
  help: `Lists the IAM roles (ListRoles, every page) that an OIDC client can assume: roles whose trust
policy has an Allow statement with a StringEquals/StringLike (or ForAnyValue:/ForAllValues:) condition
on the claim that accepts the client id. The caller's credentials come from --profile (it needs
iam:ListRoles). Without --claim and --client-id, the profile's web_identity_auth_url and
web_identity_client_id give them ("HOST:aud" and the client id).

With --sso-session NAME, or a --profile that uses AWS IAM Identity Center, it lists every account and
role you may use there instead (ListAccounts and ListAccountRoles, every page), signing in first if
needed, with the profile of your config that uses each.

Flags:
  --sso-session NAME the [sso-session NAME] of ~/.aws/config to list the accounts and roles of
  --claim K          the condition key, e.g. accounts.google.com:aud
  --client-id ID     the client id the condition must accept (aws-oidc's --client_id works too)
  --json             JSON instead of a table`,
  async run(parsed, ctx) {
    const sessionName = stringFlag(parsed, 'sso-session');
    if (sessionName !== undefined) {
      if (stringFlag(parsed, 'claim') !== undefined || parsed.globals.profile !== undefined) {
        throw new RolecallError('USAGE', 'rolecall list-roles --sso-session takes neither --claim nor --profile', { hint: `Usage: ${command.usage}` });
      }
      return listIdentityCenterRoles(resolveSsoSession(readConfigFiles(ctx.env, ctx.home), { value: sessionName, source: { kind: 'flag', name: '--sso-session' } }, ctx.env), parsed, ctx);
    }
    const request = credentialRequest(parsed, parsed.positionals[0]);
    // the arguments are checked before anyone signs in
    const profile = loadProfile(request, ctx);
    if (stringFlag(parsed, 'claim') === undefined && (profile.get('sso_session') ?? profile.get('sso_start_url'))) return listIdentityCenterRoles(profile, parsed, ctx);
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

async function listIdentityCenterRoles(profile: Profile, parsed: Parsed, ctx: Context): Promise<number> {
  const { session, roles } = await rolesOfSession(profile, { device: booleanFlag(parsed, 'device'), noBrowser: booleanFlag(parsed, 'no-browser') }, ctx);
  const files = readConfigFiles(ctx.env, ctx.home);
  const rows = roles.map((role) => ({ ...role, profile: profileUsing(files, role, session) }));
  if (parsed.globals.json) {
    ctx.stdout(`${JSON.stringify(rows.map((r) => ({ AccountId: r.accountId, AccountName: r.accountName, EmailAddress: r.emailAddress, RoleName: r.roleName, Profile: r.profile ?? null })), null, 2)}\n`);
    return 0;
  }
  const accounts = new Set(roles.map((r) => r.accountId)).size;
  ctx.log.info(`${roles.length} role${roles.length === 1 ? '' : 's'} in ${accounts} account${accounts === 1 ? '' : 's'} of ${session.name ? `sso-session ${session.name}` : session.startUrl}`);
  if (rows.length === 0) return 0;
  const table = [['AccountId', 'AccountName', 'RoleName', 'Profile'], ...rows.map((r) => [r.accountId, r.accountName, r.roleName, r.profile ?? '-'])];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  ctx.stdout(`${table.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')).join('\n')}\n`);
  return 0;
}
