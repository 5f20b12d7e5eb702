/**
 * `npm run bench -- js [--quick]`: the L3/L4 JS runtime figures.
 *   (a) realm start: `engine.begin` (snapshot restore) + the realm's `control.begin`, i.e. what
 *       runJs does before it evaluates the guest; the `JsRuntime.run` round trip of a trivial
 *       contract; the snapshot restored per execution
 *   (b) host call round trip: `near.storageRead` of a 32-byte key, per call (time and fuel)
 *   (c) a 10^6-iteration compute kernel and start-up in OutLayer, Node `vm` and SES Compartments
 *       (SES in a child process: lockdown() freezes the process's own intrinsics)
 * Prints a table, writes bench-results/js.json. See docs/benchmarks.md.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createContext, Script } from 'node:vm';
import { DEFAULT_CONTEXT, bytesToKey, newExecutionState } from '../../src/js/host/state.js';
import { nodeQuickJsSource } from '../../src/js/node/source.js';
import { beginExecution } from '../../src/js/run.js';
import { JsRuntime } from '../../src/js/runtime.js';
import { normalizeOptions } from '../../src/sandbox/options.js';
import { ModulePreparer } from '../../src/sandbox/prepare.js';
import { HOST_KEY, HOST_VALUE, hostCallModules, kernelModule, kernelScript, TRIVIAL_MODULE, TRIVIAL_SCRIPT } from './js-programs.js';
import type { QuickJSWASMModule } from 'quickjs-emscripten-core';
import { loadStock, meteredLoader, quickjsWasmBytes } from './quickjs.js';
import { interleave, machineInfo, median, percentile, printTable, writeResults, type Figure } from './stats.js';

interface Settings {
  /** Timed realm starts / round trips / vm contexts, after `startWarmup` of each. */
  startSamples: number;
  startWarmup: number;
  /** Host calls per execution, and repetitions of the call/no-call pair. */
  hostCalls: number;
  hostReps: number;
  kernelIterations: number;
  kernelReps: number;
}
const FULL: Settings = { startSamples: 2000, startWarmup: 300, hostCalls: 20_000, hostReps: 11, kernelIterations: 1_000_000, kernelReps: 7 };
const QUICK: Settings = { startSamples: 300, startWarmup: 50, hostCalls: 2000, hostReps: 3, kernelIterations: 100_000, kernelReps: 3 };

/** Budget for the host-call and kernel executions (the 10^6 kernel uses about 1.5 × 10^9). */
const BIG_BUDGET = 100_000_000_000n;

interface Part {
  figures: Figure[];
  checks: Record<string, boolean>;
  details: Record<string, unknown>;
}

const root = fileURLToPath(new URL('../../', import.meta.url));
const us = (ms: number): number => ms * 1000;

/**
 * The stock QuickJS wasm (no meter, no realm, no snapshot): a fresh runtime and context, then
 * `code` as a global script. Times creation and evaluation (not disposal), like the vm figures.
 */
function stockRun(qjs: QuickJSWASMModule, code: string): { ms: number; result: string } {
  const t0 = performance.now();
  const runtime = qjs.newRuntime();
  const context = runtime.newContext();
  const value = context.unwrapResult(context.evalCode(code));
  const ms = performance.now() - t0;
  const result = String(context.dump(value));
  value.dispose();
  context.dispose();
  runtime.dispose();
  return { ms, result };
}

