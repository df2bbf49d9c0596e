// `rolecall ssh`: the user's ssh, with a remote port forward from the remote host's loopback to
// the loopback credential server here, and the server's URI and token handed to the remote
// session without a command line: as variables the sshd accepts (SendEnv), or as the first lines
// of the session's stdin, read by a small sh wrapper before the user's command starts.
import { RolecallError } from '../errors';
import type { Context } from '../platform/context';
import { runChild } from './exec';
import { resolveCredentials, type CredentialRequest } from '../credentials/resolve';
import { serveProfile } from './serve-profile';
import type { SshCommandLine } from './ssh-args';

export type SshVia = 'env' | 'stdin';

/**
 * The remote command of --via stdin, run by the remote user's login shell (sh, bash, zsh, fish,
 * csh alike: no quote, backslash or "!" inside). It exports NAME=value lines up to an empty one,
 * then runs the next line, the user's command, with the login shell, as sshd would have.
 */
export const STDIN_WRAPPER =
  "sh -c 'while IFS= read -r l; do [ -z \"$l\" ] && break; export \"$l\"; done; IFS= read -r c || exit 255; exec \"${SHELL:-/bin/sh}\" -c \"$c\"'";

export interface SshPlan {
  args: string[];
  /** variables to add to ssh's own environment (--via env: what SendEnv sends) */
  env: Record<string, string>;
  /** written to ssh's stdin before rolecall's own stdin (--via stdin) */
  stdinPrefix?: string;
}

export interface SshInput {
  line: SshCommandLine;
  via: SshVia;
  /** the port the local credential server listens on (127.0.0.1) */
  localPort: number;
  /** the port the forward listens on, on the remote host's 127.0.0.1 */
  remotePort: number;
  /** the variables for the remote session: URI (pointing at remotePort), token, region */
  remoteEnv: Record<string, string>;
}

/** Refuses what cannot work before anything is resolved: no destination, -f, --via stdin without a command. */
export function checkSshLine(line: SshCommandLine, via: SshVia): void {
  if (line.destination === undefined) {
    throw new RolecallError('USAGE', 'rolecall ssh needs a destination after the profile', { hint: 'Usage: rolecall ssh PROFILE [ssh options] [user@]host [command], e.g. rolecall ssh prod ops@bastion.example.com' });
  }
  if (line.flags.has('f')) {
    throw new RolecallError('USAGE', 'rolecall ssh cannot run ssh -f: the credential server stops when ssh returns, and -f returns at once', {
      hint: 'Keep ssh in the foreground (in tmux or screen for a long session), or use -N in the foreground for a forward only.',
    });
  }
  if (via === 'stdin') {
    if (line.command.length === 0) {
      throw new RolecallError('USAGE', 'rolecall ssh --via stdin needs a remote command: the URI and token travel on the command\'s stdin', {
        hint: 'Give the command after the host (rolecall ssh --via stdin prod host aws s3 ls), or use --via env for an interactive shell (the sshd must accept the variables: AcceptEnv).',
      });
    }
    if (line.command.join(' ').includes('\n')) {
      throw new RolecallError('USAGE', 'rolecall ssh --via stdin takes a one-line remote command', {
        hint: 'Put a multi-line command into a script on the remote host, or use --via env.',
      });
    }
  }
}

export function sshInvocation(input: SshInput): SshPlan {
  const { line, via, localPort, remotePort, remoteEnv } = input;
  // ExitOnForwardFailure: a remote port already taken ends the session at once, instead of a
  // session whose credentials never arrive
  const forward = ['-o', 'ExitOnForwardFailure=yes', '-R', `127.0.0.1:${remotePort}:127.0.0.1:${localPort}`];
  if (via === 'env') {
    const sendEnv = Object.keys(remoteEnv).flatMap((name) => ['-o', `SendEnv=${name}`]);
    return { args: [...forward, ...sendEnv, ...line.head, ...line.command], env: remoteEnv };
  }
  const lines = Object.entries(remoteEnv).map(([name, value]) => `${name}=${value}\n`);
  return { args: [...forward, ...line.head, STDIN_WRAPPER], env: {}, stdinPrefix: `${lines.join('')}\n${line.command.join(' ')}\n` };
}

/** Resolves the credentials, serves them, runs ssh with the forward; the server stops when ssh ends. */
export async function runSsh(input: { request: CredentialRequest; line: SshCommandLine; via: SshVia; remotePort: number }, ctx: Context): Promise<number> {
  const { request, line, via, remotePort } = input;
  const { credentials, plan } = await resolveCredentials(request, ctx);
  const server = await serveProfile('ecs', request, credentials, ctx, { reachedAs: [`127.0.0.1:${remotePort}`, `localhost:${remotePort}`] });
  try {
    const local = new URL(server.env.AWS_CONTAINER_CREDENTIALS_FULL_URI!);
    const remote = new URL(local.href);
    remote.port = String(remotePort);
    const region = plan.region?.value;
    const invocation = sshInvocation({
      line,
      via,
      localPort: Number(local.port),
      remotePort,
      remoteEnv: {
        AWS_CONTAINER_CREDENTIALS_FULL_URI: remote.href,
        AWS_CONTAINER_AUTHORIZATION_TOKEN: server.env.AWS_CONTAINER_AUTHORIZATION_TOKEN!,
        ...(region ? { AWS_REGION: region, AWS_DEFAULT_REGION: region } : {}),
      },
    });
    ctx.log.debug(`ssh: forwarding 127.0.0.1:${remotePort} on ${line.destination} to the credential server, variables via ${via}`);
    return await runChild({ command: 'ssh', args: invocation.args, env: { ...ctx.env, ...invocation.env }, log: ctx.log, stdinPrefix: invocation.stdinPrefix });
  } finally {
    await server.close();
  }
}
