// AWS console sign-in through the federation endpoint: temporary credentials -> SigninToken ->
// a login URL. The URL is a bearer secret: it is printed or handed to the browser, never logged.
import type { Plan } from '../plan/step';
import { authProviderOf, awsOidcProfile, readAwsOidcConfig } from '../config/aws-oidc';
import { isAssumeRole } from '../credentials/sources/assume-role';
import { isProcess } from '../credentials/sources/credential-process';
import { isSessionToken } from '../credentials/sources/mfa-session';
import { RolecallError } from '../errors';
import type { BrowserEnvironment } from '../platform/browser';
import { browserCommand } from '../platform/browsers';
import type { Logger } from '../platform/logger';
import { roleName } from '../server/role';
import type { Sts } from '../sts/client';
import type { Credentials } from '../sts/credentials';

export interface Partition {
  signin: string;
  console: (region: string) => string;
}

const PARTITIONS: Record<string, Partition> = {
  aws: { signin: 'https://signin.aws.amazon.com/federation', console: (r) => `https://${r}.console.aws.amazon.com/console/home?region=${r}` },
  'aws-cn': { signin: 'https://signin.amazonaws.cn/federation', console: (r) => `https://console.amazonaws.cn/console/home?region=${r}` },
  'aws-us-gov': {
    signin: 'https://signin.amazonaws-us-gov.com/federation',
    console: (r) => `https://console.amazonaws-us-gov.com/console/home?region=${r}`,
  },
};

export function partitionOf(region: string): Partition {
  if (region.startsWith('cn-')) return PARTITIONS['aws-cn']!;
  if (region.startsWith('us-gov-')) return PARTITIONS['aws-us-gov']!;
  return PARTITIONS.aws!;
}

export interface ConsoleLoginInput {
  credentials: Credentials;
  region: string;
  /** the federation endpoint, when not the partition's (endpoint_url.signin / AWS_ENDPOINT_URL_SIGNIN) */
  signinEndpoint?: string;
  destination?: string;
  /** console session length; refused for chained role credentials, which AWS caps at 1 h */
  sessionDurationSeconds?: number;
  /** the credentials come from a role assumed with role credentials */
  chained: boolean;
  issuer?: string;
}

/**
 * The federated user's session policy: without one, GetFederationToken's session may do nothing at all.
 * Allowing everything leaves the user's own policies as the only limit (what aws-vault does too).
 */
const FEDERATION_POLICY = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });

/** GetFederationToken's Name: 2..32 of [\w+=,.@-]; the IAM user's name when it fits. */
export function federatedName(arn: string | undefined): string {
  const user = /:user\/(?:.*\/)?([^/]+)$/.exec(arn ?? '')?.[1] ?? '';
  const name = user.replace(/[^\w+=,.@-]/g, '').slice(0, 32);
  return name.length >= 2 ? name : 'rolecall';
}

/** Long-lived IAM user keys cannot sign in: trade them for a federated user's temporary credentials first. */
async function temporary(input: ConsoleLoginInput, deps: ConsoleLoginDeps): Promise<Credentials> {
  const { credentials } = input;
  if (credentials.sessionToken) return credentials;
  if (!deps.sts) {
    throw new RolecallError('CONSOLE_ERROR', 'the console federation endpoint needs temporary credentials, and these are long-lived keys', {
      hint: 'Use a profile that assumes a role, or give the IAM user profile an mfa_serial so rolecall gets a session first.',
    });
  }
  if (input.sessionDurationSeconds !== undefined) {
    throw new RolecallError('CONSOLE_ERROR', 'a console session length cannot be asked for with long-lived IAM user keys', {
      hint: 'AWS refuses SessionDuration for GetFederationToken credentials; the console lasts as long as they do. Drop --console-duration, or use a profile that assumes a role.',
    });
  }
  // static keys from a file do not say whose they are; the federated user is named after the IAM user
  const name = federatedName(credentials.arn ?? (await deps.sts.getCallerIdentity(credentials)).arn);
  deps.log.info(
    `These are long-lived IAM user keys, which cannot sign in to the console: getting a federated user session "${name}" with GetFederationToken first (it has the user's permissions, lasts 12 h, and cannot call IAM or STS).`,
  );
  return deps.sts.getFederationToken(credentials, { name, policy: FEDERATION_POLICY });
}

export interface ConsoleLoginDeps {
  log: Logger;
  fetch?: typeof fetch;
  /** exchanges long-lived keys for temporary ones; without it, long-lived keys are refused */
  sts?: Pick<Sts, 'getFederationToken' | 'getCallerIdentity'>;
}

/** Refuses a console session length AWS would refuse; callers check before signing in. */
export function checkConsoleDuration(duration: number | undefined, chained: boolean): void {
  if (duration === undefined) return;
  if (duration < 900 || duration > 43200) {
    throw new RolecallError('USAGE', `a console session lasts 900..43200 seconds, not ${duration}`, { hint: 'Pass --console-duration between 15m and 12h.' });
  }
  if (chained) {
    throw new RolecallError('CONSOLE_ERROR', `a console session of ${duration}s cannot be asked for with credentials of a chained role`, {
      hint: 'AWS caps chained role sessions at 1 hour and refuses SessionDuration for them: drop --console-duration, or use a profile that assumes the role directly.',
    });
  }
}

