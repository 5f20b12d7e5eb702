/**
 * SQLite (sql.js's wasm build) metered by L1, one fresh instance per sqlite3 process.
 *
 * `SqliteLoader.load()` does the host-side, asynchronous work once: reads the wasm and glue,
 * instruments the wasm (`ModulePreparer`, cached) and evaluates the glue. `loader.open(host)`
 * then makes a process's instance without any host I/O (only promise jobs), so it can run inside
 * the OS's deterministic schedule: a capped Memory, the glue run against shadowed globals
 * (./guest-globals.ts), its imports made deterministic (./deterministic-imports.ts), and the
 * instrumented module instantiated synchronously in emscripten's `instantiateWasm` hook.
 *
 * Fuel: every entry into the wasm goes through `session.metered()`, which gives the L1 meter
 * what is left of the OS's budget (`fuelLeft()`), runs the call, and charges exactly what the
 * wasm used (plus the bytes moved across, one fuel each). An exhausted meter ends the OS run
 * with out_of_fuel (by charging more than is left, as ../wasi-program.ts does); any other trap
 * marks the instance broken and surfaces as a `SqliteTrap` for the program to report.
 */
import { FuelMeter } from '../../sandbox/meter/runtime.js';
import { GROW_PAGE_FUEL, MEMORY_IMPORT } from '../../sandbox/meter/costs.js';
import type { ModulePreparer, PreparedModule } from '../../sandbox/prepare.js';
import { GuestAbort } from '../../sandbox/signals.js';
import { FUEL } from '../types.js';
import { makeImportsDeterministic } from './deterministic-imports.js';
import { guestGlobals, RandomStream } from './guest-globals.js';
import type { SqlJsDatabase, SqlJsGlue, SqlJsModule, SqliteSource } from './source.js';

const PAGE = 65536;
/** Default memory cap of one sqlite3 process. */
export const DEFAULT_SQLITE_MEMORY_MB = 256;
/** Fuel for emscripten's start-up code; what it used is then charged to the process. */
const INIT_FUEL = 10n ** 12n;
/** Charged to end the OS when SQLite itself ran out of fuel (far above any budget). */
const EXHAUST = Number.MAX_SAFE_INTEGER;

export interface SqliteLoaderOptions {
  source: SqliteSource;
  preparer: ModulePreparer;
  /** Memory cap of each instance in MiB (default 256). */
  memoryMb?: number;
}

/** What a process gives its instance: the OS's fuel and clock, and the seed of its randomness. */
export interface SqliteHost {
  fuelLeft(): bigint;
  charge(fuel: number): void;
  nowMs(): number;
  seed: string;
}

/** SQLite stopped by a trap (not fuel): the instance can no longer be used. */
export class SqliteTrap extends Error {
  override name = 'SqliteTrap';
  constructor(
    readonly kind: string,
    message: string,
  ) {
    super(message);
  }
}

export class SqliteLoader {
  private constructor(
    readonly prepared: PreparedModule,
    private readonly glue: SqlJsGlue,
    readonly memoryMb: number,
  ) {}

  static async load(o: SqliteLoaderOptions): Promise<SqliteLoader> {
    const memoryMb = o.memoryMb ?? DEFAULT_SQLITE_MEMORY_MB;
    if (!Number.isFinite(memoryMb) || memoryMb < 1 || memoryMb > 2048) throw new Error(`sqlite3: memoryMb must be 1–2048, got ${memoryMb}`);
    const [wasm, glue] = await Promise.all([o.source.wasm(), o.source.glue()]);
    const prepared = await o.preparer.prepare(wasm);
    if (!prepared.memory || prepared.memoryImport?.module !== MEMORY_IMPORT.module) throw new Error('sqlite3: the SQLite wasm does not define its memory (unexpected sql.js build)');
    if (prepared.memory.min * PAGE > memoryMb * 1048576) throw new Error(`sqlite3: the SQLite wasm needs ${Math.ceil((prepared.memory.min * PAGE) / 1048576)} MiB, above the ${memoryMb} MiB cap`);
    return new SqliteLoader(prepared, glue, memoryMb);
  }

  /** A fresh instance for one process. Only promise jobs: no host I/O, no timers. */
  async open(host: SqliteHost): Promise<SqliteSession> {
    const prepared = this.prepared;
    const maxPages = Math.floor((this.memoryMb * 1048576) / PAGE);
    const memory = new WebAssembly.Memory({ initial: prepared.memory!.min, maximum: maxPages });
    const { globals, messages } = guestGlobals({ nowMs: host.nowMs }, new RandomStream(host.seed));
    let instance: WebAssembly.Instance | null = null;
    let session: SqliteSession | null = null;
    const meter = new FuelMeter(INIT_FUEL);
    const init = this.glue(globals);
    const module = await init({
      useOldExtensionFunctions: false,
      instantiateWasm(imports: Record<string, Record<string, unknown>>, done: (i: WebAssembly.Instance, m: WebAssembly.Module) => void) {
        const ns = imports.a;
        if (!ns || Object.keys(imports).length !== 1) throw new Error('sqlite3: unexpected import namespaces in the sql.js glue');
        makeImportsDeterministic(ns, {
          nowMs: host.nowMs,
          memory: () => memory,
          maxBytes: maxPages * PAGE,
          onGrow: (pages) => session?.chargeGrow(pages),
        });
        instance = new WebAssembly.Instance(prepared.module, { ...imports, [MEMORY_IMPORT.module]: { [MEMORY_IMPORT.name]: memory } } as WebAssembly.Imports);
        meter.attach(instance);
        const start = instance.exports.__outlayer_start;
        if (typeof start === 'function') start();
        done(instance, prepared.module);
        return {};
      },
    });
    if (!instance) throw new Error('sqlite3: the sql.js glue did not instantiate the wasm');
    // Start-up is the same work every time: charge it like any other call.
    host.charge(Number(meter.used()));
    session = new SqliteSession(module, instance, memory, host, messages);
    return session;
  }
}

