// The browser bundle in headless Chromium: dist/outlayer.iife.js loaded by a plain <script> tag
// from a plain HTTP server (no COOP/COEP: no cross-origin isolation), checked against the Node
// pool byte for byte and fuel for fuel, plus the simulator and a BrowserWorker on the devnet.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { CONTRACT_ID, Harness, NEAR, OPERATOR_ID } from '../contract/node/harness.js';
import { Coordinator } from '../coordinator/app.js';
import { bundleContract } from '../js/node/bundle.js';
import { createPool } from '../js/node/pool.js';
import { nodeQuickJsSource } from '../js/node/source.js';
import { QjsRuntime, runShell } from '../os/index.js';
import { nodeSqliteSource } from '../os/node/sqlite-source.js';
import { sqlite3Program } from '../os/sqlite/program.js';
import { JsRuntime } from '../js/runtime.js';
import { normalizeOptions } from '../sandbox/options.js';
import type { WasmPool } from '../sandbox/node/pool.js';
import { ModulePreparer } from '../sandbox/prepare.js';
import type { ExecutionResult } from '../sandbox/result.js';
import { OutlayerClient } from '../sdk/client.js';
import { JS_CASES, type RunJs } from '../js/conformance/cases.js';
import { CASES, type Run } from '../sandbox/conformance/cases.js';
import { repoFile } from '../testing/repo.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIST = join(ROOT, 'dist');
const CHROMIUM = '/usr/bin/chromium';
const BUNDLES = ['outlayer.iife.js', 'outlayer.worker.js', 'quickjs.wasm'];
const skip = !existsSync(CHROMIUM)
  ? `Chromium is not installed at ${CHROMIUM} (apt-get install chromium)`
  : BUNDLES.some((f) => !existsSync(join(DIST, f)))
    ? 'dist/ is not built (npm run build)'
    : false;

const read = (path: string) => new Uint8Array(readFileSync(join(ROOT, path)));
const HELLO = read('examples/hello.wasm');
const DETERMINISM = read('examples/determinism.wasm');
const LOOP = read('examples/wat/loop-forever.wasm');
const JS_LOOP = 'export function execute() { let i = 0; for (;;) i++; }';
const COUNTER = `
export function increment(args) {
  const n = Number(near.storageRead('n') ?? '0') + (args?.by ?? 1);
  near.storageWrite('n', String(n));
  near.log('n=' + n);
  return { n, by: near.predecessorAccountId(), at: String(near.blockTimestamp()) };
}
export function fail() { near.storageWrite('n', '999'); near.panic('no'); }
`;

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html' };
const PAGE = '<!doctype html><meta charset="utf-8"><title>OutLayer</title><script src="/dist/outlayer.iife.js"></script>';

/** A plain static server: / is the test page, /dist/* the build. No COOP/COEP headers. */
function staticServer(): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === '/') return void res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
    if (path.startsWith('/dist/')) {
      const file = normalize(join(DIST, path.slice(6)));
      if (file.startsWith(DIST) && existsSync(file)) return void res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
    }
    res.writeHead(404).end('not found');
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, origin: `http://127.0.0.1:${(server.address() as { port: number }).port}` })));
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const deterministic = ({ duration_ms: _d, ...rest }: ExecutionResult) => rest;

/** A page on the test server. tsx compiles this file with keepNames, so functions handed to
 * page.evaluate call esbuild's `__name` helper: the page gets a no-op one. */
async function openPage(browser: Browser, origin: string): Promise<Page> {
  const page = await browser.newPage();
  await page.addInitScript('globalThis.__name = (f) => f;');
  await page.goto(`${origin}/`);
  return page;
}

class NoPreopens extends Error {}

/** OutLayer.run in the page; code as base64 bytes or JS source text, bigints as decimal strings. */
function runInPage(page: Page, code: Uint8Array | string, options: Record<string, unknown> = {}): Promise<ExecutionResult> {
  if ('preopens' in options) throw new NoPreopens();
  const { input, ...rest } = options;
  const plain = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, typeof v === 'bigint' ? String(v) : v]));
  const wire = input instanceof Uint8Array ? { bytes: b64(input) } : { text: input as string | undefined };
  return page.evaluate(
    async ([code, isBytes, options, input]) => {
      const decode = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
      const bytes = isBytes ? decode(code as string) : (code as string);
      const given = input.bytes !== undefined ? decode(input.bytes) : input.text;
      return (globalThis as any).OutLayer.run(bytes, given === undefined ? options : { ...options, input: given });
    },
    [typeof code === 'string' ? code : b64(code), typeof code !== 'string', plain, wire] as const,
  );
}

