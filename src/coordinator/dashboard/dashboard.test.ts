// The operators' dashboard: its JSON endpoints (shapes, and that no input, output, environment,
// secret or token hash leaks), the static files, and the page itself in Chromium against the
// devnet, the contract, a coordinator and a server worker (as src/coordinator/e2e.test.ts runs them).
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Fastify from 'fastify';
import { CONTRACT_ID, Harness, NEAR, OPERATOR_ID } from '../../contract/node/harness.js';
import { OutlayerClient } from '../../sdk/client.js';
import { WorkerSigner } from '../../worker/signer.js';
import { ServerWorker } from '../../worker/worker.js';
import { Coordinator } from '../app.js';
import { JobQueue } from '../queue/queue.js';
import { hashSecret } from '../storage/secrets.js';
import { SqliteStorage } from '../storage/sqlite.js';
import type { JobRecord } from '../storage/types.js';
import { registerThrottle } from '../throttle/fastify.js';
import { MemoryStore } from '../throttle/memory-store.js';
import { DEFAULT_THROTTLE_CONFIG } from '../throttle/profiles.js';
import { registerDashboardRoutes } from './routes.js';
import { buildSeries, quantile } from './views.js';

const SHA = 'a'.repeat(64);
const SECRETS = ['SECRET-INPUT', 'SECRET-ENV', 'SECRET-OUTPUT', 'SECRET-PROFILE', 'SECRET-SEED', 'worker-token-raw'];
const LIMITS = { max_instructions: 1_000_000, max_memory_mb: 64, max_execution_seconds: 10 };

