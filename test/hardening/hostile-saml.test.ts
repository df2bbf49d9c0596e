// A SAML identity provider that answers too much: a 50 MB answer and a Response nested 100,000
// elements deep (a 200,000-deep one took 4.7 s and 322 MB before the caps). Both end at once in
// a clear error, having read at most 1 MiB.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runRolecall, tempHome, type Home } from '../helpers/cli';
import { startHostileServer, type HostileServer } from '../helpers/hostile-http';

describe('SAML answers beyond any real size or depth', () => {
  let home: Home;
  let server: HostileServer;
  let sent = 0;

  before(async () => {
    home = tempHome();
    home.write('.saml/credentials', 'username = carol\npassword = pw\n');
    server = await startHostileServer();
  });
  after(async () => {
    home.remove();
    await server.close();
  });

  const assume = () =>
    runRolecall(['assume', '222222222222', 'saml-developer', '--format', 'json'], {
      env: { ...home.env, AWS_ASSUME_ROLE_AUTH_SCHEME: 'saml', SAML_IDP_ASSERTION_URL: `${server.url}/saml`, SAML_IDP_NAME: 'hostile', AWS_REGION: 'us-east-1' },
    });

  it('a 50 MB answer from the POST API is refused after the first MiB', async () => {
    const huge = Buffer.alloc(50 * 1024 * 1024, 'A');
    server.routes.set('/saml', () => {
      sent = huge.length;
      return { body: Buffer.concat([Buffer.from('{"saml_response": "'), huge, Buffer.from('"}')]) };
    });
    const result = await assume();
    assert.equal(sent, huge.length, 'the server sent it');
    assert.equal(result.code, 1, result.stderr);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /rolecall: the SAML assertion URL http:\/\/127\.0\.0\.1:\d+\/saml \(from environment variable SAML_IDP_ASSERTION_URL\) answered more than 1 MiB; no identity provider's answer is that large, so rolecall stopped reading it/);
    assert.equal(await server.taken.at(-1), false, 'rolecall closed the connection before the answer was all sent');
  });

  it('a Response nested 100,000 deep is refused before it is parsed', async () => {
    const depth = 100_000;
    const xml = `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">${'<a>'.repeat(depth)}${'</a>'.repeat(depth)}</samlp:Response>`;
    const encoded = Buffer.from(xml).toString('base64');
    assert.ok(encoded.length < 1024 * 1024, 'under the size cap: only the depth cap can stop it');
    server.routes.set('/saml', () => ({ body: JSON.stringify({ saml_response: encoded }) }));
    const result = await assume();
    assert.equal(result.code, 1, result.stderr);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /rolecall: the SAML response nests elements more than 64 deep; a real one nests about ten, so rolecall refuses to read it/);
  });
});
