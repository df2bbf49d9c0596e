// `rolecall setup --sso-session NAME`: one profile per account and role the session reaches, as
// granted's `sso populate` and aws-sso-util's `configure populate` write them, adding only what is
// missing. A role some profile already uses is left to it; a name some other profile holds is never
// overwritten; the new sections are appended, every other byte of the file kept.
import type { ConfigFiles } from '../config/files';
import type { SsoRole } from './sso-roles';
import type { Section } from './setup';
import { sectionHeader } from './setup';

export interface PopulateOptions {
  /** the [sso-session NAME] the profiles name */
  session: string;
  /** the session's start URL, to recognise legacy profiles of the same roles */
  startUrl: string;
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

function usesRole(values: ReadonlyMap<string, { value: string }>, role: SsoRole, options: PopulateOptions): boolean {
  const get = (key: string) => values.get(key)?.value.trim();
  if (get('sso_account_id') !== role.accountId || get('sso_role_name') !== role.roleName) return false;
  const session = get('sso_session');
  return session !== undefined ? session === options.session : get('sso_start_url') === options.startUrl;
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
    const existing = [...files.configProfiles].find(([, section]) => usesRole(section.values, role, options));
    if (existing) {
      plan.existing.push({ role, profile: existing[0] });
      continue;
    }
    const profile = nameOf(role);
    if (files.configProfiles.has(profile) || files.credentialProfiles.has(profile)) {
      plan.skipped.push({ role, profile });
      continue;
    }
    const entries: [string, string][] = [
      ['sso_session', options.session],
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
