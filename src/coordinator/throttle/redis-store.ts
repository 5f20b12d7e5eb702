/**
 * The shared BucketStore: every coordinator replica talks to one Redis, so a client's budget is
 * the same whichever replica serves it.
 *
 * Each `take` is ONE Lua script (registered with ioredis `defineCommand`, sent as EVALSHA with a
 * fallback to EVAL) that reads every bucket, decides, and debits all of them only if all allow.
 * Redis runs a script atomically, so two replicas can never both spend the last token.
 *
 * Time comes from the caller (`nowMs`), never from Redis `TIME`: the same script then gives the
 * decisions of bucket.ts bit for bit (tests inject a clock and compare with MemoryStore). What a
 * skewed replica clock can do is bounded, because a bucket's time never moves backwards: a
 * replica whose clock is behind sees `elapsed = 0` (refills nothing) until its clock passes the
 * stored `updatedAtMs`; a replica ahead by `d` ms refills at most `d·rate` tokens early, once,
 * and never more than `burst`. With NTP-synced hosts (skew ≪ 1 s) the extra is under one
 * second's worth of rate.
 *
 * Buckets are hashes `{t, u, r, b}` (tokens as `%.17g` text, which round-trips a double exactly)
 * with a TTL of "time until full" plus a margin: an expired bucket is a full one, so expiry never
 * changes a decision. Concurrency slots are a ZSET of lease ids scored by expiry time; each
 * acquire first drops expired leases, so slots held by a crashed replica free themselves after
 * `leaseMs`. Keys are `<prefix>b:<key>` / `<prefix>n:<key>`; the fastify layer puts the route in
 * a `{hash tag}` so the buckets of one `take` share a Redis Cluster slot.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { tokensAt } from './bucket.js';
import { checkAcquire, checkTake, type AcquireResult, type BucketRequest, type BucketStore, type Decision, type StoreSnapshot } from './store.js';

// Mirrors bucket.ts expression for expression: keep the two in step (the conformance suite checks).
const TAKE_LUA = `
local now = tonumber(ARGV[1])
local margin = tonumber(ARGV[2])
local n = #KEYS
local function tokensAt(t, u, at, rate, burst)
  local elapsed = at - u
  if elapsed < 0 then elapsed = 0 end
  return math.min(burst, t + (elapsed * rate) / 1000)
end
local function msUntil(t, u, rate, burst, target)
  if tokensAt(t, u, now, rate, burst) >= target then return 0 end
  local at = u + math.ceil(((target - t) * 1000) / rate)
  if at <= now then at = now + 1 end
  while tokensAt(t, u, at, rate, burst) < target do at = at + 1 end
  while at - 1 > now and tokensAt(t, u, at - 1, rate, burst) >= target do at = at - 1 end
  return at - now
end
local T, U, NT, NU, R, B, C = {}, {}, {}, {}, {}, {}, {}
local allowed = true
for i = 1, n do
  local rate, burst, cost = tonumber(ARGV[3 * i]), tonumber(ARGV[3 * i + 1]), tonumber(ARGV[3 * i + 2])
  local h = redis.call('HMGET', KEYS[i], 't', 'u')
  local t, u
  if h[1] then t, u = tonumber(h[1]), tonumber(h[2]) else t, u = burst, now end
  T[i], U[i], R[i], B[i], C[i] = t, u, rate, burst, cost
  NT[i] = tokensAt(t, u, now, rate, burst)
  NU[i] = math.max(u, now)
  if NT[i] < cost then allowed = false end
end
local out = {}
for i = 1, n do
  if allowed then
    local t = NT[i] - C[i]
    local reset = msUntil(t, NU[i], R[i], B[i], B[i])
    redis.call('HSET', KEYS[i], 't', string.format('%.17g', t), 'u', string.format('%.17g', NU[i]), 'r', ARGV[3 * i], 'b', ARGV[3 * i + 1])
    redis.call('PEXPIRE', KEYS[i], string.format('%.0f', reset + margin))
    out[i] = {1, math.floor(t), 0, reset}
  else
    local retry = 0
    if NT[i] < C[i] then retry = msUntil(T[i], U[i], R[i], B[i], C[i]) end
    out[i] = {retry == 0 and 1 or 0, math.floor(NT[i]), retry, msUntil(T[i], U[i], R[i], B[i], B[i])}
  end
end
return out
`;

const ACQUIRE_LUA = `
local now, cap, leaseMs, margin = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[5])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
local held = redis.call('ZCARD', KEYS[1])
if held >= cap then return {0, held} end
redis.call('ZADD', KEYS[1], string.format('%.0f', now + leaseMs), ARGV[4])
if redis.call('PTTL', KEYS[1]) < leaseMs + margin then redis.call('PEXPIRE', KEYS[1], string.format('%.0f', leaseMs + margin)) end
return {1, held + 1}
`;

type TakeCommand = (numKeys: number, ...args: (string | number)[]) => Promise<[number, number, number, number][]>;
type AcquireCommand = (numKeys: number, ...args: (string | number)[]) => Promise<[number, number]>;

export interface RedisStoreOptions {
  /** A connected ioredis client. The store registers two commands on it. */
  redis: Redis;
  /** Prefix of every key (default `outlayer:throttle:`); must not contain `{` or `}`. */
  prefix?: string;
  /** Extra TTL beyond "time until full" / lease expiry, in ms (default 1000). */
  ttlMarginMs?: number;
  /** Whether `close()` quits the client (default false: the caller owns it). */
  ownsClient?: boolean;
}

