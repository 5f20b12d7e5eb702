/**
 * One conformance suite, every BucketStore (the Hono `common.case.test.ts` habit): the memory
 * and Redis stores must give the same decisions for the same sequence of calls, and both must
 * match the pure model of bucket.ts.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { msUntil, refill, take as modelTake, type BucketState } from './bucket.js';
import { MemoryStore } from './memory-store.js';
import { RedisStore } from './redis-store.js';
import { haveRedis, REDIS_SERVER, startRedis, type TestRedis } from './redis-server.test-helper.js';
import type { BucketRequest, BucketStore, Decision } from './store.js';

interface Impl {
  name: string;
  skip?: string;
  setup(): Promise<void>;
  /** A fresh, empty store. */
  make(): Promise<BucketStore>;
  teardown(): Promise<void>;
}

let redis: TestRedis | null = null;
const impls: Impl[] = [
  { name: 'MemoryStore', setup: async () => {}, make: async () => new MemoryStore(), teardown: async () => {} },
  {
    name: 'RedisStore',
    skip: haveRedis ? undefined : `${REDIS_SERVER} is not installed: the Redis store suite is skipped`,
    setup: async () => {
      redis = await startRedis();
    },
    make: async () => {
      const c = redis!.client();
      await c.flushall();
      return new RedisStore({ redis: c });
    },
    teardown: async () => {
      await redis?.stop();
    },
  },
];

/** The pure model of a multi-bucket take, built from bucket.ts: what every store must answer. */
class Model {
  readonly states = new Map<string, BucketState>();
  take(reqs: readonly BucketRequest[], nowMs: number): Decision {
    const results = reqs.map((r) => modelTake(this.states.get(r.key), nowMs, r.rate, r.burst, r.cost ?? 1));
    const allowed = results.every((r) => r.allowed);
    const buckets = reqs.map((r, i) => {
      const x = results[i]!;
      if (allowed) {
        this.states.set(r.key, x.state);
        return { key: r.key, allowed: true, remaining: x.remaining, retryAfterMs: 0, resetMs: x.resetMs };
      }
      // Not debited: figures of the refilled bucket as stored.
      const stored = this.states.get(r.key);
      const full = refill(stored, nowMs, r.rate, r.burst);
      const resetMs = msUntil(stored ?? full, nowMs, r.rate, r.burst, r.burst);
      return { key: r.key, allowed: x.allowed, remaining: Math.floor(full.tokens), retryAfterMs: x.retryAfterMs, resetMs };
    });
    return { allowed, retryAfterMs: Math.max(0, ...buckets.map((b) => b.retryAfterMs)), buckets };
  }
}

