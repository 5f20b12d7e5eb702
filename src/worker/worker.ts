/**
 * The server worker (`npx outlayer worker --coordinator URL --token T [--concurrency N]`):
 * claims jobs by long poll, fetches and verifies their artifacts (cached by sha256), runs them in
 * the sandbox pool, heartbeats while they run, and reports signed results. On `drain()` (SIGTERM)
 * it finishes what it holds and claims nothing new; while the coordinator is down it retries with
 * backoff.
 */
import { createOsPool } from '../os/node/pool.js';
import { codeHashHex } from '../contract/node/attest.js';
import type { WasmPool } from '../sandbox/node/pool.js';
import { failure } from '../sandbox/result.js';
import { sha256Hex } from '../sdk/client.js';
import { OutlayerHttpError } from '../sdk/http.js';
import { backoffMs } from '../sdk/near-rpc.js';
import type { Lease } from '../sdk/types.js';
import { WorkerClient } from '../sdk/worker-client.js';
import { jobRunOptions, reportable, toResponse } from './response.js';
import type { WorkerSigner } from './signer.js';

export interface WorkerOptions {
  coordinator: string;
  token: string;
  signer: WorkerSigner;
  /** Jobs run at once (pool threads). Default 1. */
  concurrency?: number;
  /** Long-poll wait per claim (ms). Default 10 s. */
  claimWaitMs?: number;
  /** Artifacts kept in memory (count). Default 64. */
  cacheEntries?: number;
  /** Structured log sink (pino-compatible); default silent. */
  log?: { info: (o: object, msg?: string) => void; warn: (o: object, msg?: string) => void; error: (o: object, msg?: string) => void };
  fetch?: typeof fetch;
}

const SILENT = { info() {}, warn() {}, error() {} };

export class ServerWorker implements AsyncDisposable {
  readonly client: WorkerClient;
  readonly #o: WorkerOptions;
  readonly #pool: WasmPool;
  readonly #cache = new Map<string, Uint8Array>();
  readonly #loops: Promise<void>[] = [];
  readonly #log: NonNullable<WorkerOptions['log']>;
  #draining = false;
  #abort = new AbortController();
  /** Jobs finished (completed or failed) since start. */
  finished = 0;

  private constructor(options: WorkerOptions, pool: WasmPool) {
    this.#o = options;
    this.#pool = pool;
    this.#log = options.log ?? SILENT;
    this.client = new WorkerClient({ coordinator: options.coordinator, token: options.token, ...(options.fetch && { fetch: options.fetch }) });
  }

  /** Registers with the coordinator (retrying until it answers) and starts claiming. */
  static async start(options: WorkerOptions): Promise<ServerWorker> {
    const concurrency = options.concurrency ?? 1;
    const pool = await createOsPool({ size: concurrency });
    const w = new ServerWorker(options, pool);
    await w.#retrying('register', () => w.client.register(options.signer.publicKey));
    for (let i = 0; i < concurrency; i++) w.#loops.push(w.#loop());
    w.#log.info({ concurrency, publicKey: options.signer.publicKey }, 'worker started');
    return w;
  }

  get draining(): boolean {
    return this.#draining;
  }

  /** Stops claiming; resolves when every held job was reported. */
  async drain(): Promise<void> {
    this.#draining = true;
    this.#abort.abort();
    await Promise.all(this.#loops);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.drain();
    await this.#pool.dispose();
  }

  /** Runs `fn` until it succeeds, backing off while the coordinator is unreachable; gives up only when draining. */
  async #retrying<T>(what: string, fn: () => Promise<T>): Promise<T | null> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (e) {
        if (this.#draining && what === 'claim') return null;
        if (e instanceof OutlayerHttpError && e.status >= 400 && e.status < 500 && e.status !== 429) throw e;
        this.#log.warn({ err: (e as Error).message, attempt }, `${what} failed; retrying`);
        await this.#sleep(Math.min(backoffMs(attempt), 5000));
      }
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.#abort.signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
    });
  }

  async #loop(): Promise<void> {
    while (!this.#draining) {
      const lease = await this.#retrying('claim', () => this.client.claim(this.#o.claimWaitMs ?? 10_000, this.#abort.signal));
      if (lease) await this.#handle(lease);
    }
  }

  async #code(sha256: string): Promise<Uint8Array> {
    const hit = this.#cache.get(sha256);
    if (hit) {
      this.#cache.delete(sha256);
      this.#cache.set(sha256, hit);
      return hit;
    }
    const bytes = await this.client.artifact(sha256);
    const got = await sha256Hex(bytes);
    if (got !== sha256) throw new Error(`artifact ${sha256} arrived with hash ${got}`);
    this.#cache.set(sha256, bytes);
    if (this.#cache.size > (this.#o.cacheEntries ?? 64)) this.#cache.delete(this.#cache.keys().next().value!);
    return bytes;
  }

  async #handle(lease: Lease): Promise<void> {
    const job = lease.job;
    const log = { job: job.id, lease: lease.lease_id, attempt: lease.attempt };
    let beat: ReturnType<typeof setInterval> | null = null;
    try {
      const every = Math.max(200, Math.floor((lease.expires_at - Date.now()) / 3));
      beat = setInterval(() => void this.client.heartbeat(lease.lease_id).catch((e) => this.#log.warn({ ...log, err: (e as Error).message }, 'heartbeat failed')), every);
      if (!('sha256' in job.code)) throw new Error('the coordinator leased a job whose code was not built into an artifact');
      let code: Uint8Array;
      try {
        code = await this.#code(job.code.sha256);
      } catch (e) {
        await this.client.fail(lease.lease_id, { kind: 'artifact_unavailable', message: (e as Error).message });
        return;
      }
      // Secrets: decrypted by the coordinator's keystore for this lease only; they live in this
      // job's environment and nowhere else (never logged, never reported).
      let secrets: Record<string, string> = {};
      if (job.secrets_ref) {
        try {
          secrets = await this.client.secrets(lease.lease_id);
        } catch (e) {
          const code = e instanceof OutlayerHttpError ? e.code : 'secrets_unavailable';
          await this.client.fail(lease.lease_id, { kind: code, message: (e as Error).message });
          return;
        }
      }
      const result = await this.#pool
        .run(code, { kind: job.code.kind, ...jobRunOptions(job, secrets) })
        .catch((e: Error) => failure('trap', `the sandbox failed: ${e.message}`));
      const { response, output } = toResponse(result, job.response_format ?? 'Text');
      const attestation = this.#o.signer.attest(job.contract_id ?? `coordinator:${job.id}`, codeHashHex(code), { requestId: job.request_id ?? 0, input: job.input, output, fuel: result.fuel_used });
      const r = await this.#retrying('complete', () => this.client.complete(lease.lease_id, { response, attestation, result: reportable(result) }));
      this.#log.info({ ...log, status: r?.status, success: response.success, fuel: result.fuel_used }, 'job reported');
    } catch (e) {
      this.#log.error({ ...log, err: (e as Error).message }, 'job failed in the worker');
      await this.client.fail(lease.lease_id, { kind: 'worker_error', message: (e as Error).message }).catch(() => {});
    } finally {
      if (beat) clearInterval(beat);
      this.finished++;
    }
  }
}
