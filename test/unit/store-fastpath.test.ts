// The fast path's decisions: which argv it answers, what makes a fingerprint change, and that a
// hit prints exactly the full path's credential_process JSON while any doubt falls through.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, mkdirSync, rmSync, writeFileSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fastRequest } from '../../src/fastpath/request';
import { fingerprint as fingerprintOf } from '../../src/fastpath/fingerprint';
import { serveFromCache } from '../../src/fastpath/serve';
import { fastPathRecorder, fastRequestOf } from '../../src/fastpath/record';
import { openCredentialCache } from '../../src/store/credential-cache';
import { renderProcessJson } from '../../src/output/json';
import { frozenClock } from '../../src/platform/clock';
import { createLogger } from '../../src/platform/logger';
import { parseCommandArgs } from '../../src/cli/args';
import { command as exportCommand } from '../../src/cli/export';
import type { Credentials } from '../../src/sts/credentials';
import { profileOf } from '../helpers/profiles';

const exportOf = (positionals: string[], flags: [string, string | true][] = []) => ({ command: 'export', positionals, flags });

test('the fast path answers export with --format process, or by default when stdout is not a terminal', () => {
  assert.deepEqual(fastRequest(['export', 'prod', '--format', 'process'], true), exportOf(['prod']));
  assert.deepEqual(fastRequest(['export', '--format=process', '--profile', 'prod'], true), exportOf([], [['profile', 'prod']]));
  assert.deepEqual(fastRequest(['export', '-f', 'process', 'prod'], true), exportOf(['prod']));
  assert.deepEqual(fastRequest(['export', 'prod'], false), exportOf(['prod']));
  assert.deepEqual(fastRequest(['export'], false), exportOf([]));
});

test('the compat forms auth PROVIDER and get-cred -p NAME -j are answered too, their flags part of the request', () => {
  assert.deepEqual(fastRequest(['auth', 'google', '--role_arn=arn:aws:iam::1:role/r', '--duration', '7200'], true), {
    command: 'auth',
    positionals: ['google'],
    flags: [['duration', '7200'], ['role_arn', 'arn:aws:iam::1:role/r']],
  });
  assert.deepEqual(fastRequest(['get-cred', '-p', 'myop', '-r', 'arn:aws:iam::1:role/d', '-j', '-s', '-d', '43200'], true), {
    command: 'get-cred',
    positionals: [],
    flags: [['duration', '43200'], ['provider', 'myop'], ['role', 'arn:aws:iam::1:role/d']],
  });
  assert.equal(fastRequest(['get-cred', '-p', 'myop'], false), undefined, 'exports without -j');
  assert.equal(fastRequest(['get-cred', '-p', 'myop', '-js'], false), undefined, 'bundled short flags');
  assert.equal(fastRequest(['auth'], false), undefined);
  assert.equal(fastRequest(['auth', 'google', '--device'], false), undefined);
});

test('anything else goes to the full path', () => {
  for (const argv of [
    ['export', 'prod'],
    ['export', 'prod', '--format', 'bash'],
    ['export', 'prod', '--format', 'PROCESS'],
    ['export', 'prod', '--format', 'process', '--refresh'],
    ['export', 'prod', '--format', 'process', '--no-cache'],
    ['export', 'prod', '--format', 'process', '--debug'],
    ['export', 'prod', '--format', 'process', '--duration', '1h'],
    ['export', 'prod', 'other', '--format', 'process'],
    ['export', '--profile', 'a', '--profile', 'b', '--format', 'process'],
    ['export', '--format'],
    ['export', '--help'],
    ['export', '--', 'prod'],
    ['exec', 'prod', '--', 'true'],
    [],
  ]) {
    assert.equal(fastRequest(argv, true), undefined, argv.join(' '));
  }
});

function home() {
  const dir = mkdtempSync(join(tmpdir(), 'rolecall-fast-'));
  mkdirSync(join(dir, '.aws'));
  writeFileSync(join(dir, '.aws', 'config'), '[profile prod]\nrole_arn = arn:aws:iam::111111111111:role/x\n');
  const env: NodeJS.ProcessEnv = { HOME: dir, ROLECALL_CACHE_DIR: join(dir, 'cache'), PATH: '/usr/bin' };
  return { dir, env, done: () => rmSync(dir, { recursive: true, force: true }) };
}

const fingerprint = (...args: Parameters<typeof fingerprintOf>) => fingerprintOf(...args)?.text;