/** A small deterministic PRNG (mulberry32) for the random sequences. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

for (const impl of impls) {
  describe(`BucketStore conformance: ${impl.name}`, { skip: impl.skip }, () => {
    let store: BucketStore;
    before(() => impl.setup());
    after(() => impl.teardown());
    beforeEach(async () => {
      store = await impl.make();
    });

    const client = { key: '{/v1/x}:anonymous:1.2.3.4', rate: 5, burst: 10 };
    const global = { key: '{/v1/x}:*', rate: 100, burst: 12 };

    it('burst requests pass, the next is denied with the exact retry-after', async () => {
      for (let i = 0; i < 10; i++) {
        const d = await store.take([client], 1000);
        assert.equal(d.allowed, true);
        assert.equal(d.buckets[0]!.remaining, 9 - i);
      }
      const d = await store.take([client], 1000);
      assert.deepEqual(d, { allowed: false, retryAfterMs: 200, buckets: [{ key: client.key, allowed: false, remaining: 0, retryAfterMs: 200, resetMs: 2000 }] });
      assert.equal((await store.take([client], 1199)).allowed, false);
      assert.equal((await store.take([client], 1200)).allowed, true);
    });

    it('several buckets are checked together and debited only when all allow', async () => {
      const other = { ...client, key: '{/v1/x}:anonymous:5.6.7.8' };
      for (let i = 0; i < 10; i++) assert.equal((await store.take([client, global], 0)).allowed, true);
      // The global bucket has 2 left; the second client may take them, then the global denies.
      assert.equal((await store.take([other, global], 0)).allowed, true);
      assert.equal((await store.take([other, global], 0)).allowed, true);
      const d = await store.take([other, global], 0);
      assert.equal(d.allowed, false);
      assert.deepEqual(
        d.buckets.map((b) => [b.allowed, b.remaining, b.retryAfterMs]),
        [
          [true, 8, 0], // the client's own bucket would allow, and is NOT debited
          [false, 0, 10], // 1 token at 100/s
        ],
      );
      assert.equal(d.retryAfterMs, 10);
      const again = await store.take([other], 0);
      assert.equal(again.buckets[0]!.remaining, 7, 'the denied take did not consume from the client bucket');
    });

    it('retry-after is the max over the denying buckets', async () => {
      const slow = { key: 'slow', rate: 0.5, burst: 1 };
      const fast = { key: 'fast', rate: 10, burst: 1 };
      await store.take([slow, fast], 0);
      const d = await store.take([slow, fast], 0);
      assert.equal(d.retryAfterMs, 2000);
      assert.deepEqual(
        d.buckets.map((b) => b.retryAfterMs),
        [2000, 100],
      );
      assert.equal((await store.take([slow, fast], 1999)).allowed, false);
      assert.equal((await store.take([slow, fast], 2000)).allowed, true);
    });

    it('cost > 1 and fractional rates', async () => {
      const b = { key: 'k', rate: 1 / 3, burst: 5, cost: 2 };
      assert.equal((await store.take([b], 0)).buckets[0]!.remaining, 3);
      assert.equal((await store.take([b], 0)).buckets[0]!.remaining, 1);
      const d = await store.take([b], 0);
      assert.equal(d.allowed, false);
      assert.equal(d.retryAfterMs, 3000);
      assert.equal((await store.take([b], 2999)).allowed, false);
      assert.equal((await store.take([b], 3000)).allowed, true);
    });

    it('matches the pure model over a long random sequence (fractional rates, skewed clocks, cost > 1)', async () => {
      const rnd = prng(42);
      const model = new Model();
      const buckets: BucketRequest[] = [
        { key: 'a', rate: 0.7, burst: 3 },
        { key: 'b', rate: 13.37, burst: 20 },
        { key: 'c', rate: 1000 / 7, burst: 2 },
        { key: 'g', rate: 25, burst: 30 },
      ];
      let now = 1_700_000_000_000;
      for (let step = 0; step < 400; step++) {
        // Mostly forward, sometimes a replica whose clock is behind.
        now += Math.floor(rnd() * 120) - (rnd() < 0.1 ? 300 : 0);
        const pick = buckets.filter(() => rnd() < 0.5);
        if (pick.length === 0) pick.push(buckets[step % buckets.length]!);
        const reqs = pick.map((b) => ({ ...b, cost: rnd() < 0.2 ? Math.min(b.burst, 2) : 1 }));
        const expected = model.take(reqs, now);
        const got = await store.take(reqs, now);
        assert.deepEqual(got, expected, `step ${step} at ${now}`);
      }
    });

    it('rejects malformed calls', async () => {
      await assert.rejects(store.take([], 0), RangeError);
      await assert.rejects(store.take([client], 1.5), RangeError);
      await assert.rejects(store.take([client, client], 0), /twice/);
      await assert.rejects(store.take([{ ...client, cost: 11 }], 0), /cost/);
      await assert.rejects(store.acquire('k', 0, 0, 1000), /cap/);
    });

    it('concurrency: at most cap leases; release frees one; expired leases free themselves', async () => {
      const leases: string[] = [];
      for (let i = 0; i < 4; i++) {
        const a = await store.acquire('c', 4, 0, 1000);
        assert.equal(a.acquired, true);
        assert.equal(a.active, i + 1);
        leases.push(a.leaseId!);
      }
      assert.deepEqual(await store.acquire('c', 4, 0, 1000), { acquired: false, leaseId: null, active: 4 });
      await store.release('c', leases[0]!);
      await store.release('c', leases[0]!); // twice is harmless
      await store.release('c', 'unknown-lease');
      const again = await store.acquire('c', 4, 10, 1000);
      assert.equal(again.acquired, true);
      assert.equal(again.active, 4);
      assert.equal((await store.acquire('c', 4, 999, 1000)).acquired, false);
      // Leases taken at 0 expire at 1000 (a crashed holder never releases them).
      const later = await store.acquire('c', 4, 1000, 1000);
      assert.equal(later.acquired, true);
      assert.equal(later.active, 2);
      assert.equal((await store.acquire('other', 4, 1000, 1000)).active, 1, 'keys are independent');
    });

    it('snapshot lists the emptiest buckets and the held leases', async () => {
      for (let i = 0; i < 10; i++) await store.take([client], 0);
      await store.take([global], 0);
      await store.acquire('lease-key', 4, 0, 1000);
      const s = await store.snapshot(0, 1);
      assert.equal(s.bucketCount, 2);
      assert.deepEqual(s.buckets, [{ key: client.key, tokens: 0, rate: 5, burst: 10 }]);
      assert.deepEqual(s.concurrency, [{ key: 'lease-key', active: 1 }]);
      const later = await store.snapshot(1000, 5);
      assert.equal(later.buckets.find((b) => b.key === client.key)!.tokens, 5);
      assert.deepEqual(later.concurrency, []);
    });
  });
}

describe('RedisStore: replicas share one budget', { skip: haveRedis ? undefined : `${REDIS_SERVER} is not installed` }, () => {
  let r: TestRedis;
  before(async () => {
    r = await startRedis();
  });
  after(() => r.stop());

  it('two stores on two connections: 15 requests, burst 10 → exactly 10 allowed', async () => {
    const a = new RedisStore({ redis: r.client() });
    const b = new RedisStore({ redis: r.client() });
    const bucket = { key: '{/v1/near-rpc}:anonymous:9.9.9.9', rate: 5, burst: 10 };
    const now = 1_700_000_000_000;
    const decisions = await Promise.all(Array.from({ length: 15 }, (_, i) => (i % 2 === 0 ? a : b).take([bucket], now)));
    assert.equal(decisions.filter((d) => d.allowed).length, 10);
  });

  it('buckets and lease sets carry a TTL so idle ones expire', async () => {
    const c = r.client();
    const s = new RedisStore({ redis: c, prefix: 'ttl:', ttlMarginMs: 500 });
    await s.take([{ key: 'k', rate: 5, burst: 10 }], 0);
    const pttl = await c.pttl('ttl:b:k');
    assert.ok(pttl > 0 && pttl <= 200 + 500, `bucket TTL ${pttl}`);
    await s.acquire('k', 2, Date.now(), 3000);
    const lttl = await c.pttl('ttl:n:k');
    assert.ok(lttl > 3000 && lttl <= 3500, `lease-set TTL ${lttl}`);
  });

  it('rejects a prefix with Redis Cluster hash-tag braces', () => {
    assert.throws(() => new RedisStore({ redis: r.client(), prefix: '{x}:' }), /hash tags/);
  });
});

describe('MemoryStore: bounded and self-cleaning', () => {
  it('forgets buckets that refilled to burst (no decision changes)', async () => {
    const s = new MemoryStore({ sweepPerTake: 4 });
    for (let i = 0; i < 50; i++) await s.take([{ key: `k${i}`, rate: 10, burst: 10 }], 0);
    assert.equal(s.size, 50);
    for (let i = 0; i < 20; i++) await s.take([{ key: 'hot', rate: 10, burst: 10, cost: 0.001 }], 10_000);
    assert.ok(s.size <= 2, `size ${s.size}`);
  });

  it('never holds more than maxEntries', async () => {
    const s = new MemoryStore({ maxEntries: 100, sweepPerTake: 0 });
    for (let i = 0; i < 1000; i++) await s.take([{ key: `k${i}`, rate: 1, burst: 10 }], 0);
    assert.ok(s.size <= 100, `size ${s.size}`);
  });
});
