// The credential core's entry, behind export, exec, assume, whoami and the compat commands:
// flags/env/files -> Profile -> Plan -> (cache, lock) -> steps -> Credentials.
import type { Context } from '../platform/context';
import { profileChain, profileLineage, type Profile } from '../config/profile';
import { withSamlFileUsername } from '../config/saml-credentials';
import { describeSource, type Setting } from '../config/source';
import { readConfigFiles } from '../config/files';
import { resolveProfile } from '../config/resolve';
import { validateProfile } from '../config/validate';
import { misspeltKeys, misspeltMessage } from '../config/misspelt';
import { sessionBounds, SESSION_BOUNDS } from '../config/duration';
import { refreshWindowSeconds } from '../fastpath/record';
import { buildPlan, type PlanFlags } from '../plan/build';
import type { Plan } from '../plan/step';
import { createSts, type Sts } from '../sts/client';
import type { Credentials } from '../sts/credentials';
import { cacheableSteps, runPlan, stepKey, type PlanDeps } from './run-plan';
import { mfaCodeSource } from './mfa';
import { SOURCES } from './sources/index';
import { underLock } from './sources/credential-process';
import type { CredentialSource, LoginFlags } from './sources/source';
import { openCredentialCache } from '../store/credential-cache';
import { withLock } from '../store/lock';
import { openSecretStore, type SecretStore } from '../store/secrets';

export interface CredentialRequest extends LoginFlags {
  /** coinbase assume's bastion mode: an MFA session even where no mfa_serial names the device (see PlanFlags) */
  mfaAlways?: boolean;
  /** the profile name from an argument or --profile; absent: AWS_PROFILE, then default */
  profileName?: Setting;
  /** settings given as flags (region, duration_seconds, role_arn, ...): the highest precedence */
  overrides?: Map<string, Setting>;
  /** a profile built by a compat command (auth, get-cred, assume) instead of one from ~/.aws/config */
  profile?: Profile;
  /** the plan, when the caller has already built it from the profile (to check it before any sign-in) */
  plan?: Plan;
  mfaCode?: Setting;
  refresh: boolean;
  noCache: boolean;
}

export interface Resolved {
  credentials: Credentials;
  plan: Plan;
  /** the cache key of the final step: what the fast path and `clear` need */
  cacheKey: string;
  /** false when the credentials came from the cache as they were */
  fresh: boolean;
}

export function loadProfile(request: Pick<CredentialRequest, 'profileName' | 'overrides' | 'profile'>, ctx: Context): Profile {
  const profile = request.profile ?? resolveProfile(readConfigFiles(ctx.env, ctx.home), { name: request.profileName, env: ctx.env, overrides: request.overrides });
  return withSamlFileUsername(profile, ctx.home);
}

/** Checks every setting, then builds the plan (which checks the sign-in's settings); notices are warned about. */
export function planFor(profile: Profile, ctx: Context, flags: PlanFlags = {}): Plan {
  const bounds = sessionBounds(ctx.env);
  if (bounds.min < SESSION_BOUNDS.min) ctx.log.warn(`ROLECALL_MIN_SESSION_SECONDS=${bounds.min}: sessions shorter than 15 minutes are for the testbed only; AWS refuses them.`);
  validateProfile(profile, bounds);
  const { plan, notices } = buildPlan(profile, SOURCES, bounds, flags);
  for (const notice of notices) ctx.log.warn(notice);
  return plan;
}

/**
 * planFor for a command about to get credentials: first a warning for each key of the profile and
 * its source_profile chain that nothing reads but that looks like a misspelt one, whose setting is
 * therefore missing (doctor reports them as failures instead).
 */
export function planToRun(profile: Profile, ctx: Context, flags: PlanFlags = {}): Plan {
  for (const p of profileChain(profile)) for (const m of misspeltKeys(p.settings)) ctx.log.warn(misspeltMessage(p.name, m));
  return planFor(profile, ctx, flags);
}

/** What tests put in place of STS and the credential sources; everything else is the real thing. */
export interface Seams {
  sts?: Sts;
  sources?: readonly CredentialSource[];
}

