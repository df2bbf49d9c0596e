// A seed-fixed slice of the nightly fuzz run (scripts/fuzz.ts): every reader of config files and
// every parser of what servers send either succeeds or throws a RolecallError, never anything else,
// and no forged, expired or misaddressed ID token is accepted while every valid one is: the run must
// have generated in-date tokens with a wrong iss, aud, azp or nonce for that to mean anything.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzTargets, idTokenCases, runFuzz } from './fuzz-targets';
import { recordFuzz, recordIdTokens } from './figures';

const SEED = 20261123;
const RUNS = Number(process.env.ROLECALL_FUZZ_RUNS ?? 1500);

for (const target of fuzzTargets()) {
  test(`fuzz: ${target.name} (${RUNS} cases, seed ${SEED})`, async () => {
    recordFuzz(target.name, await runFuzz([target], RUNS, SEED));
    if (target.name === 'ID token validation') {
      assert.ok(idTokenCases.misaddressedInDate >= RUNS / 10, `${idTokenCases.misaddressedInDate} in-date misaddressed tokens were generated`);
      assert.ok(idTokenCases.accepted >= RUNS / 50, `${idTokenCases.accepted} valid tokens were generated (and accepted)`);
      recordIdTokens(idTokenCases);
    }
  });
}
