/**
 * `npm run bench -- coordinator [--quick]`: the coordinator end to end (the targets).
 *   (1) throttle decision cost in-process (≤ 20 µs): runs the `throttle` area
 *       (scripts/bench/throttle.ts, which also refreshes bench-results/throttle.json) and takes
 *       its decision figures.
 *   (2) the REAL coordinator app (`Coordinator.open` + `listen(0)`, no contract, dummy rpcUrl) on
 *       127.0.0.1 loaded by autocannon in a CHILD process (scripts/bench/throttle-child.ts):
 *       `GET /v1/stats` with an API key and a huge keyed budget (every request allowed), the
 *       same route anonymously with an exhausted budget (every request 429; ≥ 10k/s), and
 *       `GET /v1/health` (never throttled) as a baseline.
 *   (3) request → resolved on the devnet in instant mode (p50 ≤ 300 ms): Harness (devnet +
 *       contract), a Coordinator watching it (pollMs 20) and one ServerWorker; N sequential
 *       request_execution calls of examples/hello.wasm, timed from sending the transaction to
 *       its final outcome (the yield resumed by the resolver). Also a breakdown per request from
 *       the coordinator's job record: sent → enqueued (transaction inclusion + chain poll),
 *       enqueued → finished (claim + run + report), finished → settled (resolve tx on-chain).
 *   (4) trivial API jobs per second through one worker: M executions of a trivial JS artifact
 *       POSTed to /v1/executions, timed from the first POST until `queue.stats()` counts them all
 *       finished, with worker concurrency 1 and 2; the worker in this process (sharing the
 *       coordinator's event loop) and in a child process (scripts/bench/coordinator-child.ts).
 * Prints a table, writes bench-results/coordinator.json.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Coordinator } from '../../src/coordinator/app.js';
import { parseThrottleConfig, type ThrottleConfig } from '../../src/coordinator/throttle/profiles.js';
import { CONTRACT_ID, Harness, NEAR, OPERATOR_ID } from '../../src/contract/node/harness.js';
import { OutlayerClient } from '../../src/sdk/client.js';
import { WorkerSigner } from '../../src/worker/signer.js';
import { ServerWorker } from '../../src/worker/worker.js';
import { load, run as runThrottle } from './throttle.js';
import { machineInfo, median, percentile, printTable, writeResults, type Figure } from './stats.js';

interface Settings {
  seconds: number;
  connections: number;
  requests: number;
  jobs: number;
}
const FULL: Settings = { seconds: 5, connections: 32, requests: 30, jobs: 300 };
const QUICK: Settings = { seconds: 1, connections: 16, requests: 8, jobs: 60 };

const API_KEY = 'bench-api-key';
const WORKER_TOKEN = 'bench-worker-token';
const HELLO = new Uint8Array(readFileSync(new URL('../../examples/hello.wasm', import.meta.url)));
const TRIVIAL_JS = new TextEncoder().encode('export function execute(input) { return { doubled: input.n * 2 } }');

type Part = { figures: Figure[]; checks: Record<string, boolean>; details: Record<string, unknown> };

/**
 * Keyed clients (API keys and worker tokens) are never limited; anonymous clients get one
 * request per ~17 minutes, so after the first every anonymous request is a 429.
 */
