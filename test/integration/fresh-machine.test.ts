// The test suite on a fresh machine without this one's Python packages (moto, boto3): python3 on
// PATH is Debian's without its site-packages, and the tests that need those packages are skipped
// with the reason, counted by the test runner as skipped, while the rest pass.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runProcess } from '../helpers/cli';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SYSTEM_PYTHON = '/usr/bin/python3';

test('without moto and boto3, their tests are skipped with the reason and counted; nothing fails', { skip: !existsSync(SYSTEM_PYTHON) && `${SYSTEM_PYTHON} is not installed` }, async () => {
  const bin = mkdtempSync(join(tmpdir(), 'rolecall-no-python-packages-'));
  try {
    // python3 without site-packages: the standard library only, as on a bare Debian
    const python = join(bin, 'python3');
    writeFileSync(python, `#!/bin/sh\nexec ${SYSTEM_PYTHON} -S "$@"\n`, { mode: 0o755 });
    const path = [bin, ...(process.env.PATH ?? '').split(delimiter).filter((dir) => !dir.includes('pyenv'))].join(delimiter);
    // a run of its own, not a part of this one: without the variable node's runner sets for its children
    const { NODE_TEST_CONTEXT: _child, ...env } = process.env;
    const run = await runProcess(process.execPath, ['scripts/test.mjs', 'test/integration/spine-interop.test.ts', 'test/integration/testbed-aws-sts.test.ts'], {
      env: { ...env, PATH: path, TEST_CONCURRENCY: '2' },
      cwd: ROOT,
      timeoutMs: 300_000,
    });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, new RegExp(`﹣ interop with moto: .* # the Python package moto is not installed for python3 \\(${python}\\): no second, independent STS`));
    assert.match(run.stdout, new RegExp(`﹣ works with boto3, .* # the Python package boto3 is not installed for python3 \\(${python}\\): bash scripts/setup.sh installs`));
    assert.match(run.stdout, /^ℹ skipped 2$/m);
    assert.match(run.stdout, /^ℹ fail 0$/m);
    assert.match(run.stdout, /^ℹ pass [1-9]\d*$/m);
  } finally {
    rmSync(bin, { recursive: true, force: true });
  }
});
