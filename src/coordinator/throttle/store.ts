/**
 * Where buckets and concurrency leases live. Two implementations give identical decisions for
 * the same sequence of calls (store.conformance.test.ts runs one suite against both):
 * memory-store.ts (one process) and redis-store.ts (replicas sharing one budget).
 *
 * Every call takes `nowMs` from the caller instead of reading a clock, so tests inject time and
 * the Redis scripts stay independent of the Redis server's clock (see redis-store.ts).
 */
import { checkLimits } from './bucket.js';

/** One bucket to check in a `take`: its key and its limits. */
export interface BucketRequest {
  key: string;
  /** Tokens per second. */
  rate: number;
  burst: number;
  /** Tokens this request costs (default 1). */
  cost?: number;
}

/** What `take` decided for one of its buckets. */
export interface BucketOutcome {
  key: string;
  /** Whether this bucket alone had enough tokens (it is debited only if all of them had). */
  allowed: boolean;
  /** Whole tokens left after the decision. */
  remaining: number;
  /** 0 when this bucket allowed; else exact whole ms until it would. */
  retryAfterMs: number;
  /** Whole ms until this bucket is full again. */
  resetMs: number;
}

export interface Decision {
  /** True when every bucket allowed; only then were they all debited. */
  allowed: boolean;
  /** 0 when allowed; else the exact whole ms until every bucket would allow (the max over them). */
  retryAfterMs: number;
  /** One outcome per request, in the order given. */
  buckets: BucketOutcome[];
}

export interface AcquireResult {
  acquired: boolean;
  /** Pass to `release`; null when not acquired. */
  leaseId: string | null;
  /** Leases held on the key after this call (including the new one). */
  active: number;
}

export interface BucketSnapshot {
  key: string;
  /** Tokens at the snapshot's `nowMs` (fractional). */
  tokens: number;
  rate: number;
  burst: number;
}

export interface StoreSnapshot {
  /** Buckets stored (full buckets may already have been forgotten). */
  bucketCount: number;
  /** The `top` emptiest buckets (lowest tokens/burst first). */
  buckets: BucketSnapshot[];
  /** Keys with leases held, most first (at most `top`). */
  concurrency: { key: string; active: number }[];
}

export interface BucketStore {
  /**
   * ONE atomic check of several buckets: consumes from all of them only when all allow.
   * `nowMs` must be a whole number of ms.
   */
  take(requests: readonly BucketRequest[], nowMs: number): Promise<Decision>;
  /**
   * Takes one of `cap` concurrency slots on `key`. A lease expires by itself `leaseMs` after
   * `nowMs`, so slots held by a crashed process free themselves.
   */
  acquire(key: string, cap: number, nowMs: number, leaseMs: number): Promise<AcquireResult>;
  /** Gives a slot back; releasing an unknown or expired lease does nothing. */
  release(key: string, leaseId: string): Promise<void>;
  snapshot(nowMs: number, top?: number): Promise<StoreSnapshot>;
  close(): Promise<void>;
}

/** Validates a `take` call the same way for every store (a bad call is a host bug: throws). */
export function checkTake(requests: readonly BucketRequest[], nowMs: number): void {
  if (!Number.isSafeInteger(nowMs)) throw new RangeError(`nowMs must be a whole number of ms, got ${nowMs}`);
  if (requests.length === 0) throw new RangeError('take needs at least one bucket');
  const seen = new Set<string>();
  for (const r of requests) {
    checkLimits(r.rate, r.burst, r.cost ?? 1);
    if (seen.has(r.key)) throw new RangeError(`bucket ${JSON.stringify(r.key)} appears twice in one take`);
    seen.add(r.key);
  }
}

export function checkAcquire(cap: number, nowMs: number, leaseMs: number): void {
  if (!Number.isSafeInteger(nowMs)) throw new RangeError(`nowMs must be a whole number of ms, got ${nowMs}`);
  if (!(Number.isSafeInteger(cap) && cap >= 1)) throw new RangeError(`concurrency cap must be a positive integer, got ${cap}`);
  if (!(Number.isSafeInteger(leaseMs) && leaseMs >= 1)) throw new RangeError(`leaseMs must be a positive integer, got ${leaseMs}`);
}
