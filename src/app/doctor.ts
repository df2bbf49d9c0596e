// rolecall doctor's checks: what other tools would read differently in the files, file permissions,
// the keyring, the browser (and the one that signs in to a SAML provider: found and starting), and
// whether the IdP and STS answer, with this machine's clock compared to theirs (AWS refuses
// signatures more than 5 minutes off). Clock and fetch come in as arguments.
import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { readTextFile, type ConfigFiles } from '../config/files';
import type { Setting } from '../config/source';
import { profileChain, type Profile } from '../config/profile';
import { RolecallError } from '../errors';
import { browserArgv } from '../platform/browser';
import { browserVersion, requireDevtools } from '../idp/saml/browser/devtools';
import { findBrowser } from '../idp/saml/browser/find-browser';
import { canShowWindow } from '../idp/saml/browser/sign-in';
import { isSaml } from '../credentials/sources/saml';
import { isWebIdentity } from '../credentials/sources/web-identity';
import { endpoints } from '../plan/build';
import { ssoLoginSettings, ssoSessionOf, type SsoLoginSettings, type SsoSession } from '../plan/identity-center';
import type { Plan } from '../plan/step';
import { openSecretStore } from '../store/secrets';
import { networkCode } from '../sts/errors';
import type { DoctorDeps, Finding } from './doctor-finding';
import { shimFindings } from './shims';
import { awsRunasPasswordFinding, ignoredByAwsCli, ignoredEndpoints, misspeltKeyFindings, refusedByAwsCli, permissionFinding, scanIni, shadowedKeys } from './doctor-files';
import { identityCenterFindings } from './doctor-sso';
import { cacheFindings } from './doctor-cache';
import { oidcLoginFindings, oidcLogins } from './doctor-oidc';

/** AWS SigV4 allows 5 minutes; beyond a minute something is already wrong with the clock. */
const SKEW_WARN_SECONDS = 60;
const SKEW_FAIL_SECONDS = 300;
export function skewFinding(check: string, what: string, skewSeconds: number): Finding {
  const abs = Math.abs(skewSeconds);
  const direction = skewSeconds > 0 ? 'behind' : 'ahead of';
  const text = `this machine's clock is ${abs}s ${direction} ${what}`;
  const hint = 'Sync the clock (timedatectl set-ntp true, or your OS time settings): AWS rejects signatures more than 5 minutes off, and ID tokens can look expired or not yet valid.';
  if (abs > SKEW_FAIL_SECONDS) return { check, level: 'fail', message: `${text}: AWS rejects requests signed more than 5 minutes off`, hint };
  if (abs > SKEW_WARN_SECONDS) return { check, level: 'warn', message: `${text} (AWS rejects signatures beyond 5 minutes)`, hint };
  return { check, level: 'ok', message: `clock within ${Math.max(1, abs)}s of ${what}` };
}

/** GETs `url`: any HTTP answer means reachable; its Date header measures the clock skew. */
export async function probe(check: string, what: string, url: string, deps: Pick<DoctorDeps, 'clock' | 'fetch' | 'timeoutMs'>): Promise<Finding[]> {
  const before = deps.clock.now().getTime();
  let response: Response;
  try {
    response = await deps.fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(deps.timeoutMs) });
    // only the status and Date matter: nothing of the body is read, however large
    await response.body?.cancel();
  } catch (error) {
    const cause = networkCode(error) ?? ((error as { cause?: Error }).cause ?? (error as Error)).message;
    return [{ check, level: 'fail', message: `${what} ${url} does not answer (${cause})`, hint: 'Check the URL, the network, a proxy (HTTPS_PROXY) or a VPN.' }];
  }
  const local = (before + deps.clock.now().getTime()) / 2;
  const found: Finding[] = [{ check, level: 'ok', message: `${what} ${url} answers (HTTP ${response.status})` }];
  const date = Date.parse(response.headers.get('date') ?? '');
  if (Number.isNaN(date)) found.push({ check, level: 'info', message: `${what} sends no Date header: clock skew not measured` });
  else {
    // the Date header drops the milliseconds: its second's midpoint is the best guess of the server's time
    const skewMs = date + 500 - local;
    found.push(skewFinding(check, what, Math.abs(skewMs) < 1000 ? 0 : Math.round(skewMs / 1000)));
  }
  return found;
}

