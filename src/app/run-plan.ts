// Runs a Plan's steps in order. Every step that yields expiring credentials is cached under a key
// for the steps up to it, so a later run starts from the furthest step still fresh: one MFA
// session serves every role above it, and a cache hit makes no call at all.
import { createHash } from 'node:crypto';
import { RolecallError } from '../errors';
import type { Logger } from '../platform/logger';
import type { Clock } from '../platform/clock';
import type { Plan, Step } from '../plan/step';
import { describeStep } from '../plan/step';
import type { Credentials } from '../sts/credentials';
import type { Sts } from '../sts/client';
import { isDurationAboveMax } from '../sts/errors';
import { runCredentialProcess } from './credential-process';
import { describeSource, type Setting } from '../config/source';

export interface StepCache {
  read(key: string): Promise<Credentials | undefined>;
  write(key: string, credentials: Credentials, meta: { profile: string }): Promise<void>;
}

export interface SamlResult {
  assertion: string;
  roleArn: string;
  principalArn: string;
  /** the assertion's SessionDuration attribute, which caps the request */
  sessionDuration?: number;
}

export interface PlanDeps {
  sts: Sts;
  log: Logger;
  clock: Clock;
  env: NodeJS.ProcessEnv;
  /** the current MFA code for a device (flag, mfa_process or prompt) */
  mfaCode(serial: string, profile: string): Promise<string>;
  /** an OIDC login for a WebIdentity step; the session name derived from the token when none is configured */
  webIdentityToken(step: Extract<Step, { kind: 'WebIdentity' }>): Promise<{ token: string; sessionName: string }>;
  samlAssertion(step: Extract<Step, { kind: 'Saml' }>): Promise<SamlResult>;
  /** keys kept in the OS keyring by `rolecall keys add` */
  keyringKeys(profile: string): Promise<{ accessKeyId: string; secretAccessKey: string } | undefined>;
  cache?: StepCache;
  /** ignore cached credentials (still write new ones) */
  refresh: boolean;
}

/** The cache key of the steps up to and including `index`: everything that changes their result. */
export function stepKey(plan: Plan, index: number): string {
  const parts = plan.steps.slice(0, index + 1).map((step) => {
    const { profile: _profile, ...rest } = step;
    // the step's settings without where they came from: the same role from another file is the same step
    const values = JSON.parse(
      JSON.stringify(rest, function (this: object, k, v: unknown) {
        return k === 'source' && 'value' in this ? undefined : v;
      }),
    ) as Record<string, unknown>;
    if (step.kind === 'StaticKeys' && step.secretAccessKey) {
      // the secret is part of the identity but never written to disk, even hashed with the rest in the clear
      values.secretAccessKey = createHash('sha256').update(step.secretAccessKey.value).digest('hex');
    }
    return values;
  });
  // not the profile's name: two profiles over the same bastion share its MFA session
  const scope = { sts: plan.stsEndpoint?.value ?? null, region: plan.region?.value ?? null };
  return createHash('sha256').update(JSON.stringify({ v: 1, scope, parts })).digest('hex').slice(0, 40);
}

/**
 * How many leading steps may be cached. A SAML step whose role is picked on the terminal (or is the
 * assertion's only one today) is not: its key cannot say which role was picked, and neither can the
 * keys of the steps after it. default_iam_role_arn names the role, and is part of the key.
 */
export function cacheableSteps(plan: Plan): number {
  const first = plan.steps.findIndex((step) => step.kind === 'Saml' && !step.roleArn && !step.preferredRoleArn);
  return first < 0 ? plan.steps.length : first;
}

function defaultSessionName(clock: Clock): string {
  return `rolecall-${Math.floor(clock.now().getTime() / 1000)}`;
}

async function staticKeys(step: Extract<Step, { kind: 'StaticKeys' }>, deps: PlanDeps): Promise<Credentials> {
  const chain = [describeStep(step)];
  if (step.origin === 'file') {
    const c: Credentials = {
      accessKeyId: step.accessKeyId!.value,
      secretAccessKey: step.secretAccessKey!.value,
      sessionToken: step.sessionToken?.value,
      chain,
    };
    deps.log.redact(c.secretAccessKey);
    deps.log.redact(c.sessionToken);
    return c;
  }
  if (step.origin === 'env') {
    const id = deps.env.AWS_ACCESS_KEY_ID;
    const secret = deps.env.AWS_SECRET_ACCESS_KEY;
    if (!id || !secret) {
      throw new RolecallError('PROFILE_NO_CREDENTIALS', `profile "${step.profile}" has credential_source = Environment but AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY are not set`, {
        hint: 'Export the source keys into the environment first, or use source_profile instead.',
      });
    }
    deps.log.redact(secret);
    deps.log.redact(deps.env.AWS_SESSION_TOKEN);
    return { accessKeyId: id, secretAccessKey: secret, sessionToken: deps.env.AWS_SESSION_TOKEN || undefined, chain };
  }
  const stored = await deps.keyringKeys(step.profile);
  if (!stored) {
    throw new RolecallError('PROFILE_NO_CREDENTIALS', `profile "${step.profile}" has no credentials: no keys in the credentials file and none in the OS keyring`, {
      hint: `Add aws_access_key_id/aws_secret_access_key for [${step.profile}] to the credentials file, store them with \`rolecall keys add ${step.profile}\`, or give the profile a role_arn with a source.`,
    });
  }
  deps.log.redact(stored.secretAccessKey);
  return { ...stored, chain };
}

