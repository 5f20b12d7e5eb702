/**
 * The coordinator's durable job queue with leases: nothing is lost when any process dies.
 *
 * A worker `claim`s a job and gets a lease that it keeps alive with `heartbeat`; it reports with
 * `complete` or `fail`. A lease that is not renewed expires: the job goes back to the queue (the
 * sweeper timer, and every claim, check), and after `maxAttempts` leases it fails with a
 * `timeout` error. The first report for an unfinished job wins, even from an expired lease (the
 * work was done); every later report is answered `{duplicate: true}` and changes nothing, so two
 * workers racing for one job give one result.
 *
 * Finished jobs wait in a persistent outbox until `ackFinished`: `onFinished` listeners are called
 * when a job finishes and, for everything still unacknowledged, when they subscribe (so after a
 * restart) and on `redeliver()`. Delivery is at-least-once; the chain resolver makes resolving
 * idempotent with the storage's resolution records.
 *
 * All state lives in the storage; this class only adds the clock, long-poll waiters, the sweeper
 * timer and listeners. One queue per storage (one coordinator process per SQLite file).
 *
 * @example
 * const queue = new JobQueue(SqliteStorage.open(dataDir));
 * queue.onFinished(async (job, outcome) => { await resolveOnChain(job, outcome); await queue.ackFinished(job.id); });
 * await queue.enqueue({ id: 'api:…', source: 'api', code: { sha256, kind: 'wasm' }, input: '', limits });
 * const lease = await queue.claim('worker-1', { waitMs: 25_000 });
 * if (lease) await queue.complete(lease.lease_id, result);
 */
import { createHash, randomUUID } from 'node:crypto';
import { OutlayerError } from '../../errors.js';
import type { CodeKind, FinishAnswer, JobError, JobOutcome, JobPage, JobRecord, JobSpec, JobState, JobStats, LeaseRecord, QueueStore } from '../storage/types.js';
import { QueueError } from './errors.js';
import { validateJob, type NewJob } from './job.js';

export interface JobQueueOptions {
  /** How long a lease lasts without a heartbeat (default 30 000 ms). */
  readonly leaseMs?: number;
  /** Leases a job may use before it fails with `timeout` (default 3). */
  readonly maxAttempts?: number;
  /** How often expired leases are swept (default 1 000 ms; 0 = only on claim and `sweep()`). */
  readonly sweepIntervalMs?: number;
  /** The longest long poll a claim may ask for (default 60 000 ms). */
  readonly maxWaitMs?: number;
  /** The clock for lease times and timestamps, in epoch ms (default Date.now). */
  readonly now?: () => number;
  /** Where errors thrown by listeners and the sweeper go (default console.error). */
  readonly onError?: (error: unknown) => void;
}

const OPTION_KEYS = new Set(['leaseMs', 'maxAttempts', 'sweepIntervalMs', 'maxWaitMs', 'now', 'onError']);
const CODE_KINDS: readonly CodeKind[] = ['wasm', 'js', 'repo'];
const JOB_STATES: readonly JobState[] = ['queued', 'leased', 'done', 'failed'];

export interface Lease {
  readonly lease_id: string;
  readonly job: JobSpec;
  readonly expires_at: number;
  /** 1 for the first lease of the job, 2 after one expiry, … */
  readonly attempt: number;
}

export interface ClaimOptions {
  /** Wait up to this long for a job when none is queued (default 0: answer at once). */
  readonly waitMs?: number;
  /** Only jobs of these code kinds (default: any). */
  readonly kinds?: readonly CodeKind[];
  /** Ends the wait early (the claim then resolves null). */
  readonly signal?: AbortSignal;
}

export type FinishedListener = (job: JobSpec, outcome: JobOutcome) => void | Promise<void>;

function intOption(v: number | undefined, dflt: number, min: number, max: number, name: string): number {
  if (v === undefined) return dflt;
  if (!Number.isSafeInteger(v) || v < min || v > max) throw new OutlayerError('usage', `JobQueue option ${name} must be an integer in [${min}, ${max}]`);
  return v;
}

function fingerprint(leaseId: string, report: unknown): string {
  return createHash('sha256').update(JSON.stringify([leaseId, report])).digest('hex');
}

export class JobQueue {
  readonly leaseMs: number;
  readonly maxAttempts: number;
  readonly maxWaitMs: number;
  readonly #store: QueueStore;
  readonly #now: () => number;
  readonly #onError: (error: unknown) => void;
  readonly #waiters = new Set<() => void>();
  readonly #listeners = new Set<FinishedListener>();
  readonly #timer: ReturnType<typeof setInterval> | null;
  #closed = false;

