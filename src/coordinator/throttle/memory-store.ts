/**
 * The in-process BucketStore: a Map of buckets and a Map of lease sets, for one coordinator
 * replica (or tests). Calls are synchronous underneath, so each `take` is trivially atomic.
 *
 * Memory stays bounded without a timer: every `take` looks at a couple of buckets in Map order
 * and forgets those that have refilled to `burst` at least `skewMarginMs` ago (a missing bucket
 * IS a full one, so this never changes a decision for callers within that clock skew). If `maxEntries` is still reached, the oldest buckets are evicted even
 * though not full; that fails open (those clients get a fresh burst), which beats refusing
 * everyone when an address-spraying client fills the table.
 *
 * @example
 *   const store = new MemoryStore();
 *   const d = await store.take([{ key: 'c:/v1/x:anonymous:1.2.3.4', rate: 5, burst: 10 }], Date.now());
 */
import { randomUUID } from 'node:crypto';
import { msUntil, refill, tokensAt, type BucketState } from './bucket.js';
import { checkAcquire, checkTake, type AcquireResult, type BucketOutcome, type BucketRequest, type BucketStore, type Decision, type StoreSnapshot } from './store.js';

interface Entry extends BucketState {
  rate: number;
  burst: number;
}

export interface MemoryStoreOptions {
  /** Most buckets kept (default 100 000, about 10 MB). */
  maxEntries?: number;
  /** Buckets examined for cleanup per `take` (default 2). */
  sweepPerTake?: number;
  /**
   * A bucket is forgotten only once it has been full for this long (default 1000 ms, as the
   * Redis store's TTL margin), so a caller whose clock is up to this far behind still sees it.
   */
  skewMarginMs?: number;
}

export class MemoryStore implements BucketStore {
  readonly #buckets = new Map<string, Entry>();
  readonly #leases = new Map<string, Map<string, number>>();
  readonly #maxEntries: number;
  readonly #sweepPerTake: number;
  readonly #margin: number;
  #cursor: IterableIterator<[string, Entry]> | null = null;
  readonly #leasePrefix = `${randomUUID()}:`;
  #leaseSeq = 0;

