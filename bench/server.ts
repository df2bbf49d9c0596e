// How fast the ECS credential server answers on loopback: autocannon for a few seconds against
// a server in its own process (so the load generator does not steal its event loop), and, in the
// same run, against a bare node:http server answering the same body: the machine's own ceiling.
// Goal on a 2-core machine: >= 5,000 requests/s with p99 <= 5 ms.
// Run alone: node --import tsx bench/server.ts   (bench/run.ts calls benchServer())
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { systemClock } from '../src/platform/clock';
import { createLogger } from '../src/platform/logger';
import { startCredentialServer } from '../src/server/index';

export const GOAL = { requestsPerSecond: 5000, p99Ms: 5 };

export interface LoadResult {
  requestsPerSecond: number;
  p99Ms: number;
  averageMs: number;
  requests: number;
  /** answers other than 200, and connection errors: must be 0 */
  failures: number;
}

export interface ServerBench {
  server: LoadResult;
  /** a bare node:http server with the same body, measured in the same run */
  bare: LoadResult;
  connections: number;
  seconds: number;
}

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { average: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
type Autocannon = (options: { url: string; connections: number; duration: number; headers: Record<string, string> }) => Promise<AutocannonResult>;

export async function benchServer(options: { seconds?: number; connections?: number } = {}): Promise<ServerBench> {
  const seconds = options.seconds ?? 5;
  const connections = options.connections ?? 10;
  const bare = await load('--serve-bare', seconds, connections);
  const server = await load('--serve', seconds, connections);
  return { server, bare, connections, seconds };
}

async function load(mode: string, seconds: number, connections: number): Promise<LoadResult> {
  // autocannon ships no types: its options and result are described above
  const autocannon = require('autocannon') as Autocannon;
  const child = spawn(process.execPath, ['--import', 'tsx', __filename, mode], { stdio: ['pipe', 'pipe', 'inherit'] });
  try {
    // the URL and token come over a pipe, never through argv
    const { url, token } = JSON.parse(await firstLine(child.stdout)) as { url: string; token: string };
    const result = await autocannon({ url, connections, duration: seconds, headers: { Authorization: token } });
    return {
      requestsPerSecond: Math.round(result.requests.average),
      p99Ms: result.latency.p99,
      averageMs: result.latency.average,
      requests: result.requests.total,
      failures: result.non2xx + result.errors + result.timeouts,
    };
  } finally {
    child.stdin.end();
    child.kill();
  }
}

function firstLine(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: stream });
    const early = () => reject(new Error('the bench server exited before it was ready'));
    lines.once('close', early);
    lines.once('line', (line) => {
      lines.off('close', early);
      lines.close();
      resolve(line);
    });
  });
}

const fakeCredentials = (n: number) => ({
  accessKeyId: `ASIABENCH${String(n).padStart(11, '0')}`,
  secretAccessKey: 'bench/secret/key/not/a/real/one/0000000000',
  sessionToken: 'bench-session-token-'.repeat(20),
  expiration: new Date(Date.now() + 3600_000),
  arn: 'arn:aws:sts::111122223333:assumed-role/Bench/bench',
  chain: ['bench'],
});

/** the server side: fake credentials valid for an hour, served until stdin closes */
async function serve(): Promise<void> {
  let n = 0;
  const server = await startCredentialServer('ecs', async () => fakeCredentials((n += 1)), { clock: systemClock, log: createLogger() });
  process.stdout.write(`${JSON.stringify({ url: server.env.AWS_CONTAINER_CREDENTIALS_FULL_URI, token: server.env.AWS_CONTAINER_AUTHORIZATION_TOKEN })}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => void server.close());
}

/** the baseline: node:http answering the same-sized body with no checks at all */
function serveBare(): void {
  const creds = fakeCredentials(1);
  const body = JSON.stringify({ AccessKeyId: creds.accessKeyId, SecretAccessKey: creds.secretAccessKey, Token: creds.sessionToken, Expiration: creds.expiration });
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  });
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}/`, token: 'none' })}\n`);
  });
  process.stdin.resume();
  process.stdin.on('end', () => server.close());
}

export function formatServerBench(bench: ServerBench): string {
  const { server, bare } = bench;
  const ok = server.requestsPerSecond >= GOAL.requestsPerSecond && server.p99Ms <= GOAL.p99Ms && server.failures === 0;
  const line = (name: string, r: LoadResult) =>
    `  ${name}: ${r.requestsPerSecond} requests/s, p99 ${r.p99Ms} ms (average ${r.averageMs} ms), ${r.requests} requests, ${r.failures} failures`;
  return [
    `credential server (ECS, loopback, ${bench.connections} connections, ${bench.seconds} s each):`,
    line('rolecall server  ', server),
    line('bare node:http   ', bare),
    `  rolecall / bare: ${(server.requestsPerSecond / bare.requestsPerSecond).toFixed(2)}x the requests/s`,
    `  goal >= ${GOAL.requestsPerSecond} requests/s and p99 <= ${GOAL.p99Ms} ms: ${ok ? 'met' : 'NOT met'}`,
  ].join('\n');
}

if (require.main === module) {
  if (process.argv.includes('--serve')) void serve();
  else if (process.argv.includes('--serve-bare')) serveBare();
  else {
    benchServer().then(
      (bench) => console.log(formatServerBench(bench)),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  }
}
