// Faults against the real devnet + OutLayer contract: a worker killed mid-job, a coordinator
// restart with requests in flight, and two workers racing for one job. In every case each request
// is resolved on-chain exactly once and none is lost.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { CONTRACT_ID, Harness, NEAR, OPERATOR_ID } from '../contract/node/harness.js';
import { OutlayerClient } from '../sdk/client.js';
import { WorkerSigner } from '../worker/signer.js';
import { ServerWorker } from '../worker/worker.js';
import { Coordinator, type CoordinatorOptions } from './app.js';
import { chainJobId } from './chain/bridge.js';
import { hashSecret } from './storage/secrets.js';
import { DEFAULT_THROTTLE_CONFIG } from './throttle/profiles.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ALICE = 'alice.test.near';
const THROTTLE = { ...DEFAULT_THROTTLE_CONFIG, anonymous: { rps: 1000, burst: 1000, concurrency: 100 }, keyed: { rps: 1000, burst: 1000, concurrency: 100 } };
/** A JS job that runs for a while: about 80 ns and 900 units of fuel per iteration here. */
const busy = (n: number) => new TextEncoder().encode(`export function execute(){ let x=0; for(let i=0;i<${n};i++) x+=i; return x }`);
const sumBelow = (n: number) => ((BigInt(n) * BigInt(n - 1)) / 2n).toString();
const LIMITS = { max_instructions: 200_000_000_000, max_execution_seconds: 60 };
const workerId = (token: string) => `w_${hashSecret(token).slice(0, 16)}`;

/** Disposes once, whether the test body or the final cleanup gets there first. */
function disposeOnce<T extends AsyncDisposable>(x: T): T {
  const dispose = x[Symbol.asyncDispose].bind(x);
  let done: PromiseLike<void> | null = null;
  Object.defineProperty(x, Symbol.asyncDispose, { value: () => (done ??= dispose()) });
  return x;
}

async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A worker as its own process (the CLI), so it can be SIGKILLed. Resolves once it claims. */
async function spawnWorker(url: string, token: string, dataDir: string): Promise<ChildProcess & { output: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'worker', '--coordinator', url, '--token', token, '--data-dir', dataDir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += String(d)));
  child.stderr!.on('data', (d) => (out += String(d)));
  const w = Object.assign(child, { output: () => out });
  await until('the worker process to start', async () => {
    if (child.exitCode !== null) throw new Error(`worker exited (${child.exitCode}): ${out}`);
    return out.includes('claiming from');
  }, 20_000);
  return w;
}

