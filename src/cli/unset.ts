// rolecall unset [--format F] [--all]
import { RolecallError } from '../errors';
import { SHELL_FORMATS, parseFormat, EVAL_FORMAT } from '../output/formats';
import { UNSET_VARIABLES, renderUnset } from '../output/render';
import { booleanFlag, stringFlag } from './args';
import type { Command } from './command';

export const command: Command = {
  name: 'unset',
  usage: 'rolecall unset [--format F] [--all]',
  options: { format: { type: 'string', short: 'f' }, all: { type: 'boolean', short: 'a' } },
  help: `Prints shell code that unsets every AWS credential and profile variable, so the shell is back to
what ~/.aws/config and ~/.aws/credentials say. By default:
${UNSET_VARIABLES.join(' ').replace(/(.{1,96})(?: |$)/g, '  $1\n')}Region, config file paths and web identity settings are kept; --all also unsets every other
exported variable whose name starts with AWS (what \`env | awk -F= '/AWS/ {print "unset", $1}'\` did,
without matching values or non-AWS names).

Flags:
  -f, --format F   ${SHELL_FORMATS.join(', ')} (default: POSIX sh, for bash, zsh, sh)
  -a, --all        also every exported AWS* variable

Examples:
  eval "$(rolecall unset)"
  source <(rolecall unset --all)
  alias UNSET_AWS='eval "$(rolecall unset)"'
  rolecall unset --format fish | source
  rolecall unset --format powershell | Out-String | Invoke-Expression`,
  async run(parsed, ctx) {
    if (parsed.positionals.length > 0) {
      throw new RolecallError('USAGE', `rolecall unset takes no arguments, got: ${parsed.positionals.join(' ')}`, { hint: `Usage: ${command.usage}` });
    }
    const formatFlag = stringFlag(parsed, 'format');
    const format = formatFlag ? parseFormat(formatFlag, 'flag --format') : EVAL_FORMAT;
    // the caller's exported variables are ours too, so --all can see which AWS* ones are set
    const exported = booleanFlag(parsed, 'all') ? Object.keys(ctx.env).filter((name) => /^AWS[A-Za-z0-9_]*$/.test(name)) : [];
    const names = [...new Set([...UNSET_VARIABLES, ...exported.sort()])];
    ctx.stdout(renderUnset(format, names));
    return 0;
  },
};
