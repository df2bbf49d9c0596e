// rolecall doctor [PROFILE]: the resolved settings with where each came from, and the plan.
import { loadProfile, planFor } from '../app/resolve-credentials';
import type { Profile } from '../config/profile';
import { describeSource } from '../config/source';
import { describeStep } from '../plan/step';
import type { Command } from './command';
import { CREDENTIAL_OPTIONS, credentialRequest } from './credential-flags';

function settingsOf(profile: Profile) {
  return [...profile.settings.entries()]
    .filter(([key]) => !/secret|session_token|password/.test(key))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, s]) => ({ key, value: s.value, source: describeSource(s.source) }));
}

export const command: Command = {
  name: 'doctor',
  usage: 'rolecall doctor [PROFILE] [--json]',
  options: CREDENTIAL_OPTIONS,
  help: `Explains a profile without calling anything: every setting that applies, with the file and line,
environment variable or flag it came from (secrets are not shown), the source_profile chain, and the
steps rolecall would run to get credentials.`,
  async run(parsed, ctx) {
    const request = credentialRequest(parsed, parsed.positionals[0]);
    const profile = loadProfile(request, ctx);
    const plan = planFor(profile, ctx);
    const chain: Profile[] = [];
    for (let p: Profile | undefined = profile; p; p = p.sourceProfile) chain.push(p);
    const report = {
      profile: profile.name,
      profileSource: describeSource(profile.nameSource),
      profiles: chain.map((p) => ({ name: p.name, settings: settingsOf(p) })),
      steps: plan.steps.map(describeStep),
    };
    if (parsed.globals.json) {
      ctx.stdout(`${JSON.stringify(report, null, 2)}\n`);
      return 0;
    }
    const lines = [`profile ${report.profile} (from ${report.profileSource})`, ''];
    for (const p of report.profiles) {
      lines.push(p.name === report.profile ? 'settings:' : `source_profile ${p.name}:`);
      const width = Math.max(0, ...p.settings.map((s) => `${s.key} = ${s.value}`.length));
      for (const s of p.settings) lines.push(`  ${`${s.key} = ${s.value}`.padEnd(width)}   # ${s.source}`);
      lines.push('');
    }
    lines.push('steps:', ...report.steps.map((s, i) => `  ${i + 1}. ${s}`));
    ctx.stdout(`${lines.join('\n')}\n`);
    return 0;
  },
};
