// rolecall ssh PROFILE [ssh arguments]
import { randomInt } from 'node:crypto';
import { parseSshArgs } from '../app/ssh-args';
import { checkSshLine, runSsh, type SshVia } from '../app/ssh';
import { RolecallError } from '../errors';
import { stringFlag } from './args';
import type { Command } from './command';
import { CREDENTIAL_HELP, CREDENTIAL_OPTIONS, credentialRequest } from './credential-flags';

// below Linux's range for outgoing connections (32768..60999), so a busy remote host rarely has it taken
const REMOTE_PORTS = { min: 20_000, max: 32_767 };

export const command: Command = {
  name: 'ssh',
  usage: 'rolecall ssh [--via env|stdin] [--remote-port N] PROFILE [ssh options] [user@]host [command]',
  // PROFILE is rolecall's; everything after it is ssh's, its flags included
  runsCommand: { ownPositionals: () => 1, childFlagsFollow: true },
  options: { ...CREDENTIAL_OPTIONS, via: { type: 'string' }, 'remote-port': { type: 'string' } },
  help: `Runs ssh with the profile's credentials served to the remote host: a loopback credential server here
(as exec --server ecs), a remote forward from the remote host's 127.0.0.1 to it, and the server's URI and
token handed to the session without any command line. On the remote host the AWS CLI and SDKs get
credentials that keep being renewed for as long as the session lasts; nothing is written there, and the
credentials stop being served when ssh ends. Everything after PROFILE is ssh's; rolecall's own flags go
before PROFILE. ssh's exit status is rolecall's.

Flags:
  --via env       (default) send AWS_CONTAINER_CREDENTIALS_FULL_URI, AWS_CONTAINER_AUTHORIZATION_TOKEN,
                  AWS_REGION and AWS_DEFAULT_REGION as variables (ssh SendEnv). The remote sshd must accept
                  them, once, in its sshd_config:
                    AcceptEnv AWS_CONTAINER_CREDENTIALS_FULL_URI AWS_CONTAINER_AUTHORIZATION_TOKEN AWS_REGION AWS_DEFAULT_REGION
                  Works for interactive sessions and commands.
  --via stdin     for an sshd you cannot change: the first lines of the remote command's stdin carry the
                  variables; a small sh wrapper reads them and then runs the command (one line) with your
                  login shell. The rest of rolecall's stdin follows. Needs a remote command.
  --remote-port N the port of the forward on the remote host's 127.0.0.1 (default: a random one in
                  ${REMOTE_PORTS.min}..${REMOTE_PORTS.max}; if it is taken there, ssh says so and stops)

${CREDENTIAL_HELP}

Examples:
  rolecall ssh prod ops@bastion.example.com
  rolecall ssh prod -p 2222 ops@build-01 aws s3 ls
  rolecall ssh --via stdin prod ops@build-01 'terraform -chdir=infra plan'`,
  async run(parsed, ctx) {
    const via = stringFlag(parsed, 'via') ?? 'env';
    if (via !== 'env' && via !== 'stdin') {
      throw new RolecallError('USAGE', `rolecall ssh --via takes env or stdin, not "${via}"`, {
        hint: 'Use --via env when the remote sshd accepts the variables (AcceptEnv), else --via stdin with a remote command.',
      });
    }
    const remotePort = portFlag(stringFlag(parsed, 'remote-port')) ?? randomInt(REMOTE_PORTS.min, REMOTE_PORTS.max + 1);
    const line = parseSshArgs(parsed.rest);
    checkSshLine(line, via as SshVia);
    return runSsh({ request: credentialRequest(parsed, parsed.positionals[0]), line, via: via as SshVia, remotePort }, ctx);
  },
};

function portFlag(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const port = /^\d{1,5}$/.test(value) ? Number(value) : Number.NaN;
  if (!(port >= 1024 && port <= 65_535)) {
    throw new RolecallError('USAGE', `rolecall ssh --remote-port takes a port from 1024 to 65535, not "${value}"`, {
      hint: 'Leave it out for a random port, or choose one that is free on the remote host.',
    });
  }
  return port;
}
