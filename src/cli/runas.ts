// aws-runas compat: rolecall runas [flags] [PROFILE] [CMD [ARGS...]], aws-runas's command line turned
// into rolecall exec (a command), rolecall export (none) or rolecall password (`password PROFILE`)
import { RolecallError } from '../errors';
import { parseCommandArgs, stringFlag, booleanFlag } from './args';
import type { Command } from './command';
import { command as execCommand, profileOrCommand } from './exec';
import { command as exportCommand } from './export';
import { command as passwordCommand } from './password';

export const command: Command = {
  name: 'runas',
  usage: 'rolecall runas [flags] [PROFILE] [CMD [ARGS...]] | rolecall runas password PROFILE',
  options: {
    'role-duration': { type: 'string', short: 'a' },
    duration: { type: 'string', short: 'd' },
    otp: { type: 'string', short: 'o' },
    password: { type: 'string', short: 'P' },
    output: { type: 'string', short: 'O' },
    env: { type: 'boolean', short: 'E' },
    'refresh-cache': { type: 'boolean', short: 'r' },
  },
  runsCommand: {
    // `runas password PROFILE` is aws-runas's subcommand; otherwise exec's rule (aws-runas's, refined)
    ownPositionals: (first, given, where) => (first === 'password' ? 2 : profileOrCommand.ownPositionals(first, given, where)),
  },
  help: `aws-runas's command line, kept as it was (the aws-runas shim runs it):
  aws-runas [flags] PROFILE CMD [ARGS...]   run CMD with the profile's credentials, served by a loopback
                                            ECS credential endpoint as aws-runas does (-E: in its environment)
  aws-runas [flags] PROFILE                 print the credentials as export lines (-O json: credential_process JSON)
  aws-runas password PROFILE                store the IdP password (rolecall keeps it in the OS keyring)
With AWS_PROFILE set, every word is CMD unless the first names a profile.

Flags:
  -a, --role-duration D   session length (15m..12h)
  -d, --duration D        aws-runas's MFA session length: rolecall's MFA sessions last 12 h, so it is not used
  -o, --otp CODE          the MFA code
  -P, --password PW       the IdP password (visible in the process list: prefer \`aws-runas password PROFILE\`)
  -O, --output env|json   without CMD: export lines (env) or credential_process JSON (json)
  -E, --env               put the credentials in CMD's environment instead of serving them
  -r, --refresh-cache     ignore cached credentials
  --debug                 explain each step on stderr (aws-runas's -v)`,
  async run(parsed, ctx, commands) {
    const where = { env: ctx.env, home: ctx.home };
    if (parsed.positionals[0] === 'password') {
      return passwordCommand.run(parseCommandArgs(passwordCommand, parsed.positionals.slice(1), where), ctx, commands);
    }
    const [profile, ...extra] = parsed.positionals;
    if (extra.length) throw new RolecallError('USAGE', `rolecall runas takes one PROFILE before the command, got: ${parsed.positionals.join(' ')}`, { hint: `Usage: ${command.usage}` });
    const flags: string[] = [];
    const duration = stringFlag(parsed, 'role-duration');
    if (duration !== undefined) flags.push('--duration', duration);
    if (stringFlag(parsed, 'duration') !== undefined) ctx.log.warn("aws-runas's -d (the MFA session length) is not used: rolecall's MFA sessions last 12 h; -a sets the role session's.");
    const otp = stringFlag(parsed, 'otp');
    if (otp !== undefined) flags.push('--mfa-code', otp);
    const password = stringFlag(parsed, 'password');
    if (password !== undefined) flags.push('--password', password);
    if (booleanFlag(parsed, 'refresh-cache') || parsed.globals.refresh) flags.push('--refresh');
    if (parsed.globals.profile !== undefined) flags.push('--profile', parsed.globals.profile);
    if (parsed.globals.region !== undefined) flags.push('--region', parsed.globals.region);
    const named = profile === undefined ? [] : [profile];
    if (parsed.rest.length === 0) {
      const output = stringFlag(parsed, 'output') ?? 'env';
      if (output !== 'env' && output !== 'json') throw new RolecallError('USAGE', `rolecall runas -O takes env or json, not "${output}"`, { hint: 'Use -O json for credential_process JSON.' });
      return exportCommand.run(parseCommandArgs(exportCommand, [...named, ...flags, '--format', output === 'json' ? 'process' : 'sh'], where), ctx, commands);
    }
    const server = booleanFlag(parsed, 'env') ? [] : ['--server', 'ecs'];
    return execCommand.run(parseCommandArgs(execCommand, [...named, ...flags, ...server, '--', ...parsed.rest], where), ctx, commands);
  },
};
