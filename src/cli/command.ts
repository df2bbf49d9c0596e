// The shape of one command: its flags, its help text, and a thin run() that calls one use-case.
import type { ParseArgsConfig } from 'node:util';
import type { Context } from '../platform/context';
import type { GlobalFlags } from './args';

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
  /** true when arguments after `--` belong to a child command */
  takesRest?: boolean;
  run(parsed: Parsed, ctx: Context): Promise<number>;
}