const BENCH_THROTTLE: ThrottleConfig = parseThrottleConfig({
  keyed: { rps: 1e9, burst: 1e9, concurrency: 1_000_000 },
  anonymous: { rps: 0.001, burst: 1, concurrency: 1_000_000 },
  global: { rps: 1e9, burst: 1e9 },
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function tmp(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

// ---------------------------------------------------------------------------------------------
// (1) decision cost: the throttle area's own run, then its figures.

async function decisionCost(quick: boolean): Promise<Part> {
  const before = process.exitCode;
  await runThrottle(quick ? ['--quick'] : []);
  const throttleFailed = process.exitCode !== before && process.exitCode !== 0 && process.exitCode !== undefined;
  process.exitCode = before; // its checks are reported below, not as our exit code twice
  const json = JSON.parse(await readFile(join(process.cwd(), 'bench-results', 'throttle.json'), 'utf8')) as { figures: Figure[]; checks: Record<string, boolean> };
  const figures = json.figures
    .filter((f) => f.id.startsWith('decision.') && !f.id.startsWith('decision.redis'))
    .map((f) => ({ ...f, id: `throttle.${f.id}`, label: f.label.replace(/^\(a\) /, '(1) ') }));
  return { figures, checks: { 'throttle area: its checks passed': !throttleFailed && Object.values(json.checks).every(Boolean) }, details: { from: 'bench-results/throttle.json' } };
}

// ---------------------------------------------------------------------------------------------
// (2) the real coordinator under autocannon.


async function serverThroughput(s: Settings): Promise<Part> {
  const dir = tmp('bench-coordinator-http-');
  const coordinator = await Coordinator.open({ dataDir: dir, rpcUrl: 'http://127.0.0.1:9', logger: false, apiKeys: [API_KEY], throttle: BENCH_THROTTLE });
  try {
    const url = await coordinator.listen(0);
    const health = await load(`${url}/v1/health`, s);
    const allowed = await load(`${url}/v1/stats`, s, `Bearer ${API_KEY}`);
    const rejected = await load(`${url}/v1/stats`, s);
    return {
      figures: [
        { id: 'http.health_rps', label: '(2) baseline GET /v1/health (never throttled): req/s', value: health.rps, unit: '' },
        { id: 'http.allowed_rps', label: '(2) GET /v1/stats, API key, allowed: req/s', value: allowed.rps, unit: '' },
        { id: 'http.allowed_p99_ms', label: '(2)   latency p99', value: allowed.p99Ms, unit: 'ms' },
        { id: 'http.rejected_rps', label: '(2) GET /v1/stats, anonymous, every request 429: req/s', value: rejected.rps, unit: '' },
        { id: 'http.rejected_us_per_req', label: '(2)   µs per rejection (1e6 / rate; ≥ 10k/s ⇔ ≤ 100)', value: 1e6 / rejected.rps, unit: 'µs', target: 100 },
        { id: 'http.rejected_p99_ms', label: '(2)   latency p99', value: rejected.p99Ms, unit: 'ms' },
      ],
      checks: {
        'http: /v1/stats with an API key answered only 200': allowed.errors === 0 && allowed.non2xx === 0 && allowed.ok2xx > 0,
        'http: anonymous /v1/stats answered 429 to all but one': rejected.errors === 0 && (rejected.codes['429'] ?? 0) >= rejected.total - 1 && rejected.ok2xx <= 1,
      },
      details: { health, allowed, rejected, connections: s.connections, seconds: s.seconds },
    };
  } finally {
    await coordinator[Symbol.asyncDispose]();
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// (3) request → resolved on the devnet.

async function requestToResolved(s: Settings): Promise<Part> {
  const h = await Harness.start();
  const dir = tmp('bench-coordinator-devnet-');
  let coordinator: Coordinator | null = null;
  let worker: ServerWorker | null = null;
  try {
    await h.createAccount('alice.test.near');
    coordinator = await Coordinator.open({
      dataDir: dir,
      rpcUrl: h.server.url,
      contractId: CONTRACT_ID,
      operator: { accountId: OPERATOR_ID, privateKey: h.keys.get(OPERATOR_ID)! },
      workerTokens: [WORKER_TOKEN],
      apiKeys: [API_KEY],
      logger: false,
      pollMs: 20,
      throttle: BENCH_THROTTLE,
    });
    const url = await coordinator.listen(0);
    worker = await ServerWorker.start({ coordinator: url, token: WORKER_TOKEN, signer: WorkerSigner.generate(), claimWaitMs: 2000 });
    const client = new OutlayerClient({ coordinator: url, apiKey: API_KEY });
    const sha256 = await client.uploadArtifact(HELLO);
    const args = { code_source: { artifact: { sha256, kind: 'wasm' } }, resource_limits: { max_instructions: 100_000_000, max_execution_seconds: 10 } };

    const one = async (): Promise<{ totalMs: number; sentMs: number; requestId: number; t0: number; settledAt: number; ok: boolean }> => {
      const t0Wall = Date.now();
      const t0 = performance.now();
      const r = await h.request('alice.test.near', args, NEAR / 10n);
      const sentMs = performance.now() - t0;
      let final = await h.txResult(r.txHash, 'alice.test.near');
      // The RPC answers once the yield resumed; should it answer early, poll.
      while (final.error === 'pending') {
        await sleep(5);
        final = await h.txResult(r.txHash, 'alice.test.near');
      }
      const totalMs = performance.now() - t0;
      return { totalMs, sentMs, requestId: r.requestId, t0: t0Wall, settledAt: t0Wall + totalMs, ok: final.error === null };
    };

    await one(); // warm-up: first artifact fetch, first compile, JIT
    const runs = [];
    for (let i = 0; i < s.requests; i++) runs.push(await one());

    // Where the time goes, from the coordinator's job records (wall clock, ms).
    const page = await coordinator.queue.list({ limit: 500 });
    const byRequest = new Map(page.jobs.map((j) => [Number(j.spec.request_id), j]));
    const toEnqueued: number[] = [];
    const toFinished: number[] = [];
    const toSettled: number[] = [];
    for (const r of runs) {
      const j = byRequest.get(r.requestId);
      if (!j || j.finished_at === null) continue;
      toEnqueued.push(j.enqueued_at - r.t0);
      toFinished.push(j.finished_at - j.enqueued_at);
      toSettled.push(r.settledAt - j.finished_at);
    }
    const statuses = await Promise.all(runs.map((r) => h.view<{ status: string }>('get_request', { request_id: r.requestId })));
    const total = runs.map((r) => r.totalMs);
    const sent = runs.map((r) => r.sentMs);
    const figures: Figure[] = [
      { id: 'e2e.p50_ms', label: `(3) request → resolved on the devnet (N=${s.requests}): p50`, value: percentile(total, 50), unit: 'ms', target: 300, samples: total },
      { id: 'e2e.p90_ms', label: '(3)   p90', value: percentile(total, 90), unit: 'ms' },
      { id: 'e2e.max_ms', label: '(3)   max', value: Math.max(...total), unit: 'ms' },
      { id: 'e2e.sent_p50_ms', label: '(3)   of which: request_execution included (client side), p50', value: median(sent), unit: 'ms', samples: sent },
    ];
    if (toEnqueued.length) {
      figures.push(
        { id: 'e2e.to_enqueued_p50_ms', label: '(3)   sent → job enqueued (tx + chain poll), p50', value: median(toEnqueued), unit: 'ms', samples: toEnqueued },
        { id: 'e2e.to_finished_p50_ms', label: '(3)   enqueued → finished (claim + run + report), p50', value: median(toFinished), unit: 'ms', samples: toFinished },
        { id: 'e2e.to_settled_p50_ms', label: '(3)   finished → settled (resolve tx + yield resume), p50', value: median(toSettled), unit: 'ms', samples: toSettled },
      );
    }
    return {
      figures,
      checks: {
        'e2e: every request resolved without error': runs.every((r) => r.ok),
        'e2e: every request is completed on-chain': statuses.every((st) => st.status === 'completed'),
      },
      details: { requests: s.requests, pollMs: 20, claimWaitMs: 2000, matchedJobs: toEnqueued.length, rpc: (await client.stats()).rpc },
    };
  } finally {
    if (worker) await worker[Symbol.asyncDispose]();
    if (coordinator) await coordinator[Symbol.asyncDispose]();
    await h[Symbol.asyncDispose]();
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// (4) trivial API jobs per second through one worker.

/** A worker in this process, or in a child process (scripts/bench/coordinator-child.ts). */
interface BenchWorker {
  stop(): Promise<void>;
}

async function inProcessWorker(url: string, token: string, concurrency: number): Promise<BenchWorker> {
  const w = await ServerWorker.start({ coordinator: url, token, signer: WorkerSigner.generate(), claimWaitMs: 2000, concurrency });
  return { stop: () => w[Symbol.asyncDispose]() };
}

function childWorker(url: string, token: string, concurrency: number): Promise<BenchWorker> {
  const child = fileURLToPath(new URL('./coordinator-child.ts', import.meta.url));
  const p = spawn(process.execPath, ['--import', 'tsx', child, url, token, String(concurrency)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve, reject) => p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`worker child exited with ${code}`)))));
  return new Promise((resolve, reject) => {
    let out = '';
    p.on('error', reject);
    exited.catch(reject);
    p.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('ready\n')) resolve({ stop: () => (p.stdin.end(), exited) });
    });
  });
}

