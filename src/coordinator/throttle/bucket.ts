/**
 * Token-bucket math as pure functions over `{tokens, updatedAtMs}`.
 *
 * A bucket holds up to `burst` tokens and refills continuously at `rate` tokens per second; a
 * request of `cost` tokens passes when the bucket holds at least `cost`. A missing bucket is a
 * full one, so a store may forget any bucket that has refilled to `burst` without changing a
 * single decision (that is how idle buckets are cleaned up).
 *
 * Times are whole milliseconds. Every figure here is computed with the same double-precision
 * expressions, in the same order, as the Lua script of redis-store.ts, so the memory and Redis
 * stores give bit-identical decisions (checked by store.conformance.test.ts).
 *
 * @example
 *   let s: BucketState | undefined;
 *   const r = take(s, Date.now(), 5, 10); // 5 tokens/s, burst 10
 *   if (r.allowed) s = r.state; else wait(r.retryAfterMs);
 */

export interface BucketState {
  /** Tokens held at `updatedAtMs` (fractional). */
  tokens: number;
  /** When `tokens` was last computed, in whole ms. */
  updatedAtMs: number;
}

export interface TakeResult {
  allowed: boolean;
  /** The state to store: refilled and debited when allowed, the input unchanged when denied. */
  state: BucketState;
  /**
   * 0 when allowed; otherwise the exact number of whole ms from `nowMs` after which the same
   * `take` succeeds (and one ms earlier it still fails).
   */
  retryAfterMs: number;
  /** Whole tokens left after this decision. */
  remaining: number;
  /** Whole ms from `nowMs` until the bucket is full again (0 when it is full). */
  resetMs: number;
}

/** Throws on a rate, burst or cost that no bucket can honour (a configuration bug). */
export function checkLimits(rate: number, burst: number, cost: number): void {
  if (!(Number.isFinite(rate) && rate > 0)) throw new RangeError(`bucket rate must be a positive finite number of tokens/s, got ${rate}`);
  if (!(Number.isFinite(burst) && burst >= 1)) throw new RangeError(`bucket burst must be a finite number >= 1, got ${burst}`);
  if (!(Number.isFinite(cost) && cost > 0 && cost <= burst)) throw new RangeError(`bucket cost must be in (0, burst=${burst}], got ${cost}`);
}

/** Tokens the stored state holds at `atMs` (never above `burst`; a clock going back refills nothing). */
export function tokensAt(state: BucketState, atMs: number, rate: number, burst: number): number {
  let elapsed = atMs - state.updatedAtMs;
  if (elapsed < 0) elapsed = 0;
  return Math.min(burst, state.tokens + (elapsed * rate) / 1000);
}

/**
 * The least whole `d >= 0` such that the stored state holds `target` tokens at `nowMs + d`.
 * Solved in closed form, then nudged by at most a step or two so that floating-point rounding
 * can never make the answer one ms early or late against `tokensAt` itself.
 */
export function msUntil(state: BucketState, nowMs: number, rate: number, burst: number, target: number): number {
  if (tokensAt(state, nowMs, rate, burst) >= target) return 0;
  let at = state.updatedAtMs + Math.ceil(((target - state.tokens) * 1000) / rate);
  if (at <= nowMs) at = nowMs + 1;
  while (tokensAt(state, at, rate, burst) < target) at += 1;
  while (at - 1 > nowMs && tokensAt(state, at - 1, rate, burst) >= target) at -= 1;
  return at - nowMs;
}

/** The refilled state at `nowMs` (an absent bucket is full). */
export function refill(state: BucketState | undefined, nowMs: number, rate: number, burst: number): BucketState {
  if (state === undefined) return { tokens: burst, updatedAtMs: nowMs };
  return { tokens: tokensAt(state, nowMs, rate, burst), updatedAtMs: Math.max(state.updatedAtMs, nowMs) };
}

/**
 * Tries to take `cost` tokens at `nowMs` from a bucket refilling at `rate` tokens/s up to
 * `burst`. Pure: returns the state to store instead of changing anything.
 */
export function take(state: BucketState | undefined, nowMs: number, rate: number, burst: number, cost = 1): TakeResult {
  checkLimits(rate, burst, cost);
  const now = refill(state, nowMs, rate, burst);
  if (now.tokens >= cost) {
    const next = { tokens: now.tokens - cost, updatedAtMs: now.updatedAtMs };
    return { allowed: true, state: next, retryAfterMs: 0, remaining: Math.floor(next.tokens), resetMs: msUntil(next, nowMs, rate, burst, burst) };
  }
  const kept = state!; // an absent bucket is full and cost <= burst, so a denied one exists
  return {
    allowed: false,
    state: kept,
    retryAfterMs: msUntil(kept, nowMs, rate, burst, cost),
    remaining: Math.floor(now.tokens),
    resetMs: msUntil(kept, nowMs, rate, burst, burst),
  };
}
