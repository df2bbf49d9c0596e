// Flag parsing shared by every command: the global flags, `--` for exec, and USAGE errors
// that name the flag and suggest the closest one.
import { parseArgs } from 'node:util';
import { RolecallError } from '../errors';
import { didYouMean } from '../platform/suggest';
import type { Command, GlobalFlags, Options, Parsed } from './command';

export const GLOBAL_OPTIONS: Options = {
  profile: { type: 'string' },
  region: { type: 'string' },
  debug: { type: 'boolean' },
  'no-cache': { type: 'boolean' },
  refresh: { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

export const GLOBAL_HELP = `Global flags:
  --profile P    the profile to use (default: AWS_PROFILE, then "default")
  --region R     the AWS region for STS and the console
  --debug        explain each step on stderr (secrets are redacted)
  --no-cache     neither read nor write cached credentials
  --refresh      ignore cached credentials and get new ones
  --json         machine-readable output where the output is for humans
  -h, --help     this help`;

/**
 * argv with the global flags written before the command moved after it, as the AWS CLI takes
 * `aws --profile p s3 ls`: `rolecall --profile p whoami` is `rolecall whoami --profile p`. Only
 * the flags up to the command move; everything after it stays where it was (exec's child command).
 */
export function globalsAfterCommand(argv: readonly string[]): string[] {
  const leading: string[] = [];
  let i = 0;
  for (; i < argv.length; i++) {
    const token = argv[i]!;
    const name = /^--([\w-]+)(=|$)/.exec(token);
    const option = name && name[1] !== 'help' ? GLOBAL_OPTIONS[name[1]!] : undefined;
    if (!option) break;
    leading.push(token);
    if (option.type === 'string' && name![2] === '' && i + 1 < argv.length) leading.push(argv[++i]!);
  }
  if (leading.length === 0 || i >= argv.length) return [...argv];
  return [argv[i]!, ...leading, ...argv.slice(i + 1)];
}

function flagNames(options: Options): string[] {
  return Object.entries(options).flatMap(([name, o]) => [`--${name}`, ...(o.short ? [`-${o.short}`] : [])]);
}

/** Whether `token` (a flag of `options`, as typed) takes the next argument as its value. */
function takesValue(token: string, options: Options): boolean {
  if (token.includes('=')) return false;
  const name = token.startsWith('--') ? token.slice(2) : undefined;
  const option = name !== undefined ? options[name] : Object.values(options).find((o) => token.length === 2 && o.short === token[1]);
  return option?.type === 'string';
}

/**
 * rolecall's own arguments and the child command's, for a command that runs one: split at `--`,
 * else where the child's command starts (see Command.runsCommand), as `aws-vault exec PROFILE cmd`
 * and `aws-runas PROFILE cmd` are typed.
 */
function splitChildCommand(command: Command, argv: string[], options: Options, where: { env: NodeJS.ProcessEnv; home: string }): { own: string[]; rest: string[] } {
  const runs = command.runsCommand!;
  let own: number | undefined;
  let positionals = 0;
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--') return { own: argv.slice(0, i), rest: argv.slice(i + 1) };
    if (token.startsWith('-') && token !== '-') {
      if (takesValue(token, options)) i++;
      continue;
    }
    own ??= runs.ownPositionals(token, { profileFlag: argv.slice(0, i).some((a) => a === '--profile' || a.startsWith('--profile=')) }, where);
    if (positionals === own) return { own: argv.slice(0, i), rest: argv.slice(i) };
    positionals++;
    if (runs.childFlagsFollow && positionals === own) return { own: argv.slice(0, i + 1), rest: argv.slice(i + 1) };
  }
  return { own: argv, rest: [] };
}

export function parseCommandArgs(command: Command, argv: string[], where: { env: NodeJS.ProcessEnv; home: string } = { env: {}, home: '' }): Parsed {
  const options = { ...GLOBAL_OPTIONS, ...command.options };
  const { own, rest } = command.runsCommand ? splitChildCommand(command, argv, options, where) : { own: argv, rest: [] };
  let parsed;
  try {
    parsed = parseArgs({ args: own, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw usageError(command, error, options);
  }
  const v = parsed.values as Record<string, string | boolean | undefined>;
  const globals: GlobalFlags = {
    profile: v.profile as string | undefined,
    region: v.region as string | undefined,
    debug: v.debug === true,
    noCache: v['no-cache'] === true,
    refresh: v.refresh === true,
    json: v.json === true,
    help: v.help === true,
  };
  return { values: parsed.values as Parsed['values'], positionals: parsed.positionals, rest, globals };
}

/** node's parseArgs messages, in rolecall's words: what is wrong with which flag */
function flagProblem(message: string): string | undefined {
  const missing = /^Option '(?:-\w, )?(--[\w-]+) <value>' argument missing/.exec(message)?.[1];
  if (missing) return `${missing} needs a value`;
  const ambiguous = /^Option '(--[\w-]+|-\w)' argument is ambiguous/.exec(message)?.[1];
  if (ambiguous) return `${ambiguous} needs a value, and what follows it is a flag (a value that starts with - is written ${ambiguous}=VALUE)`;
  const noValue = /^Option '(--[\w-]+)' does not take an argument/.exec(message)?.[1];
  if (noValue) return `${noValue} takes no value`;
  return undefined;
}

function usageError(command: Command, error: unknown, options: Options): RolecallError {
  const message = error instanceof Error ? error.message : String(error);
  const usage = `Usage: ${command.usage}. Run \`rolecall ${command.name} --help\` for every flag.`;
  const unknown = /Unknown option '([^']+)'/.exec(message)?.[1];
  if (unknown) {
    return new RolecallError('USAGE', `rolecall ${command.name}: unknown flag ${unknown}.${didYouMean(unknown, flagNames(options))}`, {
      hint: command.runsCommand ? `If ${unknown} is the command's, put -- before the command: ${command.usage}.` : usage,
    });
  }
  const problem = flagProblem(message) ?? message.split('\n')[0]!.replace(/\.$/, '');
  return new RolecallError('USAGE', `rolecall ${command.name}: ${problem}.`, { hint: usage });
}

export function stringFlag(parsed: Parsed, name: string): string | undefined {
  const value = parsed.values[name];
  return typeof value === 'string' ? value : undefined;
}

export function booleanFlag(parsed: Parsed, name: string): boolean {
  return parsed.values[name] === true;
}

export function renderHelp(command: Command, summary: string): string {
  return `Usage: ${command.usage}\n\n${summary}\n\n${command.help.trim()}\n\n${GLOBAL_HELP}\n`;
}
