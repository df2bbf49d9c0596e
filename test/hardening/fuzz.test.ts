// A seed-fixed slice of the nightly fuzz run (scripts/fuzz.ts): every reader of config files and
// every parser of what servers send either succeeds or throws a RolecallError, never anything else,
// and no forged, expired or misaddressed ID token is accepted.
import { test } from 'node:test';
import { fuzzTargets, runFuzz } from './fuzz-targets';
import { recordFuzz } from './figures';

const SEED = 20261123;
const RUNS = Number(process.env.ROLECALL_FUZZ_RUNS ?? 1500);

for (const target of fuzzTargets()) {
  test(`fuzz: ${target.name} (${RUNS} cases, seed ${SEED})`, async () => {
    recordFuzz(target.name, await runFuzz([target], RUNS, SEED));
  });
}
