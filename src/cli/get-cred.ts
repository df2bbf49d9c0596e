// aws-cli-oidc compat: rolecall get-cred -p NAME [-r ROLE] [-j] [-s] [-d SECS], over ~/.aws-cli-oidc/config.yaml
import { resolveCredentials } from '../credentials/resolve';
import { awsCliOidcProfile, readAwsCliOidcConfig } from '../config/aws-cli-oidc';
import type { Setting } from '../config/source';
import { RolecallError } from '../errors';
import { isoTimestamp } from '../output/json';
import { renderAwsCliOidcExports, renderCredentials } from '../output/render';
import { reportRole } from '../credentials/sources/role-report';
import { isSaml } from '../credentials/sources/saml';
import { isWebIdentity } from '../credentials/sources/web-identity';
import { fastPathRecorder } from '../fastpath/record';
import { booleanFlag, stringFlag } from './args';
import type { Command } from './command';

export const command: Command = {
  name: 'get-cred',
  usage: 'rolecall get-cred -p NAME [-r ROLE] [-j] [-s] [-d SECS]',
  options: {
    provider: { type: 'string', short: 'p' },
    role: { type: 'string', short: 'r' },
    json: { type: 'boolean', short: 'j' },
    secret: { type: 'boolean', short: 's' },
    duration: { type: 'string', short: 'd' },
    // aws-cli-oidc's own long names of -d and -s
    'max-duration': { type: 'string' },
    'use-secret': { type: 'boolean' },
    device: { type: 'boolean' },
    'no-browser': { type: 'boolean' },
  },
  help: `aws-cli-oidc's command, kept as it was: signs in at the provider NAME of
~/.aws-cli-oidc/config.yaml (AWS_CLI_OIDC_CONFIG), then AssumeRoleWithWebIdentity (aws_federation_type:
oidc) or an OAuth 2.0 token exchange for a SAML assertion and AssumeRoleWithSAML (saml2). Reports the
login and the role on stderr (the same lines when the credentials come from the cache); prints the
three lines export AWS_ACCESS_KEY_ID=..., export AWS_SECRET_ACCESS_KEY=..., export AWS_SESSION_TOKEN=...
as aws-cli-oidc did, or credential_process JSON with -j.

  [profile foo-developer]
  credential_process = rolecall get-cred -p myop -r arn:aws:iam::123456789012:role/developer -j -s -d 43200

Flags:
  -p, --provider NAME  the provider in config.yaml
  -r, --role ROLE      the role to assume (default: default_iam_role_arn; SAML: the only role, or ask)
  -j, --json           credential_process JSON instead of exports
  -s, --secret         accepted for compatibility: rolecall always caches the credentials (0600 files, see docs/caching.md);
                       aws-cli-oidc's --use-secret too
  -d, --duration SECS  session length (default: max_session_duration_seconds, else 1h); aws-cli-oidc's
                       --max-duration SECS too
  --device             sign in with the device code flow
  --no-browser         print the login URL instead of opening a browser`,
  async run(parsed, ctx) {
    const name = stringFlag(parsed, 'provider');
    if (!name) throw new RolecallError('USAGE', 'rolecall get-cred needs -p NAME (the provider in ~/.aws-cli-oidc/config.yaml)', { hint: `Usage: ${command.usage}` });
    const overrides = new Map<string, Setting>();
    const role = stringFlag(parsed, 'role');
    if (role) overrides.set('role_arn', { value: role, source: { kind: 'flag', name: '-r' } });
    for (const flag of ['duration', 'max-duration'] as const) {
      const duration = stringFlag(parsed, flag);
      if (duration === undefined) continue;
      if (overrides.has('credentials_duration')) throw new RolecallError('USAGE', 'rolecall get-cred takes -d (--duration) or --max-duration, not both', { hint: `Usage: ${command.usage}` });
      overrides.set('credentials_duration', { value: duration, source: { kind: 'flag', name: flag === 'duration' ? '-d' : '--max-duration' } });
    }
    if (parsed.globals.region) overrides.set('region', { value: parsed.globals.region, source: { kind: 'flag', name: '--region' } });
    const json = booleanFlag(parsed, 'json');
    const record = json ? fastPathRecorder('get-cred', parsed, ctx) : undefined;
    const file = readAwsCliOidcConfig(ctx.home, ctx.env);
    ctx.log.info(`Using config file: ${file.path}`);
    const profile = awsCliOidcProfile(name, file, overrides, ctx.env);
    const resolved = await resolveCredentials(
      { profile, refresh: parsed.globals.refresh, noCache: parsed.globals.noCache, device: booleanFlag(parsed, 'device'), noBrowser: booleanFlag(parsed, 'no-browser') },
      ctx,
    );
    const { credentials, plan, fresh } = resolved;
    const last = plan.steps[plan.steps.length - 1]!;
    // after a SAML login the assertion's report has been said, as the role was chosen
    if (!fresh || !isSaml(last)) {
      const expires = credentials.expiration ? `, valid until ${isoTimestamp(credentials.expiration)}` : '';
      ctx.log.info(fresh ? 'Login successful!' : `Login successful! (cached credentials${expires}: no new login)`);
      // a cached SAML result exists only for a named role: -r, or default_iam_role_arn
      const roleArn = isSaml(last) ? (last.roleArn ?? last.preferredRoleArn)?.value : isWebIdentity(last) ? last.roleArn.value : undefined;
      if (roleArn) reportRole(ctx.log, roleArn, credentials.principalArn);
    }
    ctx.stdout(json ? renderCredentials('process', { credentials }) : renderAwsCliOidcExports(credentials));
    await record?.(resolved);
    return 0;
  },
};
