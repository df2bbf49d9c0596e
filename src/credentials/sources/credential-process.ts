// A profile's own credential_process, run the way the AWS CLI runs it (through the shell, JSON on
// stdout), so that exec, login and whoami work for profiles that only name another tool or
// `rolecall auth`. Its answer is cached and locked like any step's: 32 calls at once run the
// command once, and an answer is reused until its Expiration enters the refresh window (one
// without an Expiration is not cached: the command runs every time).
import { spawn } from 'node:child_process';
import { RolecallError } from '../../errors';
import { describeSource, type Setting } from '../../config/source';
import type { Logger } from '../../platform/logger';
import { commandFailure, programOf } from '../../platform/command-failure';
import { parseStsJson } from '../../output/sts-json';
import { stepOf, type Step } from '../../plan/step';
import type { Credentials } from '../../sts/credentials';
import type { CredentialSource } from './source';

export interface ProcessStep extends Step {
  kind: 'Process';
  command: Setting;
}

export const isProcess = stepOf<ProcessStep>('Process');

const DEPTH = 'ROLECALL_PROCESS_DEPTH';
const MAX_DEPTH = 4;
/** the cache keys whose locks the rolecalls above this process hold, space separated */
const HELD_LOCKS = 'ROLECALL_HELD_LOCKS';

/**
 * The environment for the steps run under the lock of `key`. A rolecall inside a credential_process
 * that asks for the same key again would wait for its own parent: it is a loop, and is said to be one.
 */
export function underLock(key: string, env: NodeJS.ProcessEnv, profile: string): NodeJS.ProcessEnv {
  const held = (env[HELD_LOCKS] ?? '').split(' ').filter(Boolean);
  if (held.includes(key)) {
    throw new RolecallError('CREDENTIAL_PROCESS_FAILED', `profile ${profile}: its credential_process calls rolecall for the same credentials again, which would wait for itself`, {
      hint: 'A profile whose credential_process is `rolecall export` for the same profile loops: point it at the profile that holds the settings.',
    });
  }
  return { ...env, [HELD_LOCKS]: [...held, key].join(' ') };
}

function runCredentialProcess(command: Setting, env: NodeJS.ProcessEnv, log: Logger): Promise<Credentials> {
  const depth = Number(env[DEPTH] ?? 0);
  const where = describeSource(command.source);
  if (depth >= MAX_DEPTH) {
    return Promise.reject(
      new RolecallError('CREDENTIAL_PROCESS_FAILED', `credential_process (${where}) calls rolecall for itself, ${depth} deep`, {
        hint: 'A profile whose credential_process is `rolecall export` for the same profile loops: point it at the profile that holds the settings.',
      }),
    );
  }
  log.debug(`running credential_process (${where})`);
  return new Promise((resolve, reject) => {
    // stdin and stderr stay the user's: a rolecall inside can ask for an MFA code and say what it does
    const child = spawn('/bin/sh', ['-c', command.value], { env: { ...env, [DEPTH]: String(depth + 1) }, stdio: ['inherit', 'pipe', 'inherit'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', (error) => reject(new RolecallError('CREDENTIAL_PROCESS_FAILED', `credential_process (${where}) could not start: ${error.message}`)));
    child.on('close', (code, signal) => {
      if (code !== 0) {
        // its stderr went to the user's terminal as it ran
        reject(new RolecallError('CREDENTIAL_PROCESS_FAILED', `credential_process (${where}) ${commandFailure(command.value, { code, signal })}`));
        return;
      }
      try {
        resolve(parseStsJson(Buffer.concat(chunks).toString('utf8')));
      } catch (parseError) {
        reject(
          new RolecallError('CREDENTIAL_PROCESS_FAILED', `credential_process (${where}) printed no credentials: ${(parseError as Error).message}`, {
            hint: 'The command must print credential_process JSON (Version 1) on stdout.',
          }),
        );
      }
    });
  });
}

export const credentialProcess: CredentialSource<ProcessStep> = {
  kinds: ['Process'],
  roleSession: false,
  // keys in the profile win over its credential_process, as in the AWS CLI
  recognises: (profile) => profile.get('credential_process') !== undefined && profile.get('aws_access_key_id') === undefined,
  plan: (profile) => ({ steps: [{ kind: 'Process', profile: profile.name, command: profile.get('credential_process')! } satisfies ProcessStep], notices: [] }),
  // the program only: the arguments may carry a secret, and this line is shown by whoami and doctor
  describe: (step) => `credential_process of profile ${step.profile}: ${programOf(step.command.value)}`,
  async run(step, _previous, deps) {
    const credentials = await runCredentialProcess(step.command, deps.env, deps.log);
    deps.log.redact(credentials.secretAccessKey);
    deps.log.redact(credentials.sessionToken);
    if (!credentials.expiration) deps.log.debug(`credential_process of profile ${step.profile} answered without an Expiration: not cached, it runs on every call`);
    // the JSON read says "on standard input"; here it came from the profile's command
    return { ...credentials, chain: [credentialProcess.describe(step)] };
  },
};
