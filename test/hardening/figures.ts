// Hardening figures for docs/reliability.md: each fault test, fuzz run and secret scan appends one
// JSON line to $ROLECALL_FIGURES when it is set, so
// the numbers in the docs are the ones a real run measured.
import { appendFileSync } from 'node:fs';

function record(entry: Record<string, unknown>): void {
  const file = process.env.ROLECALL_FIGURES;
  if (file) appendFileSync(file, `${JSON.stringify(entry)}\n`);
}

export const recordFault = (fault: string, outcome: 'credentials' | 'clear error' | 'files intact') => record({ kind: 'fault', fault, outcome });
export const recordFuzz = (target: string, cases: number) => record({ kind: 'fuzz', target, cases });
export const recordNightlyFuzz = (target: string, cases: number) => record({ kind: 'fuzz-nightly', target, cases });
export const recordScan = (flow: string, secrets: number, places: number) => record({ kind: 'scan', flow, secrets, places });
/** the correctly signed ID tokens a fuzz run generated: valid ones accepted, in-date misaddressed and out-of-date ones refused */
export const recordIdTokens = (seen: { accepted: number; misaddressedInDate: number; outOfDate: number }) => record({ kind: 'id-tokens', ...seen });
