// Runs a Plan's steps in order, each by the credential source of its kind. Every step that yields
// expiring credentials is cached under a key for the steps up to it, so a later run starts from
// the furthest step still fresh: one MFA session serves every role above it, and a cache hit makes
// no call at all. Cached credentials AWS refuses as signer (revoked with their key) are replaced by
// running the chain again, once.
import { createHash } from 'node:crypto';
import { isRolecallError } from '../errors';
import type { Plan } from '../plan/step';
import type { Credentials } from '../sts/credentials';
import { SOURCES, sourceOf } from './sources/index';
import type { CredentialSource, StepDeps } from './sources/source';

export interface StepCache {
  read(key: string): Promise<Credentials | undefined>;
  write(key: string, credentials: Credentials, meta: { profile: string }): Promise<void>;
}

export interface PlanDeps extends StepDeps {
  cache?: StepCache;
  /** ignore cached credentials (still write new ones) */
  refresh: boolean;
  /** the sources that run the steps (tests hand in their own) */
  sources?: readonly CredentialSource[];
}

/** The cache key of the steps up to and including `index`: everything that changes their result. */
export function stepKey(plan: Plan, index: number, sources: readonly CredentialSource[] = SOURCES): string {
  const parts = plan.steps.slice(0, index + 1).map((step) => {
    const { profile: _profile, ...rest } = sourceOf(step, sources).cacheKeyOf?.(step) ?? step;
    // the step's settings without where they came from: the same role from another file is the same step
    return JSON.parse(
      JSON.stringify(rest, function (this: object, k, v: unknown) {
        return k === 'source' && 'value' in this ? undefined : v;
      }),
    ) as unknown;
  });
  // not the profile's name: two profiles over the same bastion share its MFA session
  const scope = { sts: plan.stsEndpoint?.value ?? null, region: plan.region?.value ?? null };
  return createHash('sha256').update(JSON.stringify({ v: 1, scope, parts })).digest('hex').slice(0, 40);
}

/**
 * How many leading steps may be cached: up to the first whose source says its result cannot be
 * named by its key (a SAML role picked on the terminal); the keys of the steps after it cannot either.
 */
export function cacheableSteps(plan: Plan, sources: readonly CredentialSource[] = SOURCES): number {
  const first = plan.steps.findIndex((step) => sourceOf(step, sources).cacheable?.(step) === false);
  return first < 0 ? plan.steps.length : first;
}

function expires(c: Credentials): boolean {
  return c.expiration !== undefined;
}

/** what AWS answers when the credentials that signed a call are no longer good: a deactivated key's session, an early expiry */
const REFUSED_SIGNER = new Set(['STS_INVALID_CLIENT_TOKEN', 'STS_EXPIRED_TOKEN']);

export async function runPlan(plan: Plan, deps: PlanDeps): Promise<Credentials> {
  const { steps } = plan;
  const sources = deps.sources ?? SOURCES;
  const describe = (i: number) => sourceOf(steps[i]!, sources).describe(steps[i]!);
  let start = 0;
  let current: Credentials | undefined;
  const cacheable = cacheableSteps(plan, sources);
  if (deps.cache && !deps.refresh) {
    for (let i = cacheable - 1; i >= 0; i--) {
      const cached = await deps.cache.read(stepKey(plan, i, sources));
      if (cached) {
        deps.log.debug(`cache hit for step ${i + 1}/${steps.length}: ${describe(i)}`);
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
    const source = sourceOf(step, sources);
    deps.log.debug(`step ${i + 1}/${steps.length}: ${describe(i)}`);
    let next: Credentials;
    try {
      next = await source.run(step, current, deps);
    } catch (error) {
      // the cached credentials this step was signed with are refused: once, the whole chain again without the cache (its entries are replaced)
      if (i === start && start > 0 && !deps.refresh && isRolecallError(error) && REFUSED_SIGNER.has(error.code)) {
        deps.log.warn(`AWS refused the cached credentials of ${describe(start - 1)} (${error.code === 'STS_EXPIRED_TOKEN' ? 'expired' : 'no longer valid: its key deactivated or rotated'}); getting new ones.`);
        return runPlan(plan, { ...deps, refresh: true });
      }
      throw error;
    }
    next.chain = [...(current?.chain ?? []), ...(next.chain.length ? next.chain : [describe(i)])];
    if (deps.cache && i < cacheable && expires(next)) await deps.cache.write(stepKey(plan, i, sources), next, { profile: plan.profile.name });
    current = next;
  }
  return current!;
}
