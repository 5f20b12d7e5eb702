/**
 * The fastify side of throttling: `registerThrottle(app, options)` adds hooks to `app` so every
 * route is throttled unless exempt (`/v1/health` always is), and `registerThrottleMetrics`
 * adds `GET /v1/throttle/metrics`.
 *
 * Per request (onRequest hook): identify the client — `Authorization: Bearer <key>` accepted by
 * `isValidApiKey` gives tier `keyed` and a client id that is a hash of the key (the raw key is
 * never stored); anything else is `anonymous`, identified by `request.ip` — then ONE store call
 * checks the (route, tier, client) bucket and the route's global bucket together. A denial is
 * 429 `{error:{code:'rate_limited'}}` with `Retry-After`. Then one concurrency slot per
 * (route, tier, client) is taken; it is given back when the response finishes or the client
 * aborts (onResponse / onRequestAbort, at most once). Tokens are checked before the slot so a
 * flood of rejected requests costs one store call each.
 *
 * Headers (draft-ietf-httpapi-ratelimit-headers-11, on allowed and denied responses):
 *   RateLimit-Policy: "default";q=<burst>;w=<ceil(burst/rps) s>
 *   RateLimit: "default";r=<whole tokens left>;t=<s until the bucket is full; on denial = Retry-After>
 *
 * @example
 *   const app = Fastify();
 *   const throttle = registerThrottle(app, { store: new MemoryStore(), isValidApiKey: (k) => keys.has(k) });
 *   registerThrottleMetrics(app, throttle);
 *   app.get('/v1/stats', ...);
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DEFAULT_THROTTLE_CONFIG, resolveRoute, TIERS, type RouteLimits, type ThrottleConfig, type Tier } from './profiles.js';
import type { BucketStore, Decision, StoreSnapshot } from './store.js';

/** The error code of every throttling denial (documented in docs/throttling.md). */
export const RATE_LIMITED = 'rate_limited';
/** Routes that are never throttled, whatever the options say. */
export const ALWAYS_EXEMPT: readonly string[] = ['/v1/health'];
/** The route id used for requests that match no route (404s are throttled too). */
export const UNMATCHED_ROUTE = '(unmatched)';

export interface ThrottleOptions {
  store: BucketStore;
  /** Default: DEFAULT_THROTTLE_CONFIG (use loadThrottleConfig() for file/env settings). */
  config?: ThrottleConfig;
  /** Whether a bearer key is a valid API key. Default: no key is valid (everyone is anonymous). */
  isValidApiKey?: (key: string) => boolean | Promise<boolean>;
  /** The clock, in ms (injectable for tests). Default Date.now. Fractions are floored. */
  now?: () => number;
  /** More route patterns never throttled (besides /v1/health and routes with `config: { throttle: false }`). */
  exempt?: readonly string[];
  /**
   * When the store fails (Redis down): true lets the request through and logs a warning
   * (default), false fails the request with the store's error.
   */
  failOpen?: boolean;
}

export interface RouteCounter {
  route: string;
  tier: Tier;
  allowed: number;
  /** Denied by a token bucket. */
  denied: number;
  /** Denied by the concurrency cap. */
  concurrencyDenied: number;
}

/** What `registerThrottle` returns: read-only views for metrics. */
export interface Throttle {
  readonly config: ThrottleConfig;
  /** Allowed/denied counts of this process, per (route, tier), busiest first. */
  counters(): RouteCounter[];
  snapshot(top?: number): Promise<StoreSnapshot>;
}

interface Held {
  key: string;
  leaseId: string;
}

const BEARER = /^Bearer[ \t]+([^\s]+)[ \t]*$/i;

/** The client id of an API key: a short hash, so keys never reach the store, logs or metrics. */
export function apiKeyId(key: string): string {
  return createHash('sha256').update(key).digest('base64url').slice(0, 22);
}

/** `RateLimit-Policy` for a bucket: quota = burst, window = time to refill from empty. */
export function policyHeader(limits: Pick<RouteLimits, 'rps' | 'burst'>): string {
  return `"default";q=${Math.floor(limits.burst)};w=${Math.max(1, Math.ceil(limits.burst / limits.rps))}`;
}

/** Whole seconds to wait, as `Retry-After` wants them: rounded up, at least 1. */
export function retryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

/**
 * Adds the throttling hooks to `app` (call it before registering routes, on the instance whose
 * routes it should cover). Returns counters and a store snapshot for metrics.
 */