describe('the browser bundle sizes', { skip: BUNDLES.some((f) => !existsSync(join(DIST, f))) && 'dist/ is not built (npm run build)' }, () => {
  it('the page bundle stays at most 25 KB gzipped (the sandbox and QuickJS live in the worker script)', (t) => {
    for (const f of BUNDLES) {
      const bytes = readFileSync(join(DIST, f));
      t.diagnostic(`${f}: ${bytes.length} B raw, ${gzipSync(bytes, { level: 9 }).length} B gzipped`);
    }
    assert.ok(gzipSync(readFileSync(join(DIST, 'outlayer.iife.js')), { level: 9 }).length <= 25 * 1024);
    // The page bundle holds no execution engine: those are in outlayer.worker.js.
    assert.ok(!readFileSync(join(DIST, 'outlayer.iife.js'), 'utf8').includes('wasi_snapshot_preview1'));
  });
});

describe('the browser bundle in Chromium', { skip }, () => {
  let browser: Browser;
  let page: Page;
  let web: { server: Server; origin: string };
  let pool: WasmPool;
  const pageErrors: string[] = [];

  before(async () => {
    const { chromium } = await import('playwright-core');
    web = await staticServer();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
    page = await openPage(browser, web.origin);
    page.on('pageerror', (e) => pageErrors.push(e.message));
    pool = await createPool({ size: 1, cacheDir: null });
  });
  after(async () => {
    await pool?.dispose();
    await browser?.close();
    web?.server.close();
  });

  it('loads from a plain <script> tag, without cross-origin isolation, and reports a compatible browser', async () => {
    const compat = await page.evaluate(() => (globalThis as any).OutLayer.checkCompatibility());
    assert.equal(compat.compatible, true, JSON.stringify(compat));
    assert.equal(compat.features.crossOriginIsolated, false);
    for (const f of ['wasm', 'bigint', 'wasmBigInt', 'wasmMultiValue', 'wasmBulkMemory', 'worker']) assert.equal(compat.features[f], true, f);
    assert.deepEqual(compat.recommendations, []);
    assert.deepEqual(pageErrors, []);
  });

  // The conformance suites every implementation passes, each run also compared with the Node pool.
  const both = async (code: Uint8Array | string, options: Record<string, unknown>): Promise<ExecutionResult> => {
    const [web, node] = [await runInPage(page, code, options), await pool.run(code, options)];
    assert.deepEqual(deterministic(web), deterministic(node));
    return web;
  };
  describe('L1 conformance suite (src/sandbox/conformance)', () => {
    const run: Run = (file, options = {}) => both(typeof file === 'string' ? repoFile(file) : file, { kind: 'wasm', ...options });
    for (const c of CASES) {
      it(c.name, async (t) => {
        try {
          await c.run(run);
        } catch (e) {
          if (e instanceof NoPreopens) return t.skip('preopens: the browser has no host directories');
          throw e;
        }
      });
    }
  });
  describe('L3 conformance suite (src/js/conformance)', () => {
    const run: RunJs = (source, options = {}) => both(source, { kind: 'js', ...options });
    // Found here and fixed by meter v3: a Chromium dedicated worker has about half the V8 stack of
    // a page, which v2's 65,536-slot limit overflowed first in deep QuickJS recursion (fuel then
    // differed from Node). The limit is now 32,768 slots (see src/sandbox/meter/costs.ts).
    for (const c of JS_CASES) it(c.name, () => c.run(run));
  });

  const wasiCases: [string, Uint8Array, Record<string, unknown>, string][] = [
    ['hello.wasm', HELLO, {}, 'ok'],
    ['determinism.wasm', DETERMINISM, { input: '{"seed": 42, "iterations": 1000}' }, 'ok'],
    ['loop-forever.wasm (out_of_fuel)', LOOP, { maxInstructions: 1_000_000 }, 'out_of_fuel'],
  ];
  for (const [name, code, options, expected] of wasiCases) {
    it(`WASI ${name}: same result and fuel as the Node pool`, async () => {
      const [web, node] = [await runInPage(page, code, options), await pool.run(code, options)];
      assert.deepEqual(deterministic(web), deterministic(node));
      assert.equal(expected === 'ok' ? web.status : web.error?.kind, expected);
    });
  }

  it('JS examples/js/hello.js (bundled) and an out-of-fuel loop: same result and fuel as the Node pool', async () => {
    const hello = await bundleContract(join(ROOT, 'examples/js/hello.js'));
    for (const [code, options] of [
      [hello, { input: '{"name":"NEAR"}' }],
      [hello, { seed: 'abc', blockTimestampNs: '1700000000000000000' }],
      [JS_LOOP, { maxInstructions: 1_000_000 }],
    ] as const) {
      const [web, node] = [await runInPage(page, code, options), await pool.run(code, options)];
      assert.deepEqual(deterministic(web), deterministic(node));
    }
    const loop = await runInPage(page, JS_LOOP, { maxInstructions: 1_000_000 });
    assert.equal(loop.error?.kind, 'out_of_fuel');
    assert.equal((await runInPage(page, hello, { input: '{"name":"NEAR"}' })).output, '{"greeting":"Hello, NEAR!"}');
  });

  it('OutLayer.sh: the guest OS (sh, userland, qjs) gives the output and fuel of the guest OS in Node, and hands its files back', async () => {
    const qjsNode = await QjsRuntime.create({ source: nodeQuickJsSource, preparer: new ModulePreparer() });
    const sqliteNode = sqlite3Program({ source: nodeSqliteSource, preparer: new ModulePreparer() });
    try {
      const scripts = [
        "printf 'b\\na\\nc\\n' | sort | head -n 2",
        "seq 1 100 | awk '{s+=$1} END {print s}'; yes | head -n 3",
        "mkdir -p /d && echo hi > /d/f && cat /d/f | tr a-z A-Z && ls /d && nope; echo $?",
        `seq 1 50 | qjs -e 'let s = 0, l; while ((l = await std.in.getline()) !== null) s += Number(l); print(s, Math.random(), Date.now())' | sed 's/^/qjs: /'`,
        "while :; do :; done",
        `seq 1 100 | awk '{print "insert into t values(" $1 ", random());"}' > /ins.sql; (echo 'create table t(x, r);'; cat /ins.sql) | sqlite3 /db; sqlite3 -header /db "select sum(x), count(distinct r), datetime('now') from t"`,
      ];
      for (const script of scripts) {
        const options = { maxInstructions: 200_000_000, seed: 'web', blockTimestampNs: '1700000000000000000', stdin: 'in' };
        const web = await page.evaluate(([sc, o]) => (globalThis as any).OutLayer.sh(sc, o), [script, options] as const);
        const node = await runShell(script, { maxInstructions: 200_000_000n, seed: 'web', blockTimestampNs: 1_700_000_000_000_000_000n, stdin: 'in', qjs: qjsNode, programs: { sqlite3: sqliteNode } });
        assert.deepEqual(deterministic(web.result), deterministic(node), script);
      }
      const first = await page.evaluate(() => (globalThis as any).OutLayer.sh('echo 1 > /n; qjs -e \'await std.writeFile("/m", "2")\'', { keepState: true }));
      assert.equal(first.snapshot.format, 'outlayer-vfs/1');
      const second = await page.evaluate((image) => (globalThis as any).OutLayer.sh('cat /n /m', { image }), first.snapshot);
      assert.equal(second.result.output, '1\n2');
      const bad = await page.evaluate(() => (globalThis as any).OutLayer.sh('true', { bogus: 1 }).then(() => 'resolved', (e: Error & { code: string }) => `${e.code}: ${e.message}`));
      assert.equal(bad, 'usage: unknown option "bogus"');
    } finally {
      qjsNode.dispose();
    }
  });

  it('the wall-clock backstop terminates a runaway job and a fresh worker takes the next one', async () => {
    const r = await runInPage(page, LOOP, { maxInstructions: 500_000_000_000, timeoutMs: 300 });
    assert.equal(r.error?.kind, 'timeout');
    assert.deepEqual(deterministic(await runInPage(page, HELLO)), deterministic(await pool.run(HELLO)));
  });

  it('bad options are rejected as in Node (unknown keys, preopens)', async () => {
    const message = (options: object) => page.evaluate((o) => (globalThis as any).OutLayer.run('export function execute() {}', o).then(() => 'resolved', (e: Error & { code: string }) => `${e.code}: ${e.message}`), options);
    assert.match(await message({ maxInstrutions: 5 }), /^usage: unknown option "maxInstrutions"/);
    assert.match(await message({ preopens: [] }), /^usage: preopens are not available in the browser/);
  });

  it('ContractSimulator calls a JS contract method with the near API, gas = fuel × 10,000 as on the devnet', async () => {
    const calls = await page.evaluate(async (source) => {
      const sim = new (globalThis as any).OutLayer.ContractSimulator();
      const context = { predecessorAccountId: 'alice.near', currentAccountId: 'counter.near', blockTimestampNs: 1_700_000_000_000_000_000n.toString() };
      const first = await sim.execute(source, 'increment', { by: 2 }, context);
      const failed = await sim.execute(source, 'fail', undefined, context);
      const second = await sim.execute(await sim.loadContractBytes(`data:text/javascript;base64,${btoa(source)}`), 'increment', { by: 3 }, context);
      let linux = '';
      try {
        sim.setExecutionMode('linux');
      } catch (e) {
        linux = `${(e as { code: string }).code}: ${(e as Error).message}`;
      }
      return { first, failed, second, linux, mode: sim.mode };
    }, COUNTER);
    assert.deepEqual(calls.first.result, { n: 2, by: 'alice.near', at: '1700000000000000000' });
    assert.deepEqual(calls.first.logs, ['n=2']);
    assert.equal(calls.first.mode, 'direct');
    assert.equal(calls.first.gasUsed, calls.first.fuelUsed * 10_000);
    assert.match(calls.failed.error.message, /Panic: no/);
    assert.equal(calls.second.result.n, 5, 'the failed call rolled its write back');
    assert.match(calls.linux, /^unsupported_mode: the simulator runs JS contracts in 'direct' mode only/);
    assert.equal(calls.mode, 'direct');

    // The same call on Node's runtime costs the same fuel.
    const js = new JsRuntime({ source: nodeQuickJsSource, preparer: new ModulePreparer() });
    try {
      const node = await js.run(COUNTER, normalizeOptions({ input: '{"by":2}', maxInstructions: 30_000_000_000n, blockTimestampNs: 1_700_000_000_000_000_000n }), {
        entry: 'increment',
        input: 'contract',
        storage: new Map(),
        context: { predecessorAccountId: 'alice.near', currentAccountId: 'counter.near', blockTimestampNs: 1_700_000_000_000_000_000n },
      });
      assert.equal(node.output, JSON.stringify(calls.first.result));
      assert.equal(node.fuel_used, calls.first.fuelUsed);
    } finally {
      js.dispose();
    }
  });

  it('measures: time to first result in a fresh page (WASI, JS) and per-job overhead against Node', async (t) => {
    const hello = await bundleContract(join(ROOT, 'examples/js/hello.js'));
    for (const [name, code] of [['WASI hello.wasm', HELLO], ['JS hello.js', hello]] as const) {
      const fresh = await openPage(browser, web.origin);
      const at = await fresh.evaluate(
        async ([code, isBytes]) => {
          const bytes = isBytes ? Uint8Array.from(atob(code as string), (c) => c.charCodeAt(0)) : (code as string);
          const start = performance.now();
          const r = await (globalThis as any).OutLayer.run(bytes);
          return { sinceNavigation: performance.now(), sinceCall: performance.now() - start, status: r.status };
        },
        [typeof code === 'string' ? code : b64(code), typeof code !== 'string'] as const,
      );
      assert.equal(at.status, 'ok');
      t.diagnostic(`${name}: first result ${at.sinceNavigation.toFixed(0)} ms after navigation, ${at.sinceCall.toFixed(0)} ms after run()`);
      await fresh.close();
    }
    const N = 50;
    const perJob = await page.evaluate(async ([code, n]) => {
      const bytes = Uint8Array.from(atob(code), (c) => c.charCodeAt(0));
      await (globalThis as any).OutLayer.run(bytes);
      const start = performance.now();
      for (let i = 0; i < n; i++) await (globalThis as any).OutLayer.run(bytes);
      return (performance.now() - start) / n;
    }, [b64(HELLO), N] as const);
    await pool.run(HELLO);
    const start = performance.now();
    for (let i = 0; i < N; i++) await pool.run(HELLO);
    const node = (performance.now() - start) / N;
    t.diagnostic(`hello.wasm repeated ${N}×: browser ${perJob.toFixed(2)} ms/job, Node pool ${node.toFixed(2)} ms/job`);
  });
});

