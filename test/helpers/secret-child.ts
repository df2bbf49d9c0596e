// One secret store operation per process, for the keyring tests (bundled by them with esbuild):
//   set NAME (value on stdin) | get NAME | list PREFIX | delete NAME
import { readFileSync } from 'node:fs';
import { createLogger } from '../../src/platform/logger';
import { openSecretStore } from '../../src/store/secrets';
import { isRolecallError } from '../../src/errors';

const [operation, name] = process.argv.slice(2) as [string, string];
const store = openSecretStore({ env: process.env, home: process.env.HOME ?? '/nonexistent', log: createLogger() });

async function main(): Promise<string> {
  switch (operation) {
    case 'set':
      await store.set(name, readFileSync(0, 'utf8'));
      return `stored in ${(await store.choice()).kind}`;
    case 'get':
      return (await store.get(name)) ?? '(none)';
    case 'list':
      return (await store.list(name)).sort().join(',');
    case 'delete':
      return String(await store.delete(name));
    default:
      throw new Error(`unknown operation ${operation}`);
  }
}

main().then(
  (out) => process.stdout.write(`${out}\n`),
  (error: unknown) => {
    process.stderr.write(isRolecallError(error) ? `${error.code}: ${error.message}\n  hint: ${error.hint}\n` : `${String(error)}\n`);
    process.exitCode = 1;
  },
);
