// Completion scripts: commands and each command's flags, written into the script; the values of
// arguments and flags (profiles from the config, formats, shells, account aliases) asked for when
// completing, through `rolecall completion --candidates -- COMMAND PREVIOUS-WORD`, so new profiles
// complete at once.
import { RolecallError } from '../errors';

export const COMPLETION_SHELLS = ['bash', 'zsh', 'fish', 'powershell'] as const;
export type CompletionShell = (typeof COMPLETION_SHELLS)[number];

export interface CommandFlags {
  name: string;
  summary: string;
  flags: string[];
}

/** what the values of a word can be: the flag it follows (known lists), or a positional argument */
export interface CandidateSources {
  /** the flags that take a value, and the fixed values of those that have a list */
  valueFlags: Map<string, readonly string[] | undefined>;
  profiles: () => string[];
  accounts: () => string[];
}

const SHELL_COMMANDS = new Set(['shell-init', 'completion']);

/** The words that may follow `previous` in `rolecall COMMAND ... previous`. */
export function candidates(command: string, previous: string, sources: CandidateSources): string[] {
  if (previous === '--profile' || previous === '--source-profile' || previous === '--cli-profile') return sources.profiles();
  if (sources.valueFlags.has(previous)) return [...(sources.valueFlags.get(previous) ?? [])];
  if (SHELL_COMMANDS.has(command)) return previous === command ? [...COMPLETION_SHELLS] : [];
  // assume PROFILE, or coinbase's assume ACCOUNT ROLE
  if (command === 'assume') return previous === command ? [...sources.profiles(), ...sources.accounts()] : [];
  return sources.profiles();
}

export function parseCompletionShell(value: string | undefined): CompletionShell {
  if (value && (COMPLETION_SHELLS as readonly string[]).includes(value)) return value as CompletionShell;
  throw new RolecallError('USAGE', value ? `rolecall completion does not know the shell "${value}"` : 'rolecall completion needs a shell name', {
    hint: `Use one of: ${COMPLETION_SHELLS.join(', ')}, e.g. eval "$(rolecall completion bash)" in ~/.bashrc.`,
  });
}

const q = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

export function completionScript(shell: CompletionShell, commands: CommandFlags[], invocation: string[]): string {
  const names = commands.map((c) => c.name).join(' ');
  switch (shell) {
    case 'bash': {
      const rc = invocation.map(q).join(' ');
      const cases = commands.map((c) => `    ${c.name}) flags=${q(c.flags.join(' '))} ;;`).join('\n');
      return `# rolecall completion for bash
_rolecall() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]} cmd=\${COMP_WORDS[1]} flags=''
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W ${q(names)} -- "$cur"))
    return 0
  fi
  case "$cmd" in
${cases}
  esac
  case "$cur" in
    -*) COMPREPLY=($(compgen -W "$flags" -- "$cur")) ;;
    *) COMPREPLY=($(compgen -W "$(${rc} completion --candidates -- "$cmd" "$prev" 2>/dev/null)" -- "$cur")) ;;
  esac
  return 0
}
complete -F _rolecall rolecall
`;
    }
    case 'zsh': {
      const rc = invocation.map(q).join(' ');
      const described = commands.map((c) => `    ${q(`${c.name}:${c.summary}`)}`).join('\n');
      const cases = commands.map((c) => `    ${c.name}) flags=(${c.flags.map(q).join(' ')}) ;;`).join('\n');
      // a zsh completion function as zsh's own are: it registers with compdef, which compinit
      // defines; rolecall never runs compinit (the user's ~/.zshrc does, once)
      return `#compdef rolecall
# rolecall completion for zsh: eval "$(rolecall completion zsh)" in ~/.zshrc after compinit,
# or save it as _rolecall in a directory on $fpath.
_rolecall() {
  local cmd=\${words[2]} prev=\${words[CURRENT-1]} cur=\${words[CURRENT]}
  local -a commands flags values
  if (( CURRENT == 2 )); then
    commands=(
${described}
    )
    _describe -t commands 'rolecall command' commands
    return
  fi
  case $cmd in
${cases}
  esac
  if [[ $cur == -* ]]; then
    compadd -a flags
  else
    values=(\${(f)"$(${rc} completion --candidates -- "$cmd" "$prev" 2>/dev/null)"})
    compadd -a values
  fi
}
if [[ \${funcstack[1]-} == _rolecall ]]; then
  _rolecall "$@"
elif (( $+functions[compdef] )); then
  compdef _rolecall rolecall
else
  print -u2 "rolecall completion: zsh's completion system is not loaded: put 'autoload -U compinit && compinit' before this line in ~/.zshrc"
fi
`;
    }
    case 'fish': {
      const rc = invocation.map((a) => `'${a.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`).join(' ');
      const lines = ['# rolecall completion for fish', 'complete -c rolecall -f'];
      for (const c of commands) {
        lines.push(`complete -c rolecall -n __fish_use_subcommand -a ${c.name} -d '${c.summary.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`);
        for (const flag of c.flags.filter((f) => f.startsWith('--'))) {
          lines.push(`complete -c rolecall -n '__fish_seen_subcommand_from ${c.name}' -l ${flag.slice(2)}`);
        }
      }
      const words = '(commandline -opc)';
      lines.push(`complete -c rolecall -n 'not __fish_use_subcommand' -a '(${rc.replace(/'/g, "\\'")} completion --candidates -- ${words}[2] ${words}[-1] 2>/dev/null)'`);
      return `${lines.join('\n')}\n`;
    }
    case 'powershell': {
      const [exe, ...rest] = invocation.map((a) => `'${a.replace(/'/g, "''")}'`);
      const table = commands.map((c) => `    '${c.name}' = @(${c.flags.map((f) => `'${f}'`).join(', ')})`).join('\n');
      return `# rolecall completion for PowerShell
Register-ArgumentCompleter -Native -CommandName rolecall -ScriptBlock {
  param($wordToComplete, $commandAst, $cursorPosition)
  $flags = @{
${table}
  }
  $words = $commandAst.CommandElements | ForEach-Object { $_.ToString() }
  if ($words.Count -le 1 -or ($words.Count -eq 2 -and $wordToComplete)) {
    $candidates = $flags.Keys
  } elseif ($wordToComplete.StartsWith('-')) {
    $candidates = $flags[$words[1]]
  } else {
    $previous = if ($wordToComplete) { $words[-2] } else { $words[-1] }
    $candidates = & ${exe} ${rest.join(' ')} completion --candidates -- $words[1] $previous 2>$null
  }
  $candidates | Where-Object { $_ -like "$wordToComplete*" } | Sort-Object | ForEach-Object {
    [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
  }
}
`;
    }
  }
}
