// The tests that drive Python packages (moto, a second STS; boto3) ask here whether the python3 on
// PATH has them. A machine without them (a bare Debian: moto has no Debian package) skips those
// tests with the reason, counted as skipped by the test runner, instead of failing.
import { spawnSync } from 'node:child_process';

const found = new Map<string, boolean>();

/** false when python3 is on PATH and can import `module`; else the reason to skip */
export function skipWithoutPython(module: string, why: string): string | false {
  if (!found.has(module)) found.set(module, spawnSync('python3', ['-c', `import ${module}`], { stdio: 'ignore' }).status === 0);
  return found.get(module) ? false : `the Python package ${module} is not installed for python3 (${spawnSync('sh', ['-c', 'command -v python3'], { encoding: 'utf8' }).stdout.trim() || 'not on PATH'}): ${why}`;
}

export const NO_BOTO3 = "bash scripts/setup.sh installs Debian's python3-boto3";