/**
 * Runs an STS call at the asked duration; when the role allows less (its MaxSessionDuration), once
 * more at one hour, with a notice. `call` gets the duration and whether this is the retry.
 */
async function withDurationRetry(
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

async function runStep(step: Step, previous: Credentials | undefined, deps: PlanDeps): Promise<Credentials> {
  const { sts, log, clock } = deps;
  switch (step.kind) {
    case 'StaticKeys':
      return staticKeys(step, deps);
    case 'Process': {
      const credentials = await runCredentialProcess(step.command, deps.env, log);
      log.redact(credentials.secretAccessKey);
      log.redact(credentials.sessionToken);
      // the JSON read says "on standard input"; here it came from the profile's command
      return { ...credentials, chain: [describeStep(step)] };
    }
    case 'SessionToken': {
      const tokenCode = await deps.mfaCode(step.mfaSerial.value, step.profile);
      return sts.getSessionToken(previous!, { serialNumber: step.mfaSerial.value, tokenCode, durationSeconds: step.durationSeconds.value });
    }
    case 'AssumeRole':
      return withDurationRetry(step.roleArn.value, step.durationSeconds, log, async (durationSeconds) =>
        sts.assumeRole(previous!, {
          roleArn: step.roleArn.value,
          sessionName: step.sessionName?.value ?? defaultSessionName(clock),
          durationSeconds,
          externalId: step.externalId?.value,
          serialNumber: step.mfaSerial?.value,
          // an MFA code is accepted once: a retry asks for the next
          tokenCode: step.mfaSerial ? await deps.mfaCode(step.mfaSerial.value, step.profile) : undefined,
        }),
      );
    case 'WebIdentity': {
      const { token, sessionName } = await deps.webIdentityToken(step);
      return withDurationRetry(step.roleArn.value, step.durationSeconds, log, (durationSeconds) =>
        sts.assumeRoleWithWebIdentity({ roleArn: step.roleArn.value, sessionName: step.sessionName?.value ?? sessionName, durationSeconds, token }),
      );
    }
    case 'Saml': {
      const saml = await deps.samlAssertion(step);
      const asked = Math.min(step.durationSeconds.value, saml.sessionDuration ?? Number.MAX_SAFE_INTEGER);
      return withDurationRetry(saml.roleArn, asked, log, (durationSeconds) =>
        sts.assumeRoleWithSaml({ roleArn: saml.roleArn, principalArn: saml.principalArn, assertion: saml.assertion, durationSeconds }),
      );
    }
  }
}

function expires(c: Credentials): boolean {
  return c.expiration !== undefined;
}

export async function runPlan(plan: Plan, deps: PlanDeps): Promise<Credentials> {
  const { steps } = plan;
  let start = 0;
  let current: Credentials | undefined;
  const cacheable = cacheableSteps(plan);
  if (deps.cache && !deps.refresh) {
    for (let i = cacheable - 1; i >= 0; i--) {
      const cached = await deps.cache.read(stepKey(plan, i));
      if (cached) {
        deps.log.debug(`cache hit for step ${i + 1}/${steps.length}: ${describeStep(steps[i]!)}`);
        deps.log.redact(cached.secretAccessKey);
        deps.log.redact(cached.sessionToken);
        current = cached;
        start = i + 1;
        break;
      }
    }
  }
  for (let i = start; i < steps.length; i++) {
    const step = steps[i]!;
    deps.log.debug(`step ${i + 1}/${steps.length}: ${describeStep(step)}`);
    const next = await runStep(step, current, deps);
    next.chain = [...(current?.chain ?? []), ...(next.chain.length ? next.chain : [describeStep(step)])];
    // a credential_process keeps its own cache (rolecall's, or the other tool's)
    if (deps.cache && i < cacheable && step.kind !== 'Process' && expires(next)) await deps.cache.write(stepKey(plan, i), next, { profile: plan.profile.name });
    current = next;
  }
  return current!;
}