test('the fingerprint follows the config files and the AWS environment, not unrelated variables', () => {
  const h = home();
  const request = { command: 'export' as const, positionals: ['prod'], flags: [] };
  const base = fingerprint(request, h.env, h.dir);
  assert.equal(fingerprint(request, { ...h.env, TERM: 'xterm', PWD: '/elsewhere' }, h.dir), base);
  assert.notEqual(fingerprint(request, { ...h.env, AWS_PROFILE: 'dev' }, h.dir), base);
  assert.notEqual(fingerprint(request, { ...h.env, AWS_REGION: 'eu-west-1' }, h.dir), base);
  assert.notEqual(fingerprint(request, { ...h.env, CREDENTIALS_DURATION: '2h' }, h.dir), base);
  assert.notEqual(fingerprint({ command: 'export', positionals: [], flags: [['profile', 'prod']] }, h.env, h.dir), base);
  writeFileSync(join(h.dir, '.aws', 'credentials'), '[x]\n');
  const withCredentials = fingerprint(request, h.env, h.dir);
  assert.notEqual(withCredentials, base);
  // same size, only the time changes: still a different file state
  utimesSync(join(h.dir, '.aws', 'config'), new Date(2020, 1, 1), new Date(2020, 1, 1));
  assert.notEqual(fingerprint(request, h.env, h.dir), withCredentials);
  assert.equal(fingerprint(request, { ...h.env, AWS_CONFIG_FILE: '$XDG_CONFIG_HOME/aws' }, h.dir), undefined);
  // secrets in the environment change it, but only a hash of them is written down
  const withSecret = fingerprint(request, { ...h.env, AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG' }, h.dir);
  assert.notEqual(withSecret, fingerprint(request, { ...h.env, AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENH' }, h.dir));
  assert.ok(withSecret && !withSecret.includes('wJalrXUtnFEMI'));
  h.done();
});

const profile = profileOf({}, { name: 'prod', nameSource: { kind: 'argument', name: 'PROFILE' } });

function credentials(expiration: Date): Credentials {
  return { accessKeyId: 'ASIAFAST0000000001', secretAccessKey: 'sec/ret+1', sessionToken: 'tok"en\\', expiration, accountId: '111111111111', arn: 'arn:aws:sts::1:x', chain: ['a'] };
}

async function recorded(argv: string[], expiration: Date) {
  const h = home();
  const log = createLogger({ write: () => {} });
  const parsed = parseCommandArgs(exportCommand, argv.slice(1));
  const record = fastPathRecorder('export', parsed, { env: h.env, home: h.dir, log });
  const c = credentials(expiration);
  // written at the start of a one-hour session
  await openCredentialCache({ env: h.env, home: h.dir, clock: frozenClock(new Date(expiration.getTime() - 3600_000)), log }, { refreshWindowSeconds: 0 }).write('abc123', c, { profile: 'prod' });
  await record({ cacheKey: 'abc123', credentials: c, plan: { profile } });
  return { ...h, c };
}

test('a recorded hit prints exactly the full path renderer\'s bytes', async () => {
  const argv = ['export', 'prod', '--format', 'process'];
  const r = await recorded(argv, new Date(Date.now() + 3600_000));
  const out = serveFromCache({ argv, env: r.env, home: r.dir, stdoutIsTTY: false, nowMs: Date.now() });
  assert.equal(out, renderProcessJson(r.c));
  // the plain form without --format asks for the same thing when stdout is captured
  assert.equal(serveFromCache({ argv: ['export', 'prod'], env: r.env, home: r.dir, stdoutIsTTY: false, nowMs: Date.now() }), out);
  r.done();
});

test('inside the refresh window, after a config edit, with ROLECALL_DEBUG or an open cache directory the fast path steps aside', async () => {
  const argv = ['export', 'prod', '--format', 'process'];
  const r = await recorded(argv, new Date(Date.now() + 10 * 60_000));
  const input = { argv, env: r.env, home: r.dir, stdoutIsTTY: false };
  assert.equal(serveFromCache({ ...input, nowMs: Date.now() }), undefined, 'within the default 15 min window');
  assert.ok(serveFromCache({ ...input, nowMs: Date.now() - 3600_000 }), 'an hour earlier it was fresh');
  assert.equal(serveFromCache({ ...input, env: { ...r.env, ROLECALL_DEBUG: '1' }, nowMs: Date.now() - 3600_000 }), undefined);
  chmodSync(join(r.dir, 'cache'), 0o755);
  assert.equal(serveFromCache({ ...input, nowMs: Date.now() - 3600_000 }), undefined, 'a cache directory others can read is not trusted');
  chmodSync(join(r.dir, 'cache'), 0o700);
  assert.ok(serveFromCache({ ...input, nowMs: Date.now() - 3600_000 }));
  writeFileSync(join(r.dir, '.aws', 'config'), '[profile prod]\nrole_arn = arn:aws:iam::111111111111:role/y\n');
  assert.equal(serveFromCache({ ...input, nowMs: Date.now() - 3600_000 }), undefined);
  r.done();
});

test('only plain export requests are recorded', () => {
  const parse = (args: string[]) => fastRequestOf('export', parseCommandArgs(exportCommand, args));
  assert.deepEqual(parse(['prod', '--format', 'process', '--refresh']), exportOf(['prod']));
  assert.deepEqual(parse(['--profile=prod', '-f', 'process']), exportOf([], [['profile', 'prod']]));
  assert.equal(parse(['prod', '--no-cache']), undefined);
  assert.equal(parse(['prod', '--duration', '2h']), undefined);
  assert.equal(parse(['prod', '--region', 'eu-west-1']), undefined);
});

test('the full path reduces get-cred and auth flags exactly as the fast path reads them', async () => {
  const { command: getCred } = await import('../../src/cli/get-cred');
  const { command: auth } = await import('../../src/cli/auth');
  const argv = ['-p', 'myop', '-r', 'arn:aws:iam::1:role/d', '-j', '-s', '-d', '43200'];
  assert.deepEqual(fastRequestOf('get-cred', parseCommandArgs(getCred, argv)), fastRequest(['get-cred', ...argv], true));
  const authArgv = ['google', '--role_arn=arn:aws:iam::1:role/r', '-d', '7200'];
  assert.deepEqual(fastRequestOf('auth', parseCommandArgs(auth, authArgv)), fastRequest(['auth', ...authArgv], true));
  assert.equal(fastRequestOf('auth', parseCommandArgs(auth, ['google', '--device'])), undefined);
});
