/**
 * `npm run bench -- throttle [--quick]`: the coordinator's throttling (src/coordinator/throttle/).
 *   (a) in-process cost of one decision by the memory store: a two-bucket take (client bucket +
 *       the route's global bucket), 1 000 clients, most takes denied; µs per decision
 *       p50/p99, sync (`takeSync`) and through the async `take` the hooks use.
 *   (b) a fastify server on 127.0.0.1 with the throttle and a trivial route, loaded for 5 s by
 *       autocannon in a CHILD process (scripts/bench/throttle-child.ts): a keyed route with a huge
 *       budget (every request allowed) and a route where every request is rejected (429); and,
 *       as a baseline, an exempt route on the same server (no throttle work at all).
 *   (c) when /usr/bin/redis-server exists: the same two-bucket decision through RedisStore
 *       (one EVALSHA round trip on loopback), µs p50/p99, for comparison with (a).
 * Prints a table, writes bench-results/throttle.json. See docs/throttling.md.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import { registerThrottle } from '../../src/coordinator/throttle/fastify.js';
import { MemoryStore } from '../../src/coordinator/throttle/memory-store.js';
import { parseThrottleConfig } from '../../src/coordinator/throttle/profiles.js';
import { RedisStore } from '../../src/coordinator/throttle/redis-store.js';
import { haveRedis, REDIS_SERVER, startRedis } from '../../src/coordinator/throttle/redis-server.test-helper.js';
import type { BucketRequest } from '../../src/coordinator/throttle/store.js';
import { machineInfo, percentile, printTable, writeResults, type Figure } from './stats.js';

interface Settings {
  decisions: number;
  seconds: number;
  connections: number;
}
const FULL: Settings = { decisions: 500_000, seconds: 5, connections: 32 };
const QUICK: Settings = { decisions: 50_000, seconds: 1, connections: 16 };

const CLIENTS = 1_000;
const API_KEY = 'bench-key';

function requestsFor(i: number): BucketRequest[] {
  return [
    { key: `{/v1/near-rpc}:anonymous:10.0.${(i >> 8) & 255}.${i & 255}`, rate: 5, burst: 10 },
    { key: '{/v1/near-rpc}:*', rate: 1e9, burst: 1e9 },
  ];
}

/** (a) µs per decision, each one timed alone (hrtime costs ~0.05 µs and is included). */
async function decisionCost(s: Settings): Promise<{ figures: Figure[]; checks: Record<string, boolean>; details: Record<string, unknown> }> {
  const reqs = Array.from({ length: CLIENTS }, (_, i) => requestsFor(i));
  const syncSamples: number[] = [];
  const asyncSamples: number[] = [];
  let allowed = 0;
  const store = new MemoryStore();
  const asyncStore = new MemoryStore();
  // Time advances 1 ms per 100 decisions: each client gets ~20 takes per simulated second
  // against a 5/s budget, so most takes after the first burst are denials.
  const nowAt = (i: number): number => 1_700_000_000_000 + Math.floor(i / 100);
  for (let i = 0; i < s.decisions / 5; i++) store.takeSync(reqs[i % CLIENTS]!, nowAt(i)); // warm-up
  for (let i = 0; i < s.decisions; i++) {
    const r = reqs[(i * 7919) % CLIENTS]!;
    const now = nowAt(i + s.decisions);
    const t0 = process.hrtime.bigint();
    const d = store.takeSync(r, now);
    const t1 = process.hrtime.bigint();
    syncSamples.push(Number(t1 - t0) / 1000);
    if (d.allowed) allowed++;
  }
  for (let i = 0; i < s.decisions; i++) {
    const r = reqs[(i * 7919) % CLIENTS]!;
    const t0 = process.hrtime.bigint();
    await asyncStore.take(r, nowAt(i));
    const t1 = process.hrtime.bigint();
    asyncSamples.push(Number(t1 - t0) / 1000);
  }
  const sorted = (xs: number[]) => ({ p50: percentile(xs, 50), p99: percentile(xs, 99) });
  const sy = sorted(syncSamples);
  const as = sorted(asyncSamples);
  return {
    figures: [
      { id: 'decision.sync_p50_us', label: '(a) memory store decision, sync: p50', value: sy.p50, unit: 'µs', target: 20 },
      { id: 'decision.sync_p99_us', label: '(a) memory store decision, sync: p99', value: sy.p99, unit: 'µs', target: 20 },
      { id: 'decision.async_p50_us', label: '(a) memory store decision, await take(): p50', value: as.p50, unit: 'µs', target: 20 },
      { id: 'decision.async_p99_us', label: '(a) memory store decision, await take(): p99', value: as.p99, unit: 'µs', target: 20 },
    ],
    checks: { 'decisions: some allowed and some denied': allowed > 0 && allowed < s.decisions },
    details: { decisions: s.decisions, clients: CLIENTS, allowedShare: allowed / s.decisions, bucketsHeld: store.size },
  };
}

export interface LoadResult {
  rps: number;
  total: number;
  p50Ms: number;
  p99Ms: number;
  ok2xx: number;
  non2xx: number;
  errors: number;
  codes: Record<string, number>;
}

