// coinbase assume-role compat: rolecall assume [ACCOUNT|ALIAS] [ROLE] [MFA]
import { assumeRole } from '../app/assume';
import { RolecallError } from '../errors';
import { EVAL_FORMAT, FORMATS, parseFormat } from '../output/formats';
import { renderCredentials } from '../output/render';
import { stringFlag } from './args';
import type { Command } from './command';

export const command: Command = {
  name: 'assume',
  usage: 'rolecall assume [ACCOUNT|ALIAS] [ROLE] [MFA] [--format F]',
  options: { format: { type: 'string', short: 'f' }, duration: { type: 'string', short: 'd' } },
  help: `coinbase assume-role, kept as it was: assumes ROLE in ACCOUNT (a 12-digit id, or an alias from
~/.aws/accounts) with the bastion profile's keys (AWS_PROFILE_ASSUME_ROLE, else --profile, else "default")
and its MFA device (mfa_serial), and prints shell exports for eval, including AWS_ACCOUNT_NAME and
AWS_ACCOUNT_ROLE for your prompt. What is missing is asked for on the terminal. The MFA session is
cached, so the next role does not ask for a code again until it expires.

Flags:
  -f, --format F     ${FORMATS.join(', ')} (default: POSIX export lines, for eval in bash, zsh, sh)
  -d, --duration D   session length (default: AWS_ROLE_SESSION_TIMEOUT, else 1h)

Environment: AWS_PROFILE_ASSUME_ROLE, AWS_ROLE_SESSION_TIMEOUT, AWS_ASSUME_ROLE_AUTH_SCHEME=saml with
SAML_IDP_ASSERTION_URL, SAML_IDP_NAME, SAML_IDP_REQUEST_BODY_TEMPLATE (see docs/migrate-from-coinbase-assume-role.md).

Examples:
  eval "$(rolecall assume production read 123456)"
  eval "$(rolecall assume 333333333333 read)"     # asks for the MFA code on the terminal`,
  async run(parsed, ctx) {
    if (parsed.positionals.length > 3) {
      throw new RolecallError('USAGE', `rolecall assume takes at most ACCOUNT ROLE MFA, got: ${parsed.positionals.join(' ')}`, { hint: `Usage: ${command.usage}` });
    }
    const formatFlag = stringFlag(parsed, 'format');
    const format = formatFlag ? parseFormat(formatFlag, 'flag --format') : EVAL_FORMAT;
    const [account, role, mfa] = parsed.positionals;
    const result = await assumeRole({ account, role, mfa, duration: stringFlag(parsed, 'duration'), globals: parsed.globals }, ctx);
    ctx.stdout(renderCredentials(format, result));
    ctx.log.info(`Assumed ${result.extra.AWS_ACCOUNT_ROLE} in ${result.extra.AWS_ACCOUNT_NAME} (${result.extra.AWS_ACCOUNT_ID}), expires ${result.credentials.expiration?.toISOString() ?? 'never'}.`);
    return 0;
  },
};