export class SqliteSession {
  broken = false;
  private meter: FuelMeter | null = null;
  private readonly encoder = new TextEncoder();

  constructor(
    readonly module: SqlJsModule,
    private readonly instance: WebAssembly.Instance,
    private readonly memory: WebAssembly.Memory,
    private readonly host: SqliteHost,
    /** What the glue printed (emscripten's stdout/stderr). */
    readonly messages: string[],
  ) {}

  /**
   * Runs `fn` (which calls into the wasm, synchronously) with the meter loaded with what is left
   * of the OS's budget, then charges what the wasm used plus `bytes`.
   */
  metered<T>(fn: () => T, bytes = 0): T {
    if (this.broken) throw new SqliteTrap('trap', 'SQLite stopped earlier in this process');
    const meter = new FuelMeter(this.host.fuelLeft());
    meter.attach(this.instance);
    this.meter = meter;
    let result: T;
    try {
      result = fn();
    } catch (e) {
      this.meter = null;
      const trap = e instanceof WebAssembly.RuntimeError || meter.tripped() || (e instanceof RangeError && /call stack/i.test(e.message)) || e instanceof GuestAbort;
      if (!trap) {
        // An SQLite error the glue turned into an exception (e.g. export while a write is open).
        this.host.charge(Number(meter.used()) + bytes);
        throw e;
      }
      const reason = meter.classify(e);
      this.broken = true;
      if (reason.kind === 'out_of_fuel') this.host.charge(EXHAUST);
      this.host.charge(Number(meter.used()));
      throw new SqliteTrap(reason.kind, reason.kind === 'exit' ? `exit ${reason.code}` : reason.message);
    }
    this.meter = null;
    this.host.charge(Number(meter.used()) + bytes);
    return result;
  }

  /**
   * Retires the instance at the end of its process: nothing can call into it any more, and its
   * memory goes with the last reference (SQLite's own teardown is not run; there is nothing
   * outside the instance to release).
   */
  dispose(): void {
    this.broken = true;
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  /** Charges host work on SQLite's behalf (bytes moved in or out). */
  chargeBytes(n: number): void {
    this.host.charge(n * FUEL.byte);
  }

  /** Memory grown from JS (emscripten_resize_heap) is charged like `memory.grow` in the wasm. */
  chargeGrow(pages: number): void {
    this.meter?.charge(pages * GROW_PAGE_FUEL);
  }

  // ---- memory (call inside `metered`) ----

  private get heap(): Uint8Array {
    return new Uint8Array(this.memory.buffer);
  }

  /** A NUL-terminated copy of `bytes` in the guest heap (free it with `free`). */
  cstring(bytes: Uint8Array | string): number {
    const b = typeof bytes === 'string' ? this.encoder.encode(bytes) : bytes;
    const ptr = this.module._malloc(b.length + 1);
    if (ptr === 0) throw new SqliteTrap('trap', 'out of memory');
    const heap = this.heap;
    heap.set(b, ptr);
    heap[ptr + b.length] = 0;
    return ptr;
  }

  free(ptr: number): void {
    this.module._free(ptr);
  }

  malloc(n: number): number {
    const ptr = this.module._malloc(n);
    if (ptr === 0) throw new SqliteTrap('trap', 'out of memory');
    return ptr;
  }

  i32(ptr: number): number {
    return new DataView(this.memory.buffer).getInt32(ptr, true);
  }

  setI32(ptr: number, value: number): void {
    new DataView(this.memory.buffer).setInt32(ptr, value, true);
  }

  /** A copy of `n` bytes at `ptr`. */
  bytes(ptr: number, n: number): Uint8Array {
    return this.heap.slice(ptr, ptr + n);
  }

  /** The bytes of the C string at `ptr` (without its NUL). */
  cbytes(ptr: number): Uint8Array {
    const heap = this.heap;
    let end = ptr;
    while (heap[end] !== 0) end++;
    return heap.slice(ptr, end);
  }

  call(name: `_sqlite3_${string}`, ...args: number[]): number {
    const fn = this.module[name];
    if (typeof fn !== 'function') throw new Error(`sqlite3: sql.js does not export ${name}`);
    return fn(...args);
  }

  /** Opens `data` (or a new database) the sql.js way: a MEMFS file opened by the unix VFS. */
  openDatabase(data: Uint8Array | null): SqlJsDatabase {
    return this.metered(() => new this.module.Database(data), data?.length ?? 0);
  }

  /** The database file's bytes (sql.js `export`, a backup into a fresh buffer). */
  exportDatabase(db: SqlJsDatabase): Uint8Array {
    const out = this.metered(() => db.export());
    this.host.charge(out.length * FUEL.byte);
    return out;
  }
}
