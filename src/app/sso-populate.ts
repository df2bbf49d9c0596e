// `rolecall setup --sso-session NAME`: one profile per account and role the session reaches, as
// granted's `sso populate` and aws-sso-util's `configure populate` write them, adding only what is
// missing. A role some profile already uses is left to it; a name some other profile holds is never
// overwritten; the new sections are appended, every other byte of the file kept.
import { RolecallError } from '../errors';
import { configFilesFrom, readConfigFiles, readTextFile, type ConfigFiles } from '../config/files';
import { parseIni } from '../config/ini';
import { setSection } from '../config/ini-edit';
import { resolveSsoSession } from '../config/resolve';
import { describeSource } from '../config/source';
import { ACCOUNT_ACCESS_SCOPE } from '../idp/sso/session';
import type { SsoSession } from '../plan/identity-center';
import type { Context } from '../platform/context';
import { profileUsing, rolesOfSession, type SsoRole } from './sso-roles';
import { sectionHeader, writeProfile, type Section } from './setup';

export interface PopulateOptions {
  /** the [sso-session NAME] the profiles name (its start URL recognises legacy profiles of the same roles) */
  session: SsoSession & { name: string };
  /** put before every generated name, e.g. "acme-" */
  prefix?: string;
  /** region = for every new profile */
  region?: string;
}

export interface PopulatePlan {
  /** the profiles to write, in the order of the roles */
  add: { role: SsoRole; profile: string; section: Section }[];
  /** roles a profile of the file already uses */
  existing: { role: SsoRole; profile: string }[];
  /** roles left out: the name they would get belongs to another profile */
  skipped: { role: SsoRole; profile: string }[];
}

/** a name an INI header and every shell can hold: letters (accents dropped), digits and . _ @ + - */
export function safeName(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[^\w.@+-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '');
}

export function planPopulate(roles: SsoRole[], files: ConfigFiles, options: PopulateOptions): PopulatePlan {
  const plan: PopulatePlan = { add: [], existing: [], skipped: [] };
  const base = (role: SsoRole) => `${options.prefix ?? ''}${safeName(role.accountName) || role.accountId}.${safeName(role.roleName) || 'role'}`;
  // two accounts with the same name: each of their profiles says its account id too
  const owners = new Map<string, Set<string>>();
  for (const role of roles) owners.set(base(role), (owners.get(base(role)) ?? new Set()).add(role.accountId));
  const nameOf = (role: SsoRole) => {
    const name = base(role);
    return owners.get(name)!.size > 1 ? `${options.prefix ?? ''}${safeName(role.accountName) || role.accountId}-${role.accountId}.${safeName(role.roleName) || 'role'}` : name;
  };
  for (const role of roles) {
    const existing = profileUsing(files, role, options.session);
    if (existing) {
      plan.existing.push({ role, profile: existing });
      continue;
    }
    const profile = nameOf(role);
    if (files.configProfiles.has(profile) || files.credentialProfiles.has(profile)) {
      plan.skipped.push({ role, profile });
      continue;
    }
    const entries: [string, string][] = [
      ['sso_session', options.session.name],
      ['sso_account_id', role.accountId],
      ['sso_role_name', role.roleName],
    ];
    if (options.region) entries.push(['region', options.region]);
    plan.add.push({ role, profile, section: [sectionHeader(profile), entries] });
  }
  return plan;
}

/** a unified diff of two texts (the changed lines between their common start and end), for --dry-run */
export function unifiedDiff(path: string, before: string, after: string): string {
  if (before === after) return '';
  const a = before === '' ? [] : before.replace(/\n$/, '').split('\n');
  const b = after.replace(/\n$/, '').split('\n');
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let end = 0;
  while (end < a.length - start && end < b.length - start && a[a.length - 1 - end] === b[b.length - 1 - end]) end++;
  const context = 3;
  const from = Math.max(0, start - context);
  const removed = a.slice(start, a.length - end);
  const added = b.slice(start, b.length - end);
  const tail = a.slice(a.length - end, Math.min(a.length, a.length - end + context));
  const lead = a.slice(from, start);
  const span = (first: number, count: number) => `${count === 0 ? first : first + 1},${count}`;
  const oldCount = lead.length + removed.length + tail.length;
  const newCount = lead.length + added.length + tail.length;
  return [
    `--- ${path}`,
    `+++ ${path}`,
    `@@ -${span(from, oldCount)} +${span(from, newCount)} @@`,
    ...lead.map((l) => ` ${l}`),
    ...removed.map((l) => `-${l}`),
    ...added.map((l) => `+${l}`),
    ...tail.map((l) => ` ${l}`),
    '',
  ].join('\n');
}

