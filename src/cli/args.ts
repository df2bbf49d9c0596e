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

function usageError(command: Command, error: unknown, options: Options): RolecallError {
  const message = error instanceof Error ? error.message : String(error);
  const unknown = /Unknown option '([^']+)'/.exec(message)?.[1];
  if (unknown) {
    return new RolecallError('USAGE', `rolecall ${command.name}: unknown flag ${unknown}.${didYouMean(unknown, flagNames(options))}`, {
      hint: command.runsCommand
        ? `If ${unknown} is the command's, put -- before the command: ${command.usage}.`
        : `Usage: ${command.usage}. Run \`rolecall ${command.name} --help\` for every flag.`,
    });
  }
  return new RolecallError('USAGE', `rolecall ${command.name}: ${message.replace(/\.$/, '')}.`, {
    hint: `Usage: ${command.usage}. Run \`rolecall ${command.name} --help\` for every flag.`,
  });
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
