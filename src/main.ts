// Everything behind the fast path: finds the command, builds the context, runs it, and turns
// errors into one clear message with a hint on stderr and a non-zero exit status.
import { homedir } from 'node:os';
import { RolecallError, isRolecallError } from './errors';
import { COMMANDS } from './cli/commands';
import { GLOBAL_OPTIONS, globalsAfterCommand, parseCommandArgs } from './cli/args';
import { commandHelp, renderHelp, topHelp } from './cli/help';
import { systemClock } from './platform/clock';
import { createLogger, paint, shouldColor, type Logger } from './platform/logger';
import { ttyPrompter } from './platform/tty';
import { didYouMean } from './platform/suggest';
import { printable } from './platform/printable';
import type { Context } from './platform/context';

declare const ROLECALL_VERSION: string;

function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    process.stdin.on('data', (c: Buffer) => chunks.push(c));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    process.stdin.on('error', reject);
  });
}

/** "rolecall: MESSAGE" and its hint on stderr; "rolecall: " in red on a terminal that takes colour */
function report(error: unknown, log: Logger, color: boolean): number {
  const rolecallError = isRolecallError(error)
    ? error
    : new RolecallError('INTERNAL', `unexpected error: ${error instanceof Error ? (log.debugEnabled ? (error.stack ?? error.message) : error.message) : String(error)}`);
  // "rolecall exec needs ..." says who speaks already: "rolecall: exec needs ..."
  const message = printable(log.mask(rolecallError.message)).replace(/^rolecall /, '');
  process.stderr.write(`${paint(color, '1;31', 'rolecall:')} ${message}\n  ${paint(color, '2', 'hint:')} ${printable(log.mask(rolecallError.hint))}\n`);
  if (isRolecallError(error)) log.debug(`error code ${error.code}`);
  return rolecallError.exitCode;
}

/** the manual page, for npm run build (scripts/build.mjs writes dist/rolecall.1) */
export { manPage } from './cli/help';

export async function main(argv: string[]): Promise<number> {
  // the commands see a copy: what rolecall sets for itself below never reaches a child process
  const env = { ...process.env };
  // the bundled SDK version is fixed; its notice about future versions means nothing to our users
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const color = shouldColor(env, process.stderr.isTTY === true);
  // --debug is known once the command has parsed its own flags (a child's `--debug` is the child's)
  let log = createLogger({ debug: env.ROLECALL_DEBUG === '1', color });
  try {
    const [name, ...args] = globalsAfterCommand(argv);
    if (name === 'help' && args.length > 0) {
      process.stdout.write(await commandHelp(args[0]!));
      return 0;
    }
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      process.stdout.write(topHelp());
      return name === undefined ? 2 : 0;
    }
    if (name === '--version' || name === '-v' || name === 'version') {
      process.stdout.write(`rolecall ${ROLECALL_VERSION}\n`);
      return 0;
    }
    const entry = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
    if (!entry) {
      if (Object.hasOwn(GLOBAL_OPTIONS, name.replace(/^--|=.*$/g, ''))) {
        throw new RolecallError('USAGE', `${name} needs a command to go with`, { hint: 'Name the command, e.g. rolecall whoami --profile prod (`rolecall --help` lists them).' });
      }
      throw new RolecallError('USAGE', `unknown command "${name}".${didYouMean(name, Object.keys(COMMANDS))}`, {
        hint: 'Run `rolecall --help` for the list of commands.',
      });
    }
    const { command } = await entry.load();
    const home = env.HOME || homedir();
    const parsed = parseCommandArgs(command, args, { env, home });
    if (parsed.globals.debug && !log.debugEnabled) log = createLogger({ debug: true, color });
    if (parsed.globals.help) {
      process.stdout.write(renderHelp(command, entry.summary));
      return 0;
    }
    const ctx: Context = {
      env,
      clock: systemClock,
      log,
      prompt: ttyPrompter(),
      stdout: (text) => void process.stdout.write(text),
      stdoutIsTTY: process.stdout.isTTY === true,
      readStdin,
      home,
    };
    return await command.run(parsed, ctx, COMMANDS);
  } catch (error) {
    return report(error, log, color);
  }
}
