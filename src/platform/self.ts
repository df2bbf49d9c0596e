// How this rolecall runs: under Node.js (node and dist/bin.cjs) or as the single executable
// (one file, scripts/build-binary.mjs), for what rolecall writes that runs it again.

declare const ROLECALL_SEA: boolean | undefined;

/** true in the single executable: its bundle is built with ROLECALL_SEA = true */
export const IS_SEA = typeof ROLECALL_SEA === 'boolean' ? ROLECALL_SEA : false;

/** the argv that runs this rolecall again: [node, .../bin.cjs], or [the executable] */
export function selfInvocation(): string[] {
  return IS_SEA ? [process.execPath] : [process.execPath, process.argv[1] ?? 'rolecall'];
}
