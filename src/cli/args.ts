// Flag parsing shared by every command: the global flags, `--` for exec, and USAGE errors
// that name the flag and suggest the closest one.
import { parseArgs } from 'node:util';
import { RolecallError } from '../errors';
import { didYouMean } from '../platform/suggest';
import type { Command, Options, Parsed } from './command';

export interface GlobalFlags {
  profile?: string;
  region?: string;
  debug: boolean;
  noCache: boolean;
  refresh: boolean;
  json: boolean;
  help: boolean;
}

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

export function parseCommandArgs(command: Command, argv: string[]): Parsed {
  const dashdash = argv.indexOf('--');
  const own = command.takesRest && dashdash >= 0 ? argv.slice(0, dashdash) : argv;
  const rest = command.takesRest && dashdash >= 0 ? argv.slice(dashdash + 1) : [];
  const options = { ...GLOBAL_OPTIONS, ...command.options };
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
    // exec's command has flags of its own: most likely the -- before it is missing
    const runsCommand = command.usage.includes(' -- ');
    return new RolecallError('USAGE', `rolecall ${command.name}: unknown flag ${unknown}.${runsCommand ? '' : didYouMean(unknown, flagNames(options))}`, {
      hint: runsCommand
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
