/**
 * `npm run bench -- sandbox [--quick]`: the L1 sandbox figures, all in one process.
 *   (a) fuel-metering overhead on examples/determinism.wasm (10^8 LCG iterations)
 *   (b) metering overhead on a mixed JS workload run by QuickJS's wasm, and its fuel
 *   (c) latency of a trivial WASI job through a warm WasmPool
 *   (d) instrumenting QuickJS's wasm: cold, warm, and ModulePreparer cache hits
 * Prints a table, writes bench-results/sandbox.json. See docs/benchmarks.md.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { executeWasm } from '../../src/sandbox/execute.js';
import { instrument } from '../../src/sandbox/meter/instrument.js';
import { DiskStore } from '../../src/sandbox/node/disk-store.js';
import { WasmPool } from '../../src/sandbox/node/pool.js';
import { normalizeOptions, type NormalizedOptions } from '../../src/sandbox/options.js';
import { ModulePreparer, sha256Hex } from '../../src/sandbox/prepare.js';
import { GuestExit } from '../../src/sandbox/signals.js';
import { Wasi, WASI_MODULE } from '../../src/sandbox/wasi/index.js';
import { fuelOfRun, loadStock, meteredLoader, quickjsWasmBytes, runOnce, workload } from './quickjs.js';
import { interleave, machineInfo, median, percentile, printTable, timeMs, writeResults, type Figure } from './stats.js';

interface Settings {
  /** Timed repetitions of (a) and (b), after warm-up. */
  reps: number;
  iterations: number;
  jsScale: number;
  poolJobs: number;
}
const FULL: Settings = { reps: 11, iterations: 100_000_000, jsScale: 30_000, poolJobs: 2000 };
const QUICK: Settings = { reps: 3, iterations: 10_000_000, jsScale: 5_000, poolJobs: 300 };

interface Part {
  figures: Figure[];
  checks: Record<string, boolean>;
  details: Record<string, unknown>;
}

const root = fileURLToPath(new URL('../../', import.meta.url));
const decoder = new TextDecoder();

/** The ORIGINAL module under the project's deterministic WASI, with no meter at all. */
async function runRaw(module: WebAssembly.Module, o: NormalizedOptions): Promise<string> {
  let memory: WebAssembly.Memory | null = null;
  const wasi = new Wasi(
    { args: o.args, env: o.env, stdin: o.input, maxStdoutBytes: o.maxOutputBytes, maxStderrBytes: o.maxOutputBytes, clockStartNs: o.blockTimestampNs, seed: o.seed, preopens: o.preopens },
    { memory: () => memory!, charge: () => {}, fuelUsed: () => 0n },
  );
  const instance = await WebAssembly.instantiate(module, { [WASI_MODULE]: wasi.imports as WebAssembly.ModuleImports });
  memory = instance.exports.memory as WebAssembly.Memory;
  try {
    (instance.exports._start as () => void)();
  } catch (e) {
    if (!(e instanceof GuestExit && e.code === 0)) throw e;
  }
  return decoder.decode(wasi.stdout());
}

async function fuelOverhead(s: Settings): Promise<Part> {
  const bytes = new Uint8Array(await readFile(join(root, 'examples/determinism.wasm')));
  const options = normalizeOptions({ input: JSON.stringify({ seed: 42, iterations: s.iterations }), maxInstructions: 400_000_000_000n });
  const rawModule = await WebAssembly.compile(bytes);
  const preparer = new ModulePreparer();
  const outputs = { raw: new Set<string>(), metered: new Set<string>() };
  const fuel = new Set<number>();
  const variants = {
    raw: () => timeMs(async () => outputs.raw.add(await runRaw(rawModule, options))),
    metered: () =>
      timeMs(async () => {
        const r = await executeWasm(preparer, bytes, options);
        if (r.status !== 'ok') throw new Error(`metered run failed: ${JSON.stringify(r.error)}`);
        outputs.metered.add(r.output);
        fuel.add(r.fuel_used);
      }),
  };
  await interleave(2, variants); // warm-up: compile, cache, and let V8 tier both up
  const t = await interleave(s.reps, variants);
  const raw = median(t.raw);
  const metered = median(t.metered);
  const n = `10^${Math.log10(s.iterations)}`;
  return {
    figures: [
      { id: 'fuel.raw_ms', label: `(a) determinism ${n}: raw`, value: raw, unit: 'ms', samples: t.raw },
      { id: 'fuel.metered_ms', label: `(a) determinism ${n}: metered`, value: metered, unit: 'ms', samples: t.metered },
      { id: 'fuel.ratio', label: '(a) metered / raw', value: metered / raw, unit: 'x', target: 1.3 },
      { id: 'fuel.fuel_used', label: '(a) fuel_used', value: [...fuel][0] ?? 0, unit: 'fuel' },
    ],
    checks: {
      'determinism: outputs equal': outputs.raw.size === 1 && outputs.metered.size === 1 && [...outputs.raw][0] === [...outputs.metered][0],
      'determinism: fuel identical every run': fuel.size === 1,
    },
    details: { iterations: s.iterations, output: [...outputs.raw][0], meteredPath: 'executeWasm (memory-tier cache hit)' },
  };
}

