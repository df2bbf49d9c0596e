// coinbase assume-role compat: rolecall assume [ACCOUNT|ALIAS] [ROLE] [MFA], or rolecall assume PROFILE
import { assumeRole, assumeTarget } from '../app/assume';
import { resolveCredentials } from '../credentials/resolve';
import { promptVariables } from '../app/prompt-vars';
import { readAccounts } from '../config/accounts';
import { RolecallError } from '../errors';
import { EVAL_FORMAT, FORMATS, parseFormat } from '../output/formats';
import { renderCredentials } from '../output/render';
import { stringFlag } from './args';
import type { Command } from './command';
import { CREDENTIAL_HELP, CREDENTIAL_OPTIONS, credentialRequest, sessionPolicyFlags } from './credential-flags';

export const command: Command = {
  name: 'assume',
  usage: 'rolecall assume [ACCOUNT|ALIAS] [ROLE] [MFA] | PROFILE [--format F]',
  options: { ...CREDENTIAL_OPTIONS, format: { type: 'string', short: 'f' } },
  help: `coinbase assume-role, kept as it was: assumes ROLE in ACCOUNT (a 12-digit id, or an alias from
~/.aws/accounts) with the bastion profile's keys (AWS_PROFILE_ASSUME_ROLE, else --profile, else "default")
and its MFA device (mfa_serial), and prints shell exports for eval, including AWS_ACCOUNT_NAME and
AWS_ACCOUNT_ROLE for your prompt. What is missing is asked for on the terminal. The MFA session is
cached, so the next role does not ask for a code again until it expires.

One word that names a profile in your config (assume PROFILE) gets that profile's credentials
instead, with the same prompt variables: what the shell-init function's \`assume PROFILE\` runs. A
profile wins over an account alias of the same name. With no arguments, rolecall asks which.

Flags:
  -f, --format F     ${FORMATS.join(', ')} (default: POSIX export lines, for eval in bash, zsh, sh)

${CREDENTIAL_HELP}
  (ACCOUNT ROLE: the session length defaults to AWS_ROLE_SESSION_TIMEOUT, else 1h; --mfa-code is the MFA argument)

Environment: AWS_PROFILE_ASSUME_ROLE, AWS_ROLE_SESSION_TIMEOUT, AWS_ASSUME_ROLE_AUTH_SCHEME=saml with
SAML_IDP_ASSERTION_URL, SAML_IDP_NAME, SAML_IDP_REQUEST_BODY_TEMPLATE (see docs/migrate-from-coinbase-assume-role.md).

Examples:
  eval "$(rolecall assume production read 123456)"
  eval "$(rolecall assume 333333333333 read)"     # asks for the MFA code on the terminal
  eval "$(rolecall assume prod-read)"             # a profile`,
  async run(parsed, ctx) {
    if (parsed.positionals.length > 3) {
      throw new RolecallError('USAGE', `rolecall assume takes at most ACCOUNT ROLE MFA, got: ${parsed.positionals.join(' ')}`, { hint: `Usage: ${command.usage}` });
    }
    const formatFlag = stringFlag(parsed, 'format');
    const format = formatFlag ? parseFormat(formatFlag, 'flag --format') : EVAL_FORMAT;
    const [first, role, mfa] = parsed.positionals;
    const target = role === undefined ? await assumeTarget(first, ctx) : { account: first! };
    if ('profile' in target) {
      const { credentials, plan } = await resolveCredentials(credentialRequest(parsed, target.profile), ctx);
      const extra = promptVariables(credentials, plan.profile.name, readAccounts(ctx.home, ctx.env));
      ctx.stdout(renderCredentials(format, { credentials, region: plan.region?.value, extra }));
      ctx.log.info(`Assumed profile ${plan.profile.name}${credentials.arn ? ` (${credentials.arn})` : ''}, expires ${credentials.expiration?.toISOString() ?? 'never'}.`);
      return 0;
    }
    if (stringFlag(parsed, 'role-arn') !== undefined) {
      throw new RolecallError('USAGE', 'rolecall assume ACCOUNT ROLE takes the role from its arguments, not --role-arn', { hint: 'Name the account and the role: rolecall assume ACCOUNT ROLE [MFA].' });
    }
    const result = await assumeRole(
      { account: target.account, role, mfa: mfa ?? stringFlag(parsed, 'mfa-code'), duration: stringFlag(parsed, 'duration'), password: stringFlag(parsed, 'password'), sessionPolicy: sessionPolicyFlags(parsed), globals: parsed.globals },
      ctx,
    );
    ctx.stdout(renderCredentials(format, result));
    ctx.log.info(`Assumed ${result.extra.AWS_ACCOUNT_ROLE} in ${result.extra.AWS_ACCOUNT_NAME} (${result.extra.AWS_ACCOUNT_ID}), expires ${result.credentials.expiration?.toISOString() ?? 'never'}.`);
    return 0;
  },
};