describe('dashboard JSON endpoints', () => {
  let c: Coordinator;
  const dir = mkdtempSync(join(tmpdir(), 'dashboard-'));
  const roomy = { ...DEFAULT_THROTTLE_CONFIG, anonymous: { rps: 1000, burst: 1000, concurrency: 10 } };

  before(async () => {
    c = await Coordinator.open({ dataDir: dir, rpcUrl: 'http://127.0.0.1:9', logger: false, throttle: roomy });
    const job = (id: string) => ({ id, source: 'api' as const, code: { sha256: SHA, kind: 'js' as const }, input: 'SECRET-INPUT', limits: LIMITS, env: { KEY: 'SECRET-ENV' }, secrets_ref: { profile: 'SECRET-PROFILE', account_id: 'bob.near' }, seed: 'SECRET-SEED' });
    for (const id of ['api:ok', 'api:fuel', 'api:failed', 'api:leased', 'api:queued']) await c.queue.enqueue(job(id));
    const response = (success: boolean) => ({ success, output: success ? { Text: 'SECRET-OUTPUT' } : null, error: success ? null : 'out_of_fuel: SECRET-OUTPUT ran out', resources_used: { instructions: 1234, time_ms: 0, compile_time_ms: null } });
    const report = (success: boolean) => ({ response: response(success), attestation: { public_key: 'ed25519:x', signature: 's', code_hash: SHA }, result: { status: success ? 'ok' : 'error', output: 'SECRET-OUTPUT', error: success ? null : { kind: 'out_of_fuel', message: 'SECRET-OUTPUT' } } });
    await c.queue.complete((await c.queue.claim('w_server'))!.lease_id, report(true));
    await c.queue.complete((await c.queue.claim('w_server'))!.lease_id, report(false));
    await c.queue.fail((await c.queue.claim('w_browser'))!.lease_id, { kind: 'internal', message: 'SECRET-OUTPUT in a message' });
    await c.queue.claim('w_browser');
    await c.storage.registerWorker({ id: 'w_server', label: 'w_server', token_hash: hashSecret('worker-token-raw'), public_key: 'ed25519:11111111111111111111111111111111', created_at: 1 });
    await c.storage.registerWorker({ id: 'w_browser', label: 'browser', token_hash: hashSecret('browser-token-raw'), public_key: 'ed25519:22222222222222222222222222222222', created_at: 2 });
  });
  after(async () => {
    await c[Symbol.asyncDispose]();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = (url: string) => c.app.inject({ method: 'GET', url });
  const noLeak = (body: string) => {
    for (const s of SECRETS) assert.ok(!body.includes(s), `the answer holds ${s}`);
    assert.ok(!body.includes(hashSecret('worker-token-raw')) && !body.includes('token_hash'), 'the answer holds a token hash');
  };

  it('lists recent jobs newest first with their stage and outcome summary, never inputs or outputs', async () => {
    const r = await get('/v1/dashboard/jobs?limit=10');
    assert.equal(r.statusCode, 200);
    noLeak(r.body);
    const jobs = r.json().jobs as Array<Record<string, unknown>>;
    assert.deepEqual(jobs.map((j) => j.id), ['api:queued', 'api:leased', 'api:failed', 'api:fuel', 'api:ok']);
    const byId = Object.fromEntries(jobs.map((j) => [j.id, j]));
    assert.deepEqual(Object.keys(byId['api:ok']!).sort(), ['attempts', 'enqueued_at', 'finished_at', 'id', 'kind', 'latency_ms', 'outcome', 'request_id', 'source', 'stage', 'state', 'updated_at', 'worker']);
    assert.deepEqual(byId['api:ok']!.outcome, { success: true, fuel: 1234, error_kind: null });
    assert.equal(byId['api:ok']!.stage, 'resolved');
    assert.equal(byId['api:ok']!.worker, 'w_server');
    assert.deepEqual(byId['api:fuel']!.outcome, { success: false, fuel: 1234, error_kind: 'out_of_fuel' });
    assert.deepEqual(byId['api:failed']!.outcome, { success: false, fuel: null, error_kind: 'internal' });
    assert.equal(byId['api:failed']!.stage, 'failed');
    assert.equal(byId['api:leased']!.stage, 'claimed');
    assert.equal(byId['api:leased']!.attempts, 1);
    assert.equal(byId['api:queued']!.stage, 'queued');
    assert.equal(byId['api:queued']!.outcome, null);
    assert.equal((await get('/v1/dashboard/jobs?limit=2')).json().jobs.length, 2);
  });

  it('refuses a bad limit', async () => {
    for (const q of ['0', '201', 'x', '-1', '1e2']) {
      const r = await get(`/v1/dashboard/jobs?limit=${q}`);
      assert.equal(r.statusCode, 400, q);
      assert.equal(r.json().error.code, 'bad_request');
    }
  });

  it('lists workers with their kind and key, never their token hash', async () => {
    const r = await get('/v1/dashboard/workers');
    assert.equal(r.statusCode, 200);
    noLeak(r.body);
    const workers = r.json().workers as Array<Record<string, unknown>>;
    assert.deepEqual(workers.map((w) => [w.id, w.kind]).sort(), [['w_browser', 'browser'], ['w_server', 'server']]);
    assert.deepEqual(Object.keys(workers[0]!).sort(), ['created_at', 'id', 'kind', 'label', 'last_seen_at', 'public_key', 'revoked']);
  });

  it('gives a 10-minute series of 10 s buckets with latency quantiles', async () => {
    const s = (await get('/v1/dashboard/series')).json();
    assert.equal(s.bucket_ms, 10_000);
    assert.equal(s.buckets.length, 60);
    assert.equal(s.finished, 3);
    assert.equal(s.buckets.reduce((n: number, b: { finished: number }) => n + b.finished, 0), 3);
    assert.equal(s.buckets.reduce((n: number, b: { failed: number }) => n + b.failed, 0), 1);
    assert.equal(typeof s.p50_ms, 'number');
  });

  it('answers everything the page polls in one summary, with the stats and throttle figures', async () => {
    const r = await get('/v1/dashboard/summary');
    assert.equal(r.statusCode, 200);
    noLeak(r.body);
    const s = r.json();
    assert.deepEqual(Object.keys(s).sort(), ['jobs', 'now', 'series', 'stats', 'throttle', 'workers']);
    const { oldest_queued_age_ms: _age, ...counts } = (await get('/v1/stats')).json().queue;
    assert.deepEqual({ ...s.stats.queue, oldest_queued_age_ms: undefined }, { ...counts, oldest_queued_age_ms: undefined });
    assert.equal(s.stats.contract_id, null);
    assert.equal(s.stats.queue.done, 2);
    assert.equal(s.workers.length, 2);
    assert.ok(Array.isArray(s.throttle.routes) && s.throttle.tiers.anonymous.rps === 1000);
  });

  it('serves the page, its CSS and JS; the browser bundle 404s cleanly when it is not built', async () => {
    const page = await get('/');
    assert.equal(page.statusCode, 200);
    assert.match(String(page.headers['content-type']), /^text\/html/);
    assert.match(page.body, /<script src="\/dashboard\.js"/);
    assert.match(String((await get('/dashboard.css')).headers['content-type']), /^text\/css/);
    assert.match(String((await get('/dashboard.js')).headers['content-type']), /^text\/javascript/);
    assert.ok(!/innerHTML/.test((await get('/dashboard.js')).body), 'the page script never writes HTML');
    const empty = mkdtempSync(join(tmpdir(), 'dashboard-dist-'));
    const app = Fastify({ logger: false });
    const storage = SqliteStorage.open(empty);
    const queue = new JobQueue(storage, { sweepIntervalMs: 0 });
    const throttle = registerThrottle(app, { store: new MemoryStore() });
    registerDashboardRoutes(app, { queue, storage, throttle, stats: async () => ({}), distDir: empty });
    try {
      for (const f of ['/outlayer.iife.js', '/outlayer.worker.js', '/quickjs.wasm']) {
        const r = await app.inject({ method: 'GET', url: f });
        assert.equal(r.statusCode, 404, f);
        assert.equal(r.json().error.code, 'not_found');
      }
      writeFileSync(join(empty, 'outlayer.iife.js'), 'var OutLayer = {};');
      writeFileSync(join(empty, 'quickjs.wasm'), new Uint8Array([0, 97, 115, 109]));
      const js = await app.inject({ method: 'GET', url: '/outlayer.iife.js' });
      assert.equal(js.statusCode, 200);
      assert.equal(js.body, 'var OutLayer = {};');
      assert.match(String(js.headers['content-type']), /^text\/javascript/);
      const wasm = await app.inject({ method: 'GET', url: '/quickjs.wasm' });
      assert.equal(wasm.headers['content-type'], 'application/wasm');
      assert.equal(wasm.rawPayload.length, 4);
    } finally {
      queue.close();
      await app.close();
      await storage.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('finds its files where the build puts them (dist/dashboard/)', async () => {
    const fake = mkdtempSync(join(tmpdir(), 'dashboard-assets-'));
    mkdirSync(join(fake, 'dashboard'));
    for (const f of ['dashboard.html', 'dashboard.css', 'dashboard.js']) copyFileSync(new URL(`./assets/${f}`, import.meta.url), join(fake, 'dashboard', f));
    const app = Fastify({ logger: false });
    const storage = SqliteStorage.open(fake);
    const queue = new JobQueue(storage, { sweepIntervalMs: 0 });
    registerDashboardRoutes(app, { queue, storage, throttle: registerThrottle(app, { store: new MemoryStore() }), stats: async () => ({}), assetsDir: join(fake, 'dashboard') });
    const missing = Fastify({ logger: false });
    registerDashboardRoutes(missing, { queue, storage, throttle: registerThrottle(missing, { store: new MemoryStore() }), stats: async () => ({}), assetsDir: join(fake, 'nowhere') });
    try {
      assert.equal((await app.inject({ method: 'GET', url: '/' })).statusCode, 200);
      assert.equal((await missing.inject({ method: 'GET', url: '/' })).statusCode, 404);
    } finally {
      queue.close();
      await app.close();
      await missing.close();
      await storage.close();
      rmSync(fake, { recursive: true, force: true });
    }
  });
});

describe('dashboard series', () => {
  const rec = (enqueued: number, finished: number | null, state: JobRecord['state'] = 'done') => ({ enqueued_at: enqueued, finished_at: finished, state }) as JobRecord;

  it('buckets finished jobs by finish time and takes nearest-rank quantiles', () => {
    const now = 1_000_000_005_000;
    const s = buildSeries([rec(now - 1000, now - 500), rec(now - 4000, now - 1000, 'failed'), rec(now - 100, null), rec(now - 700_000, now - 650_000), rec(now - 25_000, now - 21_000)], now);
    assert.equal(s.buckets.length, 60);
    assert.equal(s.buckets[59]!.t, Math.floor(now / 10_000) * 10_000);
    assert.deepEqual(s.buckets[59], { t: s.buckets[59]!.t, finished: 2, failed: 1, p50_ms: 500, p90_ms: 3000 });
    assert.equal(s.finished, 3, 'jobs still running or finished before the window are not counted');
    assert.equal(s.p90_ms, 4000);
    assert.equal(quantile([], 0.5), null);
    assert.equal(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9), 9);
  });
});

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const JS = new TextEncoder().encode('export function execute(input) { return { doubled: input.n * 2 } }');

describe('the dashboard page in Chromium', { skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing` }, () => {
  let h: Harness;
  let coordinator: Coordinator;
  let worker: ServerWorker;
  let client: OutlayerClient;
  let url: string;
  let dir: string;
  const shots = mkdtempSync(join(tmpdir(), 'dashboard-shots-'));

  before(async () => {
    h = await Harness.start();
    await h.createAccount('alice.test.near');
    dir = mkdtempSync(join(tmpdir(), 'dashboard-e2e-'));
    coordinator = await Coordinator.open({ dataDir: dir, rpcUrl: h.server.url, contractId: CONTRACT_ID, operator: { accountId: OPERATOR_ID, privateKey: h.keys.get(OPERATOR_ID)! }, workerTokens: ['worker-token', 'browser-token'], apiKeys: ['api-key'], logger: false, pollMs: 50 });
    url = await coordinator.listen(0);
    worker = await ServerWorker.start({ coordinator: url, token: 'worker-token', signer: WorkerSigner.generate(), claimWaitMs: 2000 });
    client = new OutlayerClient({ coordinator: url, apiKey: 'api-key' });
  });
  after(async () => {
    await worker?.[Symbol.asyncDispose]();
    await coordinator?.[Symbol.asyncDispose]();
    await h?.[Symbol.asyncDispose]();
    rmSync(dir, { recursive: true, force: true });
    rmSync(shots, { recursive: true, force: true }); // the last ones stay as /tmp/outlayer-dashboard-*.png
  });

  it('shows jobs, workers, counts and request history as requests flow, without overflow at desktop and phone sizes', async () => {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      const pageErrors: string[] = [];
      page.on('pageerror', (e) => pageErrors.push(e.message));
      await page.goto(url);
      await page.waitForFunction(() => document.getElementById('contract')?.textContent !== '…');
      assert.equal(await page.textContent('#contract'), CONTRACT_ID);
      assert.match((await page.textContent('#health')) ?? '', /^ok/);
      assert.equal(await page.textContent('#count-done'), '0');
      await page.waitForSelector('#workers tr[data-kind="server"]');

      const sha256 = await client.uploadArtifact(JS);
      const ids: number[] = [];
      for (const n of [1, 2, 3]) {
        const r = await h.request('alice.test.near', { code_source: { artifact: { sha256, kind: 'js' } }, input_data: `{"n":${n}}`, response_format: 'Json' }, NEAR / 10n);
        const final = await h.txResult(r.txHash, 'alice.test.near');
        assert.deepEqual(final.value, { doubled: n * 2 });
        ids.push(r.requestId);
      }
      // The page polls every 2 s: the three jobs show up resolved and the counts move.
      await page.waitForFunction((n) => document.querySelectorAll('#jobs tr[data-stage="resolved"]').length >= n, 3, { timeout: 15_000 });
      for (const id of ids) assert.ok(await page.$(`#jobs tr[data-job-id="chain:${CONTRACT_ID}:${id}"][data-stage="resolved"]`), `job ${id} is listed as resolved`);
      await page.waitForFunction(() => Number(document.getElementById('count-done')?.textContent) >= 3, undefined, { timeout: 10_000 });
      await page.waitForFunction(() => (document.getElementById('chart')?.querySelectorAll('rect.bar').length ?? 0) > 0, undefined, { timeout: 10_000 });

      // Request history from the contract, through the coordinator's RPC proxy (final state lags a little).
      await page.fill('#history-account', 'alice.test.near');
      await page.click('#history-form button[type="submit"]');
      await page.waitForSelector('#history tr[data-request-id]');
      for (let i = 0; i < 20 && (await page.$$('#history tr[data-request-id][data-status="completed"]')).length < 3; i++) {
        await page.waitForTimeout(500);
        await page.click('#history-form button[type="submit"]');
      }
      const listed = await page.$$eval('#history tr[data-request-id]', (rows) => rows.map((r) => Number(r.getAttribute('data-request-id'))));
      assert.deepEqual([...listed].sort((a, b) => a - b), ids);
      assert.match((await page.textContent('#history-range')) ?? '', /1–3 of 3/);

      // The browser worker button: either the bundle is built (a status appears) or it says why not.
      await page.fill('#bw-token', 'browser-token');
      await page.click('#bw-start');
      await page.waitForSelector('#bw-log li');
      const built = (await coordinator.app.inject({ method: 'GET', url: '/outlayer.iife.js', headers: { authorization: 'Bearer api-key' } })).statusCode === 200;
      if (built) await page.waitForFunction(() => /registering|registered|polling/.test(document.getElementById('bw-log')?.textContent ?? ''), undefined, { timeout: 10_000 });
      else await page.waitForFunction(() => /browser worker unavailable: .*not built/.test(document.getElementById('bw-log')?.textContent ?? ''), undefined, { timeout: 10_000 });

      for (const [width, height, name] of [[1280, 800, '1280'], [390, 844, '390']] as const) {
        await page.setViewportSize({ width, height });
        await page.waitForTimeout(300);
        for (const sel of ['#health', '#counts', '#jobs', '#workers', '#chart', '#throttle', '#history', '#bw-start']) {
          assert.ok(await page.isVisible(sel), `${sel} is visible at ${width}×${height}`);
        }
        const overflow = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
        assert.ok(overflow.scroll <= overflow.inner, `no horizontal overflow at ${width}×${height}: ${JSON.stringify(overflow)}`);
        // Cards stay inside the viewport; wide tables scroll inside them.
        const outside = await page.$$eval('.card', (cards) => cards.filter((c) => c.getBoundingClientRect().right > window.innerWidth + 0.5).length);
        assert.equal(outside, 0, `every card fits at ${width}×${height}`);
        const file = join(shots, `dashboard-${name}.png`);
        await page.screenshot({ path: file, fullPage: true });
        copyFileSync(file, `/tmp/outlayer-dashboard-${name}.png`);
      }
      assert.deepEqual(pageErrors, []);

      // Polling every 2 s kept the page inside the anonymous profile.
      const t = (await coordinator.app.inject({ method: 'GET', url: '/v1/throttle/metrics', headers: { authorization: 'Bearer api-key' } })).json() as { routes: Array<{ route: string; tier: string; denied: number; concurrency_denied: number }> };
      const dashboard = t.routes.filter((r) => r.route.startsWith('/v1/dashboard') || r.route === '/');
      assert.ok(dashboard.some((r) => r.tier === 'anonymous'));
      for (const r of dashboard) assert.equal(r.denied + r.concurrency_denied, 0, `${r.route} was never throttled`);
    } finally {
      await browser.close();
    }
  });
});
