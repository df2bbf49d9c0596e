// Everything behind the fast path: finds the command, builds the context, runs it, and turns
// errors into one clear message with a hint on stderr and a non-zero exit status.
import { homedir } from 'node:os';
import { RolecallError, isRolecallError } from './errors';
import { COMMANDS } from './cli/commands';
import { GLOBAL_HELP, parseCommandArgs, renderHelp } from './cli/args';
import { systemClock } from './platform/clock';
import { createLogger, shouldColor, type Logger } from './platform/logger';
import { ttyPrompter } from './platform/tty';
import { didYouMean } from './platform/suggest';
import { printable } from './platform/printable';
import type { Context } from './platform/context';

declare const ROLECALL_VERSION: string;

function topHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  const lines = Object.entries(COMMANDS).map(([name, entry]) => `  ${name.padEnd(width)}  ${entry.summary}`);
  return `rolecall: short-lived AWS credentials for a role, from an OIDC login, an IAM user with MFA, or SAML.

Usage: rolecall <command> [PROFILE] [flags]

Commands:
${lines.join('\n')}

${GLOBAL_HELP}
  --version      print the version

Run \`rolecall <command> --help\` for a command's flags and examples.
`;
}

function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    process.stdin.on('data', (c: Buffer) => chunks.push(c));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    process.stdin.on('error', reject);
  });
}

function report(error: unknown, log: Logger): number {
  if (isRolecallError(error)) {
    // "rolecall exec needs ..." already says who speaks: no "rolecall: rolecall exec ..."
    const message = printable(log.mask(error.message));
    process.stderr.write(`${message.startsWith('rolecall ') ? message : `rolecall: ${message}`}\n  hint: ${printable(log.mask(error.hint))}\n`);
    log.debug(`error code ${error.code}`);
    return error.exitCode;
  }
  const detail = error instanceof Error ? (log.debugEnabled ? (error.stack ?? error.message) : error.message) : String(error);
  const internal = new RolecallError('INTERNAL', `unexpected error: ${detail}`);
  process.stderr.write(`rolecall: ${printable(log.mask(internal.message))}\n  hint: ${internal.hint}\n`);
  return internal.exitCode;
}

export async function main(argv: string[]): Promise<number> {
  // the commands see a copy: what rolecall sets for itself below never reaches a child process
  const env = { ...process.env };
  // the bundled SDK version is fixed; its notice about future versions means nothing to our users
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const debug = argv.includes('--debug') || env.ROLECALL_DEBUG === '1';
  const log = createLogger({ debug, color: shouldColor(env, process.stderr.isTTY === true) });
  try {
    const [name, ...args] = argv;
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      process.stdout.write(topHelp());
      return name === undefined ? 2 : 0;
    }
    if (name === '--version' || name === 'version') {
      process.stdout.write(`rolecall ${ROLECALL_VERSION}\n`);
      return 0;
    }
    const entry = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
    if (!entry) {
      throw new RolecallError('USAGE', `unknown command "${name}".${didYouMean(name, Object.keys(COMMANDS))}`, {
        hint: 'Run `rolecall --help` for the list of commands.',
      });
    }
    const { command } = await entry.load();
    const home = env.HOME || homedir();
    const parsed = parseCommandArgs(command, args, { env, home });
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
    return await command.run(parsed, ctx);
  } catch (error) {
    return report(error, log);
  }
}
