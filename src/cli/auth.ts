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
  usage: 'rolecall auth PROVIDER [--role_arn ARN] [--duration SECS]',
  options: {
    role_arn: { type: 'string' },
    'role-arn': { type: 'string' },
    duration: { type: 'string', short: 'd' },
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
