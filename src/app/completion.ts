// Completion scripts: commands, each command's flags, and profile names read from the config
// when completing (through `rolecall completion --profiles`, so new profiles complete at once).
import { RolecallError } from '../errors';

export const COMPLETION_SHELLS = ['bash', 'zsh', 'fish', 'powershell'] as const;
export type CompletionShell = (typeof COMPLETION_SHELLS)[number];

export interface CommandFlags {
  name: string;
  summary: string;
  flags: string[];
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
    case 'bash':
    case 'zsh': {
      const rc = invocation.map(q).join(' ');
      const cases = commands.map((c) => `    ${c.name}) flags=${q(c.flags.join(' '))} ;;`).join('\n');
      // zsh's bashcompinit passes a 0-based COMP_CWORD with zsh's 1-based arrays
      const body = `_rolecall() {
  local cur cmd flags=''
  if [ -n "\${ZSH_VERSION-}" ]; then cur=\${COMP_WORDS[COMP_CWORD+1]} cmd=\${COMP_WORDS[2]}
  else cur=\${COMP_WORDS[COMP_CWORD]} cmd=\${COMP_WORDS[1]}; fi
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W ${q(names)} -- "$cur"))
    return 0
  fi
  case "$cmd" in
${cases}
  esac
  case "$cur" in
    -*) COMPREPLY=($(compgen -W "$flags" -- "$cur")) ;;
    *) COMPREPLY=($(compgen -W "$(${rc} completion --profiles 2>/dev/null)" -- "$cur")) ;;
  esac
  return 0
}
`;
      return shell === 'bash'
        ? `# rolecall completion for bash\n${body}complete -F _rolecall rolecall\n`
        : `# rolecall completion for zsh\nautoload -U +X compinit && compinit\nautoload -U +X bashcompinit && bashcompinit\n${body}complete -F _rolecall rolecall\n`;
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
      lines.push(`complete -c rolecall -n 'not __fish_use_subcommand' -a '(${rc.replace(/'/g, "\\'")} completion --profiles 2>/dev/null)'`);
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
    $candidates = & ${exe} ${rest.join(' ')} completion --profiles 2>$null
  }
  $candidates | Where-Object { $_ -like "$wordToComplete*" } | Sort-Object | ForEach-Object {
    [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
  }
}
`;
    }
  }
}
