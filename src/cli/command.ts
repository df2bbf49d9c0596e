// The shape of one command: its flags, its help text, and a thin run() that calls one use-case.
import type { ParseArgsConfig } from 'node:util';
import type { Context } from '../platform/context';
export interface GlobalFlags {
  profile?: string;
  region?: string;
  debug: boolean;
  noCache: boolean;
  refresh: boolean;
  json: boolean;
  help: boolean;
}

export type Options = NonNullable<ParseArgsConfig['options']>;

export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
  /** everything after `--`, for exec */
  rest: string[];
  globals: GlobalFlags;
}

export interface Command {
  name: string;
  /** `rolecall export [PROFILE] [--format F]` */
  usage: string;
  /** the rest of `rolecall CMD --help`: flags and examples */
  help: string;
  options: Options;
  /**
   * Commands that run a child command (exec). Everything after `--` is the child's; without `--`,
   * the child's command starts at the positional numbered ownPositionals(first positional, ...),
   * and everything from there on is the child's, its flags included.
   */
  runsCommand?: {
    ownPositionals(first: string, given: { profileFlag: boolean }, where: { env: NodeJS.ProcessEnv; home: string }): number;
    /** the child's arguments start right after rolecall's last positional, flags included (ssh: `PROFILE -p 2222 host`) */
    childFlagsFollow?: boolean;
  };
  /** `commands`: every command there is, for the one that lists them all (completion) */
  run(parsed: Parsed, ctx: Context, commands: Readonly<Record<string, CommandEntry>>): Promise<number>;
}

/** A command in the registry (cli/commands.ts): its one-line summary, and its module, loaded when it runs. */
export interface CommandEntry {
  summary: string;
  load: () => Promise<{ command: Command }>;
}
