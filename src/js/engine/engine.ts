/**
 * L3: QuickJS compiled to WebAssembly, metered by L1, with one hardened realm (L4) built once
 * and snapshotted. Each execution restores the snapshot, so every guest starts from the same
 * fresh realm (nothing leaks between executions) in microseconds.
 *
 * Lifecycle: `JsEngine.create()` loads the metered wasm, builds the runtime and context,
 * installs the host API and locks the realm down, then snapshots memory. `run()` executes one
 * guest. After a wasm trap (fuel, stack, memory) the instance may be stopped half-way through
 * C code, e.g. inside malloc, so the engine marks itself `broken` and must be replaced.
 */
import releaseSync from '@jitl/quickjs-wasmfile-release-sync';
import { newQuickJSWASMModuleFromVariant, newVariant, type QuickJSContext, type QuickJSHandle, type QuickJSRuntime, type QuickJSSyncVariant } from 'quickjs-emscripten-core';
import { FuelMeter } from '../../sandbox/meter/runtime.js';
import type { ModulePreparer, PreparedModule } from '../../sandbox/prepare.js';
import { makeImportsDeterministic } from './deterministic-imports.js';
import type { ModuleCache } from '../module-cache.js';
import { locateBreak, restoreSnapshot, takeSnapshot, type Snapshot } from './snapshot.js';
import type { QuickJsSource } from './source.js';

const PAGE = 65536;
/** The QuickJS wasm declares 16 MiB of initial memory; smaller caps are enforced by QuickJS's allocator limit. */
const MIN_WASM_PAGES = 256;
/** Fuel for building the engine (not charged to any guest). */
const INIT_FUEL = 10n ** 15n;

export interface EngineOptions {
  source: QuickJsSource;
  preparer: Pick<ModulePreparer, 'prepare'>;
  /** Memory cap in MiB: the wasm memory and QuickJS's allocator limit. */
  memoryMb: number;
  /** Builds the realm: runs inside `create()` after the context exists, before the snapshot. */
  setup(engine: JsEngine): void;
}

/** Per-execution clock for the glue's native time source. */
interface Clock {
  nowMs: number;
}

export class JsEngine {
  broken = false;
  /** Evaluated modules of this engine (../module-cache.ts); null when caching is off. */
  moduleCache: ModuleCache | null = null;
  private snapshot: Snapshot | null = null;
  private dirty = false;

  private constructor(
    readonly memoryMb: number,
    readonly memory: WebAssembly.Memory,
    private instance: WebAssembly.Instance,
    readonly runtime: QuickJSRuntime,
    readonly context: QuickJSContext,
    private meter: FuelMeter,
    private readonly clock: Clock,
  ) {}

  static async create(options: EngineOptions): Promise<JsEngine> {
    const prepared: PreparedModule = await options.preparer.prepare(await options.source.wasm());
    const pages = Math.max(MIN_WASM_PAGES, Math.ceil((options.memoryMb * 1048576) / PAGE));
    // Created at its cap: emscripten never grows memory from JS (where the meter cannot see it).
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    const clock: Clock = { nowMs: 0 };
    const meter = new FuelMeter(INIT_FUEL);
    let instance: WebAssembly.Instance | null = null;
    let emscripten: { _malloc(n: number): number; _free(p: number): void } | null = null;

    // The package's FFI with our glue (see ./source.ts).
    const base = releaseSync as unknown as QuickJSSyncVariant;
    const variant = newVariant(
      { type: 'sync', importFFI: base.importFFI, importModuleLoader: options.source.glue } as unknown as QuickJSSyncVariant,
      {
        wasmMemory: memory,
        emscriptenModule: {
          instantiateWasm(this: typeof emscripten, imports: WebAssembly.Imports, done: (i: WebAssembly.Instance, m: WebAssembly.Module) => void) {
            emscripten = this;
            const ns = imports.a as Record<string, unknown>;
            makeImportsDeterministic(ns, { nowMs: () => clock.nowMs }, () => new Int32Array(memory.buffer));
            instance = new WebAssembly.Instance(prepared.module, imports);
            meter.attach(instance);
            const start = instance.exports.__outlayer_start;
            if (typeof start === 'function') start();
            done(instance, prepared.module);
            return {};
          },
        } as never,
      },
    );
    const quickjs = await newQuickJSWASMModuleFromVariant(variant);
    // Find the heap break before building anything: the probe's freed block then holds the
    // realm, instead of inflating the snapshot (see ./snapshot.ts).
    const em = emscripten as unknown as { _malloc(n: number): number; _free(p: number): void };
    const breakPtr = locateBreak(memory, em._malloc, em._free);
    const runtime = quickjs.newRuntime();
    runtime.setMemoryLimit(Math.floor(options.memoryMb * 1048576));
    const context = runtime.newContext();
    if (!instance) throw new Error('QuickJS glue did not instantiate the wasm');
    const engine = new JsEngine(options.memoryMb, memory, instance, runtime, context, meter, clock);
    options.setup(engine);
    // quickjs-emscripten creates some handles lazily; create them now so they are in the snapshot.
    void context.global;
    void context.undefined;
    void context.null;
    void context.true;
    void context.false;
    engine.snapshot = takeSnapshot(memory, breakPtr);
    return engine;
  }