function onPath(file: string, env: NodeJS.ProcessEnv): string | undefined {
  const candidates = isAbsolute(file) ? [file] : (env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, file));
  return candidates.find((path) => {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

export function browserFinding(profile: Profile, deps: Pick<DoctorDeps, 'env' | 'platform'>): Finding {
  const agent = profile.value('web_identity_agent');
  const argv = browserArgv('https://example.com/', agent, { env: deps.env, platform: deps.platform });
  const from = agent ? 'web_identity_agent' : deps.env.BROWSER ? '$BROWSER' : 'the system opener';
  if (!argv) {
    return { check: 'browser', level: 'warn', message: 'no browser can be opened here (no agent, no $BROWSER, no display)', hint: 'Logins print a URL to open elsewhere; or use the device flow (--device).' };
  }
  if (deps.platform === 'win32') return { check: 'browser', level: 'ok', message: `browser: ${argv[0]} (${from})` };
  const found = onPath(argv[0]!, deps.env);
  if (!found) return { check: 'browser', level: 'warn', message: `the browser command ${argv[0]} (${from}) is not found`, hint: 'Install it, or set web_identity_agent / $BROWSER to a browser that exists.' };
  return { check: 'browser', level: 'ok', message: `browser: ${found} (${from})` };
}

/** doctor: the browser for saml_sso_url is found and starts (without a window, on a throwaway profile). */
export async function samlBrowserFinding(browserSetting: Setting<string> | undefined, deps: Pick<DoctorDeps, 'env' | 'home' | 'platform'>): Promise<Finding> {
  try {
    requireDevtools();
    const browser = findBrowser(browserSetting, { env: deps.env, platform: deps.platform, home: deps.home });
    const version = await browserVersion(browser, deps.env);
    const window = canShowWindow(deps.env, deps.platform) ? '' : '; no display here, so sign-ins need a saved session (see saml_browser_headless)';
    return { check: 'saml-browser', level: 'ok', message: `the browser for SAML sign-ins starts: ${browser.label} ${version} (${browser.path}, ${browser.chosenBy})${window}` };
  } catch (error) {
    if (!(error instanceof RolecallError)) throw error;
    return { check: 'saml-browser', level: 'fail', message: error.message, hint: error.hint };
  }
}

/**
 * The store rolecall would use, and whether it really keeps a secret: a probe entry is written,
 * read back and deleted (a keyring can answer reads and refuse every write).
 */
export async function keyringFinding(deps: Pick<DoctorDeps, 'env' | 'home' | 'log'>): Promise<Finding> {
  try {
    // the finding says which store and why, so the once-per-machine warning is not said beside it
    const store = openSecretStore({ ...deps, reportsChoice: true });
    const choice = await store.choice();
    await store.probe();
    const message = `secrets are kept in ${choice.name} (${choice.why}); a probe entry was written, read back and deleted`;
    if (choice.kind === 'keyutils') return { check: 'keyring', level: 'warn', message, hint: 'The kernel keyring is lost at reboot: OIDC logins then start in the browser again. A Secret Service, or ROLECALL_SECRETS_KEY with ROLECALL_KEYRING=file, keeps secrets across reboots.' };
    if (choice.kind === 'file') return { check: 'keyring', level: 'ok', message: `${message}; ${choice.protection}` };
    return { check: 'keyring', level: 'ok', message };
  } catch (error) {
    if (!(error instanceof RolecallError)) throw error;
    return { check: 'keyring', level: 'warn', message: error.message, hint: error.hint };
  }
}

/**
 * The plan, or what keeps it from being built. Every value has been checked by then (a bad one fails
 * doctor as it fails any command); what building the plan can still refuse is the sign-in's settings
 * (CONFIG_INVALID: no client id, a redirect the flow cannot use), a failed idp check, and a profile
 * that names a sign-in but no role to use it for (PROFILE_NO_CREDENTIALS: an OIDC login without
 * role_arn, an Identity Center session without sso_account_id and sso_role_name), a failed plan
 * check; doctor reports either along with everything else.
 */
export function planOrFinding(build: () => Plan): { plan?: Plan; login?: Finding } {
  let plan: Plan;
  try {
    plan = build();
  } catch (error) {
    if (!(error instanceof RolecallError) || (error.code !== 'CONFIG_INVALID' && error.code !== 'PROFILE_NO_CREDENTIALS')) throw error;
    return { login: { check: error.code === 'CONFIG_INVALID' ? 'idp' : 'plan', level: 'fail', message: error.message, hint: error.hint } };
  }
  const oidc = plan.steps.some((s) => (isWebIdentity(s) && s.token.from === 'oidc') || (isSaml(s) && s.assertion.from === 'token-exchange'));
  return oidc ? { plan, login: { check: 'idp', level: 'ok', message: 'the OIDC login settings are complete' } } : { plan };
}

function stsUrl(plan: Pick<Plan, 'region' | 'stsEndpoint'>): string {
  if (plan.stsEndpoint) return plan.stsEndpoint.value;
  const region = plan.region?.value ?? 'us-east-1';
  return `https://sts.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}/`;
}

/** What doctor looks at: the profile asked for, resolved when it could be, and the files as read. */
export interface DoctorSubject {
  name: string;
  profile?: Profile;
  files: ConfigFiles;
}

/** An Identity Center session's sign-in settings, as a sign-in reads them; undefined without a session. */
function ssoLogin(profile: Profile): SsoLoginSettings | undefined {
  let session: SsoSession | undefined;
  try {
    session = ssoSessionOf(profile);
  } catch {
    // an incomplete session: the sso check fails it
    return undefined;
  }
  return session && ssoLoginSettings(profile, session);
}

/** Whether getting credentials opens a browser: an OIDC browser login, or Identity Center's. */
function opensBrowser(subject: DoctorSubject, plan: Plan | undefined): boolean {
  if (oidcLogins(plan).some((login) => login.flow === 'browser')) return true;
  const profile = subject.profile;
  const sso = profile && ssoLogin(profile);
  if (sso) return !sso.useDeviceCode;
  // the plan could not be built: an OIDC profile most likely signs in with the browser
  return !plan && profile?.value('web_identity_auth_url') !== undefined && profile.value('web_identity_flow') === undefined;
}

/**
 * Every check, files first, then the network (in parallel). Without a profile (it could not be
 * resolved: its failure is already a finding), the checks that need none still run.
 */
export async function runChecks(subject: DoctorSubject, planned: { plan?: Plan; login?: Finding }, deps: DoctorDeps): Promise<Finding[]> {
  const { files, profile } = subject;
  const findings: Finding[] = [];
  for (const ini of [files.config, files.credentials]) {
    const text = readTextFile(ini.path, 'file');
    if (text !== undefined) findings.push(...scanIni(ini.path, text));
  }
  const own = (name: string) => files.configProfiles.get(name)?.values ?? new Map<string, Setting<string>>();
  const inCredentials = (name: string) => files.credentialProfiles.get(name)?.values ?? new Map<string, Setting<string>>();
  if (profile) {
    for (const p of profileChain(profile)) {
      const sections = new Map([...own(p.name), ...inCredentials(p.name)]);
      findings.push(...ignoredByAwsCli(p, own(p.name)), ...refusedByAwsCli(p, sections), ...shadowedKeys(p, own(p.name), files.credentials.path), ...misspeltKeyFindings(p.name, sections));
    }
    findings.push(...ignoredEndpoints(profile, (name) => new Map([...own(name), ...inCredentials(name)]), deps.env));
  } else {
    findings.push(...misspeltKeyFindings(subject.name, new Map([...own(subject.name), ...inCredentials(subject.name)])));
  }
  const permission = permissionFinding(files.credentials.path, 'the credentials file');
  if (permission) findings.push(permission);
  // keys are allowed in the config file too, and then it deserves the same care
  if ([...files.config.sections.values()].some((section) => section.values.has('aws_secret_access_key'))) {
    const config = permissionFinding(files.config.path, 'the config file, holding secret keys');
    if (config) findings.push(config);
  }
  findings.push(...shimFindings(deps.env));
  const runasPassword = profile && awsRunasPasswordFinding(profile, files);
  if (runasPassword) findings.push(runasPassword);
  if (planned.login) findings.push(planned.login);
  if (planned.plan) findings.push(...(await cacheFindings(planned.plan, deps)));
  const sso = profile ? identityCenterFindings(profile, deps) : { findings: [] };
  findings.push(...sso.findings);
  if (profile && opensBrowser(subject, planned.plan)) findings.push(browserFinding(profile, deps));
  const issuer = profile?.value('web_identity_auth_url');
  const portals = sso.settings?.endpoints;
  const raw = own(subject.name);
  const sts = planned.plan ?? (profile ? endpoints(profile) : { region: raw.get('region') ?? own('default').get('region'), stsEndpoint: raw.get('endpoint_url') ?? own('default').get('endpoint_url') });
  const samlBrowser = planned.plan?.steps.flatMap((s) => (isSaml(s) && s.assertion.from === 'browser' ? [s.assertion] : []))[0];
  const logins = oidcLogins(planned.plan);
  const network = await Promise.all([
    keyringFinding(deps).then((f) => [f]),
    samlBrowser ? samlBrowserFinding(samlBrowser.browser, deps).then((f) => [f]) : Promise.resolve([]),
    probe('sts', 'STS', stsUrl(sts), deps),
    // the logins the plan runs, as a sign-in meets them; without a plan, whether the issuer answers
    ...(logins.length ? logins.map((login) => oidcLoginFindings(login, deps, probe)) : [issuer ? probe('idp', 'the IdP', `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`, deps) : Promise.resolve([])]),
    portals ? probe('sso', 'Identity Center sign-in', portals.oidc, deps) : Promise.resolve([]),
    portals ? probe('sso', 'the AWS access portal', portals.portal, deps) : Promise.resolve([]),
  ]);
  return [...findings, ...network.flat()];
}
