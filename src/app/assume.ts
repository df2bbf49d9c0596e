// coinbase assume-role: a role in an account (id or ~/.aws/accounts alias), assumed with the bastion
// profile's keys; asks for what the arguments leave out.
import type { Context } from '../platform/context';
import type { GlobalFlags } from '../cli/args';
import type { Profile } from '../config/profile';
import type { Setting } from '../config/source';
import { readConfigFiles } from '../config/files';
import { resolveProfile } from '../config/resolve';
import { readAccounts, resolveAccount } from '../config/accounts';
import { resolveCredentials } from './resolve-credentials';
import type { Exports } from '../output/render';

export interface AssumeInput {
  account?: string;
  role?: string;
  mfa?: string;
  duration?: string;
  globals: GlobalFlags;
}

function arg(value: string, name: string): Setting {
  return { value, source: { kind: 'argument', name } };
}

export async function assumeRole(input: AssumeInput, ctx: Context): Promise<Exports & { extra: Record<string, string> }> {
  const files = readConfigFiles(ctx.env, ctx.home);
  const bastionName: Setting | undefined = ctx.env.AWS_PROFILE_ASSUME_ROLE
    ? { value: ctx.env.AWS_PROFILE_ASSUME_ROLE, source: { kind: 'env', name: 'AWS_PROFILE_ASSUME_ROLE' } }
    : input.globals.profile
      ? { value: input.globals.profile, source: { kind: 'flag', name: '--profile' } }
      : { value: 'default', source: { kind: 'default' } };
  const bastion = resolveProfile(files, { name: bastionName, env: ctx.env });

  const accounts = readAccounts(ctx.home, ctx.env);
  const accountText = input.account ?? (await ctx.prompt.ask('Assume into account (id or alias):', { why: 'no ACCOUNT argument' }));
  const account = resolveAccount(accountText, accounts);
  const roleName = input.role ?? (await ctx.prompt.ask('Assume into role:', { why: 'no ROLE argument' }));

  const settings = new Map<string, Setting>();
  settings.set('role_arn', arg(`arn:aws:iam::${account.id}:role/${roleName}`, 'ROLE'));
  const region = input.globals.region
    ? ({ value: input.globals.region, source: { kind: 'flag', name: '--region' } } satisfies Setting)
    : bastion.settings.get('region');
  if (region) settings.set('region', region);
  for (const key of ['endpoint_url', 'endpoint_url.sts']) {
    const value = bastion.settings.get(key);
    if (value) settings.set(key, value);
  }
  if (input.duration) settings.set('credentials_duration', { value: input.duration, source: { kind: 'flag', name: '--duration' } });
  else if (ctx.env.AWS_ROLE_SESSION_TIMEOUT) settings.set('duration_seconds', { value: ctx.env.AWS_ROLE_SESSION_TIMEOUT, source: { kind: 'env', name: 'AWS_ROLE_SESSION_TIMEOUT' } });

  const profile: Profile = {
    name: `${account.name}/${roleName}`,
    nameSource: { kind: 'argument', name: 'ACCOUNT' },
    settings,
    sourceProfile: bastion,
  };
  const { credentials } = await resolveCredentials(
    { profile, mfaCode: input.mfa ? arg(input.mfa, 'MFA') : undefined, refresh: input.globals.refresh, noCache: input.globals.noCache },
    ctx,
  );
  return {
    credentials,
    region: region?.value,
    extra: { AWS_ACCOUNT_ID: account.id, AWS_ACCOUNT_NAME: account.name, AWS_ACCOUNT_ROLE: roleName },
  };
}