async function quickjsOverhead(s: Settings): Promise<Part> {
  const code = workload(s.jsScale);
  const stock = await loadStock();
  const load = await meteredLoader(await quickjsWasmBytes());
  const metered = await load();
  const results = new Set<string>();
  const variants = {
    raw: async () => {
      const r = runOnce(stock, code);
      results.add(r.result);
      return r.ms;
    },
    metered: async () => {
      const r = runOnce(metered.qjs, code);
      results.add(r.result);
      return r.ms;
    },
  };
  await interleave(3, variants);
  const t = await interleave(s.reps, variants);
  // Determinism: the same program in two fresh instances must use exactly the same fuel.
  const first = fuelOfRun(await load(), code);
  const second = fuelOfRun(await load(), code);
  const rawMs = median(t.raw);
  const meteredMs = median(t.metered);
  return {
    figures: [
      { id: 'quickjs.raw_ms', label: '(b) QuickJS mixed JS: raw', value: rawMs, unit: 'ms', samples: t.raw },
      { id: 'quickjs.metered_ms', label: '(b) QuickJS mixed JS: metered', value: meteredMs, unit: 'ms', samples: t.metered },
      { id: 'quickjs.ratio', label: '(b) metered / raw', value: meteredMs / rawMs, unit: 'x', target: 1.15 },
      { id: 'quickjs.fuel', label: '(b) fuel of the JS workload', value: Number(first.fuel), unit: 'fuel' },
    ],
    checks: {
      'quickjs: start section moved and run': metered.ranStart,
      'quickjs: raw and metered results equal': results.size === 1,
      'quickjs: fuel identical in two fresh instances': first.fuel === second.fuel && first.result === second.result,
    },
    details: { scale: s.jsScale, result: first.result, fuelRuns: [first.fuel, second.fuel] },
  };
}

async function poolLatency(s: Settings): Promise<Part> {
  const hello = new Uint8Array(await readFile(join(root, 'examples/hello.wasm')));
  const pool = await WasmPool.create({ size: 2, cacheDir: null });
  const samples: number[] = [];
  let allOk = true;
  try {
    for (let i = 0; i < 200; i++) await pool.run(hello);
    for (let i = 0; i < s.poolJobs; i++) {
      const t0 = performance.now();
      const r = await pool.run(hello);
      samples.push(performance.now() - t0);
      allOk &&= r.status === 'ok' && r.output === 'Hello from OutLayer!\n';
    }
  } finally {
    await pool.dispose();
  }
  return {
    figures: [
      { id: 'pool.p50_ms', label: '(c) hello.wasm via warm pool: p50', value: percentile(samples, 50), unit: 'ms', target: 1 },
      { id: 'pool.p90_ms', label: '(c) p90', value: percentile(samples, 90), unit: 'ms' },
      { id: 'pool.p99_ms', label: '(c) p99', value: percentile(samples, 99), unit: 'ms' },
    ],
    checks: { 'pool: every job ok with the expected output': allOk },
    details: { jobs: s.poolJobs, poolSize: 2, meanMs: samples.reduce((a, b) => a + b, 0) / samples.length },
  };
}

/** Runs scripts/bench/cold-child.ts in a fresh process and returns what it printed. */
function child(args: string[]): { ms: number; source?: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts/bench/cold-child.ts'), ...args], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cold-child ${args[0]} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as { ms: number; source?: string };
}

