// The testbed's world: accounts, IAM users, roles with trust policies, identity providers and
// IdP users. Loaded from a JSON file (testbed/world.json by default). The placeholders
// {{IDP_ISSUER}} (e.g. http://127.0.0.1:41234) and {{IDP_HOST}} (e.g. 127.0.0.1:41234) are
// replaced with the running IdP's address before the AWS emulator reads the world.
import { readFileSync } from 'node:fs';

export interface World {
  /** `name` and `email` are what IAM Identity Center lists for the account (default: the alias) */
  accounts: Record<string, { alias: string; name?: string; email?: string }>;
  /** IAM users that hold long-lived keys (the bastion users of seed 003) */
  users: WorldUser[];
  roles: WorldRole[];
  /** managed policies by ARN, for the PolicyArns of a session (a policy not listed here grants nothing) */
  managedPolicies?: Record<string, PermissionPolicy>;
  /** IAM OIDC identity providers: AssumeRoleWithWebIdentity accepts tokens from these issuers */
  oidcProviders: { arn: string; url: string; clientIds: string[] }[];
  /** IAM SAML providers: AssumeRoleWithSAML verifies assertions with this certificate (PEM file, relative to the world file) */
  samlProviders: { arn: string; certificateFile: string }[];
  /** the people who log in at the IdP */
  idpUsers: IdpUser[];
  /** OAuth clients registered at the IdP */
  idpClients: IdpClient[];
  /** IAM Identity Center: its instance, permission sets and who may use which in which account */
  identityCenter: IdentityCenterWorld;
  /** the IdP's SAML applications that users start from the IdP (IdP-initiated SSO, ./idp/saml-sso.ts) */
  samlApps: SamlApp[];
  settings: WorldSettings;
}

export interface IdentityCenterWorld {
  /** the AWS access portal URL users sign in at (`sso_start_url`) */
  startUrl: string;
  /** the instance's region (`sso_region`) */
  region: string;
  /** idpUsers (by username) who may sign in to Identity Center */
  users: string[];
  /** each becomes a role AWSReservedSSO_NAME_<hash> in every account it is assigned in */
  permissionSets: { name: string; sessionDurationSeconds: number }[];
  assignments: { user: string; account: string; permissionSet: string }[];
  /** seconds an access token lives (AWS: 1 h with a refresh token, up to 8 h without one) */
  accessTokenTtlSeconds: number;
  /** seconds a RegisterClient registration lives (AWS: 90 days) */
  registrationTtlSeconds: number;
  /** the most items one ListAccounts/ListAccountRoles page holds, whatever max_result asks */
  pageSize: number;
}

export interface WorldUser {
  account: string;
  name: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** TOTP device (RFC 6238, SHA-1, 6 digits, 30 s) */
  mfa?: { serial: string; totpSecretBase32: string };
  /** IAM actions the user's policies do not allow (e.g. iam:ListMFADevices): refused with AccessDenied as IAM words it */
  deniedActions?: string[];
}

export interface WorldRole {
  arn: string;
  /** seconds, 3600..43200 as in IAM */
  maxSessionDuration: number;
  /** an IAM trust policy document */
  trustPolicy: TrustPolicy;
  description?: string;
  /** the role's identity policy; absent: its sessions may call every action (./aws/permissions.ts) */
  permissions?: PermissionPolicy;
}

/** An identity or session policy (no Principal) */
export interface PermissionPolicy {
  Version?: string;
  Statement: PermissionStatement | PermissionStatement[];
}

export interface PermissionStatement {
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, string | string[] | boolean>>;
}

export interface TrustPolicy {
  Version?: string;
  Statement: TrustStatement[];
}

export interface TrustStatement {
  Effect: 'Allow' | 'Deny';
  Principal: { AWS?: string | string[]; Federated?: string | string[]; Service?: string | string[] } | '*';
  Action: string | string[];
  /** operator -> condition key -> value(s), e.g. { "StringEquals": { "{{IDP_HOST}}:aud": "rolecall-cli" } } */
  Condition?: Record<string, Record<string, string | string[] | boolean>>;
}

export interface IdpUser {
  username: string;
  password: string;
  sub: string;
  email: string;
  /** SAML role attribute values this user gets: "ROLE_ARN,PRINCIPAL_ARN" */
  samlRoles: string[];
  /** TOTP device (RFC 6238, SHA-1, 6 digits, 30 s) that the SAML sign-in page asks a code of, after the password */
  totpSecretBase32?: string;
  /** Okta Verify on the user's phone: the Okta-shaped IdP offers a push factor (./idp/okta-authn.ts) */
  oktaVerify?: { deviceName: string };
}

/** A SAML service provider the IdP signs users in to, started at /saml/app/ID/sso (IdP-initiated). */
export interface SamlApp {
  id: string;
  /** the assertion consumer service: where the browser posts the SAMLResponse (AWS: https://signin.aws.amazon.com/saml) */
  acsUrl: string;
  /** Conditions/AudienceRestriction/Audience: AWS's entity id urn:amazon:webservices, or the sign-in URL */
  audience: string;
  /** the SessionDuration attribute in seconds; absent: none */
  sessionDuration?: number;
  /** posted along with the SAMLResponse, when set */
  relayState?: string;
  /** who builds the Response: the testbed's own builder (./idp/saml-response.ts) or samlify, an independent implementation */
  builder: 'testbed' | 'samlify';
}

export interface IdpClient {
  client_id: string;
  client_secret?: string;
  /** 'native' clients are public, PKCE-only and may redirect to any loopback port */
  kind: 'native' | 'confidential';
  grant_types: string[];
  /** redirect URIs beyond the loopback ones every client has, e.g. aws-runas's app:/callback */
  redirect_uris?: string[];
}

export interface WorldSettings {
  /**
   * The shortest session STS grants, normally AWS's 900 s. Tests lower it (e.g. 20) to make
   * credentials expire while a child process runs; never below 1.
   */
  minSessionSeconds: number;
  /** shift, in seconds, of the Date header the emulator and IdP send (clock-skew tests) */
  dateSkewSeconds: number;
  /** lifetime in seconds of ID and access tokens the IdP issues */
  idTokenTtlSeconds: number;
}

export function loadWorld(path: string, replacements: Record<string, string> = {}): World {
  let text = readFileSync(path, 'utf8');
  for (const [name, value] of Object.entries(replacements)) text = text.split(`{{${name}}}`).join(value);
  return JSON.parse(text) as World;
}

export const DEFAULT_WORLD = new URL('./world.json', import.meta.url).pathname;
