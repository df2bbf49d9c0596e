// rolecall doctor [PROFILE]: the resolved settings with where each came from, the plan, and the checks.
import { planOrFinding, runChecks } from '../app/doctor';
import type { Level } from '../app/doctor-finding';
import { loadProfile, planFor } from '../credentials/resolve';
import { sessionBounds } from '../config/duration';
import { validateProfile } from '../config/validate';
import { profileChain, type Profile } from '../config/profile';
import { describeSource } from '../config/source';
import { describeStep } from '../credentials/sources/index';
import type { Command } from './command';
import { CREDENTIAL_OPTIONS, credentialRequest } from './credential-flags';
import { printable } from '../platform/printable';

function settingsOf(profile: Profile) {
  return [...profile.settings.entries()]
    .filter(([key]) => !/secret|session_token|password/.test(key))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, s]) => ({ key, value: s.value, source: describeSource(s.source) }));
}

const MARK: Record<Level, string> = { ok: 'ok  ', info: 'info', warn: 'WARN', fail: 'FAIL' };

export const command: Command = {
  name: 'doctor',
  usage: 'rolecall doctor [PROFILE] [--json]',
  options: CREDENTIAL_OPTIONS,
  help: `Explains a profile without logging in: every setting that applies, with the file and line,
environment variable or flag it came from (secrets are not shown), the source_profile chain, the
steps rolecall would run to get credentials, and checks: settings other tools read differently
(inline comments, duplicate sections, keys the AWS CLI ignores, a key in both files), a credentials
file others can read, the keyring, the browser, whether STS and the IdP answer, and this machine's
clock against theirs (AWS rejects signatures more than 5 minutes off).
Exits 1 when a check fails, 0 otherwise (warnings included).

Flags:
  --json   the same as JSON: profile, profiles (settings with sources), steps, findings`,
  async run(parsed, ctx) {
    const request = credentialRequest(parsed, parsed.positionals[0]);
    const profile = loadProfile(request, ctx);
    // a bad value fails doctor as it fails every command; a sign-in that could not start is a failed check
    validateProfile(profile, sessionBounds(ctx.env));
    const planned = planOrFinding(() => planFor(profile, ctx, request));
    const findings = await runChecks(profile, planned, { env: ctx.env, home: ctx.home, log: ctx.log, clock: ctx.clock, fetch, platform: process.platform, timeoutMs: 5000 });
    const report = {
      profile: profile.name,
      profileSource: describeSource(profile.nameSource),
      profiles: profileChain(profile).map((p) => ({ name: p.name, settings: settingsOf(p) })),
      steps: planned.plan?.steps.map(describeStep) ?? [],
      findings,
    };
    const code = findings.some((f) => f.level === 'fail') ? 1 : 0;
    if (parsed.globals.json) {
      ctx.stdout(`${JSON.stringify(report, null, 2)}\n`);
      return code;
    }
    const lines = [`profile ${report.profile} (from ${report.profileSource})`, ''];
    for (const p of report.profiles) {
      lines.push(p.name === report.profile ? 'settings:' : `source_profile ${p.name}:`);
      const width = Math.max(0, ...p.settings.map((s) => `${s.key} = ${s.value}`.length));
      for (const s of p.settings) lines.push(`  ${`${s.key} = ${s.value}`.padEnd(width)}   # ${s.source}`);
      lines.push('');
    }
    const steps = report.steps.length ? report.steps.map((s, i) => `  ${i + 1}. ${s}`) : ['  none: the sign-in settings are incomplete (see the idp check)'];
    lines.push('steps:', ...steps, '', 'checks:');
    for (const f of findings) {
      lines.push(`  ${MARK[f.level]} ${f.message}`);
      if (f.hint && f.level !== 'ok') lines.push(`       ${f.hint}`);
    }
    // human text: what IAM, STS or a config file says is shown, never sent as terminal commands
    ctx.stdout(printable(`${lines.join('\n')}\n`));
    return code;
  },
};