/** Refuses, before anyone signs in, what the federation endpoint would refuse for the credentials of `plan`. */
export function checkConsolePlan(plan: Plan, duration: number | undefined): { chained: boolean } {
  const last = plan.steps[plan.steps.length - 1]!;
  if (isSessionToken(last)) {
    throw new RolecallError('CONSOLE_ERROR', `profile ${plan.profile.name} gives an MFA session (GetSessionToken), and AWS does not let those credentials sign in to the console`, {
      hint: `Open the console with a profile that assumes a role over it (role_arn, with source_profile = ${plan.profile.name}).`,
    });
  }
  const chained = isAssumeRole(last) && last.chained;
  checkConsoleDuration(duration, chained);
  return { chained };
}

/**
 * The browser command for the console: console_browser (a browser named by kind, or a command), else
 * the profile's own agent, else, when its credentials come from aws-oidc's `credential_process =
 * rolecall auth NAME` (or `aws-oidc auth NAME`), that provider's agent in ~/.aws-oidc/config:
 * aws-oidc's recipe of an agent that opens a chosen Chrome profile.
 */
export function consoleAgent(plan: Plan, home: string, where: BrowserEnvironment): string[] | undefined {
  const browser = plan.profile.value('console_browser');
  if (browser) return browserCommand(browser, where);
  const own = plan.profile.value('web_identity_agent');
  if (own) return own;
  for (const step of plan.steps) {
    const provider = isProcess(step) ? authProviderOf(step.command.value) : undefined;
    if (provider === undefined) continue;
    const file = readAwsOidcConfig(home);
    if (file.providers.has(provider)) return awsOidcProfile(provider, file).value('web_identity_agent');
  }
  return undefined;
}

/**
 * The browser profile or container for this console: the template (console_browser_profile or
 * --browser-profile) with the session's account, role and profile name filled in.
 */
export function consoleBrowserProfile(template: string | undefined, credentials: Credentials, profileName: string): string | undefined {
  if (template === undefined) return undefined;
  const arn = credentials.arn ?? '';
  const account = credentials.accountId ?? /^arn:[\w-]+:(?:sts|iam)::(\d{12}):/.exec(arn)?.[1] ?? 'unknown-account';
  // a role session names its role; a federated user (GetFederationToken) its own name
  const role = roleName(arn) ?? /:federated-user\/([^/]+)$/.exec(arn)?.[1] ?? 'unknown-role';
  const safe = (text: string) => text.replace(/[/\\\x00-\x1f]/g, '-');
  return template.replaceAll('{account}', account).replaceAll('{role}', safe(role)).replaceAll('{profile}', safe(profileName));
}

export async function consoleLoginUrl(input: ConsoleLoginInput, deps: ConsoleLoginDeps): Promise<string> {
  const duration = input.sessionDurationSeconds;
  checkConsoleDuration(duration, input.chained);
  const credentials = await temporary(input, deps);
  const partition = partitionOf(input.region);
  const endpoint = input.signinEndpoint ?? partition.signin;
  const session = JSON.stringify({ sessionId: credentials.accessKeyId, sessionKey: credentials.secretAccessKey, sessionToken: credentials.sessionToken });
  const tokenUrl = new URL(endpoint);
  tokenUrl.searchParams.set('Action', 'getSigninToken');
  if (duration !== undefined) tokenUrl.searchParams.set('SessionDuration', String(duration));
  tokenUrl.searchParams.set('Session', session);
  deps.log.debug(`federation getSigninToken at ${tokenUrl.origin}${tokenUrl.pathname}`);
  let response: Response;
  try {
    response = await (deps.fetch ?? fetch)(tokenUrl, { headers: { accept: 'application/json' } });
  } catch (error) {
    throw new RolecallError('NETWORK', `cannot reach the federation endpoint ${tokenUrl.origin}${tokenUrl.pathname}: ${(error as Error).message}`, { cause: error });
  }
  const text = await response.text();
  let token: string | undefined;
  try {
    token = (JSON.parse(text) as { SigninToken?: string }).SigninToken;
  } catch {
    token = undefined;
  }
  if (!response.ok || !token) {
    throw new RolecallError('CONSOLE_ERROR', `the federation endpoint refused the session (HTTP ${response.status}${text.trim() && !token ? `: ${deps.log.mask(text.trim().slice(0, 200))}` : ''})`, {
      hint: 'The credentials may have expired (`rolecall login PROFILE --refresh`), or the session duration is not allowed for them.',
    });
  }
  deps.log.redact(token);
  const login = new URL(endpoint);
  login.searchParams.set('Action', 'login');
  login.searchParams.set('Issuer', input.issuer ?? 'rolecall');
  login.searchParams.set('Destination', input.destination ?? partition.console(input.region));
  login.searchParams.set('SigninToken', token);
  deps.log.redact(login.toString());
  return login.toString();
}
