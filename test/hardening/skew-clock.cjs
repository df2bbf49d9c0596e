// Preloaded into a rolecall process (NODE_OPTIONS=--require) to run it with a local clock that is
// ROLECALL_TEST_CLOCK_OFFSET_MS off, as on a laptop whose clock drifted: the machine's real clock is
// shared with everyone else on this host and must not be changed.
const offset = Number(process.env.ROLECALL_TEST_CLOCK_OFFSET_MS || 0);
const RealDate = Date;
class SkewedDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(RealDate.now() + offset);
    else super(...args);
  }
  static now() {
    return RealDate.now() + offset;
  }
}
globalThis.Date = SkewedDate;
// only rolecall's clock is off: the MFA device (here an mfa_process child) keeps its own, right clock
delete process.env.NODE_OPTIONS;
