// rolecall login [PROFILE] [--url] [--destination URL]
import { RolecallError } from '../errors';
import { checkConsolePlan, consoleAgent, consoleBrowserProfile, consoleLoginUrl } from '../app/console-login';
import { loadProfile, planToRun, resolveCredentials } from '../credentials/resolve';
import { parseDuration } from '../config/duration';
import { createSts, DEFAULT_REGION } from '../sts/client';
import { browserArgv, openBrowser } from '../platform/browser';
import { booleanFlag, stringFlag } from './args';
import type { Command } from './command';
import { CREDENTIAL_HELP, CREDENTIAL_OPTIONS, credentialRequest } from './credential-flags';

export const command: Command = {
  name: 'login',
  usage: 'rolecall login [PROFILE] [--url] [--destination URL] [--console-duration D]',
  options: {
    ...CREDENTIAL_OPTIONS,
    url: { type: 'boolean' },
    destination: { type: 'string' },
    'console-duration': { type: 'string' },
    'browser-profile': { type: 'string' },
  },
  help: `Opens the AWS console signed in as the profile's role, through the AWS federation endpoint.
The browser is the profile's console_browser (chrome, chromium, brave, edge, vivaldi, firefox, or a
command), else its agent (aws-oidc's agent array with {} for the URL; for a profile whose
credential_process is \`rolecall auth NAME\` or \`aws-oidc auth NAME\`, the agent of NAME in
~/.aws-oidc/config), else $BROWSER, else the system's opener. A console of a chained role (a role assumed
with another role's credentials) lasts 1 hour at most: AWS caps those sessions, and login says so.

Flags:
  --url                 print the sign-in URL on stdout instead of opening it (it is a bearer secret: anyone
                        with it is signed in until it expires)
  --destination URL     the console page to land on (default: the console home of the region)
  --console-duration D  how long the console session lasts, 15m..12h (not for chained roles: AWS caps them at 1h)
  --browser-profile P   open the console in this browser profile (Chrome, Chromium, Brave, Edge, Vivaldi:
                        --profile-directory=P) or Firefox container (the "Open external links in a container"
                        extension); {account}, {role} and {profile} are filled in, per-role and per-account
                        give one for each role or account (profile key: console_browser_profile). The browser
                        is console_browser (chrome, chromium, brave, edge, vivaldi, firefox, or a command)

${CREDENTIAL_HELP}`,
  async run(parsed, ctx) {
    const request = credentialRequest(parsed, parsed.positionals[0]);
    const browserProfileFlag = stringFlag(parsed, 'browser-profile');
    if (browserProfileFlag !== undefined) request.overrides?.set('console_browser_profile', { value: browserProfileFlag, source: { kind: 'flag', name: '--browser-profile' } });
    const destination = stringFlag(parsed, 'destination');
    if (destination !== undefined && (URL.canParse(destination) ? new URL(destination).protocol : '') !== 'https:') {
      throw new RolecallError('USAGE', `--destination "${destination}" is not an https URL`, { hint: 'Give a console page, e.g. --destination https://console.aws.amazon.com/s3/home.' });
    }
    const consoleDuration = stringFlag(parsed, 'console-duration');
    const sessionDurationSeconds = consoleDuration ? parseDuration({ value: consoleDuration, source: { kind: 'flag', name: '--console-duration' } }) : undefined;
    // a length AWS would refuse is refused before anyone signs in
    const profile = loadProfile(request, ctx);
    const plan = planToRun(profile, ctx, request);
    const { chained } = checkConsolePlan(plan, sessionDurationSeconds);
    const where = { env: ctx.env, platform: process.platform };
    const agent = consoleAgent(plan, ctx.home, where);
    const template = plan.profile.value('console_browser_profile');
    const printOnly = booleanFlag(parsed, 'url');
    // a browser whose profiles rolecall cannot open is refused before anyone signs in
    if (template !== undefined && !printOnly) browserArgv('https://signin.aws.amazon.com/federation', agent, where, template);
    const { credentials } = await resolveCredentials({ ...request, profile, plan }, ctx);
    if (chained) {
      ctx.log.warn(
        `profile ${plan.profile.name} assumes its role with another role's credentials (role chaining): AWS caps that session at 1 hour, so this console lasts 1 hour at most${credentials.expiration ? ` (the role session ends at ${credentials.expiration.toISOString()})` : ''}.`,
      );
    }
    const url = await consoleLoginUrl(
      {
        credentials,
        region: plan.region?.value ?? DEFAULT_REGION,
        signinEndpoint: plan.profile.value('endpoint_url.signin'),
        destination,
        sessionDurationSeconds,
        chained,
      },
      { log: ctx.log, sts: createSts({ region: plan.region?.value, endpoint: plan.stsEndpoint?.value, log: ctx.log }) },
    );
    if (printOnly) {
      ctx.stdout(`${url}\n`);
      return 0;
    }
    const browserProfile = consoleBrowserProfile(template, credentials, plan.profile.name);
    const opened = await openBrowser(url, agent, where, undefined, browserProfile);
    if (!opened) {
      throw new RolecallError('BROWSER_LAUNCH', 'no browser to open the AWS console in here (no console_browser or agent, no $BROWSER, no display)', {
        hint: `Run \`rolecall login ${plan.profile.name} --url\` and open the URL it prints yourself (the credentials are cached: no second sign-in), or set console_browser or $BROWSER.`,
      });
    }
    ctx.log.info(`Opened the AWS console as ${credentials.arn ?? plan.profile.name}${browserProfile === undefined ? '' : ` in browser profile "${browserProfile}"`}.`);
    return 0;
  },
};
