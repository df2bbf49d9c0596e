// rolecall export [PROFILE] [--format F]
import { resolveCredentials } from '../credentials/resolve';
import { RolecallError } from '../errors';
import { FORMATS, defaultFormat, parseFormat } from '../output/formats';
import { renderCredentials } from '../output/render';
import { booleanFlag, stringFlag } from './args';
import { promptVariables } from '../app/prompt-vars';
import { readAccounts } from '../config/accounts';
import { fastPathRecorder } from '../fastpath/record';
import type { Command } from './command';
import { CREDENTIAL_HELP, CREDENTIAL_OPTIONS, credentialRequest } from './credential-flags';

export const command: Command = {
  name: 'export',
  usage: 'rolecall export [PROFILE] [--format F]',
  options: { ...CREDENTIAL_OPTIONS, format: { type: 'string', short: 'f' }, 'prompt-vars': { type: 'boolean' } },
  help: `Resolves credentials for PROFILE (default: AWS_PROFILE, then "default") and prints them on stdout.

Formats (--format): ${FORMATS.join(', ')}.
  process     credential_process JSON (Version 1); the default when stdout is not a terminal
  bash|zsh|sh POSIX export lines; the default on a terminal
  fish, powershell, env (KEY=value), dotenv, json (STS-style)

Flags:
  -f, --format F     the output format (above)
  --prompt-vars      also set AWS_ACCOUNT_NAME, AWS_ACCOUNT_ROLE, AWS_ACCOUNT_ID for your prompt

${CREDENTIAL_HELP}

Examples:
  # in ~/.aws/config
  [profile prod]
  credential_process = rolecall export prod-source --format process

  eval "$(rolecall export prod --format bash)"
  rolecall export prod --format fish | source`,
  async run(parsed, ctx) {
    if (parsed.positionals.length > 1) {
      throw new RolecallError('USAGE', `rolecall export takes one PROFILE, got ${parsed.positionals.length}: ${parsed.positionals.join(' ')}`, {
        hint: `Usage: ${command.usage}. For coinbase's ACCOUNT ROLE form: eval "$(rolecall assume ${parsed.positionals.join(' ')})".`,
      });
    }
    const formatFlag = stringFlag(parsed, 'format');
    const format = formatFlag ? parseFormat(formatFlag, 'flag --format') : defaultFormat(ctx.stdoutIsTTY);
    // credential_process calls come back often: remember where the answer is, for bin.ts's fast path
    const record = format === 'process' ? fastPathRecorder('export', parsed, ctx) : undefined;
    const resolved = await resolveCredentials(credentialRequest(parsed, parsed.positionals[0]), ctx);
    const { credentials, plan } = resolved;
    const extra = booleanFlag(parsed, 'prompt-vars') ? promptVariables(credentials, plan.profile.name, readAccounts(ctx.home, ctx.env)) : undefined;
    ctx.stdout(renderCredentials(format, { credentials, region: plan.region?.value, extra }));
    await record?.(resolved);
    return 0;
  },
};
