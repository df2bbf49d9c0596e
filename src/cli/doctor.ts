// rolecall doctor [PROFILE]: the resolved settings with where each came from, the plan, and the checks.
import { existsSync } from 'node:fs';
import { planOrFinding, runChecks } from '../app/doctor';
import type { Finding, Level } from '../app/doctor-finding';
import { loadProfile, planFor } from '../credentials/resolve';
import { sessionBounds } from '../config/duration';
import { configPaths, readConfigFiles } from '../config/files';
import { resolveProfile } from '../config/resolve';
import { profileProblems } from '../config/validate';
import { isRolecallError } from '../errors';
import { profileChain, type Profile } from '../config/profile';
import { describeSource } from '../config/source';
import { describeStep } from '../credentials/sources/index';
import type { Command } from './command';
import { CREDENTIAL_OPTIONS, credentialRequest } from './credential-flags';
import { programOf } from '../platform/command-failure';
import { printable } from '../platform/printable';

/** commands whose arguments may carry a secret (a TOTP seed, a password-manager session): only their program is shown */
const COMMAND_LINES = new Set(['mfa_process', 'credential_process']);

function settingsOf(profile: Profile) {
  return [...profile.settings.entries()]
    .filter(([key]) => !/secret|session_token|password/.test(key))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, s]) => ({ key, value: COMMAND_LINES.has(key) ? programOf(String(s.value)) : s.value, source: describeSource(s.source) }));
}

const MARK: Record<Level, string> = { ok: 'ok  ', info: 'info', warn: 'WARN', fail: 'FAIL' };

export const command: Command = {
  name: 'doctor',
  usage: 'rolecall doctor [PROFILE] [--json]',
  options: CREDENTIAL_OPTIONS,
  help: `Explains a profile without logging in: every setting that applies, with the file and line,
environment variable or flag it came from (secrets are not shown, nor the arguments of mfa_process
and credential_process, which may carry one), the source_profile chain, the
steps rolecall would run to get credentials, and checks: settings other tools read differently
(inline comments, duplicate sections, keys the AWS CLI ignores, a key in both files), a credentials
file others can read, the keyring, the browser, whether STS and the IdP answer, and this machine's
clock against theirs (AWS rejects signatures more than 5 minutes off).
It never stops at the first problem: a line the files cannot be read at, a misspelt key, a missing
source profile, a bad value and a failed check are each a FAIL in one report.
Exits 1 when anything failed, 0 otherwise (warnings included).

Flags:
  --json   the same as JSON: profile, profiles (settings with sources), steps, findings`,
  async run(parsed, ctx) {
    const request = credentialRequest(parsed, parsed.positionals[0]);
    // doctor never stops at the first problem: each one is a FAIL finding, and the exit status says so at the end
    const problems: Finding[] = [];
    const failed = (check: string) => (error: unknown) => {
      if (!isRolecallError(error)) throw error;
      problems.push({ check, level: 'fail', message: error.message, hint: error.hint });
    };
    const files = readConfigFiles(ctx.env, ctx.home, failed('config'));
    const paths = configPaths(ctx.env, ctx.home);
    if (!existsSync(paths.config)) {
      problems.push({
        check: 'config',
        level: 'warn',
        message: `${paths.config} does not exist${ctx.env.AWS_CONFIG_FILE ? ' (AWS_CONFIG_FILE)' : ''}: no profile is set up here`,
        hint: 'Write one with `rolecall setup` (or `aws configure`).',
      });
    }
    const name = request.profileName?.value ?? ctx.env.AWS_PROFILE ?? 'default';
    let profile: Profile | undefined;
    try {
      profile = loadProfile({ ...request, profile: resolveProfile(files, { name: request.profileName, env: ctx.env, overrides: request.overrides }) }, ctx);
    } catch (error) {
      failed('profile')(error);
    }
    const invalid = profile ? profileProblems(profile, sessionBounds(ctx.env)) : [];
    invalid.forEach(failed('config'));
    // a bad value stops the plan as it stops every command; a sign-in that could not start is a failed check
    const planned = profile && invalid.length === 0 ? planOrFinding(() => planFor(profile, ctx, request)) : {};
    // the checks read the profile's values: with a bad one (already a FAIL) they work from the files as written
    const checks = await runChecks({ name, profile: invalid.length === 0 ? profile : undefined, files }, planned, { env: ctx.env, home: ctx.home, log: ctx.log, clock: ctx.clock, fetch, platform: process.platform, timeoutMs: 5000 });
    const findings = [...problems, ...checks];
    const report = {
      profile: profile?.name ?? name,
      profileSource: profile ? describeSource(profile.nameSource) : describeSource(request.profileName?.source ?? { kind: 'default' }),
      profiles: profile ? profileChain(profile).map((p) => ({ name: p.name, settings: settingsOf(p) })) : [],
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
    const steps = report.steps.length
      ? report.steps.map((s, i) => `  ${i + 1}. ${s}`)
      : [profile && invalid.length === 0 ? `  none: ${planned.login?.check === 'plan' ? 'the profile names no role (see the plan check)' : 'the sign-in settings are incomplete (see the idp check)'}` : '  none: the profile has problems (see the checks)'];
    lines.push('steps:', ...steps, '', 'checks:');
    for (const f of findings) {
      // a message's own lines (the file line a syntax error quotes) stay under the text, not under the mark
      const indent = (text: string) => text.replaceAll('\n', '\n       ');
      lines.push(`  ${MARK[f.level]} ${indent(f.message)}`);
      if (f.hint && f.level !== 'ok') lines.push(`       ${indent(f.hint)}`);
    }
    // human text: what IAM, STS or a config file says is shown, never sent as terminal commands
    ctx.stdout(printable(`${lines.join('\n')}\n`));
    return code;
  },
};
