// rolecall setup: a wizard on /dev/tty that writes one profile into ~/.aws/config; every answer
// can also be a flag, so scripts can run it without a terminal.
import * as p from '@clack/prompts';
import {
  PROFILE_NAME,
  REQUIRED,
  SETUP_KINDS,
  checkClient,
  checkIssuer,
  checkSetup,
  defaultRegion,
  discoverIssuer,
  profilesWithKeys,
  rolecallCommand,
  sectionHeader,
  setupSections,
  writeProfile,
  type DiscoveredIssuer,
  type Section,
  type SetupAnswers,
  type SetupKind,
} from '../app/setup';
import { checkAwsCliOidcProvider, providerEntries, writeAwsCliOidcProvider, type AwsCliOidcProvider } from '../app/setup-aws-cli-oidc';
import { awsCliOidcConfigPath } from '../config/aws-cli-oidc';
import { resolveCredentials } from '../credentials/resolve';
import { populate } from '../app/sso-populate';
import type { Context } from '../platform/context';
import { readConfigFiles, listProfiles, expandPath, type ConfigFiles } from '../config/files';
import * as parse from '../config/parse';
import { RolecallError, isRolecallError } from '../errors';
import { openTty, type TtyStreams } from '../platform/tty';
import { booleanFlag, stringFlag } from './args';
import type { Command, Parsed } from './command';
import { selfInvocation } from '../platform/self';

const FLAG_OF: Record<keyof SetupAnswers, string> = {
  kind: '--kind',
  profile: '--profile',
  region: '--region',
  issuer: '--issuer',
  clientId: '--client-id',
  roleArn: '--role-arn',
  samlUrl: '--saml-url',
  samlProviderName: '--saml-provider-name',
  sourceProfile: '--source-profile',
  mfaSerial: '--mfa-serial',
  cliProfile: '--cli-profile',
  federationType: '--federation-type',
  audience: '--audience',
};

const QUESTION: Partial<Record<keyof SetupAnswers, { message: string; placeholder?: string }>> = {
  issuer: { message: 'OIDC issuer URL', placeholder: 'https://idp.example.com/realms/main' },
  clientId: { message: 'OAuth client id (a native/public client with loopback redirects)' },
  roleArn: { message: 'Role ARN to assume', placeholder: 'arn:aws:iam::123456789012:role/developer' },
  samlUrl: { message: 'SAML POST API URL (returns {"saml_response": ...})' },
  samlProviderName: { message: 'Name of the SAML provider in IAM (SAML_IDP_NAME)' },
  mfaSerial: { message: 'MFA device ARN (mfa_serial), empty for none' },
  audience: { message: 'Audience for the token exchange, empty for none', placeholder: 'urn:amazon:webservices' },
};

const renderSection = ([header, entries]: Section) => [`[${header}]`, ...entries.map(([k, v]) => `${k} = ${v}`)].join('\n');

function cancelled(value: unknown): value is symbol {
  return p.isCancel(value);
}

function stop(): never {
  throw new RolecallError('INTERRUPTED', 'setup cancelled; nothing was written', { hint: 'Run `rolecall setup` again when you are ready.' });
}

function fromFlags(parsed: Parsed): Partial<SetupAnswers> {
  const kind = stringFlag(parsed, 'kind');
  if (kind !== undefined && !(kind in SETUP_KINDS)) {
    throw new RolecallError('USAGE', `rolecall setup --kind takes ${Object.keys(SETUP_KINDS).join(', ')}, not "${kind}"`, { hint: 'Run `rolecall setup --help`.' });
  }
  const federationType = stringFlag(parsed, 'federation-type');
  if (federationType !== undefined && federationType !== 'oidc' && federationType !== 'saml2') {
    throw new RolecallError('USAGE', `rolecall setup --federation-type takes oidc or saml2, not "${federationType}"`, { hint: "aws-cli-oidc's aws_federation_type: oidc (AssumeRoleWithWebIdentity) or saml2 (token exchange for SAML)." });
  }
  return {
    kind: kind as SetupKind | undefined,
    profile: parsed.globals.profile,
    region: parsed.globals.region,
    issuer: stringFlag(parsed, 'issuer'),
    clientId: stringFlag(parsed, 'client-id'),
    roleArn: stringFlag(parsed, 'role-arn'),
    samlUrl: stringFlag(parsed, 'saml-url'),
    samlProviderName: stringFlag(parsed, 'saml-provider-name'),
    sourceProfile: stringFlag(parsed, 'source-profile'),
    mfaSerial: stringFlag(parsed, 'mfa-serial'),
    cliProfile: stringFlag(parsed, 'cli-profile'),
    federationType,
    audience: stringFlag(parsed, 'audience'),
  };
}