async function realmStart(s: Settings, js: JsRuntime, stock: QuickJSWASMModule): Promise<Part & Startups> {
  const options = normalizeOptions({});
  const { engine, realm } = await js.warm(options.maxMemoryMb);
  const ctx = engine.context;
  const timestampMs = Number(options.blockTimestampNs / 1_000_000n);
  const t = { start: [] as number[], restore: [] as number[], control: [] as number[], seed: [] as number[], roundTrip: [] as number[], vm: [] as number[], stock: [] as number[] };
  const outputs = new Set<string>();
  const vmResults = new Set<unknown>();
  const stockResults = new Set<string>();
  /** Fuel of the prelude (the meter is new in begin, so this is control.begin and its arguments). */
  const beginFuel = new Set<bigint>();

  const outlayer = async (keep: boolean): Promise<void> => {
    // A real execution first, so the restore below undoes what a guest leaves behind.
    let t0 = performance.now();
    const r = await js.run(TRIVIAL_MODULE, options);
    const roundTrip = performance.now() - t0;
    outputs.add(`${r.status}:${r.output}`);
    // Then the realm start exactly as runJs does it (beginExecution in src/js/run.ts), after a
    // guest left its state behind; then the snapshot restore alone, to split the figure.
    realm.current = newExecutionState({ context: DEFAULT_CONTEXT, maxLogBytes: options.maxOutputBytes });
    t0 = performance.now();
    realm.seedHex(options.seed);
    const t1 = performance.now();
    const begun = beginExecution(engine, realm, options);
    const t2 = performance.now();
    beginFuel.add(engine.fuel.used());
    realm.current = null;
    if (begun.error) throw new Error('realm start failed (host bug)');
    const t3 = performance.now();
    engine.begin(options.maxInstructions, timestampMs);
    const restore = performance.now() - t3;
    if (!keep) return;
    t.roundTrip.push(roundTrip);
    t.seed.push(t1 - t0);
    t.restore.push(restore);
    t.control.push(Math.max(0, t2 - t1 - restore));
    t.start.push(t2 - t1);
  };
  const vm = (keep: boolean): void => {
    const t0 = performance.now();
    vmResults.add(new Script(TRIVIAL_SCRIPT).runInContext(createContext()));
    if (keep) t.vm.push(performance.now() - t0);
  };
  const bare = (keep: boolean): void => {
    const r = stockRun(stock, TRIVIAL_SCRIPT);
    stockResults.add(r.result);
    if (keep) t.stock.push(r.ms);
  };
  const engines = [outlayer, vm, bare];
  for (let i = 0; i < s.startWarmup + s.startSamples; i++) {
    const keep = i >= s.startWarmup;
    // Alternate the order of the engines; OutLayer's run → prelude order is fixed on purpose.
    for (const e of i % 2 === 0 ? engines : [...engines].reverse()) await e(keep);
  }
  const p = (xs: number[], q: number): number => us(percentile(xs, q));
  const sampled = (xs: number[]): number[] => xs.map(us);
  return {
    figures: [
      { id: 'start.p50_us', label: '(a) realm start p50 (begin + control.begin)', value: p(t.start, 50), unit: 'µs', target: 300, samples: sampled(t.start) },
      { id: 'start.p50_goal_us', label: '(a)   same, against the goal', value: p(t.start, 50), unit: 'µs', target: 100 },
      { id: 'start.p99_us', label: '(a) realm start p99', value: p(t.start, 99), unit: 'µs' },
      { id: 'start.restore_p50_us', label: '(a)   engine.begin (snapshot restore) p50', value: p(t.restore, 50), unit: 'µs', samples: sampled(t.restore) },
      { id: 'start.control_p50_us', label: '(a)   control.begin call p50', value: p(t.control, 50), unit: 'µs', samples: sampled(t.control) },
      { id: 'start.control_fuel', label: '(a)   control.begin fuel', value: Number([...beginFuel][0] ?? 0), unit: 'fuel' },
      { id: 'start.seed_p50_us', label: '(a)   seed hash before begin (not in start) p50', value: p(t.seed, 50), unit: 'µs', samples: sampled(t.seed) },
      { id: 'start.snapshot_bytes', label: '(a) snapshot restored per execution', value: engine.snapshotBytes, unit: 'B' },
      { id: 'roundtrip.p50_us', label: '(a) JsRuntime.run trivial contract p50', value: p(t.roundTrip, 50), unit: 'µs', samples: sampled(t.roundTrip) },
      { id: 'roundtrip.p99_us', label: '(a) JsRuntime.run trivial contract p99', value: p(t.roundTrip, 99), unit: 'µs' },
    ],
    checks: {
      'start: every trivial run ok with output 1': outputs.size === 1 && outputs.has('ok:1'),
      'start: control.begin fuel identical every time': beginFuel.size === 1,
      'start: vm trivial runs returned 1': vmResults.size === 1 && vmResults.has(1),
      'start: stock QuickJS trivial runs returned 1': stockResults.size === 1 && stockResults.has('1'),
    },
    details: { samples: s.startSamples, warmup: s.startWarmup, memoryMb: options.maxMemoryMb, snapshotBytes: engine.snapshotBytes },
    roundTrip: t.roundTrip,
    vm: t.vm,
    stock: t.stock,
  };
}