describe('faults: workers die, the coordinator restarts, workers race — one resolution each', { timeout: 120_000 }, () => {
  let h: Harness;
  const dirs: string[] = [];
  const cleanup: Array<() => Promise<unknown> | unknown> = [];

  const tmp = (name: string) => {
    const d = mkdtempSync(join(tmpdir(), `coordinator-faults-${name}-`));
    dirs.push(d);
    return d;
  };
  const open = (dataDir: string, extra: Partial<CoordinatorOptions> = {}) =>
    Coordinator.open({ dataDir, rpcUrl: h.server.url, contractId: CONTRACT_ID, operator: { accountId: OPERATOR_ID, privateKey: h.keys.get(OPERATOR_ID)! }, workerTokens: ['token-a', 'token-b', 'token-c'], apiKeys: ['api-key'], logger: false, pollMs: 50, throttle: THROTTLE, ...extra });

  /** The request's transaction once its yield settled: exactly one execution_completed, status completed. */
  async function settledOnce(r: { txHash: string; requestId: number }, expected: string, c: Coordinator): Promise<void> {
    const final = await h.txResult(r.txHash, ALICE);
    assert.equal(final.error, null, `request ${r.requestId}: ${final.error}`);
    assert.equal(final.value, expected);
    const completed = final.events.filter((e) => e.event === 'execution_completed');
    assert.equal(completed.length, 1, `request ${r.requestId} has ${completed.length} execution_completed events`);
    assert.equal(Number(completed[0]!.data.request_id), r.requestId);
    const onChain = await h.view<{ status: string }>('get_request', { request_id: r.requestId });
    assert.equal(onChain.status, 'completed');
    const record = await until(`resolution record of ${r.requestId}`, async () => {
      const rec = await c.storage.getResolution(CONTRACT_ID, r.requestId);
      return rec?.state === 'resolved' ? rec : null;
    });
    assert.ok(record.tx_hash);
    // The finished job left the outbox (it will not be resolved again).
    await until(`job ${r.requestId} acknowledged`, async () => (await c.queue.get(chainJobId(CONTRACT_ID, r.requestId)))?.acked);
  }

  before(async () => {
    h = await Harness.start();
    await h.createAccount(ALICE, 100n * NEAR);
  });
  after(async () => {
    for (const f of cleanup.reverse()) await f();
    await h[Symbol.asyncDispose]();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('a worker killed mid-job: the job is leased again and resolved exactly once', async () => {
    const c = disposeOnce(await open(tmp('kill'), { leaseMs: 1500, maxAttempts: 3 }));
    cleanup.push(() => c[Symbol.asyncDispose]());
    const url = await c.listen(0);
    const client = new OutlayerClient({ coordinator: url, apiKey: 'api-key' });
    const n = 30_000_000;
    const sha256 = await client.uploadArtifact(busy(n));

    const a = await spawnWorker(url, 'token-a', tmp('worker-a'));
    cleanup.push(() => a.exitCode === null && a.kill('SIGKILL'));
    const r = await h.request(ALICE, { code_source: { artifact: { sha256, kind: 'js' } }, resource_limits: LIMITS }, NEAR / 10n);
    assert.ok(r.requestId >= 0, JSON.stringify(r.events));
    const jobId = chainJobId(CONTRACT_ID, r.requestId);
    const leased = await until('the job to be leased to worker A', async () => {
      const j = await c.queue.get(jobId);
      return j?.state === 'leased' && j.worker_id === workerId('token-a') ? j : null;
    });
    assert.equal(leased.attempts, 1);
    // Let A get into the run (it heartbeats meanwhile), then kill it without a chance to report.
    await new Promise((res) => setTimeout(res, 300));
    const exited = new Promise((res) => a.once('exit', res));
    a.kill('SIGKILL');
    await exited;
    assert.equal((await c.queue.get(jobId))?.state, 'leased', 'A had not reported before it died');

    const b = disposeOnce(await ServerWorker.start({ coordinator: url, token: 'token-b', signer: WorkerSigner.generate(), claimWaitMs: 2000 }));
    cleanup.push(() => b[Symbol.asyncDispose]());
    await settledOnce(r, sumBelow(n), c);
    const job = (await c.queue.get(jobId))!;
    assert.equal(job.state, 'done');
    assert.ok(job.attempts >= 2, `attempts ${job.attempts}`);
    assert.equal(job.worker_id, workerId('token-b'));
    await b[Symbol.asyncDispose]();
    await c[Symbol.asyncDispose]();
  });

  it('a coordinator restart with requests in flight loses and duplicates nothing', async () => {
    const dataDir = tmp('restart');
    let c = disposeOnce(await open(dataDir, { leaseMs: 1500, maxAttempts: 3 }));
    let url = await c.listen(0);
    const client = new OutlayerClient({ coordinator: url, apiKey: 'api-key' });
    const n = 8_000_000;
    const sha256 = await client.uploadArtifact(busy(n));
    const ask = () => h.request(ALICE, { code_source: { artifact: { sha256, kind: 'js' } }, resource_limits: LIMITS }, NEAR / 10n);

    // A worker process, so it can die with the coordinator (a crash of the whole host).
    const a = await spawnWorker(url, 'token-a', tmp('worker-restart'));
    cleanup.push(() => a.exitCode === null && a.kill('SIGKILL'));
    const requests: Array<{ txHash: string; requestId: number }> = [];
    for (let i = 0; i < 4; i++) requests.push(await ask());
    // Midway: one request resolved, and a job still leased.
    await until('one request resolved', async () => {
      for (const r of requests) if ((await c.storage.getResolution(CONTRACT_ID, r.requestId))?.state === 'resolved') return true;
      return false;
    });
    await until('a job leased', async () => (await c.queue.stats()).leased > 0);
    const exited = new Promise((res) => a.once('exit', res));
    a.kill('SIGKILL');
    await c[Symbol.asyncDispose]();
    await exited;

    // A request made while the coordinator is down.
    const whileDown = await ask();
    requests.push(whileDown);
    assert.equal((await h.view<{ status: string }>('get_request', { request_id: whileDown.requestId })).status, 'pending');

    c = disposeOnce(await open(dataDir, { leaseMs: 1500, maxAttempts: 3 }));
    cleanup.push(() => c[Symbol.asyncDispose]());
    url = await c.listen(0);
    const w = disposeOnce(await ServerWorker.start({ coordinator: url, token: 'token-b', signer: WorkerSigner.generate(), claimWaitMs: 2000 }));
    cleanup.push(() => w[Symbol.asyncDispose]());
    for (const r of requests) await settledOnce(r, sumBelow(n), c);
    const stats = await c.queue.stats();
    assert.equal(stats.done, requests.length);
    assert.deepEqual([stats.queued, stats.leased, stats.failed, stats.unacked], [0, 0, 0, 0]);
    assert.deepEqual(await c.storage.listResolving(), []);
    const count = await h.view<number>('get_request_count');
    for (let id = 0; id < count; id++) assert.notEqual((await h.view<{ status: string }>('get_request', { request_id: id }))?.status, 'pending', `request ${id} is still pending`);
    await w[Symbol.asyncDispose]();
    await c[Symbol.asyncDispose]();
  });

  it('two workers racing for one job give one result', async () => {
    const c = disposeOnce(await open(tmp('race'), { leaseMs: 1000, maxAttempts: 3 }));
    cleanup.push(() => c[Symbol.asyncDispose]());
    const url = await c.listen(0);
    const client = new OutlayerClient({ coordinator: url, apiKey: 'api-key' });
    const n = 40_000_000; // well past the lease (1 s) and the sweep that re-queues it (≤ 1 s later)
    const slow = await client.uploadArtifact(busy(n));
    const quick = await client.uploadArtifact(new TextEncoder().encode('export function execute(input) { return { doubled: input.n * 2 } }'));

    // Worker A's heartbeats never arrive: its lease expires while it still runs the job, so B
    // leases it again, and both report a result for the same job. B is started up front, its
    // claims held back until A holds the job.
    const dropHeartbeats: typeof fetch = (input, init) =>
      String(input instanceof Request ? input.url : input).endsWith('/heartbeat')
        ? Promise.resolve(new Response(JSON.stringify({ error: { code: 'lease_expired', message: 'heartbeat lost' } }), { status: 409, headers: { 'content-type': 'application/json' } }))
        : fetch(input, init);
    let openGate = () => {};
    const gate = new Promise<void>((res) => (openGate = res));
    const gatedClaims: typeof fetch = async (input, init) => {
      if (String(input instanceof Request ? input.url : input).endsWith('/v1/jobs/claim')) await gate;
      return fetch(input, init);
    };
    const a = disposeOnce(await ServerWorker.start({ coordinator: url, token: 'token-a', signer: WorkerSigner.generate(), claimWaitMs: 2000, fetch: dropHeartbeats }));
    cleanup.push(() => a[Symbol.asyncDispose]());
    const b = disposeOnce(await ServerWorker.start({ coordinator: url, token: 'token-b', signer: WorkerSigner.generate(), claimWaitMs: 2000, fetch: gatedClaims }));
    cleanup.push(() => (openGate(), b[Symbol.asyncDispose]()));
    const raced = await h.request(ALICE, { code_source: { artifact: { sha256: slow, kind: 'js' } }, resource_limits: LIMITS }, NEAR / 10n);
    const jobId = chainJobId(CONTRACT_ID, raced.requestId);
    await until('the job leased to A', async () => (await c.queue.get(jobId))?.worker_id === workerId('token-a'));
    openGate();
    await until('the job leased again to B', async () => (await c.queue.get(jobId))?.worker_id === workerId('token-b'), 20_000);
    assert.equal((await c.queue.get(jobId))?.state, 'leased', 'A was still running when B took the job');

    // Meanwhile more requests, shared by both workers.
    const more: Array<{ txHash: string; requestId: number }> = [];
    for (let i = 0; i < 4; i++) more.push(await h.request(ALICE, { code_source: { artifact: { sha256: quick, kind: 'js' } }, input_data: JSON.stringify({ n: i }), response_format: 'Json' }, NEAR / 10n));

    await settledOnce(raced, sumBelow(n), c);
    for (const [i, r] of more.entries()) {
      const final = await h.txResult(r.txHash, ALICE);
      assert.deepEqual(final.value, { doubled: i * 2 });
      assert.equal(final.events.filter((e) => e.event === 'execution_completed').length, 1);
      assert.equal((await h.view<{ status: string }>('get_request', { request_id: r.requestId })).status, 'completed');
    }
    // Both workers finished the raced job; one report won, the other was a duplicate.
    await until('both workers to report the raced job', async () => a.finished >= 1 && b.finished >= 1 && a.finished + b.finished >= more.length + 2, 20_000);
    const job = (await c.queue.get(jobId))!;
    assert.equal(job.state, 'done');
    assert.ok(job.attempts >= 2, `attempts ${job.attempts}`);
    assert.deepEqual((await c.queue.stats()).failed, 0);
    await a[Symbol.asyncDispose]();
    await b[Symbol.asyncDispose]();
    await c[Symbol.asyncDispose]();
  });
});