  constructor(options: MemoryStoreOptions = {}) {
    this.#maxEntries = options.maxEntries ?? 100_000;
    this.#sweepPerTake = options.sweepPerTake ?? 2;
    this.#margin = options.skewMarginMs ?? 1000;
    if (!(Number.isSafeInteger(this.#maxEntries) && this.#maxEntries >= 1)) throw new RangeError(`maxEntries must be a positive integer, got ${this.#maxEntries}`);
  }

  /** Buckets currently held (for tests of the cleanup). */
  get size(): number {
    return this.#buckets.size;
  }

  async take(requests: readonly BucketRequest[], nowMs: number): Promise<Decision> {
    return this.takeSync(requests, nowMs);
  }

  /** `take` without the promise, for the in-process benchmark and hot paths. */
  takeSync(requests: readonly BucketRequest[], nowMs: number): Decision {
    checkTake(requests, nowMs);
    const refilled: BucketState[] = [];
    let allowed = true;
    for (const r of requests) {
      const s = refill(this.#buckets.get(r.key), nowMs, r.rate, r.burst);
      refilled.push(s);
      if (s.tokens < (r.cost ?? 1)) allowed = false;
    }
    const buckets: BucketOutcome[] = [];
    let retryAfterMs = 0;
    for (let i = 0; i < requests.length; i++) {
      const r = requests[i]!;
      const cost = r.cost ?? 1;
      const s = refilled[i]!;
      if (allowed) {
        const next: Entry = { tokens: s.tokens - cost, updatedAtMs: s.updatedAtMs, rate: r.rate, burst: r.burst };
        this.#store(r.key, next, nowMs);
        buckets.push({ key: r.key, allowed: true, remaining: Math.floor(next.tokens), retryAfterMs: 0, resetMs: msUntil(next, nowMs, r.rate, r.burst, r.burst) });
      } else {
        // Denied: nothing is written; figures come from the state as stored.
        const kept = this.#buckets.get(r.key) ?? s;
        const retry = s.tokens >= cost ? 0 : msUntil(kept, nowMs, r.rate, r.burst, cost);
        if (retry > retryAfterMs) retryAfterMs = retry;
        buckets.push({ key: r.key, allowed: retry === 0, remaining: Math.floor(s.tokens), retryAfterMs: retry, resetMs: msUntil(kept, nowMs, r.rate, r.burst, r.burst) });
      }
    }
    this.#sweep(nowMs);
    return { allowed, retryAfterMs, buckets };
  }

  #store(key: string, entry: Entry, nowMs: number): void {
    if (!this.#buckets.has(key) && this.#buckets.size >= this.#maxEntries) this.#makeRoom(nowMs);
    this.#buckets.set(key, entry);
  }

  /** Forgets every full bucket; if none was full, evicts the oldest tenth (fails open). */
  #makeRoom(nowMs: number): void {
    for (const [key, e] of this.#buckets) if (this.#idle(e, nowMs)) this.#buckets.delete(key);
    if (this.#buckets.size < this.#maxEntries) return;
    let evict = Math.max(1, Math.floor(this.#maxEntries / 10));
    for (const key of this.#buckets.keys()) {
      if (evict-- <= 0) break;
      this.#buckets.delete(key);
    }
    this.#cursor = null;
  }

  /** Lazy cleanup: examines a few buckets in Map order, resuming where the last call stopped. */
  #sweep(nowMs: number): void {
    for (let i = 0; i < this.#sweepPerTake; i++) {
      this.#cursor ??= this.#buckets.entries();
      const next = this.#cursor.next();
      if (next.done) {
        this.#cursor = null;
        return;
      }
      const [key, e] = next.value;
      if (this.#idle(e, nowMs)) this.#buckets.delete(key);
    }
  }

  /**
   * Whether forgetting the bucket changes no decision: it is full, and was already full
   * `#margin` ms ago, so any caller whose clock is at most that far behind sees a full bucket
   * refilled to its own time, exactly as for a missing one.
   */
  #idle(e: Entry, nowMs: number): boolean {
    const since = nowMs - this.#margin;
    return e.updatedAtMs <= since && tokensAt(e, since, e.rate, e.burst) >= e.burst;
  }

  async acquire(key: string, cap: number, nowMs: number, leaseMs: number): Promise<AcquireResult> {
    checkAcquire(cap, nowMs, leaseMs);
    let set = this.#leases.get(key);
    if (set) for (const [id, expiresAt] of set) if (expiresAt <= nowMs) set.delete(id);
    const held = set?.size ?? 0;
    if (held >= cap) return { acquired: false, leaseId: null, active: held };
    if (!set) this.#leases.set(key, (set = new Map()));
    const leaseId = `${this.#leasePrefix}${++this.#leaseSeq}`;
    set.set(leaseId, nowMs + leaseMs);
    return { acquired: true, leaseId, active: held + 1 };
  }

  async release(key: string, leaseId: string): Promise<void> {
    const set = this.#leases.get(key);
    if (!set) return;
    set.delete(leaseId);
    if (set.size === 0) this.#leases.delete(key);
  }

  async snapshot(nowMs: number, top = 20): Promise<StoreSnapshot> {
    const buckets = [...this.#buckets].map(([key, e]) => ({ key, tokens: tokensAt(e, nowMs, e.rate, e.burst), rate: e.rate, burst: e.burst }));
    buckets.sort((a, b) => a.tokens / a.burst - b.tokens / b.burst || (a.key < b.key ? -1 : 1));
    const concurrency = [...this.#leases]
      .map(([key, set]) => ({ key, active: [...set.values()].filter((exp) => exp > nowMs).length }))
      .filter((c) => c.active > 0)
      .sort((a, b) => b.active - a.active || (a.key < b.key ? -1 : 1));
    return { bucketCount: this.#buckets.size, buckets: buckets.slice(0, top), concurrency: concurrency.slice(0, top) };
  }

  async close(): Promise<void> {
    this.#buckets.clear();
    this.#leases.clear();
    this.#cursor = null;
  }
}