/** Per-call figures from paired call/no-call executions: time difference and fuel difference over n. */
async function hostCall(s: Settings, js: JsRuntime): Promise<Part> {
  const n = s.hostCalls;
  const { call, base } = hostCallModules(n);
  const options = normalizeOptions({ maxInstructions: BIG_BUDGET });
  const storage = new Map([[bytesToKey(new TextEncoder().encode(HOST_KEY)), HOST_VALUE]]);
  const fuel = { call: new Set<number>(), base: new Set<number>() };
  const outputs = new Set<string>();
  const variant = (which: 'call' | 'base', source: string) => async (): Promise<number> => {
    const t0 = performance.now();
    const r = await js.run(source, options, { storage });
    const ms = performance.now() - t0;
    outputs.add(`${r.status}:${r.output}`);
    fuel[which].add(r.fuel_used);
    return ms;
  };
  const variants = { call: variant('call', call), base: variant('base', base) };
  await interleave(2, variants);
  fuel.call.clear();
  fuel.base.clear();
  const t = await interleave(s.hostReps, variants);
  const perCall = t.call.map((ms, i) => us(ms - t.base[i]!) / n);
  const fuelPerCall = ([...fuel.call][0]! - [...fuel.base][0]!) / n;

  const floor = await ffiFloor(n, s.hostReps);
  return {
    figures: [
      { id: 'host.storage_read_us', label: `(b) near.storageRead 32 B key/value, per call (median of ${s.hostReps} means)`, value: median(perCall), unit: 'µs', target: 5, samples: perCall },
      { id: 'host.storage_read_mean_us', label: '(b)   mean over the repetitions', value: perCall.reduce((a, b) => a + b, 0) / perCall.length, unit: 'µs' },
      { id: 'host.storage_read_fuel', label: '(b)   fuel per call', value: fuelPerCall, unit: 'fuel' },
      { id: 'host.floor_us', label: '(b) floor: no-op ctx.newFunction call, metered QuickJS', value: median(floor.perCall), unit: 'µs', samples: floor.perCall },
      { id: 'host.floor_fuel', label: '(b)   fuel per call', value: floor.fuelPerCall, unit: 'fuel' },
    ],
    checks: {
      'host call: both loops return 32 × n': outputs.size === 1 && outputs.has(`ok:${32 * n}`),
      'host call: fuel identical every repetition': fuel.call.size === 1 && fuel.base.size === 1,
    },
    details: { callsPerExecution: n, reps: s.hostReps, callMs: t.call, baseMs: t.base, fuel: { call: [...fuel.call], base: [...fuel.base] }, floor },
  };
}

/**
 * The cost of quickjs-emscripten's host-function path alone: a fresh metered QuickJS (no realm,
 * no lockdown, no NEAR API) calling a host function that does nothing, minus the same loop.
 */
async function ffiFloor(n: number, reps: number): Promise<{ perCall: number[]; fuelPerCall: number; fuel: { call: string[]; base: string[] } }> {
  const m = await (await meteredLoader(await quickjsWasmBytes()))();
  const runtime = m.qjs.newRuntime();
  const ctx = runtime.newContext();
  const fuel = { call: [] as bigint[], base: [] as bigint[] };
  try {
    const noop = ctx.newFunction('noop', () => undefined);
    ctx.setProp(ctx.global, 'noop', noop);
    noop.dispose();
    const loop = (body: string): string => `(() => { let a = 0; for (let i = 0; i < ${n}; i++) { ${body} } return a; })()`;
    const variant = (which: 'call' | 'base', code: string) => async (): Promise<number> => {
      const f0 = m.meter.used();
      const t0 = performance.now();
      ctx.unwrapResult(ctx.evalCode(code)).dispose();
      const ms = performance.now() - t0;
      fuel[which].push(m.meter.used() - f0);
      return ms;
    };
    const variants = { call: variant('call', loop('noop(); a++;')), base: variant('base', loop('a++;')) };
    await interleave(2, variants);
    const t = await interleave(reps, variants);
    const perCall = t.call.map((ms, i) => us(ms - t.base[i]!) / n);
    // This bare runtime is never restored, so its GC may run at different points: fuel can vary a
    // little between runs (a diagnostic, not a determinism check). Use the last pair.
    const fuelPerCall = Number(fuel.call.at(-1)! - fuel.base.at(-1)!) / n;
    return { perCall, fuelPerCall, fuel: { call: fuel.call.map(String), base: fuel.base.map(String) } };
  } finally {
    ctx.dispose();
    runtime.dispose();
  }
}

interface SesChild {
  start: { ses: number[]; vm: number[] };
  kernel: { ses: number[]; vm: number[] };
  startResults: string[];
  kernelResults: string[];
}

/** Runs scripts/bench/ses-child.ts (lockdown in a process of its own) and returns its samples. */
function sesChild(s: Settings): SesChild {
  const args = [s.startSamples, s.startWarmup, s.kernelReps, s.kernelIterations].map(String);
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts/bench/ses-child.ts'), ...args], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ses-child failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as SesChild;
}

