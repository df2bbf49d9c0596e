// The fingerprint of a request: the request itself, every environment variable that can change
// how rolecall resolves a profile, and the identity (size, times, inode) of every configuration
// file it reads. Equal fingerprints mean the full path would compute the same cache key, so the
// fast path may use the one it recorded. bin.ts runs this: node:fs and node:path only (node:crypto
// alone costs more than the rest of a cache hit), so the index file is named by a cheap hash and
// holds the whole fingerprint, which must match exactly.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { FastRequest } from './request';

export interface Fingerprint {
  /** names the index file */
  name: string;
  /** what the index file must hold to be used */
  text: string;
}

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
    join(home, '.saml', 'credentials'),
  ];
}

function identity(path: string): string {
  try {
    const s = statSync(path, { throwIfNoEntry: false, bigint: true });
    return s ? `${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}` : '-';
  } catch (error) {
    // a path under a file (AWS_CLI_OIDC_CONFIG naming the file, then its config.yaml) is as absent
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') return '-';
    throw error;
  }
}

// the values of these are secrets: the fingerprint, which is written to disk, holds only a hash
const SECRET_ENV = /SECRET|TOKEN|PASSWORD/;

/** cyrb53: a fast 53-bit string hash (not cryptographic: the full text is compared anyway) */
function hash53(text: string, seed: number): string {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16).padStart(14, '0');
}

/** undefined when the request cannot be fingerprinted (see configFiles) */
export function fingerprint(request: FastRequest, env: NodeJS.ProcessEnv, home: string): Fingerprint | undefined {
  const paths = configFiles(env, home);
  if (!paths) return undefined;
  const vars = Object.keys(env)
    .filter((name) => RELEVANT_ENV.test(name))
    .sort()
    .map((name) => [name, SECRET_ENV.test(name) ? `#${hash53(env[name] ?? '', 7)}${hash53(env[name] ?? '', 11)}` : env[name]]);
  const files = paths.map((path) => [path, identity(path)]);
  const text = JSON.stringify({ v: 1, request, vars, files });
  return { name: `${hash53(text, 1)}${hash53(text, 2)}`, text };
}
