// rolecall from-sts [--format F] < sts.json
import { credentialsFromSts } from '../app/from-sts';
import { RolecallError } from '../errors';
import { FORMATS, parseFormat, EVAL_FORMAT } from '../output/formats';
import { renderCredentials } from '../output/render';
import { stringFlag } from './args';
import type { Command } from './command';

export const command: Command = {
  name: 'from-sts',
  usage: 'rolecall from-sts [--format F] < sts.json',
  options: { format: { type: 'string', short: 'f' } },
  help: `Reads the JSON that \`aws sts assume-role\` prints (or assume-role-with-saml, assume-role-with-web-identity,
get-session-token, get-federation-token, a bare Credentials object from --query Credentials, or
credential_process JSON) on stdin, and prints the credentials in the chosen format. Every value is
quoted for the target shell, and variables left by an earlier session that would contradict the new
credentials (AWS_PROFILE, AWS_DEFAULT_PROFILE, a stale AWS_SECURITY_TOKEN, ...) are unset. Input
that is not such JSON, or credentials that have expired, are an error and nothing is printed.

Flags:
  -f, --format F   ${FORMATS.join(', ')}
                   (default: POSIX export lines, for eval or source in bash, zsh, sh)
  --region R       also export AWS_REGION and AWS_DEFAULT_REGION

Examples:
  source <(aws sts assume-role --role-arn arn:aws:iam::123456789012:role/Admin \\
             --role-session-name dev | rolecall from-sts)
  eval "$(aws sts get-session-token --serial-number "$MFA_ARN" --token-code 123456 | rolecall from-sts)"
  aws sts assume-role ... | rolecall from-sts --format fish | source
  aws sts assume-role ... | rolecall from-sts --format powershell | Out-String | Invoke-Expression
  aws sts assume-role ... | rolecall from-sts --format env > .aws.env   # docker run --env-file .aws.env

Undo with \`rolecall unset\`.`,
  async run(parsed, ctx) {
    if (parsed.positionals.length > 0) {
      throw new RolecallError('USAGE', `rolecall from-sts takes no arguments, got: ${parsed.positionals.join(' ')}`, {
        hint: 'Pipe the JSON in: aws sts assume-role ... | rolecall from-sts',
      });
    }
    const formatFlag = stringFlag(parsed, 'format');
    // from-sts is for eval/source, where stdout is never a terminal: default to the shell, not process JSON
    const format = formatFlag ? parseFormat(formatFlag, 'flag --format') : EVAL_FORMAT;
    const credentials = credentialsFromSts(await ctx.readStdin(), ctx.clock, ctx.log);
    ctx.stdout(renderCredentials(format, { credentials, region: parsed.globals.region }));
    return 0;
  },
};