async function jobsPerSecond(s: Settings): Promise<Part> {
  const dir = tmp('bench-coordinator-jobs-');
  const variants = [
    { where: 'in-process' as const, concurrency: 1 },
    { where: 'in-process' as const, concurrency: 2 },
    { where: 'child' as const, concurrency: 1 },
    { where: 'child' as const, concurrency: 2 },
  ];
  // A token binds to one worker key: one token per worker.
  const tokens = variants.map((_, i) => `${WORKER_TOKEN}-${i}`);
  const coordinator = await Coordinator.open({ dataDir: dir, rpcUrl: 'http://127.0.0.1:9', logger: false, apiKeys: [API_KEY], workerTokens: tokens, throttle: BENCH_THROTTLE });
  const figures: Figure[] = [];
  const checks: Record<string, boolean> = {};
  const details: Record<string, unknown> = { jobs: s.jobs };
  try {
    const url = await coordinator.listen(0);
    const client = new OutlayerClient({ coordinator: url, apiKey: API_KEY });
    const sha256 = await client.uploadArtifact(TRIVIAL_JS);
    const request = { code: { sha256, kind: 'js' as const }, input: '{"n":21}', response_format: 'Json' as const };
    for (const [i, { where, concurrency }] of variants.entries()) {
      const worker = where === 'child' ? await childWorker(url, tokens[i]!, concurrency) : await inProcessWorker(url, tokens[i]!, concurrency);
      try {
        // Warm-up: the artifact in the worker's cache, QuickJS compiled in every pool thread.
        const warm = await Promise.all(Array.from({ length: 4 * concurrency }, () => client.submit(request)));
        await Promise.all(warm.map((v) => client.wait(v.id, { pollMs: 10 })));
        const base = await coordinator.queue.stats();
        const baseFinished = base.done + base.failed;
        const t0 = performance.now();
        let submitted = 0;
        let submitMs = 0;
        const submitting = (async () => {
          const batch = 16;
          for (let j = 0; j < s.jobs; j += batch) {
            await Promise.all(Array.from({ length: Math.min(batch, s.jobs - j) }, () => client.submit(request)));
            submitted += Math.min(batch, s.jobs - j);
          }
          submitMs = performance.now() - t0;
        })();
        let st = base;
        const deadline = Date.now() + 300_000;
        for (;;) {
          st = await coordinator.queue.stats();
          if (st.done + st.failed - baseFinished >= s.jobs) break;
          if (Date.now() > deadline) throw new Error(`jobs: only ${st.done + st.failed - baseFinished} of ${s.jobs} finished in 5 min`);
          await sleep(5);
        }
        const ms = performance.now() - t0;
        await submitting;
        const failed = st.failed - base.failed;
        const id = `jobs.${where === 'child' ? 'child_' : ''}c${concurrency}`;
        figures.push(
          { id: `${id}_per_s`, label: `(4) trivial JS jobs/s, worker ${where === 'child' ? 'in a child process' : 'in-process'}, concurrency ${concurrency} (M=${s.jobs})`, value: (s.jobs / ms) * 1000, unit: '' },
          { id: `${id}_ms_per_job`, label: '(4)   ms per job', value: ms / s.jobs, unit: 'ms' },
        );
        checks[`jobs: ${where} worker, concurrency ${concurrency}: all ${s.jobs} completed`] = failed === 0 && submitted === s.jobs;
        details[`${where}_c${concurrency}`] = { totalMs: ms, submitMs, failed };
      } finally {
        await worker.stop();
      }
    }
    return { figures, checks, details };
  } finally {
    await coordinator[Symbol.asyncDispose]();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(args: readonly string[]): Promise<void> {
  const unknown = args.filter((a) => a !== '--quick');
  if (unknown.length) {
    console.error(`coordinator: unknown argument ${unknown[0]}\nusage: npm run bench -- coordinator [--quick]`);
    process.exit(2);
  }
  const quick = args.includes('--quick');
  const s = quick ? QUICK : FULL;
  const machine = { ...machineInfo(), loadavg: loadavg().map((x) => Math.round(x * 100) / 100) };
  console.log('coordinator benchmark');
  console.log('  (1) throttle decision cost: the throttle area ↓');
  const a = await decisionCost(quick);
  console.log('\n  (2) real coordinator under autocannon (child process)...');
  const b = await serverThroughput(s);
  console.log(`  (3) request → resolved on the devnet, ${s.requests} sequential requests...`);
  const c = await requestToResolved(s);
  console.log(`  (4) ${s.jobs} trivial API jobs through one worker, concurrency 1 and 2, in-process and child...`);
  const d = await jobsPerSecond(s);
  const loadAfter = loadavg().map((x) => Math.round(x * 100) / 100);
  const figures = [...a.figures, ...b.figures, ...c.figures, ...d.figures];
  const checks = { ...a.checks, ...b.checks, ...c.checks, ...d.checks };
  console.log();
  console.log(`machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, node ${machine.node}, load average ${machine.loadavg.join(' ')} (before) / ${loadAfter.join(' ')} (after)${quick ? ' (--quick)' : ''}`);
  console.log();
  printTable(figures);
  console.log();
  for (const [name, ok] of Object.entries(checks)) console.log(`${ok ? 'ok  ' : 'FAIL'}  ${name}`);
  const path = await writeResults('coordinator', { area: 'coordinator', quick, machine: { ...machine, loadavgAfter: loadAfter }, figures, checks, details: { throttle: a.details, http: b.details, e2e: c.details, jobs: d.details } });
  console.log(`\nwrote ${path}`);
  if (Object.values(checks).some((ok) => !ok)) process.exitCode = 1;
}

// Runnable on its own as well.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await run(process.argv.slice(2));
