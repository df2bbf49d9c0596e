// The parsers that read what a user or a server hands rolecall, each with a generator of hostile
// input built from that format's own tokens (so the cases reach deep into the parser, not only its
// first check) mixed with arbitrary strings. The property for every target: it returns a value or
// throws a RolecallError; anything else (a TypeError, a library's own error) is a bug. Shared by
// test/hardening/fuzz.test.ts (small, seed-fixed) and scripts/fuzz.ts (>= 100,000 cases).
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import * as oidc from 'openid-client';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { RolecallError } from '../../src/errors';
import { parseIni } from '../../src/config/ini';
import { parseAwsOidcConfig } from '../../src/config/aws-oidc';
import { parseAwsCliOidcConfig } from '../../src/config/aws-cli-oidc';
import { readAccounts } from '../../src/config/accounts';
import { parseStsJson } from '../../src/output/sts-json';
import { parseSamlResponse } from '../../src/idp/saml/assertion';
import { validateIdToken } from '../../src/idp/oidc/id-token';
import type { OidcClient } from '../../src/idp/oidc/client';

export interface FuzzTarget {
  name: string;
  input: fc.Arbitrary<string>;
  /** resolves when the input was handled the way the property allows; rejects with the reason otherwise */
  run(input: string): Promise<void>;
}

/** text made of a format's own tokens, with arbitrary strings among them */
const tokens = (pieces: string[], maxLength = 40) =>
  fc.array(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...pieces) }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) }), { maxLength }).map((a) => a.join(''));

const anyText = fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.string({ unit: 'grapheme-ascii', maxLength: 200 }));

function onlyRolecallErrors(name: string, input: string, error: unknown): void {
  if (error instanceof RolecallError) return;
  const e = error as Error;
  throw new Error(`${name} threw ${e?.name ?? typeof error} (${e?.message ?? String(error)}) instead of a RolecallError for ${JSON.stringify(input).slice(0, 300)}`);
}

function syncTarget(name: string, input: fc.Arbitrary<string>, parse: (text: string) => unknown): FuzzTarget {
  return {
    name,
    input,
    async run(text) {
      try {
        parse(text);
      } catch (error) {
        onlyRolecallErrors(name, text, error);
      }
    },
  };
}

const INI = ['[', ']', '[profile ', '[default]', '[sso-session x]', '[services s]', 'profile', ' ', '\t', '=', ' = ', '\n', '\r\n', '\r', '#', ';', ' #', 'region', 'role_arn', 's3 =\n  max = 1\n', '  ', 'a', 'x', '"', "'", '\\', '\u00a0', '\ufeff', 'é'];
const TOML = ['[', ']', '[[', ']]', '"', "'", '"""', "'''", '=', ' ', '\n', '\r\n', '#', '.', ',', '{', '}', 'provider', 'client_id', 'issuer_url', 'role_arn', '= "x"', '= 1', '= true', '= [', '1979-05-27T07:32:00Z', '\\u00e9', '\\', 'inf', 'nan', '0x1f', '+', '-'];
const YAML = ['\n', '  ', '- ', ': ', ':', '?', '&a ', '*a', '!!str ', '!!binary ', '|', '>', '"', "'", '#', '---', '...', '{', '}', '[', ']', ',', 'oidc_provider_metadata_url', 'client_id', 'aws_federation_type', 'oidc', 'saml2', 'max_session_duration_seconds', '3600', 'true', 'null', '~', '<<: *a', '%YAML 1.2\n', 'x', '\t'];
const JSON_TOKENS = ['{', '}', '[', ']', '"', ':', ',', ' ', '\n', 'null', 'true', 'false', '0', '1', '-', '1e400', '123456789012', '"123456789012"', '"prod"', '"__proto__"', '"constructor"', '\\u0000', '\\"', '\\', '012345678901'];
const STS_KEYS = ['"Credentials"', '"AccessKeyId"', '"SecretAccessKey"', '"SessionToken"', '"Expiration"', '"Version"', '"AssumedRoleUser"', '"Arn"', '"AccountId"', '"FederatedUser"', '"UserId"', '"Account"', '"2026-11-23T10:00:00Z"', '"arn:aws:sts::123456789012:assumed-role/r/s"', '"ASIA1"', 'AccessKeyId\tSecretAccessKey', '---\n', 'CREDENTIALS\t'];