export class RedisStore implements BucketStore {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #margin: number;
  readonly #owns: boolean;
  readonly #take: TakeCommand;
  readonly #acquire: AcquireCommand;
  readonly #leasePrefix = `${randomUUID()}:`;
  #leaseSeq = 0;

  constructor(options: RedisStoreOptions) {
    this.#redis = options.redis;
    this.#prefix = options.prefix ?? 'outlayer:throttle:';
    if (/[{}]/.test(this.#prefix)) throw new RangeError(`prefix must not contain { or } (they are Redis Cluster hash tags): ${this.#prefix}`);
    this.#margin = options.ttlMarginMs ?? 1000;
    this.#owns = options.ownsClient ?? false;
    if (!('outlayerThrottleTake' in this.#redis)) {
      this.#redis.defineCommand('outlayerThrottleTake', { lua: TAKE_LUA });
      this.#redis.defineCommand('outlayerThrottleAcquire', { lua: ACQUIRE_LUA });
    }
    const commands = this.#redis as unknown as { outlayerThrottleTake: TakeCommand; outlayerThrottleAcquire: AcquireCommand };
    this.#take = commands.outlayerThrottleTake.bind(this.#redis);
    this.#acquire = commands.outlayerThrottleAcquire.bind(this.#redis);
  }

  async take(requests: readonly BucketRequest[], nowMs: number): Promise<Decision> {
    checkTake(requests, nowMs);
    const args: (string | number)[] = requests.map((r) => `${this.#prefix}b:${r.key}`);
    args.push(nowMs, this.#margin);
    for (const r of requests) args.push(String(r.rate), String(r.burst), String(r.cost ?? 1));
    const rows = await this.#take(requests.length, ...args);
    let allowed = true;
    let retryAfterMs = 0;
    const buckets = rows.map(([ok, remaining, retry, reset], i) => {
      if (retry > 0) allowed = false;
      if (retry > retryAfterMs) retryAfterMs = retry;
      return { key: requests[i]!.key, allowed: ok === 1, remaining, retryAfterMs: retry, resetMs: reset };
    });
    return { allowed, retryAfterMs, buckets };
  }

  async acquire(key: string, cap: number, nowMs: number, leaseMs: number): Promise<AcquireResult> {
    checkAcquire(cap, nowMs, leaseMs);
    const leaseId = `${this.#leasePrefix}${++this.#leaseSeq}`;
    const [ok, active] = await this.#acquire(1, `${this.#prefix}n:${key}`, nowMs, cap, leaseMs, leaseId, this.#margin);
    return ok === 1 ? { acquired: true, leaseId, active } : { acquired: false, leaseId: null, active };
  }

  async release(key: string, leaseId: string): Promise<void> {
    await this.#redis.zrem(`${this.#prefix}n:${key}`, leaseId);
  }

  /** Scans at most `maxScan` keys of each kind (SCAN, never KEYS), so it stays cheap on a big keyspace. */
  async snapshot(nowMs: number, top = 20, maxScan = 10_000): Promise<StoreSnapshot> {
    const bucketKeys = await this.#scan(`${this.#prefix}b:*`, maxScan);
    const leaseKeys = await this.#scan(`${this.#prefix}n:*`, maxScan);
    const pipe = this.#redis.pipeline();
    for (const k of bucketKeys) pipe.hmget(k, 't', 'u', 'r', 'b');
    for (const k of leaseKeys) pipe.zcount(k, `(${nowMs}`, '+inf');
    const results = (await pipe.exec()) ?? [];
    const cut = (k: string): string => k.slice(this.#prefix.length + 2);
    const buckets = bucketKeys.flatMap((k, i) => {
      const [t, u, r, b] = (results[i]?.[1] ?? []) as (string | null)[];
      if (t == null || u == null || r == null || b == null) return []; // expired between SCAN and HMGET
      const rate = Number(r);
      const burst = Number(b);
      return [{ key: cut(k), tokens: tokensAt({ tokens: Number(t), updatedAtMs: Number(u) }, nowMs, rate, burst), rate, burst }];
    });
    buckets.sort((a, b) => a.tokens / a.burst - b.tokens / b.burst || (a.key < b.key ? -1 : 1));
    const concurrency = leaseKeys
      .map((k, i) => ({ key: cut(k), active: Number(results[bucketKeys.length + i]?.[1] ?? 0) }))
      .filter((c) => c.active > 0)
      .sort((a, b) => b.active - a.active || (a.key < b.key ? -1 : 1));
    return { bucketCount: bucketKeys.length, buckets: buckets.slice(0, top), concurrency: concurrency.slice(0, top) };
  }

  async #scan(match: string, max: number): Promise<string[]> {
    const keys = new Set<string>();
    let cursor = '0';
    do {
      const [next, batch] = await this.#redis.scan(cursor, 'MATCH', match, 'COUNT', 1000);
      for (const k of batch) keys.add(k);
      cursor = next;
    } while (cursor !== '0' && keys.size < max);
    return [...keys].slice(0, max).sort();
  }

  async close(): Promise<void> {
    if (this.#owns) await this.#redis.quit();
  }
}
