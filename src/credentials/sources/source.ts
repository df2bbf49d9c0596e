// What a credential source is: how a profile is recognised as its own, the steps it plans (both
// from plan/build.ts's SourcePlanner), how they are described and how they run. One module per
// source implements this; sources/index.ts lists them in the order they are asked.
import type { Setting } from '../../config/source';
import type { Context } from '../../platform/context';
import type { Logger } from '../../platform/logger';
import type { SourcePlanner } from '../../plan/build';
import type { Step } from '../../plan/step';
import type { SecretStore } from '../../store/secrets';
import type { Sts } from '../../sts/client';
import type { Credentials } from '../../sts/credentials';
import { isDurationAboveMax } from '../../sts/errors';
import { RolecallError } from '../../errors';
import { describeSource } from '../../config/source';

/** The login flags of a credential command: --device, --no-browser, -P. */
export interface LoginFlags {
  device?: boolean;
  noBrowser?: boolean;
  password?: string;
}

/** What running a step may use: everything from outside comes in here, so tests can replace it. */
export interface StepDeps extends Pick<Context, 'env' | 'clock' | 'log' | 'prompt' | 'home'> {
  sts: Sts;
  /** the current MFA code for a device or an identity provider (flag, mfa_process or prompt); each call may ask anew */
  mfaCode(serial: string, profile: string): Promise<string>;
  /** after the last code was refused (`why` says so): another one, when the last was typed at the terminal; else undefined */
  mfaCodeAgain?(serial: string, profile: string, why: string): Promise<string | undefined>;
  /** the MFA code the user gave (--mfa-code, assume's MFA argument), if any */
  mfaGiven?: Setting;
  /** the calling IAM user's MFA devices (iam:ListMFADevices), for an MFA session no mfa_serial names */
  mfaDevices(keys: Credentials): Promise<string[]>;
  /** the OS keyring (or the file backend), opened on first use */
  secrets(): SecretStore;
  /** --device, --no-browser, -P */
  login: LoginFlags;
  /** the profile asked for, then those it inherits from: a password stored for one of them applies */
  profiles: string[];
}

export interface CredentialSource<S extends Step = Step> extends SourcePlanner {
  readonly kinds: readonly S['kind'][];
  /** one line for doctor, --debug and the credentials' source chain */
  describe(step: S): string;
  /** the step's credentials; `previous` are those of the step before it, if any */
  run(step: S, previous: Credentials | undefined, deps: StepDeps): Promise<Credentials>;
  /** what of the step names its result in the cache key, when not the step as it is (a secret, hashed) */
  cacheKeyOf?(step: S): Step;
  /** whether the step's result may be cached (default: yes) */
  cacheable?(step: S): boolean;
}

/**
 * Runs an STS call at the asked duration; when the role allows less (its MaxSessionDuration), once
 * more at one hour, with a warning. `call` gets the duration and whether this is the retry.
 */
export async function withDurationRetry(
  roleArn: string,
  asked: Setting<number> | number,
  log: Logger,
  call: (durationSeconds: number, retry: boolean) => Promise<Credentials>,
): Promise<Credentials> {
  const seconds = typeof asked === 'number' ? asked : asked.value;
  try {
    return await call(seconds, false);
  } catch (error) {
    if (!(error instanceof RolecallError) || !isDurationAboveMax(error) || seconds <= 3600) throw error;
    const where = typeof asked === 'number' ? '' : ` (${describeSource(asked.source)})`;
    log.warn(`${roleArn} allows less than the ${seconds}s asked for${where}; retrying with 1h.`);
    return call(3600, true);
  }
}

/** A role session's name when the profile names none. */
export function defaultSessionName(deps: Pick<StepDeps, 'clock'>): string {
  return `rolecall-${Math.floor(deps.clock.now().getTime() / 1000)}`;
}
