// doctor's explanation of an IAM Identity Center profile (or one that chains from it): the session,
// its start URL and region, where its token is in the AWS CLI's cache, when the token expires,
// whether it can be refreshed and whether its client registration is still valid; and the two
// endpoints, reachable or not.
import { profileChain, type Profile } from '../config/profile';
import { RolecallError } from '../errors';
import { readToken, tokenFile } from '../idp/sso/token-file';
import { describeSession, identityCenterSettings, type IdentityCenterSettings } from '../plan/identity-center';
import type { DoctorDeps, Finding } from './doctor-finding';

/** "in 3h 12m" / "12m ago", from now */
function relative(at: Date, now: Date): string {
  const minutes = Math.round(Math.abs(at.getTime() - now.getTime()) / 60_000);
  const span = minutes >= 60 ? `${Math.floor(minutes / 60)}h${minutes % 60 ? ` ${minutes % 60}m` : ''}` : `${minutes}m`;
  return at.getTime() >= now.getTime() ? `in ${span}` : `${span} ago`;
}

/** the Identity Center settings of the profile or of the first profile it chains from that has them */
function identityCenterOf(profile: Profile): { profile: Profile; settings: IdentityCenterSettings } | undefined {
  for (const p of profileChain(profile)) {
    const settings = identityCenterSettings(p);
    if (settings) return { profile: p, settings };
  }
  return undefined;
}

export function identityCenterFindings(profile: Profile, deps: Pick<DoctorDeps, 'home' | 'log' | 'clock'>): { findings: Finding[]; settings?: IdentityCenterSettings } {
  let found: ReturnType<typeof identityCenterOf>;
  try {
    found = identityCenterOf(profile);
  } catch (error) {
    if (!(error instanceof RolecallError)) throw error;
    return { findings: [{ check: 'sso', level: 'fail', message: error.message, hint: error.hint }] };
  }
  if (!found) return { findings: [] };
  const { settings } = found;
  const { session } = settings;
  const now = deps.clock.now();
  const findings: Finding[] = [
    {
      check: 'sso',
      level: 'info',
      message: `IAM Identity Center: ${describeSession(session)} in ${session.region}, role ${settings.roleName} in account ${settings.accountId}${found.profile !== profile ? ` (profile ${found.profile.name})` : ''}; signs in ${settings.login.useDeviceCode ? 'with a device code' : 'in the browser'} when needed${session.name ? '' : ' (the legacy form: no refresh token)'}`,
    },
  ];
  const path = tokenFile(deps.home, session);
  const token = readToken(deps.home, session, deps.log);
  if (!token) {
    findings.push({ check: 'sso', level: 'info', message: `not signed in: no token in ${path}; the next call signs in`, hint: `\`rolecall export ${profile.name}\` or \`aws sso login${session.name ? ` --sso-session ${session.name}` : ''}\` signs in.` });
    return { findings, settings };
  }
  if (token.startUrl !== session.startUrl) {
    findings.push({ check: 'sso', level: 'warn', message: `the token in ${path} is for ${token.startUrl}, not ${session.startUrl}: the next call signs in again` });
    return { findings, settings };
  }
  const refreshable = token.refreshToken && token.clientId && token.clientSecret && token.registrationExpiresAt;
  const registration = token.registrationExpiresAt
    ? `its client registration ${token.registrationExpiresAt > now ? 'is valid until' : 'expired at'} ${token.registrationExpiresAt.toISOString()}`
    : 'no client registration is kept with it';
  const refresh = refreshable && token.registrationExpiresAt! > now ? `it can be refreshed without signing in (${registration})` : `it cannot be refreshed (${token.refreshToken ? registration : 'no refresh token'})`;
  if (token.expiresAt > now) {
    findings.push({ check: 'sso', level: 'ok', message: `signed in: the token in ${path} expires ${relative(token.expiresAt, now)} (${token.expiresAt.toISOString()}); ${refresh}` });
  } else {
    findings.push({
      check: 'sso',
      level: refreshable && token.registrationExpiresAt! > now ? 'info' : 'warn',
      message: `the token in ${path} expired ${relative(token.expiresAt, now)}; ${refresh}`,
      hint: refreshable ? undefined : 'The next call signs in again.',
    });
  }
  return { findings, settings };
}
