// How rolecall reports a command of the user's that failed (mfa_process, credential_process):
// the command line itself is never repeated, since it may carry a secret.

/**
 * What a failed command says about itself: its exit status or signal and the first line of its
 * stderr, never its command line (an mfa_process may carry a TOTP seed or a password-manager
 * session), and with any word of the command line that the line repeats masked.
 */
export function commandFailure(command: string, outcome: { code?: number | string | null; signal?: string | null; killed?: boolean; stderr?: string }, timeoutSeconds?: number): string {
  const how = outcome.killed && timeoutSeconds
    ? `was stopped after ${timeoutSeconds} s`
    : outcome.signal
      ? `was killed by signal ${outcome.signal}`
      : typeof outcome.code === 'number'
        ? `failed with exit status ${outcome.code}`
        : `could not run (${outcome.code ?? 'unknown error'})`;
  let said = (outcome.stderr ?? '').split('\n').find((line) => line.trim() !== '')?.trim().slice(0, 200) ?? '';
  for (const word of command.split(/[\s'"=]+/).filter((w) => w.length >= 6).sort((a, b) => b.length - a.length)) said = said.split(word).join('****');
  return said ? `${how}: ${said}` : how;
}

/** "op read op://vault/aws --session abc" -> "op …": the first word of a shell command line */
export function programOf(command: string): string {
  const words = command.trim().split(/\s+/);
  return words.length > 1 ? `${words[0]} …` : (words[0] ?? '');
}