type Io = { input: TtyStreams['input']; output: TtyStreams['output'] };

/** a URL rolecall can use as an issuer, said at the prompt */
function issuerProblem(value: string | undefined): string | undefined {
  try {
    const url = new URL((value ?? '').trim());
    return url.protocol === 'https:' || url.protocol === 'http:' ? undefined : 'an https:// URL';
  } catch {
    return 'a URL, like https://idp.example.com/realms/main';
  }
}

function regionProblem(value: string | undefined): string | undefined {
  try {
    parse.region({ value: (value ?? '').trim(), source: { kind: 'flag', name: '--region' } }, 'region');
    return undefined;
  } catch (error) {
    return isRolecallError(error) ? error.hint : String(error);
  }
}

/**
 * Asks for a value and checks it at once: while the check fails, its error is shown inside the
 * wizard's frame and the question is asked again with the answer given, so no answer is lost.
 */
async function askChecked<T>(io: Io, question: { message: string; placeholder?: string; validate?: (v: string | undefined) => string | undefined }, check: ((value: string) => Promise<T>) | undefined, what: (value: string) => string): Promise<{ value: string; result?: T }> {
  let initialValue: string | undefined;
  for (;;) {
    const answer = await p.text({ ...io, ...question, initialValue, validate: question.validate ?? ((v) => (v && v.trim() ? undefined : 'required')) });
    if (cancelled(answer)) stop();
    const value = answer.trim();
    if (!check) return { value };
    const spin = p.spinner({ ...io });
    spin.start(`Checking ${what(value)}`);
    try {
      const result = await check(value);
      spin.stop(`Checked ${what(value)}`);
      return { value, result };
    } catch (error) {
      if (!isRolecallError(error)) throw error;
      spin.error(error.message);
      p.log.warn(`${error.hint}\nType it again, or Ctrl-C to stop (rolecall setup --no-check skips this check).`, io);
      initialValue = value;
    }
  }
}

