// The AWS CLI's Identity Center cache as botocore writes and names it: Python's json.dumps bytes
// (expected strings below are Python's own output), file names, times in the formats CLIs wrote.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { createLogger } from '../../src/platform/logger';
import { pythonJson } from '../../src/idp/sso/python-json';
import { parseCacheTime, readToken, registrationFile, tokenFile, writeToken } from '../../src/idp/sso/token-file';

test('pythonJson writes what json.dumps writes: spacing, ensure_ascii escapes, surrogate pairs, sort_keys', () => {
  assert.equal(
    pythonJson({ b: 'Zoë \u2603 \u{1F600} \u007f \u0001 \n "q" / \\', a: [1, 2.5, null, true], c: {} }),
    '{"b": "Zo\\u00eb \\u2603 \\ud83d\\ude00 \\u007f \\u0001 \\n \\"q\\" / \\\\", "a": [1, 2.5, null, true], "c": {}}',
  );
  assert.equal(
    pythonJson({ tool: 'botocore', startUrl: 'https://x/start', region: 'eu-west-1', scopes: null, session_name: 'my-sso' }, true),
    '{"region": "eu-west-1", "scopes": null, "session_name": "my-sso", "startUrl": "https://x/start", "tool": "botocore"}',
  );
  // the AWS CLI's registration key for this session (sha1 of the line above with the scopes): python's hexdigest
  const key = pythonJson({ tool: 'botocore', startUrl: 'https://x/start', region: 'eu-west-1', scopes: ['sso:account:access'], session_name: 'my-sso' }, true);
  assert.equal(createHash('sha1').update(key).digest('hex'), '8d263e589d69c34499da5024ecf285c06f7ad824');
});

test('token files are named as botocore names them; rolecall\'s registrations never collide with the AWS CLI\'s', () => {
  const session = { name: 'my-sso', startUrl: 'https://x/start', region: 'eu-west-1' };
  assert.equal(tokenFile('/h', session), '/h/.aws/sso/cache/0ad374308c5a4e22f723adf10145eafad7c4031c.json');
  assert.equal(tokenFile('/h', { startUrl: 'https://x/start', region: 'eu-west-1' }), `/h/.aws/sso/cache/${createHash('sha1').update('https://x/start').digest('hex')}.json`);
  const browser = registrationFile('/h', { ...session, registrationScopes: ['sso:account:access'] }, 'authorization_code');
  const device = registrationFile('/h', { ...session, registrationScopes: ['sso:account:access'] }, 'device_code');
  assert.notEqual(browser, device);
  assert.ok(![browser, device].includes('/h/.aws/sso/cache/8d263e589d69c34499da5024ecf285c06f7ad824.json'));
});

test('a token is written key for key as botocore writes it, 0600, and read back; older and odd time formats are read', () => {
  const home = mkdtempSync(join(tmpdir(), 'rolecall-sso-'));
  try {
    const session = { name: 'my-sso', startUrl: 'https://x/start', region: 'eu-west-1' };
    const path = writeToken(home, session, {
      startUrl: session.startUrl,
      region: session.region,
      accessToken: 'aoaTOKEN',
      expiresAt: new Date('2030-01-02T03:04:05.678Z'),
      clientId: 'cid',
      clientSecret: 'csecret',
      registrationExpiresAt: new Date('2030-03-01T00:00:00Z'),
      refreshToken: 'aorREFRESH',
    });
    assert.equal(
      readFileSync(path, 'utf8'),
      '{"startUrl": "https://x/start", "region": "eu-west-1", "accessToken": "aoaTOKEN", "expiresAt": "2030-01-02T03:04:05Z", "clientId": "cid", "clientSecret": "csecret", "registrationExpiresAt": "2030-03-01T00:00:00Z", "refreshToken": "aorREFRESH"}',
    );
    assert.equal(statSync(path).mode & 0o777, 0o600);
    const log = createLogger({ write: () => undefined });
    assert.equal(readToken(home, session, log)?.expiresAt.toISOString(), '2030-01-02T03:04:05.000Z');
    // a legacy token without registration, as the AWS CLI v1 and early v2 wrote it
    writeFileSync(path, '{"startUrl": "https://x/start", "region": "eu-west-1", "accessToken": "aoaOLD", "expiresAt": "2030-01-02T03:04:05UTC"}');
    const old = readToken(home, session, log)!;
    assert.equal(old.expiresAt.toISOString(), '2030-01-02T03:04:05.000Z');
    assert.equal(old.refreshToken, undefined);
    assert.equal(parseCacheTime('2030-01-02T03:04:05+00:00')?.toISOString(), '2030-01-02T03:04:05.000Z');
    assert.equal(parseCacheTime('2030-01-02T03:04:05.123456Z')?.getTime(), Date.parse('2030-01-02T03:04:05.123Z'));
    assert.equal(parseCacheTime('soon'), undefined);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

test('a broken token file is a miss with a warning naming it, never an exception', () => {
  const home = mkdtempSync(join(tmpdir(), 'rolecall-sso-'));
  try {
    const session = { name: 's', startUrl: 'https://x/start', region: 'eu-west-1' };
    mkdirSync(join(home, '.aws', 'sso', 'cache'), { recursive: true });
    let said = '';
    const log = createLogger({ write: (t) => (said += t) });
    writeFileSync(tokenFile(home, session), '{"startUrl": "https://x/sta');
    assert.equal(readToken(home, session, log), undefined);
    assert.match(said, /ignoring the Identity Center token .*\.json: it is not the JSON the AWS CLI writes/);
    writeFileSync(tokenFile(home, session), '{"startUrl": "https://x/start", "accessToken": "aoa"}');
    assert.equal(readToken(home, session, log), undefined);
    assert.match(said, /no accessToken or expiresAt/);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
