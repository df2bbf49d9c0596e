// The help texts: `rolecall --help`, `rolecall help COMMAND` (the same as `COMMAND --help`), and
// the manual page `man rolecall`, which npm run build writes from these same texts so that the
// two never disagree.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { RolecallError } from '../errors';
import { didYouMean } from '../platform/suggest';
import { GLOBAL_HELP } from './args';
import type { Command } from './command';
import { COMMANDS } from './commands';

const TAGLINE = 'short-lived AWS credentials for a role, from an OIDC login, an IAM user with MFA, or SAML.';
const VERSION_HELP = '  -v, --version  print the version';

/** The guides (docs/*.md) the help texts name, where the package installed them; undefined in the single executable. */
export function guidesDir(): string | undefined {
  const dir = join(__dirname, '..', 'docs');
  return existsSync(join(dir, 'README.md')) ? dir : undefined;
}

export function topHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  const lines = Object.entries(COMMANDS).map(([name, entry]) => `  ${name.padEnd(width)}  ${entry.summary}`);
  const guides = guidesDir();
  return `rolecall: ${TAGLINE}

Usage: rolecall <command> [PROFILE] [flags]

Commands:
${lines.join('\n')}

${GLOBAL_HELP}
${VERSION_HELP}

Run \`rolecall help <command>\` (or \`rolecall <command> --help\`) for a command's flags and examples,
\`man rolecall\` for all of them.${guides ? `\nThe guides the help names (docs/*.md) are in ${guides}` : ''}
`;
}

export function renderHelp(command: Command, summary: string): string {
  return `Usage: ${command.usage}\n\n${summary}\n\n${command.help.trim()}\n\n${GLOBAL_HELP}\n`;
}

/** `rolecall help COMMAND`: the command's --help; an unknown name is a usage error with a suggestion. */
export async function commandHelp(name: string): Promise<string> {
  const entry = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!entry) {
    throw new RolecallError('USAGE', `help: there is no command "${name}".${didYouMean(name, Object.keys(COMMANDS))}`, {
      hint: 'Run `rolecall help` for the list of commands.',
    });
  }
  return renderHelp((await entry.load()).command, entry.summary);
}

/** Text set verbatim in roff: backslashes escaped, hyphens kept as ASCII minus, no line read as a request. */
function roffText(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      const escaped = line.replace(/\\/g, '\\e').replace(/-/g, '\\-');
      return /^[.']/.test(escaped) ? `\\&${escaped}` : escaped;
    })
    .join('\n');
}

function verbatim(text: string): string[] {
  return ['.nf', roffText(text.trim()), '.fi'];
}

/** The manual page (roff, section 1) from the same texts as --help. */
export async function manPage(version: string): Promise<string> {
  const out = [
    `.TH ROLECALL 1 "" "rolecall ${version}" "User Commands"`,
    '.nh',
    '.ad l',
    '.SH NAME',
    `rolecall \\- ${roffText(TAGLINE)}`,
    '.SH SYNOPSIS',
    '.B rolecall',
    '.I command',
    '[PROFILE] [flags]',
    '.SH DESCRIPTION',
    roffText(
      'rolecall gets short-lived AWS credentials for a role from an OpenID Connect login, an IAM user with MFA in a bastion account, or a SAML assertion, ' +
        'and hands them to the AWS CLI (credential_process), to a command (exec), to your shell (export) or to the AWS console (login). ' +
        'It reads ~/.aws/config and ~/.aws/credentials, and the files of aws-oidc, aws-cli-oidc and coinbase assume-role.',
    ),
    '.PP',
    roffText('stdout carries only what the command promises; progress, warnings and errors go to stderr, and prompts to the terminal (/dev/tty).'),
    '.SH COMMANDS',
  ];
  for (const [name, entry] of Object.entries(COMMANDS)) {
    const { command } = await entry.load();
    out.push(`.SS ${name}`, '.nf', roffText(command.usage), '.fi', '.PP', roffText(entry.summary), '.PP', ...verbatim(command.help));
  }
  out.push('.SH GLOBAL FLAGS', ...verbatim(`${GLOBAL_HELP.replace(/^Global flags:\n/, '')}\n${VERSION_HELP}`));
  out.push(
    '.SH EXIT STATUS',
    roffText('0 on success; exec passes on its command\'s status; otherwise the status of the error, listed with every error code in docs/errors.md.'),
    '.SH FILES',
    '.TP',
    '.I ~/.aws/config, ~/.aws/credentials',
    roffText('profiles, as the AWS CLI reads them (AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE move them)'),
    '.TP',
    '.I ~/.cache/rolecall',
    roffText('cached short-lived credentials, 0600 (ROLECALL_CACHE_DIR or XDG_CACHE_HOME move it)'),
    '.SH SEE ALSO',
    roffText('aws(1); the guides in the docs directory of the rolecall package (docs/README.md lists them), which the help texts name as docs/*.md.'),
  );
  return `${out.join('\n')}\n`;
}
