// coinbase assume-role: a role in an account (id or ~/.aws/accounts alias), assumed with the bastion
// profile's keys; asks for what the arguments leave out. `assume PROFILE` names a profile instead.
import type { Context } from '../platform/context';
import { Profile } from '../config/profile';
import type { Setting } from '../config/source';
import { listProfiles, readConfigFiles } from '../config/files';
import { resolveProfile } from '../config/resolve';
import { readAccounts, resolveAccount } from '../config/accounts';
import { resolveCredentials } from '../credentials/resolve';
import { RolecallError } from '../errors';
import { isAccountId } from '../config/parse';
import { didYouMean } from '../platform/suggest';
import { assumeRoleProfileName, authScheme, coinbaseSettings } from '../config/coinbase';
import { envSettings } from '../config/env';
import { ignoresConfiguredEndpoints, withoutEndpoints } from '../config/configured-endpoints';
import type { Exports } from '../output/render';

export interface AssumeInput {
  account: string;
  role?: string;
  mfa?: string;
  duration?: string;
  /** SAML mode: the password from -P */
  password?: string;
  /** --policy, --policy-arn: session_policy, session_policy_arns */
  sessionPolicy?: ReadonlyMap<string, Setting>;
  /** --profile, --region, --refresh, --no-cache */
  globals: { profile?: string; region?: string; refresh: boolean; noCache: boolean };
}

function arg(value: string, name: string): Setting {
  return { value, source: { kind: 'argument', name } };
}

/**
 * What `assume WORD` (one word, no role) names: a profile of the config files, as the shell-init
 * function's `assume PROFILE` means it, else an account id or alias, as coinbase's `assume-role
 * ACCOUNT` did (the role is then asked for). With no word at all, it is asked for on the terminal,
 * as coinbase did. A profile wins over an alias of the same name.
 */
export async function assumeTarget(word: string | undefined, ctx: Context): Promise<{ profile: string } | { account: string }> {
  const named =
    word ??
    (await ctx.prompt.ask('Assume a profile, or an account (id or alias):', {
      hint: 'Name it as an argument: rolecall assume PROFILE, or rolecall assume ACCOUNT ROLE [MFA].',
    }));
  const profiles = listProfiles(readConfigFiles(ctx.env, ctx.home));
  if (profiles.includes(named)) return { profile: named };
  const aliases = [...readAccounts(ctx.home, ctx.env).keys()];
  if (isAccountId(named) || aliases.includes(named)) return { account: named };
  throw new RolecallError('PROFILE_NOT_FOUND', `"${named}" is neither a profile in your AWS config nor an account id or alias.${didYouMean(named, [...profiles, ...aliases])}`, {
    hint: `Use a profile (${profiles.join(', ') || 'none defined'}), or an account: rolecall assume ACCOUNT ROLE [MFA] with a 12-digit id${aliases.length ? ` or one of the aliases ${aliases.join(', ')}` : ''}.`,
  });
}

export async function assumeRole(input: AssumeInput, ctx: Context): Promise<Exports & { extra: Record<string, string> }> {
  const saml = authScheme(ctx.env) === 'saml';
  // the session timeout, and in saml mode the SAML_IDP_* settings
  const settings = new Map<string, Setting>(coinbaseSettings(ctx.env));
  let bastion: Profile | undefined;
  if (saml) {
    if (!settings.has('saml_assertion_url')) {
      throw new RolecallError('CONFIG_INVALID', 'AWS_ASSUME_ROLE_AUTH_SCHEME=saml needs SAML_IDP_ASSERTION_URL', {
        hint: 'export SAML_IDP_ASSERTION_URL=https://... (the POST API that answers {"saml_response": ...}) and SAML_IDP_NAME.',
      });
    }
  } else {
    const bastionName: Setting = assumeRoleProfileName(ctx.env) ??
      (input.globals.profile ? { value: input.globals.profile, source: { kind: 'flag', name: '--profile' } } : { value: 'default', source: { kind: 'default' } });
    bastion = resolveProfile(readConfigFiles(ctx.env, ctx.home), { name: bastionName, env: ctx.env });
  }
  // the STS and IAM endpoints (IAM finds the MFA device) and region: the bastion's (with the environment applied), or the environment's alone
  const environment = envSettings(ctx.env);
  const base = bastion?.settings ?? (ignoresConfiguredEndpoints(environment) ? withoutEndpoints(environment) : environment);
  for (const key of ['endpoint_url', 'endpoint_url.sts', 'endpoint_url.iam', 'region']) {
    const value = base.get(key);
    if (value) settings.set(key, value);
  }
  if (input.globals.region) settings.set('region', { value: input.globals.region, source: { kind: 'flag', name: '--region' } });
  if (input.duration) settings.set('credentials_duration', { value: input.duration, source: { kind: 'flag', name: '--duration' } });
  for (const [key, value] of input.sessionPolicy ?? []) settings.set(key, value);

  const accounts = readAccounts(ctx.home, ctx.env);
  const account = resolveAccount(input.account, accounts);
  const roleName = input.role ?? (await ctx.prompt.ask('Assume into role:', { hint: 'Name the role as an argument: rolecall assume ACCOUNT ROLE [MFA].' }));
  settings.set('role_arn', arg(`arn:aws:iam::${account.id}:role/${roleName}`, 'ROLE'));

  const profile = new Profile({ name: `${account.name}/${roleName}`, nameSource: { kind: 'argument', name: 'ACCOUNT' }, settings, sourceProfile: bastion });
  if (saml && input.mfa) ctx.log.warn('SAML mode does not use an MFA code: the third argument is ignored.');
  const { credentials } = await resolveCredentials(
    // coinbase's bastion mode always signed in with MFA, finding the device when no mfa_serial names it
    { profile, mfaCode: !saml && input.mfa ? arg(input.mfa, 'MFA') : undefined, mfaAlways: !saml, password: input.password, refresh: input.globals.refresh, noCache: input.globals.noCache },
    ctx,
  );
  return {
    credentials,
    region: settings.get('region')?.value,
    extra: { AWS_ACCOUNT_ID: account.id, AWS_ACCOUNT_NAME: account.name, AWS_ACCOUNT_ROLE: roleName },
  };
}
