import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { take, type BucketState } from './bucket.js';

/** Takes at `nowMs`, keeping the state when allowed. */
function seq(rate: number, burst: number) {
  let s: BucketState | undefined;
  return (nowMs: number, cost = 1) => {
    const r = take(s, nowMs, rate, burst, cost);
    s = r.state;
    return r;
  };
}

describe('token bucket', () => {
  it('a new bucket is full: burst requests pass at once, the next is denied', () => {
    const t = seq(5, 10);
    for (let i = 0; i < 10; i++) assert.equal(t(0).allowed, true, `request ${i}`);
    const denied = t(0);
    assert.equal(denied.allowed, false);
    assert.equal(denied.remaining, 0);
    assert.equal(denied.retryAfterMs, 200); // 1 token at 5/s
  });

  it('refills at rate and never above burst', () => {
    const t = seq(5, 10);
    for (let i = 0; i < 10; i++) t(0);
    assert.equal(t(199).allowed, false);
    assert.equal(t(200).allowed, true);
    assert.equal(t(200).allowed, false);
    // A long idle period refills to burst, not beyond.
    let n = 0;
    while (t(1_000_000).allowed) n++;
    assert.equal(n, 10);
  });

  it('remaining and resetMs describe the bucket after the decision', () => {
    const t = seq(5, 10);
    const first = t(0);
    assert.equal(first.remaining, 9);
    assert.equal(first.resetMs, 200);
    for (let i = 0; i < 9; i++) t(0);
    const denied = t(0);
    assert.equal(denied.resetMs, 2000);
  });

  it('retry-after is exact: one ms earlier fails, at retry-after passes (fractional rates)', () => {
    for (const rate of [0.1, 0.3, 1 / 3, 0.7, 3, 7, 13.37, 1000 / 7, 999.9]) {
      const burst = 4;
      const t = seq(rate, burst);
      let now = 0;
      for (let step = 0; step < 40; step++) {
        const r = t(now);
        if (!r.allowed) {
          const saved = r.state;
          assert.ok(r.retryAfterMs >= 1);
          assert.equal(take(saved, now + r.retryAfterMs - 1, rate, burst).allowed, false, `rate ${rate}: early by 1 ms`);
          assert.equal(take(saved, now + r.retryAfterMs, rate, burst).allowed, true, `rate ${rate}: at retry-after`);
          // Also equal to the closed form, up to ceil.
          now += r.retryAfterMs;
        } else now += step % 3; // some requests at the same ms
      }
    }
  });

  it('0.5 tokens/s: retry-after of an empty bucket is exactly 2000 ms', () => {
    const t = seq(0.5, 1);
    assert.equal(t(0).allowed, true);
    const r = t(0);
    assert.equal(r.retryAfterMs, 2000);
    assert.equal(t(1999).allowed, false);
    assert.equal(t(2000).allowed, true);
  });

  it('cost > 1 takes several tokens and waits for all of them', () => {
    const t = seq(2, 10);
    assert.equal(t(0, 4).remaining, 6);
    assert.equal(t(0, 4).remaining, 2);
    const denied = t(0, 4);
    assert.equal(denied.allowed, false);
    assert.equal(denied.remaining, 2);
    assert.equal(denied.retryAfterMs, 1000); // 2 missing tokens at 2/s
    assert.equal(t(999, 4).allowed, false);
    assert.equal(t(1000, 4).allowed, true);
  });

  it('a clock going backwards refills nothing and does not move the bucket back', () => {
    const t = seq(10, 2);
    t(1000);
    t(1000);
    const r = t(500);
    assert.equal(r.allowed, false);
    assert.equal(r.retryAfterMs, 600); // until 1100 on this clock
    assert.equal(r.state.updatedAtMs, 1000);
  });

  it('rejects limits no bucket can honour', () => {
    assert.throws(() => take(undefined, 0, 0, 10), RangeError);
    assert.throws(() => take(undefined, 0, -1, 10), RangeError);
    assert.throws(() => take(undefined, 0, 1, 0.5), RangeError);
    assert.throws(() => take(undefined, 0, 1, 10, 11), /cost/);
    assert.throws(() => take(undefined, 0, 1, 10, 0), /cost/);
    assert.throws(() => take(undefined, 0, Infinity, 10), RangeError);
  });
});
