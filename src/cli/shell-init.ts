// rolecall shell-init bash|zsh|fish|powershell [--name NAME]
import { checkFunctionName, parseInitShell, shellInit } from '../output/shell-init';
import { stringFlag } from './args';
import type { Command } from './command';
import { selfInvocation } from '../platform/self';

export const command: Command = {
  name: 'shell-init',
  usage: 'rolecall shell-init [bash|zsh|fish|powershell] [--name NAME]',
  options: { name: { type: 'string' } },
  help: `Prints a shell function \`assume\` for your rc file:
  assume PROFILE [flags]      get credentials for PROFILE and set them in this shell (AWS_PROFILE is unset),
                              with AWS_ACCOUNT_NAME and AWS_ACCOUNT_ROLE for your prompt
  assume ACCOUNT ROLE [MFA]   coinbase assume-role's form: ROLE in ACCOUNT (an id, or an alias from
                              ~/.aws/accounts) through the bastion profile
  assume                      ask which profile or account, on the terminal
  assume --unset              clear every AWS credential variable again

Without a shell name, the login shell ($SHELL) is used.

Flags:
  --name NAME   name the function NAME instead of assume (granted has an \`assume\` command too),
                e.g. --name assume-role for coinbase's name

Setup:
  bash   echo 'eval "$(rolecall shell-init bash)"' >> ~/.bashrc
  zsh    echo 'eval "$(rolecall shell-init zsh)"' >> ~/.zshrc
  fish   echo 'rolecall shell-init fish | source' >> ~/.config/fish/config.fish
  pwsh   Add-Content $PROFILE 'rolecall shell-init powershell | Out-String | Invoke-Expression'

Prompt snippets: see docs/shell-integration.md.`,
  async run(parsed, ctx) {
    const shell = parseInitShell(parsed.positionals[0], ctx.env);
    const name = checkFunctionName(stringFlag(parsed, 'name') ?? 'assume');
    ctx.stdout(shellInit(shell, selfInvocation(), name));
    return 0;
  },
};