/** the wizard: the questions the flags left open; the OIDC issuer and client are checked as they are typed */
async function ask(io: Io, answers: Partial<SetupAnswers>, files: ConfigFiles, env: NodeJS.ProcessEnv, check: boolean): Promise<{ answers: SetupAnswers; checked: boolean }> {
  p.intro('rolecall setup', io);
  if (!answers.kind) {
    const kind = await p.select({ ...io, message: 'How do you prove who you are?', options: Object.entries(SETUP_KINDS).map(([value, label]) => ({ value: value as SetupKind, label })) });
    if (cancelled(kind)) stop();
    answers.kind = kind;
  }
  if (!answers.profile) {
    const forGetCred = answers.kind === 'aws-cli-oidc';
    const name = await p.text({ ...io, message: forGetCred ? 'OIDC provider name (get-cred -p NAME)' : 'Profile name', placeholder: forGetCred ? 'myop' : 'dev', validate: (v) => (PROFILE_NAME.test(v ?? '') ? undefined : 'letters, digits and ._@+- only') });
    if (cancelled(name)) stop();
    answers.profile = name;
  }
  const oidc = answers.kind === 'oidc' || answers.kind === 'oidc-saml';
  let issuer: DiscoveredIssuer | undefined;
  let checked = false;
  for (const key of REQUIRED[answers.kind]) {
    if (answers[key]) continue;
    if (key === 'sourceProfile') {
      const withKeys = profilesWithKeys(files);
      const options = listProfiles(files).map((name) => ({ value: name, label: name, hint: withKeys.includes(name) ? 'has IAM user keys' : undefined }));
      const source = await p.select({ ...io, message: 'Profile with the IAM user keys', options, initialValue: withKeys[0] });
      if (cancelled(source)) stop();
      answers.sourceProfile = source;
      continue;
    }
    if (key === 'federationType') {
      const type = await p.select({ ...io, message: 'Type of AWS federation', options: [{ value: 'oidc' as const, label: 'oidc: AssumeRoleWithWebIdentity' }, { value: 'saml2' as const, label: 'saml2: token exchange for a SAML assertion, AssumeRoleWithSAML' }] });
      if (cancelled(type)) stop();
      answers.federationType = type;
      continue;
    }
    const q = QUESTION[key]!;
    if (key === 'issuer') {
      const asked = await askChecked(io, { ...q, validate: issuerProblem }, check ? (v) => discoverIssuer(v) : undefined, (v) => `the discovery document of ${v}`);
      answers.issuer = asked.value;
      issuer = asked.result;
      continue;
    }
    if (key === 'clientId' && oidc && check) {
      const at = issuer ?? (await discoverIssuer(answers.issuer!));
      answers.clientId = (await askChecked(io, q, (v) => checkClient(at, v), (v) => `that ${at.base} accepts client ${v}`)).value;
      checked = true;
      continue;
    }
    (answers as Record<string, string>)[key] = (await askChecked(io, q, undefined, String)).value;
  }
  if (answers.kind === 'bastion' && answers.mfaSerial === undefined) {
    const mfa = await p.text({ ...io, message: QUESTION.mfaSerial!.message, placeholder: 'arn:aws:iam::123456789012:mfa/me' });
    if (cancelled(mfa)) stop();
    answers.mfaSerial = mfa.trim() || undefined;
  }
  if (answers.kind === 'aws-cli-oidc' && answers.roleArn === undefined) {
    const role = await p.text({ ...io, message: 'Default IAM role ARN (default_iam_role_arn), empty for none: get-cred then needs -r', placeholder: 'arn:aws:iam::123456789012:role/developer' });
    if (cancelled(role)) stop();
    answers.roleArn = role.trim() || undefined;
  }
  if (answers.kind === 'aws-cli-oidc' && answers.federationType === 'saml2' && answers.audience === undefined) {
    const audience = await p.text({ ...io, ...QUESTION.audience! });
    if (cancelled(audience)) stop();
    answers.audience = audience.trim() || undefined;
  }
  if (answers.region === undefined && answers.kind !== 'aws-cli-oidc') {
    const fallback = defaultRegion(env, files);
    const region = await p.text({ ...io, message: `AWS region (Enter for ${fallback})`, placeholder: fallback, defaultValue: fallback, validate: (v) => (v ? regionProblem(v) : undefined) });
    if (cancelled(region)) stop();
    answers.region = region.trim();
  }
  if (answers.cliProfile === undefined) {
    const companion = `${answers.profile}-cli`;
    const wanted = await p.confirm({ ...io, message: `Also write [profile ${companion}] for the AWS CLI and SDKs (credential_process)?` });
    if (cancelled(wanted)) stop();
    if (wanted) answers.cliProfile = companion;
  }
  return { answers: answers as SetupAnswers, checked };
}

/**
 * aws-cli-oidc's users: the provider into ~/.aws-cli-oidc/config.yaml for `get-cred -p NAME`, and with
 * --cli-profile a profile whose credential_process runs that get-cred (aws-cli-oidc's README recipe).
 */