export interface PopulateRequest {
  configPath: string;
  /** the [sso-session NAME] */
  session: string;
  /** create the section with these when the file has none */
  startUrl?: string;
  ssoRegion?: string;
  prefix?: string;
  region?: string;
  dryRun: boolean;
  flags: { device?: boolean; noBrowser?: boolean };
}

export interface PopulateResult extends PopulatePlan {
  /** the diff of the config file (what was written, or with dryRun what would be) */
  diff: string;
  /** the section created for the session, if any */
  createdSession: boolean;
  /** where the previous file was kept */
  backup?: string;
}

/** the [sso-session] section to create, when the file has none; a different one the file has is refused */
function sessionSection(files: ConfigFiles, request: PopulateRequest): Section | undefined {
  const existing = files.ssoSessions.get(request.session);
  const flags = [
    ['sso_start_url', request.startUrl, '--sso-start-url'],
    ['sso_region', request.ssoRegion, '--sso-region'],
  ] as const;
  if (existing) {
    for (const [key, given, flag] of flags) {
      const has = existing.values.get(key);
      if (given !== undefined && has?.value.trim() !== given) {
        throw new RolecallError('USAGE', `${flag} ${given} differs from ${key} = ${has?.value ?? '(none)'} of [sso-session ${request.session}]${has ? ` (${describeSource(has.source)})` : ''}; nothing was written`, {
          hint: 'Leave the flag out to use the section as it is, or edit the section first.',
        });
      }
    }
    return undefined;
  }
  const missing = flags.filter(([, given]) => given === undefined).map(([, , flag]) => flag);
  if (missing.length) {
    throw new RolecallError('USAGE', `${request.configPath} has no [sso-session ${request.session}] section, and ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} needed to create it`, {
      hint: `Pass --sso-start-url https://YOURS.awsapps.com/start --sso-region REGION, or name one of: ${[...files.ssoSessions.keys()].join(', ') || 'no sessions yet'}.`,
    });
  }
  return [`sso-session ${request.session}`, [['sso_start_url', request.startUrl!], ['sso_region', request.ssoRegion!], ['sso_registration_scopes', ACCOUNT_ACCESS_SCOPE]]];
}

/** setup --sso-session: signs in, lists every role, appends a profile for each one that has none */
export async function populate(request: PopulateRequest, ctx: Context): Promise<PopulateResult> {
  const files = readConfigFiles(ctx.env, ctx.home);
  const before = readTextFile(request.configPath, 'AWS config file') ?? '';
  const created = sessionSection(files, request);
  const withSession = created ? setSection(before, created[0], created[1]) : before;
  const filesWithSession = configFilesFrom(parseIni(withSession, request.configPath), files.credentials);
  const profile = resolveSsoSession(filesWithSession, { value: request.session, source: { kind: 'flag', name: '--sso-session' } }, ctx.env);
  const { session, roles } = await rolesOfSession(profile, request.flags, ctx);
  const plan = planPopulate(roles, filesWithSession, { session: { ...session, name: request.session }, prefix: request.prefix, region: request.region });
  const sections = [...(created ? [created] : []), ...plan.add.map((a) => a.section)];
  const after = sections.reduce((text, [header, entries]) => setSection(text, header, entries), before);
  const diff = unifiedDiff(request.configPath, before, after);
  if (request.dryRun || sections.length === 0) return { ...plan, diff, createdSession: created !== undefined };
  const { backup } = writeProfile(request.configPath, sections);
  return { ...plan, diff, createdSession: created !== undefined, backup };
}