/** autocannon against `url` in a child process (throttle-child.ts), so it does not share the server's event loop. */
export function load(url: string, s: { seconds: number; connections: number }, authorization?: string): Promise<LoadResult> {
  const child = fileURLToPath(new URL('./throttle-child.ts', import.meta.url));
  const args = ['--import', 'tsx', child, url, String(s.seconds), String(s.connections), ...(authorization ? [authorization] : [])];
  return new Promise((resolve, reject) => {
    // Asynchronous spawn: the server lives in THIS process and must keep serving meanwhile.
    const p = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (b: Buffer) => (out += b.toString()));
    p.on('error', reject);
    p.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`autocannon child exited with ${code}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').pop()!) as LoadResult);
      } catch (e) {
        reject(e);
      }
    });
  });
}

/** (c) the Redis store's decision: one script round trip to a local redis-server. */
async function redisDecisionCost(s: Settings): Promise<{ figures: Figure[]; checks: Record<string, boolean>; details: Record<string, unknown> }> {
  if (!haveRedis) return { figures: [], checks: {}, details: { skipped: `${REDIS_SERVER} is not installed` } };
  const redis = await startRedis();
  try {
    const store = new RedisStore({ redis: redis.client() });
    const n = Math.min(20_000, s.decisions / 10);
    const samples: number[] = [];
    for (let i = 0; i < n + 1000; i++) {
      const t0 = process.hrtime.bigint();
      await store.take(requestsFor(i % CLIENTS), 1_700_000_000_000 + Math.floor(i / 10));
      if (i >= 1000) samples.push(Number(process.hrtime.bigint() - t0) / 1000); // first 1000: warm-up
    }
    return {
      figures: [
        { id: 'decision.redis_p50_us', label: '(c) Redis store decision (loopback): p50', value: percentile(samples, 50), unit: 'µs' },
        { id: 'decision.redis_p99_us', label: '(c) Redis store decision (loopback): p99', value: percentile(samples, 99), unit: 'µs' },
      ],
      checks: {},
      details: { decisions: n },
    };
  } finally {
    await redis.stop();
  }
}

/** (b) requests/s through a real server: all allowed vs all rejected. */
async function serverThroughput(s: Settings): Promise<{ figures: Figure[]; checks: Record<string, boolean>; details: Record<string, unknown> }> {
  const huge = { rps: 1e9, burst: 1e9, concurrency: 1_000_000 };
  const config = parseThrottleConfig({
    routes: {
      '/allowed': { keyed: huge, global: { rps: 1e9, burst: 1e9 } },
      '/throttled': { anonymous: { rps: 0.001, burst: 1 } },
    },
  });
  const app = Fastify({ logger: false });
  registerThrottle(app, { store: new MemoryStore(), config, isValidApiKey: (k) => k === API_KEY });
  app.get('/allowed', async () => ({ ok: true }));
  app.get('/throttled', async () => ({ ok: true }));
  app.get('/bare', { config: { throttle: false } }, async () => ({ ok: true })); // baseline: no throttle work
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as { port: number }).port;
  try {
    const bare = await load(`http://127.0.0.1:${port}/bare`, s, `Bearer ${API_KEY}`);
    const allowed = await load(`http://127.0.0.1:${port}/allowed`, s, `Bearer ${API_KEY}`);
    const rejected = await load(`http://127.0.0.1:${port}/throttled`, s);
    return {
      figures: [
        { id: 'server.bare_rps', label: '(b) baseline: same server, exempt route: requests/s', value: bare.rps, unit: '' },
        { id: 'server.allowed_rps', label: '(b) allowed route (keyed): requests/s', value: allowed.rps, unit: '' },
        { id: 'server.allowed_p99_ms', label: '(b)   latency p99', value: allowed.p99Ms, unit: 'ms' },
        { id: 'server.rejected_rps', label: '(b) throttled route (every request 429): requests/s', value: rejected.rps, unit: '' },
        { id: 'server.rejected_us_per_req', label: '(b)   µs per rejection (1e6 / rate; ≥ 10k/s ⇔ ≤ 100)', value: 1e6 / rejected.rps, unit: 'µs', target: 100 },
        { id: 'server.rejected_p99_ms', label: '(b)   latency p99', value: rejected.p99Ms, unit: 'ms' },
      ],
      checks: {
        'server: allowed route answered only 200': allowed.errors === 0 && allowed.non2xx === 0 && allowed.ok2xx > 0,
        // The very first request of the throttled route spends the only token.
        'server: throttled route answered 429 to all but one': rejected.errors === 0 && (rejected.codes['429'] ?? 0) >= rejected.total - 1 && rejected.ok2xx <= 1,
      },
      details: { bare, allowed, rejected, connections: s.connections, seconds: s.seconds },
    };
  } finally {
    await app.close();
  }
}

export async function run(args: readonly string[]): Promise<void> {
  const unknown = args.filter((a) => a !== '--quick');
  if (unknown.length) {
    console.error(`throttle: unknown argument ${unknown[0]}\nusage: npm run bench -- throttle [--quick]`);
    process.exit(2);
  }
  const s = args.includes('--quick') ? QUICK : FULL;
  const machine = machineInfo();
  console.log(`throttle benchmark: ${machine.cpu}, ${machine.cores} cores, node ${machine.node}${s === QUICK ? ' (--quick)' : ''}`);
  console.log('  running decisions...');
  const a = await decisionCost(s);
  console.log('  running server (autocannon in a child process)...');
  const b = await serverThroughput(s);
  console.log('  running Redis decisions...');
  const c = await redisDecisionCost(s);
  const figures = [...a.figures, ...b.figures, ...c.figures];
  const checks = { ...a.checks, ...b.checks, ...c.checks };
  console.log();
  printTable(figures);
  console.log();
  for (const [name, ok] of Object.entries(checks)) console.log(`${ok ? 'ok  ' : 'FAIL'}  ${name}`);
  const path = await writeResults('throttle', { area: 'throttle', quick: s === QUICK, machine, figures, checks, details: { decisions: a.details, server: b.details, redis: c.details } });
  console.log(`\nwrote ${path}`);
  if (Object.values(checks).some((ok) => !ok)) process.exitCode = 1;
}

// Runnable on its own until the area is registered in scripts/bench.ts.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await run(process.argv.slice(2));
