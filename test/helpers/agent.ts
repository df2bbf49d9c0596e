// The headless-Chromium browser agent (browser-agent.ts, run through tsx's loader) as the argv a
// profile's `agent`, web_identity_agent or $BROWSER names, and the aws-oidc provider that uses it
// against the testbed: what the demo and the browser tests write.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const TSX = new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url).pathname;
const AGENT = new URL('./browser-agent.ts', import.meta.url).pathname;

export const AGENT_ARGV = [process.execPath, '--import', TSX, AGENT];

/** ~/.aws-oidc/config with one provider, "testbed", for the testbed's oidc-developer role. */
export function awsOidcTestbedConfig(issuer: string): string {
  return `region = "us-east-1"

[[AuthProvider]]
name = "testbed"
role_arn = "arn:aws:iam::222222222222:role/oidc-developer"
duration = 3600
provider_url = "${issuer}"
client_id = "rolecall-cli"
agent = ${JSON.stringify([...AGENT_ARGV, '{}'])}
`;
}

/** the agent's log file, or a placeholder when it has written none */
export function agentLog(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '(no agent log)';
  }
}

/** the agent writes its last line after rolecall has answered the browser (rolecall may have exited): wait for it */
export async function agentSaid(file: string, pattern: RegExp): Promise<void> {
  for (let i = 0; i < 200 && !pattern.test(agentLog(file)); i++) await new Promise((r) => setTimeout(r, 50));
  assert.match(agentLog(file), pattern);
}