function accountsTarget(): FuzzTarget {
  // one file rewritten per case: on /dev/shm when there is one, as a disk's fsync-free writes are still slow
  const dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'rolecall-fuzz-'));
  const path = join(dir, 'accounts');
  const env = { ROLECALL_ACCOUNTS_FILE: path };
  return syncTarget('accounts JSON', fc.oneof(tokens(JSON_TOKENS), fc.json().map(String), anyText), (text) => {
    writeFileSync(path, text);
    return readAccounts(dir, env);
  });
}

const SAMLP = 'urn:oasis:names:tc:SAML:2.0:protocol';
const SAML = 'urn:oasis:names:tc:SAML:2.0:assertion';
const ROLE = 'https://aws.amazon.com/SAML/Attributes/Role';
const SAML_TOKENS = [
  `<samlp:Response xmlns:samlp="${SAMLP}" xmlns:saml="${SAML}">`,
  '</samlp:Response>',
  '<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>',
  '<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Requester"/><samlp:StatusMessage>no</samlp:StatusMessage></samlp:Status>',
  '<saml:Assertion>',
  '</saml:Assertion>',
  '<saml:EncryptedAssertion/>',
  '<saml:Conditions NotOnOrAfter="2026-11-23T10:00:00Z"/>',
  '<saml:Conditions NotOnOrAfter="yesterday"/>',
  '<saml:AttributeStatement>',
  '</saml:AttributeStatement>',
  `<saml:Attribute Name="${ROLE}">`,
  '<saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/SessionDuration">',
  '<saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/RoleSessionName">',
  '</saml:Attribute>',
  '<saml:AttributeValue>',
  '</saml:AttributeValue>',
  'arn:aws:iam::123456789012:role/r,arn:aws:iam::123456789012:saml-provider/p',
  'arn:aws:iam::123456789012:saml-provider/p,arn:aws:iam::123456789012:role/r',
  '3600',
  '<!DOCTYPE x [<!ENTITY e "x">]>',
  '&e;',
  '<![CDATA[',
  ']]>',
  '<!--',
  '-->',
  '<?xml version="1.0"?>',
  ',',
  '<',
  '>',
  '&amp;',
];
const samlInput = fc.oneof(
  { weight: 3, arbitrary: tokens(SAML_TOKENS, 30).map((xml) => Buffer.from(xml).toString('base64')) },
  { weight: 1, arbitrary: tokens(SAML_TOKENS, 30).map((xml) => encodeURIComponent(Buffer.from(xml).toString('base64'))) },
  { weight: 1, arbitrary: anyText },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('base64')) },
);

const SIGN = '\0sign:';

