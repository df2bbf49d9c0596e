// `npm run testbed`: the whole testbed (IdP + AWS emulator) standalone, for trying rolecall, the
// AWS CLI or a browser against it by hand. Prints where everything is and alice's keys; Ctrl-C stops.
// Flags: --idp-port N, --aws-port N (default: random), --min-session SECONDS (default: the world's),
// --shape generic|keycloak|google|okta (how the IdP answers; see idp/shape.ts), --number-challenge
// (okta: Okta Verify pushes ask for the number shown on the terminal).
import { parseArgs } from 'node:util';
import { relative } from 'node:path';
import { startTestbed } from './index';
import { OKTA_PHONE_PATH } from './idp/okta-phone';

const TOTP_CLI = new URL('../test/helpers/totp-cli.mjs', import.meta.url).pathname;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { 'idp-port': { type: 'string' }, 'aws-port': { type: 'string' }, 'min-session': { type: 'string' }, shape: { type: 'string' }, 'number-challenge': { type: 'boolean' } },
  });
  const shapes = ['generic', 'keycloak', 'google', 'okta'] as const;
  const shape = shapes.find((s) => s === (values.shape ?? 'generic'));
  if (!shape) throw new Error(`--shape must be one of ${shapes.join(', ')}`);
  const port = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  const minSession = port(values['min-session']);
  const testbed = await startTestbed({
    idpPort: port(values['idp-port']),
    awsPort: port(values['aws-port']),
    settings: minSession === undefined ? {} : { minSessionSeconds: minSession },
    idp: { shape },
  });
  const { world, idp, aws } = testbed;
  if (values['number-challenge']) idp.okta.setPush({ numberChallenge: true });
  const alice = world.users.find((u) => u.name === 'alice');
  const lines = [
    'rolecall testbed running',
    `  IdP issuer        ${idp.issuer}   (discovery: ${idp.issuer}/.well-known/openid-configuration; shaped ${shape})`,
    `  SAML POST API     ${idp.samlApiUrl}`,
    `  SAML SSO apps     ${world.samlApps.map((app) => idp.samlAppUrl(app.id)).join('\n                    ')}   (posts to AWS's sign-in endpoint)`,
    `  STS + IAM         ${aws.url}   (use as endpoint_url / --endpoint-url)`,
    `  federation        ${aws.signinUrl}`,
    `  Identity Center   start URL ${world.identityCenter.startUrl} (sso_region ${world.identityCenter.region})`,
    `    SSO OIDC        ${aws.sso.oidcUrl}   (AWS_ENDPOINT_URL_SSO_OIDC)`,
    `    access portal   ${aws.sso.portalUrl}   (AWS_ENDPOINT_URL_SSO)`,
    `  IdP users         ${world.idpUsers.map((u) => u.username).join(', ')} (passwords in ${relative(process.cwd(), new URL('./world.json', import.meta.url).pathname)})`,
    ...(shape === 'okta' ? [`  Okta Verify       ${idp.origin}${OKTA_PHONE_PATH}   (the phone: approve or deny pushes${values['number-challenge'] ? ', choosing the number' : ''})`] : []),
  ];
  if (alice?.mfa) {
    lines.push(
      '',
      'alice, bastion IAM user (account 111111111111):',
      `  aws_access_key_id     = ${alice.accessKeyId}`,
      `  aws_secret_access_key = ${alice.secretAccessKey}`,
      `  mfa_serial            = ${alice.mfa.serial}`,
      `  MFA code now: ${aws.totp(alice.mfa.serial)}; any time: node ${relative(process.cwd(), TOTP_CLI)} ${alice.mfa.totpSecretBase32}`,
      `  (as mfa_process:      mfa_process = ${process.execPath} ${TOTP_CLI} ${alice.mfa.totpSecretBase32})`,
    );
  }
  lines.push('', 'Ctrl-C stops.');
  process.stdout.write(`${lines.join('\n')}\n`);

  const stop = () => {
    testbed.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`testbed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