  /** Bytes restored per execution (static data + live stack + heap): a benchmark figure. */
  get snapshotBytes(): number {
    return this.snapshot?.bytes.length ?? 0;
  }

  /** The heap break of the base snapshot (everything built with the realm lies below it). */
  get baseBreak(): number {
    return this.snapshot?.breakAtSnapshot ?? 0;
  }

  /** The meter of the current execution (host functions charge it). */
  get fuel(): FuelMeter {
    return this.meter;
  }

  /**
   * Starts an execution: restores the snapshot if a previous one ran, loads the budget and
   * sets the native clock. Every guest-visible effect after this is metered.
   */
  begin(budget: bigint, blockTimestampMs: number): void {
    if (this.broken) throw new Error('engine is broken: create a new one');
    if (this.dirty && this.snapshot) restoreSnapshot(this.memory, this.snapshot);
    this.dirty = true;
    this.clock.nowMs = blockTimestampMs;
    this.meter = new FuelMeter(budget);
    this.meter.attach(this.instance);
  }

  /**
   * Between calls into the wasm (no guest frame live): continues the execution with a fresh
   * meter holding `budget`. A guest-OS process resumes this way with what the OS has left after
   * other processes ran; `fuel.used()` then counts from this point.
   */
  refuel(budget: bigint): void {
    if (this.broken) throw new Error('engine is broken: create a new one');
    this.meter = new FuelMeter(budget);
    this.meter.attach(this.instance);
  }

  /** Snapshots the memory as it is now (between calls into the wasm), for the module cache. */
  captureSnapshot(): Snapshot {
    if (!this.snapshot) throw new Error('engine has no base snapshot');
    return takeSnapshot(this.memory, this.snapshot.breakPtr);
  }

  /**
   * Puts the memory back to `snap` in the middle of an execution (between calls into the wasm),
   * zeroing what was written beyond it; the meter is left as it is.
   */
  restoreTo(snap: Snapshot): void {
    restoreSnapshot(this.memory, snap);
    this.dirty = true;
  }

  /** Evaluates global code during setup (unmetered budget), returning the result handle. */
  evalSetup(code: string, filename: string): QuickJSHandle {
    const r = this.context.evalCode(code, filename, { type: 'global', strict: true });
    if (r.error) {
      const err = this.context.dump(r.error);
      r.error.dispose();
      throw new Error(`engine setup failed in ${filename}: ${JSON.stringify(err)}`);
    }
    return r.value;
  }

  /**
   * Retires the engine. QuickJS's own teardown is not run: the whole wasm instance and its
   * memory are dropped to the garbage collector, which frees everything at once (and a heap
   * stopped half-way by a trap could not be torn down cleanly anyway).
   */
  dispose(): void {
    this.broken = true;
    this.snapshot = null;
    this.moduleCache = null;
  }

}