async function setupForGetCred(
  answers: SetupAnswers,
  parsed: Parsed,
  ctx: Context,
  { io, configPath, rolecall }: { io?: Pick<TtyStreams, 'input' | 'output'>; configPath: string; rolecall: string },
): Promise<number> {
  const provider: AwsCliOidcProvider = {
    name: answers.profile,
    issuer: answers.issuer!,
    clientId: answers.clientId!,
    federationType: answers.federationType!,
    roleArn: answers.roleArn,
    audience: answers.audience,
  };
  const path = awsCliOidcConfigPath(ctx.home, ctx.env);
  checkAwsCliOidcProvider(path, provider, ctx.env);
  if (!booleanFlag(parsed, 'no-check')) {
    for (const note of await checkIssuer(provider.issuer, provider.clientId)) ctx.log.info(`checked: ${note}`);
  }
  const getCred = `${rolecall} get-cred -p ${provider.name}${provider.roleArn ? ` -r ${provider.roleArn}` : ''} -j`;
  const companion: Section | undefined = answers.cliProfile ? [sectionHeader(answers.cliProfile), [['credential_process', getCred]]] : undefined;
  if (io && !booleanFlag(parsed, 'yes')) {
    const yaml = [`${provider.name}:`, ...providerEntries(provider).map(([k, v]) => `  ${k}: ${v}`)].join('\n');
    p.note(companion ? `${yaml}\n\nand in ${configPath}:\n${renderSection(companion)}` : yaml, `to ${path}`, io);
    const ok = await p.confirm({ ...io, message: 'Write this provider?' });
    if (cancelled(ok) || !ok) stop();
  }
  const { backup } = writeAwsCliOidcProvider(path, provider);
  ctx.log.info(`Wrote provider ${provider.name} to ${path}${backup ? ` (previous file kept as ${backup})` : ''}.`);
  if (companion) {
    const written = writeProfile(configPath, [companion]);
    ctx.log.info(`Wrote [${companion[0]}] to ${configPath}${written.backup ? ` (previous file kept as ${written.backup})` : ''}.`);
  }
  ctx.log.info(
    `Use it: eval "$(rolecall get-cred -p ${provider.name}${provider.roleArn ? '' : ' -r ROLE_ARN'})"${companion ? `, or aws --profile ${answers.cliProfile} ...` : `; for the AWS CLI and SDKs, a profile with credential_process = ${getCred}`}`,
  );
  return 0;
}

