// Where an MFA code comes from: the flag or positional argument, the profile's mfa_process command,
// or a prompt on /dev/tty. A code is used once; the next request asks again. After a refused code
// typed at the terminal, `again` asks for another one there (as aws-runas did); a refused code from
// the flag or mfa_process is not replaced (the same source would give the same wrong answer).
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

export interface MfaCodeSource {
  code(serial: string, profile: string): Promise<string>;
  /**
   * another code after the last one was refused (`why` opens the question): asked on the terminal
   * if that is where the last came from, else undefined
   */
  again(serial: string, profile: string, why: string): Promise<string | undefined>;
}

export function mfaCodeSource(sources: MfaSources): MfaCodeSource {
  let given = sources.given;
  let lastTyped = false;
  const ask = async (serial: string, profile: string, why?: string) => {
    const code = await sources.prompt.ask(`${why ? `${why}. ` : ''}MFA code for ${serial} (profile ${profile}):`, {
      hint: `Pass the code (--mfa-code, or the MFA argument of assume), or set mfa_process in profile ${profile} to a command that prints it.`,
    });
    return checked(code, 'the prompt');
  };
  return {
    async code(serial, profile) {
      lastTyped = false;
      if (given) {
        const code = checked(given.value, describeSource(given.source));
        given = undefined; // one-time code
        return code;
      }
      if (sources.process) return checked(await runMfaProcess(sources.process), `mfa_process (${describeSource(sources.process.source)})`);
      const code = await ask(serial, profile);
      lastTyped = true;
      return code;
    },
    again: async (serial, profile, why) => (lastTyped ? ask(serial, profile, why) : undefined),
  };
}
