// The testbed IdP's SAML single sign-on, driven in headless Chromium as a user would: the start
// URL, the sign-in pages (password, TOTP, "Stay signed in"), and the page that posts the signed
// SAMLResponse to AWS's sign-in endpoint, caught inside the browser and traded at the STS emulator.
// The apps' Responses come from the testbed's builder and from samlify, an independent one.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { AssumeRoleWithSAMLCommand } from '@aws-sdk/client-sts';
import type { Browser, BrowserContext } from 'playwright-core';
import { startTestbed, type Testbed } from '../../testbed/index';
import { launchChromium, ssoSignIn } from '../../testbed/idp/browser-login';
import { totpCode } from '../../testbed/aws/totp';
import { parseSamlResponse } from '../../src/idp/saml/assertion';
import { awsError, sts } from './testbed-aws-helpers';

let testbed: Testbed;
let browser: Browser;

before(async () => {
  testbed = await startTestbed();
  browser = await launchChromium();
});
after(async () => {
  await browser.close();
  await testbed.close();
});

const user = (name: string) => testbed.world.idpUsers.find((u) => u.username === name)!;
const alice = () => ({ username: 'alice', password: user('alice').password, totp: () => totpCode(user('alice').totpSecretBase32!) });

interface Posted {
  url: string;
  form: URLSearchParams;
}

/** a browser context in which every POST to an AWS sign-in host is caught, answered locally and recorded */
async function awsCatcher(): Promise<{ context: BrowserContext; posts: Posted[] }> {
  const context = await browser.newContext();
  const posts: Posted[] = [];
  await context.route(/^https:\/\/([a-z0-9-]+\.)?signin\.aws\.amazon\.com\//, async (route) => {
    const request = route.request();
    posts.push({ url: request.url(), form: new URLSearchParams(request.postData() ?? '') });
    await route.fulfill({ status: 200, contentType: 'text/html', body: '<h1 id="caught">caught</h1>' });
  });
  return { context, posts };
}

function samlFor(encoded: string, roleArn: string, principalArn: string, durationSeconds?: number) {
  return sts(testbed.aws.url).send(new AssumeRoleWithSAMLCommand({ RoleArn: roleArn, PrincipalArn: principalArn, SAMLAssertion: encoded, DurationSeconds: durationSeconds }));
}

test('first start: password, TOTP, then the page posts a signed SAMLResponse to https://signin.aws.amazon.com/saml; the next start posts at once', async () => {
  const { context, posts } = await awsCatcher();
  try {
    testbed.idp.resetCounts();
    const page = await context.newPage();
    await page.goto(testbed.idp.samlAppUrl('aws'));
    assert.match(new URL(page.url()).pathname, /^\/saml\/signin$/);
    await page.locator('#username').fill('alice');
    await page.locator('#password').fill('wrong');
    await page.locator('#submit').click();
    assert.equal(await page.locator('#error').textContent(), 'Invalid username or password.');
    await page.locator('#password').fill(user('alice').password);
    await page.locator('#submit').click();
    await page.locator('#totp').fill('000000' === totpCode(user('alice').totpSecretBase32!) ? '111111' : '000000');
    await page.locator('#verify').click();
    assert.match((await page.locator('#error').textContent()) ?? '', /not right/);
    await page.locator('#totp').fill(totpCode(user('alice').totpSecretBase32!));
    await page.locator('#verify').click();
    await page.locator('#caught').waitFor();
    assert.equal(posts.length, 1);
    assert.equal(posts[0]!.url, 'https://signin.aws.amazon.com/saml');
    assert.deepEqual([...posts[0]!.form.keys()], ['SAMLResponse'], 'no RelayState for this app');
    const encoded = posts[0]!.form.get('SAMLResponse')!;
    const parsed = parseSamlResponse(encoded);
    assert.deepEqual(
      parsed.roles.map((r) => r.roleArn),
      ['arn:aws:iam::222222222222:role/saml-developer', 'arn:aws:iam::333333333333:role/saml-operator'],
    );
    assert.equal(parsed.sessionDuration, 28800);
    const xml = Buffer.from(encoded, 'base64').toString('utf8');
    assert.match(xml, /<saml:Audience>urn:amazon:webservices<\/saml:Audience>/);
    assert.match(xml, /Recipient="https:\/\/signin\.aws\.amazon\.com\/saml"/);
    const out = await samlFor(encoded, 'arn:aws:iam::333333333333:role/saml-operator', 'arn:aws:iam::333333333333:saml-provider/testbed');
    assert.equal(out.AssumedRoleUser!.Arn, 'arn:aws:sts::333333333333:assumed-role/saml-operator/alice@example.com');

    // signed in: the start URL posts straight away
    await page.goto(testbed.idp.samlAppUrl('aws'));
    await page.locator('#caught').waitFor();
    assert.equal(posts.length, 2);
    // the first start, its return after the sign-in, the second start
    assert.deepEqual(testbed.idp.ssoCounts(), { starts: 3, signIns: 1, assertions: 2 });

    // without "Stay signed in" the cookie ends with the browser session
    const cookie = (await context.cookies()).find((c) => c.name === 'testbed_sso')!;
    assert.equal(cookie.expires, -1);
    assert.equal(cookie.httpOnly, true);

    testbed.idp.revokeSsoSessions();
    await page.goto(testbed.idp.samlAppUrl('aws'));
    assert.match(new URL(page.url()).pathname, /^\/saml\/signin$/);
  } finally {
    await context.close();
  }
});

