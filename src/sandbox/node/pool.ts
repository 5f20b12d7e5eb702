/**
 * A pre-warmed pool of worker threads that run executions off the main thread, with the
 * wall-clock backstop: a job still running at `timeoutMs` has its thread terminated (the result
 * is `timeout`) and a fresh thread takes its place. No guest can crash or hang the host.
 *
 * @example
 * await using pool = await WasmPool.create();
 * const result = await pool.run(wasmBytes, { input: '{"seed":1}', maxInstructions: 1e8 });
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { OutlayerError } from '../../errors.js';
import { applyNearChanges, type NearSyscallContext } from '../near.js';
import { normalizeOptions, type RunOptions } from '../options.js';
import { failure, type ExecutionResult } from '../result.js';
import { defaultCacheDir } from './disk-store.js';
import { detectKind, toWire, type CodeKind, type WorkerRequest, type WorkerResponse } from './protocol.js';
import { workerEntry } from './worker-entry.js';

export interface PoolOptions {
  /** Threads (default: available cores, at least 1, at most 8). */
  size?: number;
  /** Directory of the instrumented-module cache; null disables the disk tier. */
  cacheDir?: string | null;
  /** V8 stack of each thread in MiB (default 4; the deterministic limit uses about 0.5). */
  stackSizeMb?: number;
  /** Thread entry script (default: WebAssembly only; src/js/node/pool.ts passes one that adds JS). */
  worker?: URL;
}

/** Options of one job: the run options plus what kind of code it is. */
export interface JobOptions extends RunOptions {
  /** 'wasm', 'js' or (in the guest OS's pool, src/os/node/pool.ts) 'sh'; detected from the bytes when absent (`\0asm` ⇒ wasm, else js). */
  kind?: CodeKind;
  /** JS: the exported function to call (default "execute"). */
  entry?: string;
}

interface Job {
  id: number;
  kind: CodeKind;
  entry: string | undefined;
  code: Uint8Array;
  options: WorkerRequest['options'];
  /** The caller's NEAR context, which the thread's changes are copied into. */
  near: NearSyscallContext | undefined;
  resolve: (r: ExecutionResult) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  /** Settles when the thread has loaded; rejects if it dies first. */
  ready: Promise<void>;
  isReady: boolean;
  job: Job | null;
  timer: ReturnType<typeof setTimeout> | null;
  started: number;
}

const WASM_WORKER = workerEntry(import.meta.url, './pool-worker', 'pool-worker');