  constructor(store: QueueStore, options: JobQueueOptions = {}) {
    for (const k of Object.keys(options)) if (!OPTION_KEYS.has(k)) throw new OutlayerError('usage', `unknown JobQueue option "${k}"`);
    this.#store = store;
    this.leaseMs = intOption(options.leaseMs, 30_000, 1, 3_600_000, 'leaseMs');
    this.maxAttempts = intOption(options.maxAttempts, 3, 1, 1000, 'maxAttempts');
    this.maxWaitMs = intOption(options.maxWaitMs, 60_000, 0, 3_600_000, 'maxWaitMs');
    const sweepMs = intOption(options.sweepIntervalMs, 1_000, 0, 3_600_000, 'sweepIntervalMs');
    this.#now = options.now ?? Date.now;
    this.#onError = options.onError ?? ((e) => console.error('job queue:', e));
    this.#timer = sweepMs > 0 ? setInterval(() => void this.sweep().catch(this.#onError), sweepMs) : null;
    this.#timer?.unref();
  }

  #check(): void {
    if (this.#closed) throw new QueueError('queue_closed', 'the job queue is closed');
  }

  /** Adds a job; a job whose id is already known is not changed, and is returned with `created: false`. */
  async enqueue(job: NewJob): Promise<{ job: JobRecord; created: boolean }> {
    this.#check();
    const now = this.#now();
    const { spec, kind } = validateJob(job, now);
    const r = await this.#store.insertJob(spec, kind, now);
    if (r.created) this.#notify();
    return r;
  }