export const command: Command = {
  name: 'setup',
  usage: 'rolecall setup [--kind K] [--profile NAME] [flags] | --sso-session NAME [--prefix P] [--dry-run]',
  options: {
    kind: { type: 'string' },
    issuer: { type: 'string' },
    'client-id': { type: 'string' },
    'role-arn': { type: 'string' },
    'saml-url': { type: 'string' },
    'saml-provider-name': { type: 'string' },
    'source-profile': { type: 'string' },
    'mfa-serial': { type: 'string' },
    'cli-profile': { type: 'string' },
    'federation-type': { type: 'string' },
    audience: { type: 'string' },
    'no-check': { type: 'boolean' },
    'no-login': { type: 'boolean' },
    yes: { type: 'boolean', short: 'y' },
    'sso-session': { type: 'string' },
    'sso-start-url': { type: 'string' },
    'sso-region': { type: 'string' },
    prefix: { type: 'string' },
    'dry-run': { type: 'boolean' },
    device: { type: 'boolean' },
    'no-browser': { type: 'boolean' },
  },
  help: `Asks on the terminal how you sign in, checks the identity provider, and writes one profile into
~/.aws/config (AWS_CONFIG_FILE). Every other line of the file stays as it was; the previous file is kept
as config.rolecall-backup. Every answer can be given as a flag; with all of them, no question is asked.

Kinds (--kind):
${Object.entries(SETUP_KINDS).map(([k, v]) => `  ${k.padEnd(12)} ${v}`).join('\n')}

Flags:
  --kind K                 the kind of profile (above)
  --profile NAME           the profile to write (aws-cli-oidc: the provider's name)
  --issuer URL             OIDC issuer, or its metadata URL (oidc, oidc-saml, aws-cli-oidc)
  --client-id ID           OAuth client id (oidc, oidc-saml, aws-cli-oidc)
  --role-arn ARN           the role to assume (aws-cli-oidc: default_iam_role_arn)
  --federation-type T      oidc or saml2 (aws-cli-oidc)
  --audience A             the token exchange's audience (aws-cli-oidc saml2)
  --saml-url URL           SAML POST API (saml-api)
  --saml-provider-name N   the IAM SAML provider's name (saml-api)
  --source-profile P       the profile with the IAM user keys (bastion)
  --mfa-serial ARN         the MFA device (bastion)
  --region R               region for the profile
  --cli-profile NAME       also write [profile NAME] with credential_process = rolecall export PROFILE
                           (aws-cli-oidc: rolecall get-cred -p NAME -j), for the AWS CLI and SDKs (the
                           wizard offers PROFILE-cli)
  --no-check               do not contact the identity provider before saving
  --no-login               do not offer a first login at the end
  -y, --yes                write without asking for confirmation

AWS IAM Identity Center (--sso-session): signs in to the session (if needed), lists every account
and role you may use, and appends a profile for each role no profile of the file uses yet, named
PREFIX + account name + "." + role name. It never changes a profile that is there.
  --sso-session NAME       the [sso-session NAME] to populate from
  --sso-start-url URL      with --sso-region: create [sso-session NAME] when the file has none
  --sso-region R           the Identity Center region (with --sso-start-url)
  --prefix P               put P before every new profile name
  --region R               region for the new profiles
  --dry-run                print the diff of the config file, write nothing
  --device, --no-browser   sign in with a device code / print the URL instead of opening a browser

Examples (the first checks the identity provider; offline, add --no-check):
  rolecall setup --kind oidc --profile dev --issuer https://idp.example.com --client-id cli \\
    --role-arn arn:aws:iam::123456789012:role/developer --region eu-west-1 --yes --no-login
  rolecall setup --sso-session acme --prefix acme- --dry-run
  rolecall setup --kind aws-cli-oidc --profile myop --issuer https://idp.example.com/.well-known/openid-configuration \\
    --client-id aws-cli --federation-type saml2 --audience urn:amazon:webservices --yes --no-login

aws-cli-oidc's users: the aws-cli-oidc kind writes the provider into ~/.aws-cli-oidc/config.yaml
(AWS_CLI_OIDC_CONFIG), as \`aws-cli-oidc setup\` did, for \`rolecall get-cred -p NAME\`.`,
  async run(parsed, ctx) {
    const ssoSession = stringFlag(parsed, 'sso-session');
    if (ssoSession !== undefined) return populateFromSession(ssoSession, parsed, ctx);
    const given = fromFlags(parsed);
    if (given.cliProfile !== undefined && given.cliProfile === given.profile) {
      throw new RolecallError('USAGE', `--cli-profile must name another profile than --profile ("${given.profile}")`, { hint: `For example --cli-profile ${given.profile}-cli.` });
    }
    const configPath = expandPath(ctx.env.AWS_CONFIG_FILE ?? '~/.aws/config', ctx.env, ctx.home);
    const missing = (a: Partial<SetupAnswers>) =>
      !a.kind || !a.profile ? ['kind', 'profile'].filter((k) => !a[k as 'kind']) : REQUIRED[a.kind].filter((k) => !a[k]);
    let tty: TtyStreams | undefined;
    let answers: SetupAnswers;
    let checkedAlready = false;
    if (missing(given).length === 0) {
      answers = given as SetupAnswers;
    } else {
      tty = openTty();
      if (!tty) {
        throw new RolecallError('NO_TTY', `rolecall setup has no terminal to ask for ${missing(given).map((k) => FLAG_OF[k as keyof SetupAnswers]).join(', ')}`, {
          hint: 'Run it in a terminal, or give those answers as flags (see `rolecall setup --help`).',
        });
      }
      const open = tty;
      // a question cancelled (Ctrl-C, Esc) lets the terminal go too, or its stream keeps the process alive
      const asked = await ask({ input: open.input, output: open.output }, given, readConfigFiles(ctx.env, ctx.home), ctx.env, !booleanFlag(parsed, 'no-check')).catch((error: unknown) => {
        open.close();
        throw error;
      });
      answers = asked.answers;
      checkedAlready = asked.checked;
    }
    try {
      const io = tty ? { input: tty.input, output: tty.output } : undefined;
      const rolecall = rolecallCommand(ctx.env, selfInvocation());
      if (answers.kind === 'aws-cli-oidc') return await setupForGetCred(answers, parsed, ctx, { io, configPath, rolecall });
      const sections = setupSections(answers, rolecall);
      checkSetup(configPath, sections, answers, ctx.env, ctx.home);
      if ((answers.kind === 'oidc' || answers.kind === 'oidc-saml') && !booleanFlag(parsed, 'no-check') && !checkedAlready) {
        const notes = await checkIssuer(answers.issuer!, answers.clientId!).catch((error: unknown) => {
          if (!isRolecallError(error)) throw error;
          throw new RolecallError(error.code, error.message, { hint: `${error.hint} Or add --no-check to write the profile without contacting the identity provider.`, cause: error });
        });
        // on a terminal inside the wizard's frame, else as plain lines on stderr
        for (const note of notes) io ? p.log.success(`checked: ${note}`, io) : ctx.log.info(`checked: ${note}`);
      }
      const preview = sections.map(renderSection).join('\n\n');
      if (io && !booleanFlag(parsed, 'yes')) {
        p.note(preview, `to ${configPath}`, io);
        const ok = await p.confirm({ ...io, message: 'Write this profile?' });
        if (cancelled(ok) || !ok) stop();
      }
      const { backup, text } = writeProfile(configPath, sections);
      ctx.log.info(`Wrote ${sections.map(([header]) => `[${header}]`).join(' and ')} to ${configPath}${backup ? ` (previous file kept as ${backup})` : ''}.`);
      const use = `Use it: rolecall exec ${answers.profile} -- CMD, or eval "$(rolecall export ${answers.profile} --format bash)"`;
      const companion = answers.cliProfile ?? `${answers.profile}-cli`;
      if (answers.cliProfile || text.includes(`[profile ${companion}]`)) ctx.log.info(`${use}, or aws --profile ${companion} ...`);
      else ctx.log.info(`${use}. For the AWS CLI and SDKs, a profile like this one runs it:\n${renderSection(setupSections({ ...answers, cliProfile: companion }, rolecall)[1]!)}`);
      if (io && !booleanFlag(parsed, 'no-login')) {
        const login = await p.confirm({ ...io, message: `Log in with ${answers.profile} now?` });
        if (!cancelled(login) && login) {
          tty?.close();
          tty = undefined;
          const { credentials } = await resolveCredentials({ profileName: { value: answers.profile, source: { kind: 'argument', name: 'PROFILE' } }, refresh: true, noCache: false }, ctx);
          ctx.log.info(`Logged in: ${credentials.arn ?? answers.profile}, until ${credentials.expiration?.toISOString() ?? 'revoked'}.`);
        }
      }
      return 0;
    } finally {
      tty?.close();
    }
  },
};