describe('a BrowserWorker completes jobs requested on the devnet', { skip }, () => {
  let browser: Browser;
  let page: Page;
  let web: { server: Server; origin: string };
  let h: Harness;
  let coordinator: Coordinator;
  let client: OutlayerClient;
  let dir: string;
  let url: string;

  before(async () => {
    const { chromium } = await import('playwright-core');
    web = await staticServer();
    h = await Harness.start();
    await h.createAccount('alice.test.near');
    dir = mkdtempSync(join(tmpdir(), 'browser-worker-'));
    coordinator = await Coordinator.open({ dataDir: dir, rpcUrl: h.server.url, contractId: CONTRACT_ID, operator: { accountId: OPERATOR_ID, privateKey: h.keys.get(OPERATOR_ID)! }, workerTokens: ['browser-token'], apiKeys: ['api-key'], corsOrigins: [web.origin], logger: false, pollMs: 50 });
    url = await coordinator.listen(0);
    client = new OutlayerClient({ coordinator: url, apiKey: 'api-key' });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
    page = await openPage(browser, web.origin);
    await page.evaluate(
      async ([coordinator]) => {
        const g = globalThis as any;
        g.statuses = [];
        g.worker = new g.OutLayer.BrowserWorker({ coordinator, token: 'browser-token', claimWaitMs: 2000, onStatus: (s: { status: string }) => g.statuses.push(s.status) });
        g.events = 0;
        g.worker.addEventListener('status', () => g.events++);
        await g.worker.start();
      },
      [url] as const,
    );
  });
  after(async () => {
    await page?.evaluate(() => (globalThis as any).worker?.stop()).catch(() => {});
    await browser?.close();
    web?.server.close();
    await coordinator?.[Symbol.asyncDispose]();
    await h?.[Symbol.asyncDispose]();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('resolves a WASI request on-chain with the output and fuel of a Node run, signed by the browser key', async () => {
    const sha256 = await client.uploadArtifact(HELLO);
    const r = await h.request('alice.test.near', { code_source: { artifact: { sha256, kind: 'wasm' } }, resource_limits: { max_instructions: 100_000_000, max_execution_seconds: 10 } }, NEAR / 10n);
    const final = await h.txResult(r.txHash, 'alice.test.near');
    assert.equal(final.error, null);
    const pool = await createPool({ size: 1, cacheDir: null });
    const local = await pool.run(HELLO, { maxInstructions: 100_000_000n });
    await pool.dispose();
    assert.equal(final.value, local.output);
    const settled = await h.view<{ status: string; resources_used: { instructions: number } }>('get_request', { request_id: r.requestId });
    assert.equal(settled.status, 'completed');
    assert.equal(settled.resources_used.instructions, local.fuel_used);
    const view = await client.get(`chain:${CONTRACT_ID}:${r.requestId}`);
    const publicKey = await page.evaluate(() => (globalThis as any).worker.publicKey);
    assert.equal(view.attestation?.public_key, publicKey);
  });

  it('resolves a JS request with a Json response, and reports its status', async () => {
    const sha256 = await client.uploadArtifact(new TextEncoder().encode('export function execute(input) { return { doubled: input.n * 2 } }'));
    const r = await h.request('alice.test.near', { code_source: { artifact: { sha256, kind: 'js' } }, input_data: '{"n":21}', response_format: 'Json' }, NEAR / 10n);
    const final = await h.txResult(r.txHash, 'alice.test.near');
    assert.equal(final.error, null);
    assert.deepEqual(final.value, { doubled: 42 });
    const seen = await page.evaluate(() => ({ statuses: [...new Set((globalThis as any).statuses)], events: (globalThis as any).events, completed: (globalThis as any).worker.completed }));
    assert.equal(seen.completed, 2);
    for (const s of ['registering', 'polling', 'running', 'reporting']) assert.ok(seen.statuses.includes(s), `${s} in ${seen.statuses.join(',')}`);
    assert.ok(seen.events >= seen.statuses.length);
  });
});
