// Where an MFA code comes from: the flag or positional argument, the profile's mfa_process command,
// or a prompt on /dev/tty. A code is used once; the next request asks again.
import { execFile } from 'node:child_process';
import { RolecallError } from '../errors';
import type { Prompter } from '../platform/tty';
import type { Logger } from '../platform/logger';
import type { Setting } from '../config/source';
import { describeSource } from '../config/source';
import { commandFailure } from '../platform/command-failure';

export interface MfaSources {
  /** --mfa-code, or the compat positional MFA argument */
  given?: Setting;
  /** mfa_process from the profile: a command whose stdout is the code */
  process?: Setting;
  prompt: Prompter;
  log: Logger;
}

const CODE = /^\d{6}$/;

function checked(code: string, where: string): string {
  if (!CODE.test(code)) {
    throw new RolecallError('MFA_CODE_INVALID', `the MFA code from ${where} is not 6 digits`, {
      hint: 'Enter the 6-digit code your MFA device shows now.',
    });
  }
  return code;
}

const MFA_TIMEOUT_SECONDS = 60;

function runMfaProcess(command: Setting): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('/bin/sh', ['-c', command.value], { timeout: MFA_TIMEOUT_SECONDS * 1000 }, (error, stdout, stderr) => {
      if (error) {
        reject(
          new RolecallError('CONFIG_INVALID', `mfa_process (${describeSource(command.source)}) ${commandFailure(command.value, { ...error, stderr }, MFA_TIMEOUT_SECONDS)}`, {
            hint: 'Run the command by hand: it must print the current 6-digit code and exit 0.',
          }),
        );
      } else resolve(stdout.trim());
    });
  });
}

export function mfaCodeSource(sources: MfaSources): (serial: string, profile: string) => Promise<string> {
  let given = sources.given;
  return async (serial, profile) => {
    if (given) {
      const code = checked(given.value, describeSource(given.source));
      given = undefined; // one-time code
      return code;
    }
    if (sources.process) return checked(await runMfaProcess(sources.process), `mfa_process (${describeSource(sources.process.source)})`);
    const code = await sources.prompt.ask(`MFA code for ${serial} (profile ${profile}):`, {
      hint: `Pass the code (--mfa-code, or the MFA argument of assume), or set mfa_process in profile ${profile} to a command that prints it.`,
    });
    return checked(code, 'the prompt');
  };
}
