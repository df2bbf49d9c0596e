// aws-oidc compat: rolecall auth PROVIDER [--role_arn ARN] [--duration SECS], over ~/.aws-oidc/config
import { resolveCredentials } from '../credentials/resolve';
import { awsOidcProfile, readAwsOidcConfig } from '../config/aws-oidc';
import type { Setting } from '../config/source';
import { RolecallError } from '../errors';
import { renderCredentials } from '../output/render';
import { fastPathRecorder } from '../fastpath/record';
import { booleanFlag, stringFlag } from './args';
import type { Command } from './command';

export const command: Command = {
  name: 'auth',
  usage: 'rolecall auth PROVIDER [--role_arn ARN] [--duration SECS] [--provider_url URL] [--client_id ID] ...',
  options: {
    role_arn: { type: 'string' },
    'role-arn': { type: 'string' },
    duration: { type: 'string', short: 'd' },
    provider_url: { type: 'string' },
    client_id: { type: 'string' },
    client_secret: { type: 'string' },
    agent: { type: 'string', multiple: true },
    disable_pkce: { type: 'boolean' },
    disable_nonce: { type: 'boolean' },
    device: { type: 'boolean' },
    'no-browser': { type: 'boolean' },
  },
  help: `aws-oidc's command, kept as it was: signs in at the [[AuthProvider]] named PROVIDER in
~/.aws-oidc/config, assumes its role_arn with AssumeRoleWithWebIdentity, and prints credential_process
JSON. Use it in ~/.aws/config exactly as before:

  [profile engineer]
  credential_process = rolecall auth google --role_arn=arn:aws:iam::123456789012:role/engineer --duration 7200

Flags:
  --role_arn ARN   the role to assume instead of the provider's role_arn
  --duration SECS  session length in seconds (or a Go duration) instead of the provider's duration
  --provider_url URL, --client_id ID, --client_secret S, --agent WORD (repeated, one per word)
                   aws-oidc's overrides of the provider's settings (a secret on the command line is
                   visible in the process list: prefer the file)
  --disable_pkce, --disable_nonce
                   accepted, with a warning: rolecall always uses PKCE and a nonce
  --device         sign in with the device code flow
  --no-browser     print the login URL instead of opening the provider's agent`,
  async run(parsed, ctx) {
    const [provider, ...extra] = parsed.positionals;
    if (!provider || extra.length) {
      throw new RolecallError('USAGE', provider ? `rolecall auth takes one PROVIDER, got: ${parsed.positionals.join(' ')}` : 'rolecall auth needs the PROVIDER name from ~/.aws-oidc/config', {
        hint: `Usage: ${command.usage}`,
      });
    }
    const overrides = new Map<string, Setting>();
    for (const name of ['role_arn', 'role-arn']) {
      const value = stringFlag(parsed, name);
      if (value) overrides.set('role_arn', { value, source: { kind: 'flag', name: `--${name}` } });
    }
    const duration = stringFlag(parsed, 'duration');
    if (duration) overrides.set('credentials_duration', { value: duration, source: { kind: 'flag', name: '--duration' } });
    for (const [flag, key] of [['provider_url', 'web_identity_auth_url'], ['client_id', 'web_identity_client_id'], ['client_secret', 'web_identity_client_secret']] as const) {
      const value = stringFlag(parsed, flag);
      if (value) overrides.set(key, { value, source: { kind: 'flag', name: `--${flag}` } });
    }
    const agent = parsed.values.agent;
    if (Array.isArray(agent) && agent.length) overrides.set('web_identity_agent', { value: JSON.stringify(agent), source: { kind: 'flag', name: '--agent' } });
    for (const flag of ['disable_pkce', 'disable_nonce']) {
      if (booleanFlag(parsed, flag)) ctx.log.warn(`--${flag} is not used: rolecall always sends ${flag === 'disable_pkce' ? 'a PKCE challenge' : 'a nonce'} and checks it, which every provider that answered aws-oidc accepts.`);
    }
    if (parsed.globals.region) overrides.set('region', { value: parsed.globals.region, source: { kind: 'flag', name: '--region' } });
    const record = fastPathRecorder('auth', parsed, ctx);
    const profile = awsOidcProfile(provider, readAwsOidcConfig(ctx.home), overrides, ctx.env);
    const resolved = await resolveCredentials(
      { profile, refresh: parsed.globals.refresh, noCache: parsed.globals.noCache, device: booleanFlag(parsed, 'device'), noBrowser: booleanFlag(parsed, 'no-browser') },
      ctx,
    );
    ctx.stdout(renderCredentials('process', { credentials: resolved.credentials, region: resolved.plan.region?.value }));
    await record(resolved);
    return 0;
  },
};