export async function resolveCredentials(request: CredentialRequest, ctx: Context, seams: Seams = {}): Promise<Resolved> {
  const profile = loadProfile(request, ctx);
  const plan = request.plan ?? planToRun(profile, ctx, request);
  const sources = seams.sources ?? SOURCES;
  const cacheKey = stepKey(plan, plan.steps.length - 1, sources);
  let secrets: SecretStore | undefined;
  // the code given, else mfa_process of the profile or of one it builds on (assume's profile over the
  // bastion), else the terminal; a code the user gave that no step asks for is said to be unused, never dropped silently
  const codeFor = mfaCodeSource({ given: request.mfaCode, process: profileChain(profile).map((p) => p.get('mfa_process')).find((s) => s !== undefined), prompt: ctx.prompt, log: ctx.log });
  let codeAsked = false;
  let cacheUsed = false;
  const credentialCache = request.noCache ? undefined : openCredentialCache({ env: ctx.env, home: ctx.home, clock: ctx.clock, log: ctx.log }, { refreshWindowSeconds: refreshWindowSeconds(profile) });

  const deps: PlanDeps = {
    sts: seams.sts ?? createSts({ region: plan.region?.value, endpoint: plan.stsEndpoint?.value, log: ctx.log }),
    log: ctx.log,
    clock: ctx.clock,
    env: ctx.env,
    home: ctx.home,
    prompt: ctx.prompt,
    secrets: () => (secrets ??= openSecretStore({ env: ctx.env, home: ctx.home, log: ctx.log })),
    login: request,
    // the sign-in steps are the profile's own (their keys are inherited): its lineage names the stored passwords
    profiles: profileLineage(profile),
    sources,
    refresh: request.refresh,
    cache: credentialCache && {
      read: async (key) => {
        const hit = await credentialCache.read(key);
        cacheUsed ||= hit !== undefined;
        return hit;
      },
      write: (key, credentials, meta) => credentialCache.write(key, credentials, meta),
    },
    mfaGiven: request.mfaCode,
    // the IAM client loads only when a device is looked up
    mfaDevices: async (keys) => (await import('../sts/iam')).mfaDevices(keys, { region: plan.region?.value, endpoint: plan.iamEndpoint?.value, log: ctx.log }),
    mfaCode: (serial, name) => {
      codeAsked = true;
      return codeFor.code(serial, name);
    },
    mfaCodeAgain: (serial, name, why) => codeFor.again(serial, name, why),
  };

  const resolved = await resolveWith(plan, deps, cacheKey, sources, request, ctx);
  if (request.mfaCode && !codeAsked) ctx.log.warn(unusedCode(request.mfaCode, plan.profile.name, cacheUsed));
  return resolved;
}

function unusedCode(code: Setting, profile: string, cacheUsed: boolean): string {
  const given = `the MFA code (${describeSource(code.source)})`;
  return cacheUsed
    ? `${given} was not needed: credentials or an MFA session that profile ${profile} got earlier are still cached and valid (--refresh signs in again with the code).`
    : `${given} is not used: nothing in profile ${profile}'s sign-in asked for one (its credentials need no MFA, or the identity provider did not ask).`;
}

async function resolveWith(plan: Plan, deps: PlanDeps, cacheKey: string, sources: readonly CredentialSource[], request: CredentialRequest, ctx: Context): Promise<Resolved> {
  const cache = deps.cache;
  if (!cache) return { credentials: await runPlan(plan, deps), plan, cacheKey, fresh: true };
  const hit = request.refresh || cacheableSteps(plan, sources) < plan.steps.length ? undefined : await cache.read(cacheKey);
  if (hit) return { credentials: hit, plan, cacheKey, fresh: false };
  // a credential_process run under the lock sees which keys are held above it (a loop would wait for itself)
  const underKey = { ...deps, env: underLock(cacheKey, ctx.env, plan.profile.name) };
  // one process logs in; the others wait, then find its result in the cache (runPlan reads it first)
  const credentials = await withLock(cacheKey, { env: ctx.env, home: ctx.home, log: ctx.log }, () => runPlan(plan, underKey), {
    onWait: (pid: number) => ctx.log.info(`waiting for rolecall pid ${pid} (getting credentials for profile ${plan.profile.name})`),
  });
  return { credentials, plan, cacheKey, fresh: true };
}
