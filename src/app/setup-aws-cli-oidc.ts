// setup for aws-cli-oidc's users: the provider goes into ~/.aws-cli-oidc/config.yaml (or
// AWS_CLI_OIDC_CONFIG), as aws-cli-oidc's own `setup` wrote it, so that `get-cred -p NAME` finds it.
// The other providers and the file's comments stay; the write is atomic with a backup.
import { existsSync, readFileSync } from 'node:fs';
import { isMap, parseDocument } from 'yaml';
import { RolecallError } from '../errors';
import { awsCliOidcProfile, parseAwsCliOidcConfig } from '../config/aws-cli-oidc';
import { refuseUnusable, writeWithBackup } from './setup';

export interface AwsCliOidcProvider {
  name: string;
  issuer: string;
  clientId: string;
  federationType: 'oidc' | 'saml2';
  /** default_iam_role_arn: the role get-cred assumes without -r */
  roleArn?: string;
  /** saml2: oidc_provider_token_exchange_audience */
  audience?: string;
}

/** The provider's keys as aws-cli-oidc's setup writes them (viper: sorted, every value a string); unset ones left out. */
export function providerEntries(p: AwsCliOidcProvider): [string, string][] {
  const entries: [string, string | undefined][] = [
    ['aws_federation_type', p.federationType],
    ['client_id', p.clientId],
    ['default_iam_role_arn', p.roleArn],
    ['max_session_duration_seconds', '3600'],
    ['oidc_provider_metadata_url', p.issuer],
    ['oidc_provider_token_exchange_audience', p.federationType === 'saml2' ? p.audience : undefined],
    ['oidc_provider_token_exchange_subject_token_type', p.federationType === 'saml2' ? 'urn:ietf:params:oauth:token-type:access_token' : undefined],
  ];
  return entries.filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '');
}

/** The file's text with the provider set (a provider of the same name replaced), everything else kept. */
function withProvider(path: string, p: AwsCliOidcProvider): { text: string } {
  const doc = parseDocument(existsSync(path) ? readFileSync(path, 'utf8') : '');
  if (doc.errors.length || (doc.contents !== null && !isMap(doc.contents))) {
    // the reader says where and what
    parseAwsCliOidcConfig(doc.toString(), path);
    throw new RolecallError('CONFIG_INVALID', `${path} is not a map of providers`, { hint: 'Fix the file, or move it away and run setup again.' });
  }
  doc.set(p.name, doc.createNode(Object.fromEntries(providerEntries(p))));
  return { text: doc.toString() };
}

/**
 * Refuses, before anything is written, a provider `get-cred -p NAME` could not use: the file as it
 * would be is read and the provider planned, as get-cred would.
 */
export function checkAwsCliOidcProvider(path: string, p: AwsCliOidcProvider, env: NodeJS.ProcessEnv): void {
  refuseUnusable('provider', () => awsCliOidcProfile(p.name, parseAwsCliOidcConfig(withProvider(path, p).text, path), new Map(), env));
}

/** Writes the provider atomically; the previous file is kept as config.yaml.rolecall-backup. */
export function writeAwsCliOidcProvider(path: string, p: AwsCliOidcProvider): { backup?: string } {
  return writeWithBackup(path, withProvider(path, p).text);
}
