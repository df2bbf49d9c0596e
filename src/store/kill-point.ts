// A hook for the fault tests, so that kill -9 lands on the writes themselves instead of at a guessed
// moment: with ROLECALL_TEST_KILL_AT set, each point a write passes is appended to
// ROLECALL_TEST_KILL_LOG as "POINT PATH", and at the point it names ("POINT", "POINT@PART" for a path
// containing PART, "#N" for the Nth such time; "*" logs every point and stops at none) the process
// stops and waits to be killed. Unset, as it always is outside the tests, it costs one lookup.
import { appendFileSync } from 'node:fs';

export type KillPoint = 'temp-created' | 'temp-written' | 'temp-synced' | 'renamed' | 'lock-created';

const seen = new Map<string, number>();
const WAIT_MS = 60_000;

export function killPoint(point: KillPoint, path: string): void {
  const wanted = process.env.ROLECALL_TEST_KILL_AT;
  if (!wanted) return;
  const log = process.env.ROLECALL_TEST_KILL_LOG;
  if (log) appendFileSync(log, `${point} ${path}\n`);
  const [, name, part, nth] = /^([^@#]+)(?:@([^#]*))?(?:#(\d+))?$/.exec(wanted) ?? [];
  if (name !== point || (part && !path.includes(part))) return;
  const count = (seen.get(wanted) ?? 0) + 1;
  seen.set(wanted, count);
  if (count !== Number(nth ?? 1)) return;
  if (log) appendFileSync(log, `stopped ${point} ${path}\n`);
  // the test kills the process now; should it not, go on after a minute rather than hang
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, WAIT_MS);
}