interface SideBySide {
  engine: string;
  startP50: number;
  startP99: number;
  kernelMs: number;
  vsVm: number;
  fuel: string;
}

/** Start-up samples (ms) of the trivial program per engine, from realmStart. */
interface Startups {
  roundTrip: number[];
  vm: number[];
  stock: number[];
}

async function kernel(s: Settings, js: JsRuntime, stock: QuickJSWASMModule, start: Startups): Promise<Part & { table: SideBySide[] }> {
  const options = normalizeOptions({ maxInstructions: BIG_BUDGET });
  const module = kernelModule(s.kernelIterations);
  const script = kernelScript(s.kernelIterations);
  const fuel = new Set<number>();
  const results = { outlayer: new Set<string>(), vm: new Set<string>(), stock: new Set<string>() };
  const variants = {
    outlayer: async (): Promise<number> => {
      const t0 = performance.now();
      const r = await js.run(module, options);
      const ms = performance.now() - t0;
      results.outlayer.add(r.status === 'ok' ? r.output : `${r.status}: ${r.error?.message}`);
      fuel.add(r.fuel_used);
      return ms;
    },
    vm: async (): Promise<number> => {
      const t0 = performance.now();
      const v: unknown = new Script(script).runInContext(createContext());
      const ms = performance.now() - t0;
      results.vm.add(String(v));
      return ms;
    },
    stock: async (): Promise<number> => {
      const r = stockRun(stock, script);
      results.stock.add(r.result);
      return r.ms;
    },
  };
  await interleave(2, variants);
  const t = await interleave(s.kernelReps, variants);
  const ses = sesChild(s);
  const sesVersion = (JSON.parse(readFileSync(join(root, 'node_modules/ses/package.json'), 'utf8')) as { version: string }).version;

  const outlayerMs = median(t.outlayer);
  const vmMs = median(t.vm);
  const sesMs = median(ses.kernel.ses);
  const childVmMs = median(ses.kernel.vm);
  const kernelFuel = [...fuel][0] ?? 0;
  const n = `10^${Math.log10(s.kernelIterations)}`;
  const stockMs = median(t.stock);
  const allResults = new Set([...results.outlayer, ...results.vm, ...results.stock, ...ses.kernelResults]);
  const table: SideBySide[] = [
    { engine: 'OutLayer: metered QuickJS, frozen realm', startP50: us(percentile(start.roundTrip, 50)), startP99: us(percentile(start.roundTrip, 99)), kernelMs: outlayerMs, vsVm: outlayerMs / vmMs, fuel: kernelFuel.toLocaleString('en-US') },
    { engine: 'QuickJS wasm, stock: fresh runtime', startP50: us(percentile(start.stock, 50)), startP99: us(percentile(start.stock, 99)), kernelMs: stockMs, vsVm: stockMs / vmMs, fuel: '-' },
    { engine: 'Node vm: fresh context', startP50: us(percentile(start.vm, 50)), startP99: us(percentile(start.vm, 99)), kernelMs: vmMs, vsVm: 1, fuel: '-' },
    { engine: `SES ${sesVersion}: fresh Compartment (child)`, startP50: us(percentile(ses.start.ses, 50)), startP99: us(percentile(ses.start.ses, 99)), kernelMs: sesMs, vsVm: sesMs / childVmMs, fuel: '-' },
  ];
  return {
    figures: [
      { id: 'kernel.outlayer_ms', label: `(c) kernel ${n}: OutLayer (JsRuntime.run)`, value: outlayerMs, unit: 'ms', samples: t.outlayer },
      { id: 'kernel.outlayer_fuel', label: '(c)   fuel', value: kernelFuel, unit: 'fuel' },
      { id: 'kernel.stock_ms', label: `(c) kernel ${n}: stock QuickJS wasm, no meter/realm`, value: stockMs, unit: 'ms', samples: t.stock },
      { id: 'kernel.outlayer_vs_stock', label: '(c) OutLayer / stock QuickJS (meter + realm)', value: outlayerMs / stockMs, unit: 'x' },
      { id: 'kernel.vm_ms', label: `(c) kernel ${n}: Node vm, fresh context`, value: vmMs, unit: 'ms', samples: t.vm },
      { id: 'kernel.ses_ms', label: `(c) kernel ${n}: SES Compartment (child)`, value: sesMs, unit: 'ms', samples: ses.kernel.ses },
      { id: 'kernel.outlayer_vs_vm', label: '(c) OutLayer / Node vm', value: outlayerMs / vmMs, unit: 'x' },
      { id: 'kernel.ses_vs_vm', label: '(c) SES / Node vm (both in the child)', value: sesMs / childVmMs, unit: 'x' },
      { id: 'startup.stock_p50_us', label: '(c) start-up p50: stock QuickJS newRuntime + newContext + eval', value: us(percentile(start.stock, 50)), unit: 'µs', samples: start.stock.map(us) },
      { id: 'startup.vm_p50_us', label: '(c) start-up p50: Node vm createContext + run', value: us(percentile(start.vm, 50)), unit: 'µs', samples: start.vm.map(us) },
      { id: 'startup.ses_p50_us', label: '(c) start-up p50: new Compartment + evaluate', value: us(percentile(ses.start.ses, 50)), unit: 'µs', samples: ses.start.ses.map(us) },
    ],
    checks: {
      'kernel: fuel identical every repetition': fuel.size === 1,
      'kernel: same result in OutLayer, stock QuickJS, Node vm and SES': allResults.size === 1,
      'ses: trivial evaluations returned 1': ses.startResults.length === 1 && ses.startResults[0] === '1',
    },
    details: {
      iterations: s.kernelIterations,
      reps: s.kernelReps,
      result: [...allResults],
      fuelRuns: [...fuel],
      ses: { version: sesVersion, lockdown: 'defaults', childVmKernelMs: ses.kernel.vm, childVmStartP50Us: us(percentile(ses.start.vm, 50)) },
    },
    table,
  };
}

