/**
 * `OutLayer.BrowserWorker`: a browser tab as an OutLayer worker. It registers an ed25519 key made
 * in the page (the browser holds no chain key: it only signs results, and the coordinator resolves
 * on-chain), claims jobs by long poll, fetches each artifact, and has the Web Worker verify its
 * sha256, run it and sign the result — the protocol of the Node worker (src/worker/worker.ts)
 * over src/sdk/worker-client.ts.
 *
 * @example
 * const w = new OutLayer.BrowserWorker({ coordinator: 'http://127.0.0.1:8080', token: 'worker-token' });
 * w.addEventListener('status', (e) => console.log(e.detail.status));
 * await w.start();
 */
import { OutlayerHttpError } from '../sdk/http.js';
import { backoffMs } from '../sdk/near-rpc.js';
import type { Lease } from '../sdk/types.js';
import { WorkerClient } from '../sdk/worker-client.js';
import { WorkerExecutor } from './executor.js';
import { jobOptions } from './run.js';
import { jobRunOptions, reportable } from '../worker/response.js';

export type WorkerState = 'idle' | 'registering' | 'polling' | 'running' | 'reporting' | 'backoff' | 'stopped';

export interface WorkerStatus {
  status: WorkerState;
  /** The job being run or reported. */
  jobId?: string;
  /** What went wrong (backoff, a failed job). */
  message?: string;
  completed: number;
  failed: number;
}

export interface BrowserWorkerOptions {
  coordinator: string;
  token: string;
  /** Long-poll wait per claim in ms (default 10 s). */
  claimWaitMs?: number;
  onStatus?: (status: WorkerStatus) => void;
}

export class BrowserWorker extends EventTarget {
  readonly client: WorkerClient;
  /** `ed25519:<base58>` once started. */
  publicKey: string | null = null;
  workerId: string | null = null;
  completed = 0;
  failed = 0;
  #status: WorkerState = 'idle';
  #o: BrowserWorkerOptions;
  #executor: WorkerExecutor;
  #abort = new AbortController();
  #loop: Promise<void> | null = null;
  #stopping = false;

  constructor(options: BrowserWorkerOptions) {
    super();
    if (!options || typeof options.coordinator !== 'string' || typeof options.token !== 'string') throw new TypeError('BrowserWorker needs { coordinator, token }');
    this.#o = options;
    this.client = new WorkerClient({ coordinator: options.coordinator, token: options.token });
    // A fresh key per worker object: 32 random bytes are an ed25519 secret key (RFC 8032 §5.1.5).
    this.#executor = new WorkerExecutor(crypto.getRandomValues(new Uint8Array(32)));
  }

  get status(): WorkerState {
    return this.#status;
  }

  #set(status: WorkerState, extra: { jobId?: string; message?: string } = {}): void {
    this.#status = status;
    const detail: WorkerStatus = { status, ...extra, completed: this.completed, failed: this.failed };
    this.#o.onStatus?.(detail);
    this.dispatchEvent(new CustomEvent('status', { detail }));
  }

  /** Registers the key (retrying while the coordinator is unreachable) and starts claiming jobs. */
  async start(): Promise<void> {
    if (this.#loop) return;
    this.#stopping = false;
    this.#abort = new AbortController();
    this.#set('registering');
    this.publicKey = await this.#executor.ready();
    const reg = await this.#retrying(() => this.client.register(this.publicKey!, 'browser'));
    if (!reg) return;
    this.workerId = reg.worker_id;
    this.#loop = this.#run();
  }

  /** Stops claiming, waits for the job in hand to be reported, and stops the Web Worker. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#abort.abort();
    await this.#loop;
    this.#loop = null;
    this.#executor.dispose();
    this.#set('stopped');
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.#abort.signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
    });
  }

  async #retrying<T>(fn: () => Promise<T>): Promise<T | null> {
    for (let attempt = 0; !this.#stopping; attempt++) {
      try {
        return await fn();
      } catch (e) {
        if (this.#stopping) return null;
        if (e instanceof OutlayerHttpError && e.status >= 400 && e.status < 500 && e.status !== 429) throw e;
        this.#set('backoff', { message: (e as Error).message });
        await this.#sleep(Math.min(backoffMs(attempt), 5000));
      }
    }
    return null;
  }

  async #run(): Promise<void> {
    while (!this.#stopping) {
      this.#set('polling');
      const lease = await this.#retrying(() => this.client.claim(this.#o.claimWaitMs ?? 10_000, this.#abort.signal));
      if (lease) await this.#handle(lease);
    }
  }

  async #handle(lease: Lease): Promise<void> {
    const job = lease.job;
    const every = Math.max(200, Math.floor((lease.expires_at - Date.now()) / 3));
    const beat = setInterval(() => void this.client.heartbeat(lease.lease_id).catch(() => {}), every);
    this.#set('running', { jobId: job.id });
    try {
      if (!('sha256' in job.code)) throw new Error('the coordinator leased a job whose code was not built into an artifact');
      let code: Uint8Array;
      try {
        code = await this.client.artifact(job.code.sha256);
      } catch (e) {
        await this.client.fail(lease.lease_id, { kind: 'artifact_unavailable', message: (e as Error).message });
        this.failed++;
        return;
      }
      let secrets: Record<string, string> = {};
      if (job.secrets_ref) secrets = await this.client.secrets(lease.lease_id);
      const options = jobOptions(jobRunOptions(job, secrets));
      const outcome = await this.#executor.submit({
        kind: job.code.kind,
        code,
        options,
        sign: { sha256: job.code.sha256, contractId: job.contract_id ?? `coordinator:${job.id}`, requestId: job.request_id ?? 0, input: job.input, format: job.response_format ?? 'Text' },
      });
      this.#set('reporting', { jobId: job.id });
      await this.#retrying(() => this.client.complete(lease.lease_id, { response: outcome.response!, attestation: outcome.attestation!, result: reportable(outcome.result) }));
      this.completed++;
    } catch (e) {
      this.failed++;
      this.#set('backoff', { jobId: job.id, message: (e as Error).message });
      await this.client.fail(lease.lease_id, { kind: 'worker_error', message: (e as Error).message }).catch(() => {});
    } finally {
      clearInterval(beat);
    }
  }
}
