// rolecall completion bash|zsh|fish|powershell   (and --profiles, which the scripts call)
import { candidates, completionScript, parseCompletionShell, type CommandFlags } from '../output/completion';
import { SETUP_KINDS } from '../app/setup';
import { readAccounts } from '../config/accounts';
import { readConfigFiles, listProfiles } from '../config/files';
import { FORMATS } from '../output/formats';
import { GLOBAL_OPTIONS, booleanFlag } from './args';
import type { Command } from './command';
import { selfInvocation } from '../platform/self';

function flagsOf(options: Command['options']): string[] {
  return Object.entries({ ...GLOBAL_OPTIONS, ...options }).flatMap(([name, o]) => [`--${name}`, ...(o.short ? [`-${o.short}`] : [])]);
}

// the flags whose values are a fixed list
const VALUES: Record<string, readonly string[]> = { format: FORMATS, server: ['ecs', 'imds'], via: ['env', 'stdin'], kind: Object.keys(SETUP_KINDS) };

function print(ctx: Parameters<Command['run']>[1], words: string[]): number {
  ctx.stdout(words.length ? `${words.join('\n')}\n` : '');
  return 0;
}

export const command: Command = {
  name: 'completion',
  usage: 'rolecall completion bash|zsh|fish|powershell',
  options: { profiles: { type: 'boolean' }, candidates: { type: 'boolean' } },
  help: `Prints a completion script: commands, their flags, and profile names from your AWS config
(read each time you press Tab, so new profiles complete at once).

Setup:
  bash   echo 'eval "$(rolecall completion bash)"' >> ~/.bashrc
  zsh    echo 'eval "$(rolecall completion zsh)"' >> ~/.zshrc    (after compinit, which it needs)
  fish   rolecall completion fish > ~/.config/fish/completions/rolecall.fish
  pwsh   Add-Content $PROFILE 'rolecall completion powershell | Out-String | Invoke-Expression'

Flags:
  --profiles                      print the profile names, one a line
  --candidates -- COMMAND PREVIOUS  print what may follow PREVIOUS in \`rolecall COMMAND ...\` (what
                                  the scripts call): profiles, formats, shells, account aliases,
                                  Identity Center sessions`,
  async run(parsed, ctx, registry) {
    const profiles = () => listProfiles(readConfigFiles(ctx.env, ctx.home));
    if (booleanFlag(parsed, 'profiles')) return print(ctx, profiles());
    if (booleanFlag(parsed, 'candidates')) {
      const [name = '', previous = ''] = parsed.positionals;
      const entry = Object.hasOwn(registry, name) ? registry[name] : undefined;
      const options = entry ? { ...GLOBAL_OPTIONS, ...(await entry.load()).command.options } : GLOBAL_OPTIONS;
      const valueFlags = new Map<string, readonly string[] | undefined>();
      for (const [flag, o] of Object.entries(options)) {
        if (o.type !== 'string') continue;
        // the [sso-session NAME] sections of the config, read when asked for like the profiles
        const values = flag === 'sso-session' ? [...readConfigFiles(ctx.env, ctx.home).ssoSessions.keys()] : VALUES[flag];
        valueFlags.set(`--${flag}`, values);
        if (o.short) valueFlags.set(`-${o.short}`, values);
      }
      return print(ctx, candidates(name, previous, { valueFlags, profiles, accounts: () => [...readAccounts(ctx.home, ctx.env).keys()] }));
    }
    const shell = parseCompletionShell(parsed.positionals[0]);
    const commands: CommandFlags[] = [];
    for (const [name, entry] of Object.entries(registry)) {
      const { command: c } = await entry.load();
      commands.push({ name, summary: entry.summary, flags: flagsOf(c.options) });
    }
    ctx.stdout(completionScript(shell, commands, selfInvocation()));
    return 0;
  },
};