function printSideBySide(rows: readonly SideBySide[], iterations: number): void {
  const cells = [
    ['engine', 'start-up p50', 'start-up p99', `kernel 10^${Math.log10(iterations)}`, '× Node vm', 'fuel'],
    ...rows.map((r) => [r.engine, `${r.startP50.toFixed(1)} µs`, `${r.startP99.toFixed(1)} µs`, `${r.kernelMs.toFixed(2)} ms`, `${r.vsVm.toFixed(2)}×`, r.fuel]),
  ];
  const widths = cells[0]!.map((_, c) => Math.max(...cells.map((r) => r[c]!.length)));
  const line = (r: string[]): string => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  console.log(line(cells[0]!));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of cells.slice(1)) console.log(line(r));
}

export async function run(args: readonly string[]): Promise<void> {
  const unknown = args.filter((a) => a !== '--quick');
  if (unknown.length) {
    console.error(`js: unknown argument ${unknown[0]}\nusage: npm run bench -- js [--quick]`);
    process.exit(2);
  }
  const s = args.includes('--quick') ? QUICK : FULL;
  const machine = machineInfo();
  console.log(`js benchmark: ${machine.cpu}, ${machine.cores} cores, node ${machine.node}${s === QUICK ? ' (--quick)' : ''}`);
  const js = new JsRuntime({ source: nodeQuickJsSource, preparer: new ModulePreparer() });
  const parts: Record<string, Part> = {};
  let table: SideBySide[] = [];
  try {
    process.stdout.write('  building the engine...\n');
    const t0 = performance.now();
    await js.warm(normalizeOptions({}).maxMemoryMb);
    const engineMs = performance.now() - t0;
    process.stdout.write('  running start...\n');
    const stock = await loadStock();
    const start = await realmStart(s, js, stock);
    parts.start = { ...start, details: { ...start.details, engineCreateMs: engineMs } };
    process.stdout.write('  running host call...\n');
    parts.host = await hostCall(s, js);
    process.stdout.write('  running kernel (and the SES child)...\n');
    const k = await kernel(s, js, stock, start);
    parts.kernel = k;
    table = k.table;
  } finally {
    js.dispose();
  }
  const figures = Object.values(parts).flatMap((p) => p.figures);
  const checks = Object.assign({}, ...Object.values(parts).map((p) => p.checks)) as Record<string, boolean>;
  console.log();
  printTable(figures);
  console.log();
  printSideBySide(table, s.kernelIterations);
  console.log();
  for (const [name, ok] of Object.entries(checks)) console.log(`${ok ? 'ok  ' : 'FAIL'}  ${name}`);
  const details = Object.fromEntries(Object.entries(parts).map(([k, p]) => [k, p.details]));
  const path = await writeResults('js', { area: 'js', quick: s === QUICK, machine, figures, checks, sideBySide: table, details });
  console.log(`\nwrote ${path}`);
  if (Object.values(checks).some((ok) => !ok)) process.exitCode = 1;
}