async function populateFromSession(session: string, parsed: Parsed, ctx: Context): Promise<number> {
  const stray = ['kind', 'issuer', 'client-id', 'role-arn', 'saml-url', 'saml-provider-name', 'source-profile', 'mfa-serial', 'cli-profile'].filter((f) => stringFlag(parsed, f) !== undefined);
  if (stray.length || parsed.globals.profile !== undefined) {
    throw new RolecallError('USAGE', `rolecall setup --sso-session writes a profile per role and takes no ${[...stray.map((f) => `--${f}`), ...(parsed.globals.profile !== undefined ? ['--profile'] : [])].join(', ')}`, {
      hint: 'Use --prefix to name the profiles; run `rolecall setup` without --sso-session for a single profile.',
    });
  }
  const configPath = expandPath(ctx.env.AWS_CONFIG_FILE || '~/.aws/config', ctx.env, ctx.home);
  const dryRun = booleanFlag(parsed, 'dry-run');
  const result = await populate(
    {
      configPath,
      session,
      startUrl: stringFlag(parsed, 'sso-start-url'),
      ssoRegion: stringFlag(parsed, 'sso-region'),
      prefix: stringFlag(parsed, 'prefix'),
      region: parsed.globals.region,
      dryRun,
      flags: { device: booleanFlag(parsed, 'device'), noBrowser: booleanFlag(parsed, 'no-browser') },
    },
    ctx,
  );
  if (dryRun) ctx.stdout(result.diff);
  const names = (list: { profile: string }[]) => list.map((a) => a.profile).join(', ');
  if (result.existing.length) ctx.log.info(`${result.existing.length} role${result.existing.length === 1 ? ' has' : 's have'} a profile already: ${result.existing.map((e) => `${e.profile} (${e.role.accountName} ${e.role.roleName})`).join(', ')}.`);
  for (const skip of result.skipped) {
    ctx.log.warn(`not written: [profile ${skip.profile}] is there and does not use ${skip.role.roleName} in ${skip.role.accountId}; --prefix gives the new profiles other names.`);
  }
  const what = `${result.createdSession ? `[sso-session ${session}] and ` : ''}${result.add.length} profile${result.add.length === 1 ? '' : 's'}`;
  if (dryRun) ctx.log.info(result.diff ? `Would add ${what} to ${configPath} (--dry-run: nothing was written).` : 'Nothing to add: every role has a profile.');
  else if (result.add.length || result.createdSession) ctx.log.info(`Added ${what} to ${configPath}${result.backup ? ` (previous file kept as ${result.backup})` : ''}: ${names(result.add)}`);
  else ctx.log.info('Nothing to add: every role has a profile.');
  return 0;
}
