// doctor's cache check: whether the next call for the profile is answered from rolecall's cache
// (all of it, or from which step on it runs), and for a credential_process, whether its answers
// are cached at all (only those with an Expiration are).
import { refreshWindowSeconds } from '../fastpath/record';
import type { Plan } from '../plan/step';
import { openCredentialCache } from '../store/credential-cache';
import { cacheableSteps, stepKey } from '../credentials/run-plan';
import { isProcess } from '../credentials/sources/credential-process';
import { describeStep } from '../credentials/sources/index';
import type { DoctorDeps, Finding } from './doctor-finding';

export async function cacheFindings(plan: Plan, deps: Pick<DoctorDeps, 'env' | 'home' | 'log' | 'clock'>): Promise<Finding[]> {
  const window = refreshWindowSeconds(plan.profile);
  const findings: Finding[] = [];
  if (plan.steps.some(isProcess)) {
    findings.push({
      check: 'cache',
      level: 'info',
      message: `the credential_process's answers are cached by rolecall and shared by every call until their Expiration is ${window}s away (refresh_window, at most a third of their lifetime); an answer without an Expiration is not cached, and the command runs on every call`,
    });
  }
  const cache = openCredentialCache({ env: deps.env, home: deps.home, clock: deps.clock, log: deps.log }, { refreshWindowSeconds: window });
  const last = plan.steps.length - 1;
  for (let i = cacheableSteps(plan) - 1; i >= 0; i--) {
    const cached = await cache.read(stepKey(plan, i));
    if (!cached) continue;
    const until = cached.expiration ? `, valid until ${cached.expiration.toISOString()}` : '';
    const message =
      i === last
        ? `the next call is answered from the cache${until}: no ${isProcess(plan.steps[i]!) ? 'credential_process runs' : 'sign-in or STS call'}`
        : `step ${i + 1} (${describeStep(plan.steps[i]!)}) is cached${until}: the next call runs step${last - i > 1 ? 's' : ''} ${i + 2}${last - i > 1 ? `..${last + 1}` : ''} only`;
    return [...findings, { check: 'cache', level: 'ok', message }];
  }
  return [...findings, { check: 'cache', level: 'info', message: 'nothing is cached for this profile: the next call runs every step' }];
}
