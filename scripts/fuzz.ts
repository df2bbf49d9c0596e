// The nightly-style fuzz run: every target of test/hardening/fuzz-targets.ts for FUZZ_RUNS cases each
// (default 15,000, so >= 100,000 in all) from a random seed, printed so that a failure can be replayed
// with FUZZ_SEED=<seed>. Usage: npm run fuzz
import { fuzzTargets, runFuzz } from '../test/hardening/fuzz-targets';
import { recordNightlyFuzz } from '../test/hardening/figures';

const runs = Number(process.env.FUZZ_RUNS ?? 15_000);
const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
console.error(`fuzz: seed ${seed}, ${runs} cases per target`);
async function main(): Promise<void> {
  let total = 0;
  for (const target of fuzzTargets()) {
    const started = performance.now();
    try {
      const cases = await runFuzz([target], runs, seed);
      recordNightlyFuzz(target.name, cases);
      total += cases;
    } catch (error) {
      console.error(`fuzz: ${target.name} FAILED (replay with FUZZ_SEED=${seed})\n${(error as Error).message}`);
      process.exit(1);
    }
    console.error(`fuzz: ${target.name}: ${runs} cases ok in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  console.log(`fuzz: ${total} cases, 0 failures (seed ${seed})`);
}

void main();