export function registerThrottle(app: FastifyInstance, options: ThrottleOptions): Throttle {
  const { store } = options;
  const config = options.config ?? DEFAULT_THROTTLE_CONFIG;
  const isValidApiKey = options.isValidApiKey ?? (() => false);
  const now = options.now ?? Date.now;
  const failOpen = options.failOpen ?? true;
  const exempt = new Set([...ALWAYS_EXEMPT, ...(options.exempt ?? [])]);
  const held = new WeakMap<FastifyRequest, Held>();
  const counters = new Map<string, RouteCounter>();
  const limitsCache = new Map<string, RouteLimits>();

  const limitsOf = (route: string, tier: Tier): RouteLimits => {
    const id = `${tier}\u0000${route}`;
    let l = limitsCache.get(id);
    if (!l) limitsCache.set(id, (l = resolveRoute(config, route, tier)));
    return l;
  };
  const count = (route: string, tier: Tier): RouteCounter => {
    const id = `${tier}\u0000${route}`;
    let c = counters.get(id);
    if (!c) counters.set(id, (c = { route, tier, allowed: 0, denied: 0, concurrencyDenied: 0 }));
    return c;
  };

  async function identify(request: FastifyRequest): Promise<{ tier: Tier; client: string }> {
    const auth = request.headers.authorization;
    if (auth !== undefined) {
      const m = BEARER.exec(auth);
      if (m && (await isValidApiKey(m[1]!))) return { tier: 'keyed', client: apiKeyId(m[1]!) };
    }
    return { tier: 'anonymous', client: request.ip };
  }

  const deny = (reply: FastifyReply, retryAfter: number, message: string): FastifyReply =>
    reply.code(429).header('retry-after', String(retryAfter)).type('application/json; charset=utf-8').send({ error: { code: RATE_LIMITED, message } });

  app.addHook('onRequest', async function throttle(request, reply) {
    const route = request.routeOptions.url ?? UNMATCHED_ROUTE;
    if (exempt.has(route) || request.routeOptions.config?.throttle === false) return;
    const { tier, client } = await identify(request);
    const limits = limitsOf(route, tier);
    if (limits.exempt) return;
    const nowMs = Math.floor(now());
    // The route in a {hash tag}: both buckets of one take land in one Redis Cluster slot.
    const key = `{${route}}:${tier}:${client}`;
    let decision: Decision;
    try {
      decision = await store.take(
        [
          { key, rate: limits.rps, burst: limits.burst },
          { key: `{${route}}:*`, rate: limits.globalRps, burst: limits.globalBurst },
        ],
        nowMs,
      );
    } catch (e) {
      if (!failOpen) throw e;
      request.log.warn({ err: e }, 'throttle store failed; request let through');
      return;
    }
    const mine = decision.buckets[0]!;
    const counter = count(route, tier);
    reply.header('ratelimit-policy', policyHeader(limits));
    if (!decision.allowed) {
      counter.denied++;
      const retryAfter = retryAfterSeconds(decision.retryAfterMs);
      reply.header('ratelimit', `"default";r=0;t=${retryAfter}`);
      const who = mine.allowed ? `all clients of ${route}` : tier === 'keyed' ? 'this API key' : 'anonymous clients';
      return deny(reply, retryAfter, `rate limit exceeded for ${who}: retry after ${retryAfter} s`);
    }
    reply.header('ratelimit', `"default";r=${mine.remaining};t=${Math.ceil(mine.resetMs / 1000)}`);
    let lease;
    try {
      lease = await store.acquire(key, limits.concurrency, nowMs, config.leaseMs);
    } catch (e) {
      if (!failOpen) throw e;
      request.log.warn({ err: e }, 'throttle store failed; request let through');
      return;
    }
    if (!lease.acquired) {
      counter.concurrencyDenied++;
      return deny(reply, 1, `too many concurrent requests: at most ${limits.concurrency} in flight per ${tier === 'keyed' ? 'API key' : 'anonymous client'} on ${route}`);
    }
    counter.allowed++;
    held.set(request, { key, leaseId: lease.leaseId! });
    return;
  });

  async function release(request: FastifyRequest): Promise<void> {
    const h = held.get(request);
    if (!h) return;
    held.delete(request); // at most once, whichever hook comes first
    try {
      await store.release(h.key, h.leaseId);
    } catch (e) {
      request.log.warn({ err: e }, 'throttle store failed to release a slot; its lease will expire');
    }
  }
  app.addHook('onResponse', release);
  app.addHook('onRequestAbort', release);

  return {
    config,
    counters: () => [...counters.values()].map((c) => ({ ...c })).sort((a, b) => b.allowed + b.denied + b.concurrencyDenied - (a.allowed + a.denied + a.concurrencyDenied)),
    snapshot: (top = 20) => store.snapshot(Math.floor(now()), top),
  };
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** `false` exempts the route from throttling. */
    throttle?: boolean;
  }
}

export interface MetricsRouteOptions {
  /** Default `/v1/throttle/metrics`. */
  path?: string;
  /** How many of the emptiest buckets and busiest lease sets to list (default 20). */
  top?: number;
}

/**
 * Registers `GET /v1/throttle/metrics`: per (route, tier) counts of this process and the
 * emptiest buckets of the store. Throttled like any route unless listed in `exempt`.
 */
export function registerThrottleMetrics(app: FastifyInstance, throttle: Throttle, options: MetricsRouteOptions = {}): void {
  const top = options.top ?? 20;
  app.get(options.path ?? '/v1/throttle/metrics', () => throttleMetrics(throttle, top));
}

/** The body of `GET /v1/throttle/metrics` (also part of the dashboard's summary). */
export async function throttleMetrics(throttle: Throttle, top = 20) {
  const snap = await throttle.snapshot(top);
  return {
    routes: throttle.counters().map((c) => ({ route: c.route, tier: c.tier, allowed: c.allowed, denied: c.denied, concurrency_denied: c.concurrencyDenied })),
    bucket_count: snap.bucketCount,
    buckets: snap.buckets.map((b) => ({ key: b.key, tokens: Math.round(b.tokens * 1000) / 1000, burst: b.burst, rate: b.rate })),
    concurrency: snap.concurrency,
    tiers: Object.fromEntries(TIERS.map((t) => [t, throttle.config[t]])),
  };
}
