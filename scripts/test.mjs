// Runs the test files under the given directories (default: test/) with node's test runner,
// TypeScript loaded through tsx. Usage: node scripts/test.mjs [dir|file ...]
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function collect(path, out) {
  if (statSync(path).isDirectory()) {
    // test/node-versions/node_modules holds Node.js binaries, not tests
    for (const name of readdirSync(path).sort()) if (name !== 'node_modules') collect(join(path, name), out);
  } else if (/\.test\.ts$/.test(path)) {
    out.push(path);
  }
  return out;
}

const roots = process.argv.slice(2).length ? process.argv.slice(2) : ['test'];
const files = roots.flatMap((root) => collect(root, []));
if (files.length === 0) {
  console.error(`no test files under ${roots.join(', ')}`);
  process.exit(1);
}
const concurrency = process.env.TEST_CONCURRENCY ?? '2';
// --test-force-exit: a file whose tests have all finished ends even if a handle is left open (a
// child of a timed-out test, a helper's service); without it one timeout hangs the run until CI's
// limit instead of failing it. Tests that care about leftovers (browsers, servers) check for them.
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-force-exit', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files],
  {
    stdio: 'inherit',
    // tests drive the AWS SDK themselves (as an independent client); its notice that future SDK
    // versions will need Node 22 is about this machine's Node, not about rolecall (which bundles
    // its SDK and runs on 22 and 24: test/integration/node-versions.test.ts)
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
);
process.exit(result.status ?? 1);
