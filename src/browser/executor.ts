/**
 * One reusable Web Worker that runs jobs one at a time, with the wall-clock backstop of the Node
 * pool (src/sandbox/node/pool.ts): a job still running at `timeoutMs` has its worker terminated —
 * the result is `timeout` — and a fresh worker takes its place. No guest can hang the page.
 */
import { OutlayerError } from '../errors.js';
import { failure, type ExecutionResult } from '../sandbox/result.js';
import { assetUrl } from './base-url.js';
import type { InitMessage, JobMessage, JobOutcome, WorkerReply } from './protocol.js';

interface Pending {
  msg: JobMessage;
  resolve: (o: JobOutcome) => void;
  reject: (e: Error) => void;
}

interface Live {
  worker: Worker;
  ready: Promise<string | null>;
}

/** A same-origin worker script directly; a cross-origin one (a CDN) through a blob that imports it. */
function spawnWorker(url: string): Worker {
  const here = (globalThis as { location?: { origin: string } }).location?.origin;
  if (here === undefined || new URL(url).origin === here) return new Worker(url);
  const blob = new Blob([`importScripts(${JSON.stringify(url)});`], { type: 'text/javascript' });
  return new Worker(URL.createObjectURL(blob));
}

export class WorkerExecutor {
  private live: Live | null = null;
  private readonly queue: Pending[] = [];
  private running: { job: Pending; timer: ReturnType<typeof setTimeout>; started: number } | null = null;
  private nextId = 1;
  private disposed = false;

  /** `secretKey`: handed to every worker this executor starts, so results can be signed. */
  constructor(private readonly secretKey?: Uint8Array) {}

  /** Starts the worker (if not yet) and resolves with its public key (null without a key). */
  ready(): Promise<string | null> {
    return this.worker().ready;
  }

  submit(msg: Omit<JobMessage, 'id'>): Promise<JobOutcome> {
    if (this.disposed) return Promise.reject(new OutlayerError('pool_disposed', 'the executor was disposed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ msg: { ...msg, id: this.nextId++ }, resolve, reject });
      this.pump();
    });
  }

  async run(msg: Omit<JobMessage, 'id'>): Promise<ExecutionResult> {
    return (await this.submit(msg)).result;
  }

  dispose(): void {
    this.disposed = true;
    const err = new OutlayerError('pool_disposed', 'the executor was disposed before the job finished');
    for (const job of this.queue.splice(0)) job.reject(err);
    if (this.running) {
      clearTimeout(this.running.timer);
      this.running.job.reject(err);
      this.running = null;
    }
    this.live?.worker.terminate();
    this.live = null;
  }

  private worker(): Live {
    if (this.live) return this.live;
    const worker = spawnWorker(assetUrl('outlayer.worker.js'));
    let markReady!: (key: string | null) => void;
    let markFailed!: (e: Error) => void;
    const ready = new Promise<string | null>((resolve, reject) => {
      markReady = resolve;
      markFailed = reject;
    });
    ready.catch(() => {});
    const live: Live = { worker, ready };
    worker.onmessage = (event: MessageEvent<WorkerReply>) => {
      const msg = event.data;
      if (msg.id === undefined) return markReady(msg.publicKey);
      const run = this.running;
      if (!run || run.job.msg.id !== msg.id) return;
      clearTimeout(run.timer);
      this.running = null;
      if (msg.error) run.job.reject(new OutlayerError(msg.error.code === 'artifact_mismatch' ? 'usage' : msg.error.code, msg.error.message));
      else run.job.resolve(msg);
      this.pump();
    };
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault?.();
      const error = new OutlayerError('internal', `the OutLayer Web Worker failed: ${event.message || 'could not load outlayer.worker.js'}`);
      markFailed(error);
      this.replace((job) => job.reject(error));
    };
    const init: InitMessage = { init: { wasmUrl: assetUrl('quickjs.wasm'), ...(this.secretKey && { secretKey: this.secretKey }) } };
    worker.postMessage(init);
    this.live = live;
    return live;
  }

  /** Terminates the current worker (a timeout or a crash); the next job starts a fresh one. */
  private replace(settle: (job: Pending) => void): void {
    this.live?.worker.terminate();
    this.live = null;
    const run = this.running;
    this.running = null;
    if (run) {
      clearTimeout(run.timer);
      settle(run.job);
    }
    this.pump();
  }

  private pump(): void {
    if (this.running || this.disposed) return;
    const job = this.queue.shift();
    if (!job) return;
    const live = this.worker();
    const started = performance.now();
    // The backstop counts from when the job is handed over, not from when the worker booted.
    const timer = setTimeout(() => {
      const elapsed = performance.now() - started;
      this.replace((j) => j.resolve({ result: failure('timeout', `wall-clock limit of ${j.msg.options.timeoutMs} ms reached`, elapsed) }));
    }, job.msg.options.timeoutMs);
    this.running = { job, timer, started };
    live.worker.postMessage(job.msg);
  }
}
