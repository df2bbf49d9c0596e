// rolecall login [PROFILE] [--url] [--destination URL]
import { RolecallError } from '../errors';
import { checkConsolePlan, consoleAgent, consoleLoginUrl } from '../app/console-login';
import { loadProfile, planFor, resolveCredentials } from '../credentials/resolve';
import { parseDuration } from '../config/duration';
import { createSts, DEFAULT_REGION } from '../sts/client';
import { openBrowser } from '../platform/browser';
import { booleanFlag, stringFlag } from './args';
import type { Command } from './command';
import { CREDENTIAL_HELP, CREDENTIAL_OPTIONS, credentialRequest } from './credential-flags';

export const command: Command = {
  name: 'login',
  usage: 'rolecall login [PROFILE] [--url] [--destination URL] [--console-duration D]',
  options: { ...CREDENTIAL_OPTIONS, url: { type: 'boolean' }, destination: { type: 'string' }, 'console-duration': { type: 'string' } },
  help: `Opens the AWS console signed in as the profile's role, through the AWS federation endpoint.
The browser is the profile's agent (aws-oidc's agent array with {} for the URL, e.g. a Chrome
--profile-directory; for a profile whose credential_process is \`rolecall auth NAME\` or
\`aws-oidc auth NAME\`, the agent of NAME in ~/.aws-oidc/config), else $BROWSER, else the system's opener.

Flags:
  --url                 print the sign-in URL on stdout instead of opening it (it is a bearer secret: anyone
                        with it is signed in until it expires)
  --destination URL     the console page to land on (default: the console home of the region)
  --console-duration D  how long the console session lasts, 15m..12h (not for chained roles: AWS caps them at 1h)

${CREDENTIAL_HELP}`,
  async run(parsed, ctx) {
    const request = credentialRequest(parsed, parsed.positionals[0]);
    const destination = stringFlag(parsed, 'destination');
    if (destination !== undefined && !/^https?:$/.test(URL.canParse(destination) ? new URL(destination).protocol : '')) {
      throw new RolecallError('USAGE', `--destination "${destination}" is not an https URL`, { hint: 'Give a console page, e.g. --destination https://console.aws.amazon.com/s3/home.' });
    }
    const consoleDuration = stringFlag(parsed, 'console-duration');
    const sessionDurationSeconds = consoleDuration ? parseDuration({ value: consoleDuration, source: { kind: 'flag', name: '--console-duration' } }) : undefined;
    // a length AWS would refuse is refused before anyone signs in
    const profile = loadProfile(request, ctx);
    const plan = planFor(profile, ctx, request);
    const { chained } = checkConsolePlan(plan, sessionDurationSeconds);
    const { credentials } = await resolveCredentials({ ...request, profile, plan }, ctx);
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
    if (booleanFlag(parsed, 'url')) {
      ctx.stdout(`${url}\n`);
      return 0;
    }
    const opened = await openBrowser(url, consoleAgent(plan, ctx.home), { env: ctx.env, platform: process.platform });
    if (!opened) {
      ctx.log.info('No browser to open here: run `rolecall login --url` and open the URL yourself.');
      return 1;
    }
    ctx.log.info(`Opened the AWS console as ${credentials.arn ?? plan.profile.name}.`);
    return 0;
  },
};
