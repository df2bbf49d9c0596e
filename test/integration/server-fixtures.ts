// What the credential-server tests share: a provider that mints new credentials on every call
// (short-lived, so rotation is visible), a clean environment for real consumers (AWS CLI v2,
// boto3), and a raw HTTP client that can send headers the SDKs never would.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RolecallError } from '../../src/errors';
import { systemClock } from '../../src/platform/clock';
import { createLogger, type Logger } from '../../src/platform/logger';
import type { CredentialServer } from '../../src/server/index';
import type { Credentials } from '../../src/sts/credentials';

export const AWS = '/usr/bin/aws';
export const ROLE_ARN = 'arn:aws:sts::111122223333:assumed-role/Deploy/rolecall-test';

export interface Minted {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

/** A provider minting new credentials on each call, every one remembered so tests can check what they were served. */
export function mintingProvider(lifetimeMs: number) {
  const minted: Minted[] = [];
  const calls: { forceRefresh: boolean }[] = [];
  let failWith: Error | undefined;
  let delayMs = 0;
  const provider = async (options: { forceRefresh: boolean }): Promise<Credentials> => {
    calls.push(options);
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    if (failWith) throw failWith;
    const n = String(minted.length + 1).padStart(6, '0');
    const creds: Minted = {
      accessKeyId: `ASIAROLECALLT${n}`.slice(0, 20).padEnd(20, 'X'),
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: `FwoGZXIvYXdzE${randomBytes(48).toString('base64')}`,
      expiration: new Date(Date.now() + lifetimeMs),
    };
    minted.push(creds);
    return { ...creds, accountId: '111122223333', arn: ROLE_ARN, chain: ['test provider'] };
  };
  return {
    provider,
    minted,
    calls,
    fail(error: Error | undefined) {
      failWith = error;
    },
    slow(ms: number) {
      delayMs = ms;
    },
    byKey(accessKeyId: string): Minted | undefined {
      return minted.find((m) => m.accessKeyId === accessKeyId);
    },
  };
}

export const refreshFailure = () => new RolecallError('STS_UNAVAILABLE', 'the STS endpoint did not answer (test)');

/** a logger that keeps its lines, so tests can assert what was (not) written */
export function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const log = createLogger({ debug: true, write: (text) => lines.push(text) });
  return Object.assign(log, { lines });
}

export const deps = (log: Logger = recordingLogger()) => ({ clock: systemClock, log });

/** A home with no AWS files and no inherited AWS_* settings, plus what the server says to set. */
export function childEnv(server: CredentialServer, extra: Record<string, string> = {}) {
  const home = mkdtempSync(join(tmpdir(), 'rolecall-server-'));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    AWS_CONFIG_FILE: join(home, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_PAGER: '',
    ...server.env,
    ...extra,
  };
  for (const name of server.unsetEnv) delete env[name];
  return { env, cleanup: () => rmSync(home, { recursive: true, force: true }) };
}

/** Runs `file args` as a child of the server (childEnv with `extra`): what it printed, as JSON. */
export async function childJson(server: CredentialServer, file: string, args: string[], extra: Record<string, string> = {}): Promise<Record<string, string>> {
  const { env, cleanup } = childEnv(server, extra);
  try {
    const result = await run(file, args, env);
    assert.equal(result.code, 0, result.stderr);
    return JSON.parse(result.stdout) as Record<string, string>;
  } finally {
    cleanup();
  }
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** async on purpose: the server answers from this same process, so the event loop must keep running */
export function run(file: string, args: string[], env: Record<string, string>, timeoutMs = 60_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, args, { env, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

/** boto3 as an application would use it: a session, its resolved credentials, frozen */
export const BOTO3_FROZEN = `
import boto3, json
c = boto3.session.Session().get_credentials()
f = c.get_frozen_credentials()
print(json.dumps({"method": c.method, "AccessKeyId": f.access_key, "SecretAccessKey": f.secret_key, "Token": f.token}))
`;

/** the AWS SDK for JavaScript v3 with its default credential chain, in a child node */
export const SDK_JS = `
const { STSClient } = require('@aws-sdk/client-sts');
new STSClient({}).config.credentials().then((c) => console.log(JSON.stringify(c)), (e) => { console.error(e); process.exit(1); });
`;
export const NODE_PATH = new URL('../../node_modules', import.meta.url).pathname;

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** a raw request to the server with exactly the headers given (Host included, when given) */
export function http(url: string, options: { method?: string; headers?: Record<string, string> } = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
