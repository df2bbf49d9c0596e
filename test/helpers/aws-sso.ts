// What the Identity Center tests share: a home with an [sso-session] for the testbed and profiles
// of it, the environment that points rolecall, boto3 and the person's browser at the testbed, and
// an AWS_DATA_PATH for the AWS CLI v2.9 on this machine, which predates AWS_ENDPOINT_URL_SSO*: its
// endpoint rule sets for sso-oidc and sso answer with the testbed's listeners, so `aws sso login`
// and the AWS CLI's own SSO credential provider reach the emulator.
import { after, before, beforeEach } from 'node:test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestbed, type Testbed } from '../../testbed/index';
import type { SsoSession } from '../../src/plan/identity-center';
import { tempHome, type Home } from './cli';
import { SSO_BROWSER } from './sso-browser';

export const AWS = '/usr/bin/aws';

/**
 * The hooks of an Identity Center test file: one testbed for the file, and before each test a fresh
 * home and an Identity Center that has forgotten every client, code and token and counted nothing.
 */
export function useSsoTestbed(started: (testbed: Testbed) => void, fresh: (home: Home) => void): void {
  let testbed: Testbed;
  let home: Home | undefined;
  before(async () => {
    testbed = await startTestbed();
    started(testbed);
  });
  after(async () => {
    home?.remove();
    await testbed.close();
  });
  beforeEach(() => {
    home?.remove();
    home = tempHome();
    fresh(home);
    testbed.aws.sso.reset();
    testbed.aws.resetCalls();
  });
}

/** the testbed's Identity Center session: [sso-session NAME] (default testbed), or the legacy form with `null` */
export function testbedSession(testbed: Testbed, name: string | null = 'testbed'): SsoSession {
  return { ...(name === null ? {} : { name }), startUrl: testbed.world.identityCenter.startUrl, region: testbed.world.identityCenter.region };
}

/** [sso-session testbed] with a refresh-token scope, and profiles dev (Developer in staging), read (ReadOnly in production), legacy (the same role, legacy form) */
export function ssoConfig(testbed: Testbed, extra = ''): string {
  const { startUrl, region } = testbed.world.identityCenter;
  return `[sso-session testbed]
sso_start_url = ${startUrl}
sso_region = ${region}
sso_registration_scopes = sso:account:access

[profile dev]
sso_session = testbed
sso_account_id = 222222222222
sso_role_name = Developer
region = us-east-1

[profile read]
sso_session = testbed
sso_account_id = 333333333333
sso_role_name = ReadOnly
region = us-east-1

[profile legacy]
sso_start_url = ${startUrl}
sso_region = ${region}
sso_account_id = 222222222222
sso_role_name = ReadOnly
region = us-east-1
${extra}`;
}

/** the rule set of one service: every request goes to `url` */
function ruleSet(url: string): string {
  return JSON.stringify({
    version: '1.0',
    parameters: { Region: { builtIn: 'AWS::Region', required: false, documentation: 'the region', type: 'String' } },
    rules: [{ conditions: [], endpoint: { url, properties: {}, headers: {} }, type: 'endpoint' }],
  });
}

/** an AWS_DATA_PATH under `dir` that sends the AWS CLI's sso-oidc and sso clients to the testbed */
export function awsDataPath(dir: string, testbed: Testbed): string {
  const root = join(dir, 'aws-data');
  for (const [service, url] of [['sso-oidc', testbed.aws.sso.oidcUrl], ['sso', testbed.aws.sso.portalUrl]] as const) {
    mkdirSync(join(root, service, '2019-06-10'), { recursive: true });
    writeFileSync(join(root, service, '2019-06-10', 'endpoint-rule-set-1.json'), ruleSet(url));
  }
  return root;
}

/**
 * the environment of a person at the testbed: endpoints, the $BROWSER that signs in as them (a
 * one-word script: Python's webbrowser takes $BROWSER as one program name), where it logs
 */
export function ssoEnv(home: Home, testbed: Testbed, user = 'alice', consent = 'approve'): NodeJS.ProcessEnv {
  const person = testbed.world.idpUsers.find((u) => u.username === user)!;
  const browser = home.write('bin/sso-browser', `#!/bin/sh\nexec ${SSO_BROWSER} "$1"\n`, 0o700);
  return {
    ...home.env,
    AWS_ENDPOINT_URL_SSO_OIDC: testbed.aws.sso.oidcUrl,
    AWS_ENDPOINT_URL_SSO: testbed.aws.sso.portalUrl,
    AWS_ENDPOINT_URL_STS: testbed.aws.url,
    BROWSER: browser,
    TESTBED_USER: person.username,
    TESTBED_PASSWORD: person.password,
    TESTBED_CONSENT: consent,
    TESTBED_AGENT_LOG: join(home.dir, 'agent.log'),
  };
}