test('"Stay signed in" makes the session cookie outlive the browser; a user without a TOTP device signs in with the password alone', async () => {
  const { context, posts } = await awsCatcher();
  try {
    const page = await context.newPage();
    await page.goto(testbed.idp.samlAppUrl('aws'));
    await ssoSignIn(page, { username: 'carol', password: user('carol').password, remember: true });
    await page.locator('#caught').waitFor();
    const cookie = (await context.cookies()).find((c) => c.name === 'testbed_sso')!;
    assert.ok(cookie.expires > Date.now() / 1000 + 11 * 3600, `expires ${cookie.expires}`);
    assert.deepEqual(parseSamlResponse(posts[0]!.form.get('SAMLResponse')!).roles.map((r) => r.roleArn), ['arn:aws:iam::222222222222:role/saml-developer']);
  } finally {
    await context.close();
  }
});

test('a regional app posts to https://eu-west-1.signin.aws.amazon.com/saml with its RelayState; STS matches SAML:aud with that endpoint', async () => {
  const { context, posts } = await awsCatcher();
  try {
    const page = await context.newPage();
    await page.goto(testbed.idp.samlAppUrl('aws-regional'));
    await ssoSignIn(page, alice());
    await page.locator('#caught').waitFor();
    assert.equal(posts[0]!.url, 'https://eu-west-1.signin.aws.amazon.com/saml');
    assert.equal(posts[0]!.form.get('RelayState'), 'https://console.aws.amazon.com/');
    const encoded = posts[0]!.form.get('SAMLResponse')!;
    const developer = await samlFor(encoded, 'arn:aws:iam::222222222222:role/saml-developer', 'arn:aws:iam::222222222222:saml-provider/testbed');
    assert.equal(developer.Audience, 'https://eu-west-1.signin.aws.amazon.com/saml');
    // saml-operator trusts the global endpoint only
    const operator = await awsError(samlFor(encoded, 'arn:aws:iam::333333333333:role/saml-operator', 'arn:aws:iam::333333333333:saml-provider/testbed'));
    assert.equal(operator.name, 'AccessDenied');
  } finally {
    await context.close();
  }
});

test('samlify builds the Response for the aws-samlify app: STS verifies its signature and honours its SessionDuration', async () => {
  const { context, posts } = await awsCatcher();
  try {
    const page = await context.newPage();
    await page.goto(testbed.idp.samlAppUrl('aws-samlify'));
    await ssoSignIn(page, alice());
    await page.locator('#caught').waitFor();
    const encoded = posts[0]!.form.get('SAMLResponse')!;
    const xml = Buffer.from(encoded, 'base64').toString('utf8');
    // samlify's own template: xs and xsi declared on the Assertion, typed values
    assert.match(xml, /<saml:Assertion xmlns:xsi="http:\/\/www\.w3\.org\/2001\/XMLSchema-instance" xmlns:xs=/);
    assert.match(xml, /<saml:AttributeValue xsi:type="xs:string">arn:aws:iam::222222222222:role\/saml-developer,/);
    assert.equal(parseSamlResponse(encoded).sessionDuration, 7200);
    const out = await samlFor(encoded, 'arn:aws:iam::222222222222:role/saml-developer', 'arn:aws:iam::222222222222:saml-provider/testbed', 43200);
    const hours = (out.Credentials!.Expiration!.getTime() - Date.now()) / 3600_000;
    assert.ok(hours > 1.9 && hours <= 2, `SessionDuration 7200 caps the session: ${hours} h`);
  } finally {
    await context.close();
  }
});

test('a user without AWS roles gets an assertion with no Role attribute; an app not assigned never posts', async () => {
  const { context, posts } = await awsCatcher();
  try {
    const page = await context.newPage();
    await page.goto(testbed.idp.samlAppUrl('aws'));
    await ssoSignIn(page, { username: 'dave', password: user('dave').password });
    await page.locator('#caught').waitFor();
    const xml = Buffer.from(posts[0]!.form.get('SAMLResponse')!, 'base64').toString('utf8');
    assert.doesNotMatch(xml, /SAML\/Attributes\/Role"/);
    assert.match(xml, /SAML\/Attributes\/RoleSessionName"/);

    const response = await page.goto(testbed.idp.samlAppUrl('salesforce'));
    assert.equal(response!.status(), 404);
    await page.locator('#not-assigned').waitFor();
    assert.equal(posts.length, 1);
  } finally {
    await context.close();
  }
});