/** A client whose IdP publishes one real ES256 key; tokens are random, forged or signed with that key and a wrong claim. */
function idTokenTarget(): FuzzTarget {
  const issuer = 'https://idp.fuzz.invalid';
  const keys = generateKeyPair('ES256');
  const jwks = keys.then(async ({ publicKey }) => JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }] }));
  const config = new oidc.Configuration({ issuer, jwks_uri: `${issuer}/jwks` }, 'client-1');
  const client: OidcClient = { config, issuer, authMethod: 'none', credentials: { clientId: 'client-1' }, provider: 'generic', fetch: async () => new Response(await jwks, { headers: { 'content-type': 'application/json' } }) };
  const clock = { now: () => new Date('2026-11-23T09:00:00Z') };
  const b64 = (s: string) => Buffer.from(s).toString('base64url');
  const header = fc.oneof(fc.json(), fc.constantFrom('{"alg":"none"}', '{"alg":"HS256","kid":"k1"}', '{"alg":"ES256","kid":"k1"}', '{"alg":"RS256","kid":"k1","crit":["x"]}', '{"alg":"ES256","jku":"https://evil"}'));
  const payload = fc.oneof(fc.json(), fc.record({ iss: fc.constantFrom(issuer, 'https://evil'), aud: fc.constantFrom('client-1', 'other'), sub: fc.string(), exp: fc.integer(), iat: fc.integer(), nonce: fc.string() }).map((o) => JSON.stringify(o)));
  const forged = fc.tuple(header, payload, fc.string({ maxLength: 90 })).map(([h, p, s]) => `${b64(h)}.${b64(p)}.${b64(s)}`);
  const signed = fc
    .record({ iss: fc.constantFrom(issuer, `${issuer}/`, 'https://evil'), aud: fc.constantFrom('client-1', 'other'), expOffset: fc.integer({ min: -7200, max: -120 }), nonce: fc.constantFrom('n-1', 'other') })
    .map((c) => `${SIGN}${JSON.stringify(c)}`);
  const input = fc.oneof(forged, signed, tokens(['.', 'eyJ', 'AAAA', '=', '-', '_', '+', '/'], 20), anyText);
  return {
    name: 'ID token validation',
    input,
    async run(token) {
      let claims = token.startsWith(SIGN) ? (JSON.parse(token.slice(SIGN.length)) as { iss: string; aud: string; expOffset: number; nonce: string }) : undefined;
      if (claims) {
        // a real signature, but expired by at least 2 minutes (beyond the 60 s tolerance): must be refused too
        const now = Math.floor(clock.now().getTime() / 1000);
        token = await new SignJWT({ nonce: claims.nonce, sub: 'alice' })
          .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
          .setIssuer(claims.iss)
          .setAudience(claims.aud)
          .setIssuedAt(now - 7200)
          .setExpirationTime(now + claims.expOffset)
          .sign((await keys).privateKey);
        claims = undefined;
      }
      try {
        await validateIdToken(token, client, { clock, nonce: 'n-1' });
      } catch (error) {
        onlyRolecallErrors('ID token validation', token, error);
        if ((error as RolecallError).code !== 'OIDC_TOKEN_INVALID') throw new Error(`refused with ${(error as RolecallError).code}, not OIDC_TOKEN_INVALID`);
        return;
      }
      throw new Error(`accepted a token that must be refused: ${token.slice(0, 200)}`);
    },
  };
}

export function fuzzTargets(): FuzzTarget[] {
  return [
    syncTarget('INI (parseIni)', fc.oneof({ weight: 4, arbitrary: tokens(INI, 60) }, { weight: 1, arbitrary: anyText }), (t) => parseIni(t, '/fuzz/config')),
    syncTarget('TOML (parseAwsOidcConfig)', fc.oneof({ weight: 4, arbitrary: tokens(TOML, 60) }, { weight: 1, arbitrary: anyText }), (t) => parseAwsOidcConfig(t, '/fuzz/aws-oidc')),
    syncTarget('YAML (parseAwsCliOidcConfig)', fc.oneof({ weight: 4, arbitrary: tokens(YAML, 60) }, { weight: 1, arbitrary: anyText }), (t) => parseAwsCliOidcConfig(t, '/fuzz/config.yaml')),
    accountsTarget(),
    syncTarget('STS JSON (parseStsJson)', fc.oneof(tokens([...JSON_TOKENS, ...STS_KEYS], 50), fc.json(), anyText), parseStsJson),
    syncTarget('SAML (parseSamlResponse)', samlInput, parseSamlResponse),
    idTokenTarget(),
  ];
}

/** Runs every target for `numRuns` cases from `seed`; returns the number of cases run, throws fast-check's report on a failure. */
export async function runFuzz(targets: FuzzTarget[], numRuns: number, seed: number): Promise<number> {
  let cases = 0;
  for (const target of targets) {
    await fc.assert(
      fc.asyncProperty(target.input, async (input) => {
        cases++;
        await target.run(input);
      }),
      { numRuns, seed },
    );
  }
  return cases;
}