export class WasmPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private disposed = false;
  private readonly cacheDir: string | null;
  private readonly stackSizeMb: number;
  private readonly workerUrl: URL;

  private constructor(options: PoolOptions) {
    const size = options.size ?? Math.min(8, Math.max(1, availableParallelism()));
    if (!Number.isInteger(size) || size < 1 || size > 64) throw new OutlayerError('usage', `pool size must be an integer from 1 to 64, got ${size}`);
    this.cacheDir = options.cacheDir === undefined ? defaultCacheDir() : options.cacheDir;
    this.stackSizeMb = options.stackSizeMb ?? 4;
    this.workerUrl = options.worker ?? WASM_WORKER;
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  /** Creates the pool and waits until every thread is ready. */
  static async create(options: PoolOptions = {}): Promise<WasmPool> {
    const pool = new WasmPool(options);
    try {
      await Promise.all(pool.slots.map((s) => s.ready));
    } catch (e) {
      await pool.dispose();
      throw e;
    }
    return pool;
  }

  get size(): number {
    return this.slots.length;
  }

  /**
   * Runs a WASI command (or, in a JS pool, a JS module given as bytes or source text).
   * Guest failures resolve as results; bad options reject with `usage`.
   */
  run(code: Uint8Array | string, options: JobOptions = {}): Promise<ExecutionResult> {
    if (this.disposed) return Promise.reject(new OutlayerError('pool_disposed', 'the pool has been disposed'));
    const bytes = typeof code === 'string' ? new TextEncoder().encode(code) : code;
    if (!(bytes instanceof Uint8Array)) return Promise.reject(new OutlayerError('usage', 'code must be a Uint8Array or a string'));
    const { kind = detectKind(bytes), entry, ...runOptions } = options;
    let normalized;
    try {
      if (kind !== 'wasm' && kind !== 'js' && kind !== 'sh') throw new OutlayerError('usage', `kind must be "wasm", "js" or "sh", got ${JSON.stringify(kind)}`);
      if (entry !== undefined && (typeof entry !== 'string' || kind !== 'js')) throw new OutlayerError('usage', 'entry is a string and applies to JS only');
      if (runOptions.near !== undefined && !(runOptions.near?.storage instanceof Map)) throw new OutlayerError('usage', 'near.storage must be a Map to cross to a pool thread');
      normalized = toWire(normalizeOptions(runOptions));
    } catch (e) {
      return Promise.reject(e);
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, kind, entry, code: bytes, options: normalized, near: runOptions.near, resolve, reject });
      this.dispatch();
    });
  }

  private spawn(): Slot {
    const worker = new Worker(this.workerUrl, {
      workerData: { cacheDir: this.cacheDir },
      resourceLimits: { stackSizeMb: this.stackSizeMb },
    });
    worker.unref();
    let markReady!: () => void;
    let markFailed!: (e: Error) => void;
    const ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      markFailed = reject;
    });
    ready.catch(() => {});
    const slot: Slot = { worker, ready, isReady: false, job: null, timer: null, started: 0 };
    worker.on('message', (msg: WorkerResponse) => {
      if (msg.id === undefined) {
        slot.isReady = true;
        markReady();
        this.dispatch();
        return;
      }
      const job = slot.job;
      if (!job || job.id !== msg.id) return;
      this.finish(slot);
      if (msg.error) job.reject(new OutlayerError(msg.error.code, msg.error.message));
      else {
        if (job.near && msg.near) applyNearChanges(job.near, msg.near);
        job.resolve(msg.result);
      }
      this.dispatch();
    });
    const died = (why: string): void => {
      const error = new OutlayerError('internal', `execution thread ${why}`);
      if (!slot.isReady) {
        // A thread that cannot even start would fail again: do not respawn it in a loop.
        markFailed(error);
        this.retire(slot);
        return;
      }
      this.replace(slot, (job) => job.reject(error));
    };
    worker.on('error', (err) => died(`failed: ${err.message}`));
    worker.on('exit', (code) => died(`exited unexpectedly (code ${code})`));
    return slot;
  }

  private finish(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    slot.job = null;
    slot.worker.unref();
  }

  /** Replaces a slot's thread (after a timeout or a crash) with a fresh one. */
  private replace(slot: Slot, settle: (job: Job) => void): void {
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    const job = slot.job;
    if (!this.disposed) this.slots.splice(index + 1, 0, this.spawn());
    this.retire(slot);
    if (job) settle(job);
  }

  /** Stops a slot's thread and removes it; pending work is failed when no thread is left. */
  private retire(slot: Slot): void {
    const index = this.slots.indexOf(slot);
    if (index >= 0) this.slots.splice(index, 1);
    this.finish(slot);
    slot.worker.removeAllListeners();
    slot.worker.on('error', () => {});
    void slot.worker.terminate();
    if (this.slots.length === 0) {
      for (const job of this.queue.splice(0)) job.reject(new OutlayerError('internal', 'no execution thread could be started'));
    }
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const slot = this.slots.find((s) => s.job === null && s.isReady);
      if (!slot) return;
      const job = this.queue.shift()!;
      slot.job = job;
      slot.started = performance.now();
      slot.worker.ref();
      slot.timer = setTimeout(() => {
        const elapsed = performance.now() - slot.started;
        this.replace(slot, (j) => j.resolve(failure('timeout', `wall-clock limit of ${j.options.timeoutMs} ms reached`, elapsed)));
      }, job.options.timeoutMs);
      const msg: WorkerRequest = { id: job.id, kind: job.kind, entry: job.entry, code: job.code, options: job.options };
      slot.worker.postMessage(msg);
    }
  }

  /** Stops every thread; queued and running jobs reject with `pool_disposed`. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const err = new OutlayerError('pool_disposed', 'the pool was disposed before the job finished');
    for (const job of this.queue.splice(0)) job.reject(err);
    const slots = this.slots.splice(0);
    await Promise.all(
      slots.map(async (s) => {
        const job = s.job;
        this.finish(s);
        s.worker.removeAllListeners();
        s.worker.on('error', () => {});
        if (job) job.reject(err);
        await s.worker.terminate();
      }),
    );
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }
}
