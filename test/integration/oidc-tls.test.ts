// IdPs behind TLS that rolecall's default trust store does not cover: a private CA
// (client_auth_ca), a required client certificate (client_auth_cert/key, mTLS), and
// insecure_skip_verify, which works but warns on every use. Certificates are made with openssl.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signIn } from '../../src/idp/oidc/sign-in';
import { startHostileOp, type HostileOp } from '../helpers/oidc-hostile-op';
import { harness, isError, testSettings } from '../helpers/oidc-harness';

const dir = mkdtempSync(join(tmpdir(), 'rolecall-tls-'));
const file = (name: string) => join(dir, name);
let op: HostileOp;

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

before(async () => {
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=rolecall test CA', '-keyout', 'ca.key', '-out', 'ca.pem');
  for (const [name, subject, ext] of [
    ['server', '/CN=127.0.0.1', 'subjectAltName=IP:127.0.0.1'],
    ['client', '/CN=rolecall-cli', 'extendedKeyUsage=clientAuth'],
  ] as const) {
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', subject, '-keyout', `${name}.key`, '-out', `${name}.csr`);
    writeFileSync(file(`${name}.ext`), `${ext}\n`);
    openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '1', '-extfile', `${name}.ext`, '-out', `${name}.pem`);
  }
  op = await startHostileOp({
    device: 'approve',
    tls: { key: readFileSync(file('server.key'), 'utf8'), cert: readFileSync(file('server.pem'), 'utf8'), ca: readFileSync(file('ca.pem'), 'utf8'), requestCert: true },
  });
});

after(async () => {
  await op?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('private CA and client certificate: the login works over mTLS (discovery, device, token, JWKS)', async () => {
  const h = harness();
  const tokens = await signIn(testSettings(op.issuer, { flow: 'device', clientCa: file('ca.pem'), clientCert: file('client.pem'), clientKey: file('client.key') }), h.deps);
  assert.equal(tokens.claims.sub, 'mallory-0666');
  assert.doesNotMatch(h.stderr(), /warning/);
});

test('without the client certificate the IdP refuses the connection: NETWORK', async () => {
  await assert.rejects(signIn(testSettings(op.issuer, { flow: 'device', clientCa: file('ca.pem') }), harness().deps), isError('NETWORK', /the TLS connection to the identity provider https:\/\/127\.0\.0\.1:\d+ failed for discovery: .*CERTIFICATE_REQUIRED/));
});

test('without the private CA the certificate is not trusted: NETWORK naming the certificate problem', async () => {
  await assert.rejects(
    signIn(testSettings(op.issuer, { flow: 'device', clientCert: file('client.pem'), clientKey: file('client.key') }), harness().deps),
    isError('NETWORK', /the TLS connection to the identity provider .* failed for discovery: SELF_SIGNED_CERT_IN_CHAIN/),
  );
});

test('insecure_skip_verify works, with a loud warning', async () => {
  const h = harness();
  const tokens = await signIn(testSettings(op.issuer, { flow: 'device', insecureSkipVerify: true, clientCert: file('client.pem'), clientKey: file('client.key') }), h.deps);
  assert.equal(tokens.claims.sub, 'mallory-0666');
  assert.match(h.stderr(), /warning: insecure_skip_verify is set: the TLS certificate of https:\/\/127\.0\.0\.1:\d+ is NOT verified/);
});

test('a client certificate without its key, or an unreadable file, is a configuration error', async () => {
  await assert.rejects(signIn(testSettings(op.issuer, { clientCert: file('client.pem') }), harness().deps), isError('CONFIG_INVALID', /needs both/));
  await assert.rejects(signIn(testSettings(op.issuer, { clientCa: file('missing.pem') }), harness().deps), isError('CONFIG_UNREADABLE', /cannot read the CA bundle .*missing\.pem/));
});
