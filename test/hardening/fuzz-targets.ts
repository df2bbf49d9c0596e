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

/** What a correctly signed token says, drawn so that in-date tokens with one wrong claim are common. */
interface SignedClaims {
  iss: string;
  aud: string | string[];
  azp?: string;
  nonce?: string;
  /** seconds from now; a token "issued" more than 60 s ahead must be refused */
  iatOffset: number;
  /** seconds from now; expired more than 60 s ago must be refused */
  expOffset: number;
}

/** Kinds of signed token seen by the ID-token target, so that a run can show what it really tested. */
export const idTokenCases = { accepted: 0, misaddressedInDate: 0, outOfDate: 0 };

/** A client whose IdP publishes one real ES256 key; tokens are random, forged, or signed with that key. */
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
  // in date most of the time, so that a wrong iss, aud, azp or nonce alone must be what refuses it
  const signed = fc
    .record({
      iss: fc.constantFrom(issuer, issuer, issuer, `${issuer}/`, 'https://evil', 'https://IDP.fuzz.invalid'),
      aud: fc.constantFrom<string | string[]>('client-1', 'client-1', 'client-1', 'other', ['client-1'], ['client-1', 'other'], ['other', 'client-2'], []),
      azp: fc.constantFrom(undefined, 'client-1', 'other'),
      nonce: fc.constantFrom('n-1', 'n-1', 'n-1', 'other', undefined, ''),
      iatOffset: fc.constantFrom(-3600, -3600, -30, 0, 30, 600, 365 * 86400),
      expOffset: fc.constantFrom(3600, 3600, 3600, 600, 30, -30, -120, -3600),
    })
    .map((c: SignedClaims) => `${SIGN}${JSON.stringify(c)}`);
  const input = fc.oneof({ weight: 1, arbitrary: forged }, { weight: 2, arbitrary: signed }, { weight: 1, arbitrary: tokens(['.', 'eyJ', 'AAAA', '=', '-', '_', '+', '/'], 20) }, { weight: 1, arbitrary: anyText });

  /** what rolecall must decide for a correctly signed token: the OIDC Core 3.1.3.7 checks, 60 s of clock tolerance */
  const acceptable = (c: SignedClaims) => {
    const audiences = Array.isArray(c.aud) ? c.aud : [c.aud];
    const addressed = c.iss === issuer && audiences.includes('client-1') && (audiences.length <= 1 || c.azp === 'client-1') && c.nonce === 'n-1';
    const inDate = c.expOffset > -60 && c.iatOffset <= 60;
    return { addressed, inDate };
  };

  return {
    name: 'ID token validation',
    input,
    async run(token) {
      let expected: { addressed: boolean; inDate: boolean } | undefined;
      if (token.startsWith(SIGN)) {
        const claims = JSON.parse(token.slice(SIGN.length)) as SignedClaims;
        expected = acceptable(claims);
        const now = Math.floor(clock.now().getTime() / 1000);
        const body: Record<string, unknown> = { sub: 'alice', ...(claims.nonce === undefined ? {} : { nonce: claims.nonce }), ...(claims.azp === undefined ? {} : { azp: claims.azp }) };
        token = await new SignJWT(body)
          .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
          .setIssuer(claims.iss)
          .setAudience(claims.aud)
          .setIssuedAt(now + claims.iatOffset)
          .setExpirationTime(now + claims.expOffset)
          .sign((await keys).privateKey);
      }
      let accepted = true;
      try {
        await validateIdToken(token, client, { clock, nonce: 'n-1' });
      } catch (error) {
        onlyRolecallErrors('ID token validation', token, error);
        if ((error as RolecallError).code !== 'OIDC_TOKEN_INVALID') throw new Error(`refused with ${(error as RolecallError).code}, not OIDC_TOKEN_INVALID`);
        accepted = false;
      }
      if (!expected) {
        if (accepted) throw new Error(`accepted a forged token: ${token.slice(0, 200)}`);
        return;
      }
      const valid = expected.addressed && expected.inDate;
      if (accepted !== valid) throw new Error(`${accepted ? 'accepted' : 'refused'} a correctly signed token that is ${valid ? 'valid' : expected.inDate ? 'in date but misaddressed' : 'out of date'}: ${token.slice(0, 400)}`);
      if (valid) idTokenCases.accepted++;
      else if (expected.inDate) idTokenCases.misaddressedInDate++;
      else idTokenCases.outOfDate++;
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
