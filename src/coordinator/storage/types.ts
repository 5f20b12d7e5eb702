/**
 * The coordinator's storage contract. Every method is async and speaks plain JSON-able values,
 * so the SQLite backend (`sqlite.ts`) can be joined later by a Postgres one without changing
 * callers. Each method that changes state is atomic on its own (one transaction): the queue's
 * race-freedom rests on `claimJob`, `extendLease`, `finishJob` and `expireLeases` being atomic,
 * which Postgres gives with `SELECT … FOR UPDATE SKIP LOCKED` inside one transaction.
 *
 * Time is always passed in (epoch milliseconds), never read by a backend, so tests control it.
 */

/** Jobs as the coordinator's HTTP protocol describes them (src/sdk/types.ts), stored as they are. */
import type { JobCode, JobLimits, JobSpec } from '../../sdk/types.js';
export type { JobCode, JobLimits, JobSpec };

/** The kind of work, which workers may filter on when claiming ('repo' needs a builder). */
export type CodeKind = 'wasm' | 'js' | 'sh' | 'repo';

export type JobState = 'queued' | 'leased' | 'done' | 'failed';

export interface JobError {
  readonly kind: string;
  readonly message: string;
}

/** How a job ended. `lease_id` is the lease whose report won (null when the queue gave up). */
export type JobOutcome =
  | { readonly status: 'done'; readonly result: unknown; readonly lease_id: string; readonly worker_id: string }
  | { readonly status: 'failed'; readonly error: JobError; readonly lease_id: string | null; readonly worker_id: string | null };

export interface JobRecord {
  readonly spec: JobSpec;
  readonly state: JobState;
  /** Leases handed out so far (the current one included). */
  readonly attempts: number;
  readonly lease_id: string | null;
  readonly worker_id: string | null;
  readonly lease_expires_at: number | null;
  readonly enqueued_at: number;
  readonly updated_at: number;
  readonly finished_at: number | null;
  readonly outcome: JobOutcome | null;
  /** False while a finished job waits in the outbox for `ackFinished`. */
  readonly acked: boolean;
}

/** How a lease ended: reported (its report won or lost), or expired. Null while it runs. */
export type LeaseEnd = 'done' | 'failed' | 'duplicate' | 'expired';

export interface LeaseRecord {
  readonly lease_id: string;
  readonly job_id: string;
  readonly worker_id: string;
  readonly attempt: number;
  readonly leased_at: number;
  readonly expires_at: number;
  readonly ended: LeaseEnd | null;
}

/** The answer to a completion or failure report; repeated reports get the same answer. */
export interface FinishAnswer {
  readonly job_id: string;
  /** The job's final state (set by whichever report won). */
  readonly status: 'done' | 'failed';
  /** True when another report had already finished the job; this one changed nothing. */
  readonly duplicate: boolean;
}

export type ExtendResult =
  | { readonly ok: true; readonly expires_at: number }
  | { readonly ok: false; readonly reason: 'unknown' | 'expired' | 'superseded' | 'finished' };

export type FinishResult =
  | { readonly ok: true; readonly answer: FinishAnswer; readonly finished: JobRecord | null }
  | { readonly ok: false; readonly reason: 'lease_unknown' | 'idempotency_conflict' };

export interface JobStats {
  readonly queued: number;
  readonly leased: number;
  readonly done: number;
  readonly failed: number;
  /** Finished jobs not yet acknowledged by the resolver. */
  readonly unacked: number;
  readonly oldest_queued_age_ms: number | null;
}

export interface JobPage {
  readonly jobs: JobRecord[];
  /** Pass back as `cursor` for the next (older) page; null on the last page. */
  readonly next_cursor: string | null;
}

export interface QueueStore {
  /** Inserts the job unless one with its id exists; either way returns the stored job. */
  insertJob(spec: JobSpec, kind: CodeKind, now: number): Promise<{ job: JobRecord; created: boolean }>;
  getJob(id: string): Promise<JobRecord | null>;
  getLease(leaseId: string): Promise<LeaseRecord | null>;
  /** Leases the oldest queued job (of one of `kinds`, when given) to the worker, atomically. */
  claimJob(a: { workerId: string; leaseId: string; now: number; leaseMs: number; kinds?: readonly CodeKind[] }): Promise<{ job: JobRecord; lease: LeaseRecord } | null>;
  /** Extends the job's current, unexpired lease to `now + leaseMs`. */
  extendLease(a: { leaseId: string; now: number; leaseMs: number }): Promise<ExtendResult>;
  /**
   * Reports a lease's outcome. The first report for an unfinished job wins (even from an expired
   * lease: the work was done); later reports get `duplicate: true`. With an idempotency key the
   * stored answer is returned for a repeat with the same `fingerprint`, and a reuse of the key
   * for a different report is refused.
   */
  finishJob(a: {
    leaseId: string;
    now: number;
    outcome: { status: 'done'; result: unknown } | { status: 'failed'; error: JobError };
    idempotencyKey?: string;
    fingerprint: string;
  }): Promise<FinishResult>;
  /** Re-queues jobs whose lease expired by `now`, or fails them once `maxAttempts` leases were used. */
  expireLeases(a: { now: number; maxAttempts: number; timeoutError: (attempts: number) => JobError }): Promise<{ requeued: string[]; failed: JobRecord[] }>;
  jobStats(now: number): Promise<JobStats>;
  /** Newest first. */
  listJobs(a: { state?: JobState; limit: number; cursor?: string }): Promise<JobPage>;
  /** Finished jobs waiting in the outbox, oldest first. */
  unackedJobs(limit: number): Promise<JobRecord[]>;
  /** Removes a finished job from the outbox; false when it is unknown or not finished. */
  ackJob(id: string): Promise<boolean>;
}

