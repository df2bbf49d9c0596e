// rolecall completion bash|zsh|fish|powershell   (and --profiles, which the scripts call)
import { completionScript, parseCompletionShell, type CommandFlags } from '../app/completion';
import { readConfigFiles, listProfiles } from '../config/files';
import { GLOBAL_OPTIONS, booleanFlag } from './args';
import type { Command } from './command';
import { COMMANDS } from './commands';

function flagsOf(options: Command['options']): string[] {
  return Object.entries({ ...GLOBAL_OPTIONS, ...options }).flatMap(([name, o]) => [`--${name}`, ...(o.short ? [`-${o.short}`] : [])]);
}

export const command: Command = {
  name: 'completion',
  usage: 'rolecall completion bash|zsh|fish|powershell',
  options: { profiles: { type: 'boolean' } },
  help: `Prints a completion script: commands, their flags, and profile names from your AWS config
(read each time you press Tab, so new profiles complete at once).

Setup:
  bash   echo 'eval "$(rolecall completion bash)"' >> ~/.bashrc
  zsh    echo 'eval "$(rolecall completion zsh)"' >> ~/.zshrc
  fish   rolecall completion fish > ~/.config/fish/completions/rolecall.fish
  pwsh   Add-Content $PROFILE 'rolecall completion powershell | Out-String | Invoke-Expression'

Flags:
  --profiles   print the profile names, one a line (what the scripts call)`,
  async run(parsed, ctx) {
    if (booleanFlag(parsed, 'profiles')) {
      const names = listProfiles(readConfigFiles(ctx.env, ctx.home));
      ctx.stdout(names.length ? `${names.join('\n')}\n` : '');
      return 0;
    }
    const shell = parseCompletionShell(parsed.positionals[0]);
    const commands: CommandFlags[] = [];
    for (const [name, entry] of Object.entries(COMMANDS)) {
      const { command: c } = await entry.load();
      commands.push({ name, summary: entry.summary, flags: flagsOf(c.options) });
    }
    ctx.stdout(completionScript(shell, commands, [process.execPath, process.argv[1] ?? 'rolecall']));
    return 0;
  },
};
