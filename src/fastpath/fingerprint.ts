// The fingerprint of a request: the request itself, every environment variable that can change
// how rolecall resolves a profile, and the identity (size, times, inode) of every configuration
// file it reads. Equal fingerprints mean the full path would compute the same cache key, so the
// fast path may use the one it recorded. Imports node builtins only: bin.ts runs this.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import type { FastRequest } from './request';

// AWS_* (profile, config paths, region, endpoints, keys for credential_source = Environment),
// rolecall's own, and the aws-runas / coinbase overrides
const RELEVANT_ENV = /^(AWS_|ROLECALL_|WEB_IDENTITY_|SAML_|AWSRUNAS_)|^(CREDENTIALS_DURATION|JUMP_ROLE_ARN|MFA_TYPE|XDG_CACHE_HOME|HOME)$/;

function expandHome(path: string, home: string): string {
  return path === '~' || path.startsWith('~/') ? join(home, path.slice(1)) : path;
}

/**
 * Every file profile resolution may read, found the way the config readers find them; undefined
 * when a path uses $VARIABLES (expanded by the full path from variables this does not track).
 */
export function configFiles(env: NodeJS.ProcessEnv, home: string): string[] | undefined {
  const config = env.AWS_CONFIG_FILE || '~/.aws/config';
  const credentials = env.AWS_SHARED_CREDENTIALS_FILE || '~/.aws/credentials';
  if (config.includes('$') || credentials.includes('$')) return undefined;
  const cliOidc = env.AWS_CLI_OIDC_CONFIG ? [env.AWS_CLI_OIDC_CONFIG, join(env.AWS_CLI_OIDC_CONFIG, 'config.yaml')] : [join(home, '.aws-cli-oidc', 'config.yaml')];
  return [
    expandHome(config, home),
    expandHome(credentials, home),
    env.ROLECALL_ACCOUNTS_FILE || join(home, '.aws', 'accounts'),
    join(home, '.aws-oidc', 'config'),
    ...cliOidc,
    env.SAML_FILE || join(home, '.saml', 'credentials'),
  ];
}

function identity(path: string): string {
  const s = statSync(path, { throwIfNoEntry: false, bigint: true });
  return s ? `${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}` : '-';
}

/** undefined when the request cannot be fingerprinted (see configFiles) */
export function fingerprint(request: FastRequest, env: NodeJS.ProcessEnv, home: string): string | undefined {
  const paths = configFiles(env, home);
  if (!paths) return undefined;
  const vars = Object.keys(env)
    .filter((name) => RELEVANT_ENV.test(name))
    .sort()
    .map((name) => [name, env[name]]);
  const files = paths.map((path) => [path, identity(path)]);
  const canonical = JSON.stringify({ v: 1, request: [request.command, request.profileArg ?? null, request.profileFlag ?? null], vars, files });
  return createHash('sha256').update(canonical).digest('hex').slice(0, 40);
}