/** A sha256 hex digest of a secret; only `hashSecret` (secrets.ts) makes one, so raw tokens cannot be stored by mistake. */
export type SecretHash = string & { readonly __brand: 'SecretHash' };

export interface IdempotencyRecord {
  readonly scope: string;
  readonly key: string;
  /** What the request was (a hash of its body), so a key reused for another request is caught. */
  readonly fingerprint: string;
  readonly response: unknown;
  readonly created_at: number;
}

export interface IdempotencyStore {
  /** Stores the record unless (scope, key) exists; returns the stored record either way. */
  putIdempotency(rec: IdempotencyRecord): Promise<{ record: IdempotencyRecord; created: boolean }>;
  getIdempotency(scope: string, key: string): Promise<IdempotencyRecord | null>;
  /** Deletes records created before `before`; returns how many. */
  pruneIdempotency(before: number): Promise<number>;
}

export interface WorkerRecord {
  readonly id: string;
  readonly label: string;
  readonly token_hash: SecretHash;
  /** The worker's ed25519 public key, which verifies its signatures over results. */
  readonly public_key: string;
  readonly created_at: number;
  readonly last_seen_at: number | null;
  readonly revoked_at: number | null;
}

export interface WorkerStore {
  /** False when the id or the token hash is already registered. */
  registerWorker(w: { id: string; label: string; token_hash: SecretHash; public_key: string; created_at: number }): Promise<boolean>;
  getWorker(id: string): Promise<WorkerRecord | null>;
  findWorkerByToken(tokenHash: SecretHash): Promise<WorkerRecord | null>;
  listWorkers(): Promise<WorkerRecord[]>;
  touchWorker(id: string, now: number): Promise<void>;
  revokeWorker(id: string, now: number): Promise<boolean>;
}

export interface ApiKeyRecord {
  readonly id: string;
  readonly key_hash: SecretHash;
  /** A throttle profile name. */
  readonly tier: string;
  readonly label: string;
  readonly created_at: number;
  readonly revoked_at: number | null;
}

export interface ApiKeyStore {
  /** False when the id or the key hash exists. */
  createApiKey(k: { id: string; key_hash: SecretHash; tier: string; label: string; created_at: number }): Promise<boolean>;
  findApiKey(keyHash: SecretHash): Promise<ApiKeyRecord | null>;
  listApiKeys(): Promise<ApiKeyRecord[]>;
  revokeApiKey(id: string, now: number): Promise<boolean>;
}

/** The last block the chain watcher fully processed for one contract on one chain. */
export interface ChainCursor {
  readonly height: bigint;
  readonly hash: string;
}

export interface CursorStore {
  getCursor(chainId: string, contractId: string): Promise<ChainCursor | null>;
  setCursor(chainId: string, contractId: string, cursor: ChainCursor, now: number): Promise<void>;
}

/** A request's resolution on chain: claimed before the transaction is sent, so it is sent at most once. */
export interface ResolutionRecord {
  readonly contract_id: string;
  readonly request_id: number;
  readonly job_id: string;
  readonly state: 'resolving' | 'resolved';
  readonly tx_hash: string | null;
  readonly started_at: number;
  readonly resolved_at: number | null;
}

export interface ResolutionStore {
  /** Claims the request for resolving; `claimed: false` with the existing record when it already is (or was resolved). */
  beginResolution(r: { contract_id: string; request_id: number; job_id: string; now: number }): Promise<{ claimed: boolean; record: ResolutionRecord }>;
  /** Marks a resolving request resolved; false when it is not in 'resolving'. */
  markResolved(contractId: string, requestId: number, txHash: string, now: number): Promise<boolean>;
  /** Drops a 'resolving' claim whose transaction certainly did not land, so it can be retried. */
  releaseResolution(contractId: string, requestId: number): Promise<boolean>;
  getResolution(contractId: string, requestId: number): Promise<ResolutionRecord | null>;
  /** Claims left in 'resolving' (for example by a crash): check the chain before retrying them. */
  listResolving(): Promise<ResolutionRecord[]>;
}

/** Everything the coordinator persists. */
export interface CoordinatorStorage extends QueueStore, IdempotencyStore, WorkerStore, ApiKeyStore, CursorStore, ResolutionStore {
  close(): Promise<void>;
}
