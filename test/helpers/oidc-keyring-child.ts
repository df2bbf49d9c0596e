// Runs inside a fresh kernel keyring (see keyring.ts): stores TESTBED_PASSWORD as the profile's
// IdP password in the real secret store, signs in at ISSUER with the password flow, then signs in
// again with the password removed from the store (so only the refresh token kept in the keyring
// can work), and prints what it saw as JSON.
import { openSecretStore } from '../../src/store/secrets';
import { createLogger } from '../../src/platform/logger';
import { systemClock } from '../../src/platform/clock';
import { ttyPrompter } from '../../src/platform/tty';
import { passwordSecretName, refreshSecretName } from '../../src/store/secret-names';
import { signIn } from '../../src/idp/oidc/sign-in';
import { testSettings } from './oidc-harness';

async function main(): Promise<void> {
  const env = process.env;
  const log = createLogger({ debug: true });
  const secrets = openSecretStore({ env, home: env.HOME ?? '/tmp', log });
  await secrets.set(passwordSecretName('runas'), env.TESTBED_PASSWORD ?? '');
  const settings = testSettings(env.ISSUER!, { flow: 'password', username: { value: env.TESTBED_USER ?? 'alice', source: { kind: 'flag', name: 'test' } } });
  const deps = { env: {}, clock: systemClock, log, prompt: ttyPrompter(() => undefined), secrets, profiles: ['runas'] };
  const first = await signIn(settings, deps);
  const refreshStored = JSON.parse((await secrets.get(refreshSecretName(env.ISSUER!, 'rolecall-cli'))) ?? '{}').refresh_token === first.refreshToken;
  // the password is gone from the store: a second sign-in can only succeed through the refresh token
  await secrets.delete(passwordSecretName('runas'));
  const second = await signIn(settings, deps);
  process.stdout.write(JSON.stringify({ sub: first.claims.sub, second: second.claims.sub, refreshStored }));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