async function preparation(): Promise<Part> {
  const wasmPath = join(root, 'node_modules/@jitl/quickjs-wasmfile-release-sync/dist/emscripten-module.wasm');
  const bytes = await quickjsWasmBytes();
  const cold = [0, 1, 2].map(() => child(['instrument', wasmPath]).ms);
  const warm: number[] = [];
  for (let i = 0; i < 5; i++) warm.push(await timeMs(() => instrument(bytes)));

  // Memory tier: the same preparer again. prepare() hashes the bytes each call unless given the hash.
  const preparer = new ModulePreparer();
  await preparer.prepare(bytes);
  const hash = await sha256Hex(bytes);
  const memory: number[] = [];
  const memoryHashed: number[] = [];
  const hashing: number[] = [];
  const sources = { memory: new Set<string>(), store: new Set<string>() };
  for (let i = 0; i < 20; i++) {
    memory.push(await timeMs(async () => sources.memory.add((await preparer.prepare(bytes)).source)));
    memoryHashed.push(await timeMs(async () => sources.memory.add((await preparer.prepare(bytes, hash)).source)));
    hashing.push(await timeMs(() => sha256Hex(bytes)));
  }

  // Disk tier: a new preparer over a store that has the module. In this process V8's native-module
  // cache still holds the compiled code (as for a pool thread replaced after a timeout); in a fresh
  // process (a restarted worker) WebAssembly.compile really compiles.
  const dir = await mkdtemp(join(tmpdir(), 'outlayer-bench-'));
  const disk: number[] = [];
  const diskFresh: number[] = [];
  try {
    await new ModulePreparer(new DiskStore(dir)).prepare(bytes);
    for (let i = 0; i < 5; i++) {
      disk.push(await timeMs(async () => sources.store.add((await new ModulePreparer(new DiskStore(dir)).prepare(bytes)).source)));
    }
    for (let i = 0; i < 3; i++) {
      const r = child(['prepare-store', wasmPath, dir]);
      sources.store.add(r.source ?? '?');
      diskFresh.push(r.ms);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const only = (set: Set<string>, source: string): boolean => set.size === 1 && set.has(source);
  return {
    figures: [
      { id: 'instrument.cold_ms', label: '(d) instrument QuickJS: fresh process', value: median(cold), unit: 'ms', target: 300, samples: cold },
      { id: 'instrument.warm_ms', label: '(d) instrument QuickJS: warm', value: median(warm), unit: 'ms', samples: warm },
      { id: 'prepare.memory_ms', label: '(d) prepare(): memory-tier hit', value: median(memory), unit: 'ms', target: 1, samples: memory },
      { id: 'prepare.memory_hashed_ms', label: '(d)   same, hash passed in', value: median(memoryHashed), unit: 'ms', samples: memoryHashed },
      { id: 'prepare.sha256_ms', label: '(d)   sha256 of the 503 KB', value: median(hashing), unit: 'ms', samples: hashing },
      { id: 'prepare.store_ms', label: '(d) prepare(): disk hit, same process', value: median(disk), unit: 'ms', samples: disk },
      { id: 'prepare.store_fresh_ms', label: '(d) prepare(): disk hit, fresh process', value: median(diskFresh), unit: 'ms', samples: diskFresh },
    ],
    checks: { 'prepare: hits came from memory tier': only(sources.memory, 'memory'), 'prepare: fresh preparers hit the disk store': only(sources.store, 'store') },
    details: { wasmBytes: bytes.length },
  };
}

export async function run(args: readonly string[]): Promise<void> {
  const unknown = args.filter((a) => a !== '--quick');
  if (unknown.length) {
    console.error(`sandbox: unknown argument ${unknown[0]}\nusage: npm run bench -- sandbox [--quick]`);
    process.exit(2);
  }
  const s = args.includes('--quick') ? QUICK : FULL;
  const machine = machineInfo();
  console.log(`sandbox benchmark: ${machine.cpu}, ${machine.cores} cores, node ${machine.node}${s === QUICK ? ' (--quick)' : ''}`);
  const parts: Record<string, Part> = {};
  for (const [name, fn] of [
    ['fuel', () => fuelOverhead(s)],
    ['quickjs', () => quickjsOverhead(s)],
    ['pool', () => poolLatency(s)],
    ['prepare', () => preparation()],
  ] as const) {
    process.stdout.write(`  running ${name}...\n`);
    parts[name] = await fn();
  }
  const figures = Object.values(parts).flatMap((p) => p.figures);
  const checks = Object.assign({}, ...Object.values(parts).map((p) => p.checks)) as Record<string, boolean>;
  console.log();
  printTable(figures);
  console.log();
  for (const [name, ok] of Object.entries(checks)) console.log(`${ok ? 'ok  ' : 'FAIL'}  ${name}`);
  const details = Object.fromEntries(Object.entries(parts).map(([k, p]) => [k, p.details]));
  const path = await writeResults('sandbox', { area: 'sandbox', quick: s === QUICK, machine, figures, checks, details });
  console.log(`\nwrote ${path}`);
  if (Object.values(checks).some((ok) => !ok)) process.exitCode = 1;
}
