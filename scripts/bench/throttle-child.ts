/**
 * Child of scripts/bench/throttle.ts: runs autocannon against one URL in its own process (so the
 * load generator does not share the server's event loop) and prints ONE JSON line with the
 * figures. Usage: throttle-child.ts <url> <seconds> <connections> [authorization]
 */
import { createRequire } from 'node:module';

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  '2xx': number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodeStats: Record<string, { count: number }>;
  duration: number;
}
type Autocannon = (opts: Record<string, unknown>) => Promise<AutocannonResult>;

// autocannon ships no type declarations.
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const [url, seconds = '5', connections = '32', authorization] = process.argv.slice(2);
if (!url) {
  console.error('usage: throttle-child.ts <url> <seconds> <connections> [authorization]');
  process.exit(2);
}
const r = await autocannon({ url, duration: Number(seconds), connections: Number(connections), pipelining: 1, headers: authorization ? { authorization } : {} });
const codes = Object.fromEntries(Object.entries(r.statusCodeStats).map(([code, s]) => [code, s.count]));
console.log(JSON.stringify({ rps: r.requests.total / r.duration, avgRps: r.requests.average, total: r.requests.total, p50Ms: r.latency.p50, p99Ms: r.latency.p99, ok2xx: r['2xx'], non2xx: r.non2xx, errors: r.errors, timeouts: r.timeouts, codes, duration: r.duration }));