  /**
   * Leases the oldest queued job to the worker; with `waitMs`, waits (long poll) for one to be
   * enqueued or re-queued. Resolves null when none came in time. Claims are atomic in the storage,
   * so concurrent claims never share a job.
   */
  async claim(workerId: string, options: ClaimOptions = {}): Promise<Lease | null> {
    this.#check();
    if (typeof workerId !== 'string' || workerId.length === 0) throw new QueueError('bad_job', 'workerId must be a non-empty string');
    const waitMs = options.waitMs ?? 0;
    if (typeof waitMs !== 'number' || !Number.isFinite(waitMs) || waitMs < 0 || waitMs > this.maxWaitMs) {
      throw new QueueError('bad_job', `waitMs must be a number in [0, ${this.maxWaitMs}]`);
    }
    const kinds = options.kinds;
    if (kinds !== undefined && (!Array.isArray(kinds) || kinds.length === 0 || kinds.some((k) => !CODE_KINDS.includes(k)))) {
      throw new QueueError('bad_job', `kinds must be a non-empty list of ${CODE_KINDS.join(', ')}`);
    }
    // Long-poll deadlines are real time: the injected clock only dates leases.
    const deadline = performance.now() + waitMs;
    for (;;) {
      if (this.#closed || options.signal?.aborted) return null;
      await this.sweep();
      const got = await this.#store.claimJob({ workerId, leaseId: randomUUID(), now: this.#now(), leaseMs: this.leaseMs, ...(kinds && { kinds }) });
      if (got) return { lease_id: got.lease.lease_id, job: got.job.spec, expires_at: got.lease.expires_at, attempt: got.lease.attempt };
      const left = deadline - performance.now();
      if (left <= 0) return null;
      await this.#wait(left, options.signal);
    }
  }

  /** Extends a current lease by `leaseMs` from now and returns its new expiry. */
  async heartbeat(leaseId: string): Promise<number> {
    this.#check();
    const r = await this.#store.extendLease({ leaseId, now: this.#now(), leaseMs: this.leaseMs });
    if (r.ok) return r.expires_at;
    switch (r.reason) {
      case 'unknown':
        throw new QueueError('lease_unknown', `no lease ${leaseId}`);
      case 'expired':
        throw new QueueError('lease_expired', `lease ${leaseId} expired`);
      case 'superseded':
        throw new QueueError('lease_expired', `lease ${leaseId} expired and its job was leased again`);
      case 'finished':
        throw new QueueError('lease_expired', `the job of lease ${leaseId} has already finished`);
    }
  }

  /** Reports a result. The first report for the job wins; repeats get the same answer. */
  async complete(leaseId: string, result: unknown, idempotencyKey?: string): Promise<FinishAnswer> {
    return this.#finish(leaseId, { status: 'done', result }, idempotencyKey);
  }

  /** Reports that the worker could not run the job; the job fails with `error` (no retry). */
  async fail(leaseId: string, error: JobError, idempotencyKey?: string): Promise<FinishAnswer> {
    if (typeof error !== 'object' || error === null || typeof error.kind !== 'string' || typeof error.message !== 'string') {
      throw new QueueError('bad_job', 'error must be {kind: string, message: string}');
    }
    return this.#finish(leaseId, { status: 'failed', error: { kind: error.kind, message: error.message } }, idempotencyKey);
  }

  async #finish(leaseId: string, outcome: { status: 'done'; result: unknown } | { status: 'failed'; error: JobError }, idempotencyKey?: string): Promise<FinishAnswer> {
    this.#check();
    if (idempotencyKey !== undefined && (typeof idempotencyKey !== 'string' || idempotencyKey.length === 0 || idempotencyKey.length > 256)) {
      throw new QueueError('bad_job', 'an idempotency key must be a string of 1 to 256 characters');
    }
    const r = await this.#store.finishJob({
      leaseId,
      now: this.#now(),
      outcome,
      fingerprint: fingerprint(leaseId, outcome),
      ...(idempotencyKey !== undefined && { idempotencyKey }),
    });
    if (!r.ok) {
      if (r.reason === 'lease_unknown') throw new QueueError('lease_unknown', `no lease ${leaseId}`);
      throw new QueueError('idempotency_conflict', `idempotency key ${idempotencyKey} was used for a different report`);
    }
    if (r.finished) this.#deliver(r.finished, this.#listeners);
    return r.answer;
  }

  /**
   * Re-queues jobs whose lease has expired, failing those that used `maxAttempts` leases (they
   * are delivered to `onFinished`). Runs on the sweeper timer and before every claim.
   */
  async sweep(): Promise<{ requeued: string[]; failed: string[] }> {
    const r = await this.#store.expireLeases({
      now: this.#now(),
      maxAttempts: this.maxAttempts,
      timeoutError: (n) => ({ kind: 'timeout', message: `no worker finished the job in ${n} attempts` }),
    });
    if (r.requeued.length > 0) this.#notify();
    for (const job of r.failed) this.#deliver(job, this.#listeners);
    return { requeued: r.requeued, failed: r.failed.map((j) => j.spec.id) };
  }

  /**
   * Subscribes to finished jobs. The listener is also given, soon after subscribing, every
   * finished job not yet acknowledged (for example from before a restart). Returns an unsubscribe.
   */
  onFinished(listener: FinishedListener): () => void {
    this.#check();
    this.#listeners.add(listener);
    void this.#replay(new Set([listener])).catch(this.#onError);
    return () => this.#listeners.delete(listener);
  }

  /** Delivers every unacknowledged finished job to all listeners again; returns how many. */
  async redeliver(): Promise<number> {
    this.#check();
    return this.#replay(this.#listeners);
  }

  async #replay(listeners: ReadonlySet<FinishedListener>): Promise<number> {
    const jobs = await this.#store.unackedJobs(10_000);
    for (const job of jobs) this.#deliver(job, listeners);
    return jobs.length;
  }

  #deliver(job: JobRecord, listeners: ReadonlySet<FinishedListener>): void {
    for (const listener of listeners) {
      try {
        const p = listener(job.spec, job.outcome!);
        if (p) p.catch(this.#onError);
      } catch (e) {
        this.#onError(e);
      }
    }
  }

  /** Takes a finished job out of the outbox (after it was resolved). False if it has not finished. */
  async ackFinished(jobId: string): Promise<boolean> {
    this.#check();
    if (!(await this.#store.getJob(jobId))) throw new QueueError('job_unknown', `no job ${jobId}`);
    return this.#store.ackJob(jobId);
  }

  /** A lease's record (who holds it, until when), or null. */
  async lease(leaseId: string): Promise<LeaseRecord | null> {
    return this.#store.getLease(leaseId);
  }

  async get(jobId: string): Promise<JobRecord | null> {
    this.#check();
    return this.#store.getJob(jobId);
  }

  async stats(): Promise<JobStats> {
    this.#check();
    return this.#store.jobStats(this.#now());
  }

  /** Jobs newest first, `limit` (1–500, default 50) per page; pass `next_cursor` back for the next page. */
  async list(options: { state?: JobState; limit?: number; cursor?: string } = {}): Promise<JobPage> {
    this.#check();
    const limit = options.limit ?? 50;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > 500) throw new QueueError('bad_job', 'limit must be an integer in [1, 500]');
    if (options.state !== undefined && !JOB_STATES.includes(options.state)) throw new QueueError('bad_job', `state must be one of ${JOB_STATES.join(', ')}`);
    if (options.cursor !== undefined && !/^[0-9]{1,16}$/.test(options.cursor)) throw new QueueError('bad_job', 'cursor is malformed');
    return this.#store.listJobs({ limit, ...(options.state && { state: options.state }), ...(options.cursor !== undefined && { cursor: options.cursor }) });
  }

  #wait(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (this.#closed || signal?.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#waiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  // Wakes every waiting claim; each retries in its own transaction, and those that find nothing
  // wait again. Simple and correct with kind filters; fine for tens of workers per coordinator.
  #notify(): void {
    for (const w of [...this.#waiters]) w();
  }

  /** Stops the sweeper and ends pending long polls (they resolve null). The storage stays open. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#notify();
    this.#listeners.clear();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}
