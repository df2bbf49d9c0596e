// How fast the ECS credential server answers on loopback: autocannon for a few seconds against
// a server in its own process (so the load generator does not steal its event loop).
// Goal on a 2-core machine: >= 5,000 requests/s with p99 <= 5 ms.
// Run alone: node --import tsx bench/server.ts   (bench/run.ts calls benchServer())
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { systemClock } from '../src/platform/clock';
import { createLogger } from '../src/platform/logger';
import { startCredentialServer } from '../src/server/index';

export const GOAL = { requestsPerSecond: 5000, p99Ms: 5 };

export interface ServerBench {
  requestsPerSecond: number;
  p99Ms: number;
  averageMs: number;
  requests: number;
  /** answers other than 200, and connection errors: must be 0 */
  failures: number;
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
  // autocannon ships no types: its options and result are described above
  const autocannon = require('autocannon') as Autocannon;
  const child = spawn(process.execPath, ['--import', 'tsx', __filename, '--serve'], { stdio: ['pipe', 'pipe', 'inherit'] });
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
      connections,
      seconds,
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

/** the server side: fake credentials valid for an hour, served until stdin closes */
async function serve(): Promise<void> {
  let n = 0;
  const server = await startCredentialServer(
    'ecs',
    async () => ({
      accessKeyId: `ASIABENCH${String((n += 1)).padStart(11, '0')}`,
      secretAccessKey: 'bench/secret/key/not/a/real/one/0000000000',
      sessionToken: 'bench-session-token-'.repeat(20),
      expiration: new Date(Date.now() + 3600_000),
      arn: 'arn:aws:sts::111122223333:assumed-role/Bench/bench',
      chain: ['bench'],
    }),
    { clock: systemClock, log: createLogger() },
  );
  process.stdout.write(`${JSON.stringify({ url: server.env.AWS_CONTAINER_CREDENTIALS_FULL_URI, token: server.env.AWS_CONTAINER_AUTHORIZATION_TOKEN })}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => void server.close());
}

export function formatServerBench(bench: ServerBench): string {
  const ok = bench.requestsPerSecond >= GOAL.requestsPerSecond && bench.p99Ms <= GOAL.p99Ms && bench.failures === 0;
  return [
    `credential server (ECS, loopback, ${bench.connections} connections, ${bench.seconds} s):`,
    `  ${bench.requestsPerSecond} requests/s, latency p99 ${bench.p99Ms} ms (average ${bench.averageMs} ms), ${bench.requests} requests, ${bench.failures} failures`,
    `  goal >= ${GOAL.requestsPerSecond} requests/s and p99 <= ${GOAL.p99Ms} ms: ${ok ? 'met' : 'NOT met'}`,
  ].join('\n');
}

if (require.main === module) {
  if (process.argv.includes('--serve')) {
    void serve();
  } else {
    benchServer().then(
      (bench) => console.log(formatServerBench(bench)),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  }
}
