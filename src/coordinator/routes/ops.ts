/**
 * Operations routes: `GET /v1/health` (never throttled), `GET /v1/stats`, `GET /metrics`
 * (Prometheus text from prom-client), and `POST /v1/near-rpc`, a throttled JSON-RPC proxy to the
 * coordinator's NEAR RPC that caches answers about `final` state for a moment (they cannot
 * change) and passes upstream 429s through with their `Retry-After`.
 */
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { sendError } from '../auth.js';
import type { JobQueue } from '../queue/queue.js';

export interface OpsOptions {
  queue: JobQueue;
  rpcUrl: string;
  /** Extra figures for /v1/stats (chain cursor, resolutions, workers). */
  stats: () => Promise<Record<string, unknown>>;
  /** How long a `final` answer is served from the cache (default 1000 ms). */
  rpcCacheMs?: number;
  fetch?: typeof fetch;
}

export interface Metrics {
  registry: Registry;
  jobsEnqueued: Counter;
  jobsFinished: Counter<'status'>;
  resolutions: Counter<'status'>;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'outlayer_' });
  return {
    registry,
    jobsEnqueued: new Counter({ name: 'outlayer_jobs_enqueued_total', help: 'Jobs added to the queue', registers: [registry] }),
    jobsFinished: new Counter({ name: 'outlayer_jobs_finished_total', help: 'Jobs finished, by status', labelNames: ['status'], registers: [registry] }),
    resolutions: new Counter({ name: 'outlayer_resolutions_total', help: 'On-chain resolutions, by status', labelNames: ['status'], registers: [registry] }),
  };
}

/** Whether a JSON-RPC call asks only about final state (safe to cache briefly). */
function cacheableFinal(body: { method?: unknown; params?: unknown }): boolean {
  const p = body.params as Record<string, unknown> | undefined;
  return (body.method === 'query' || body.method === 'block') && !!p && typeof p === 'object' && !Array.isArray(p) && p['finality'] === 'final';
}

export function registerOpsRoutes(app: FastifyInstance, o: OpsOptions, metrics: Metrics): void {
  const started = Date.now();
  const f = o.fetch ?? fetch;
  const cache = new Map<string, { at: number; status: number; body: string }>();
  const ttl = o.rpcCacheMs ?? 1000;
  const queueDepth = new Gauge({ name: 'outlayer_queue_jobs', help: 'Jobs by state', labelNames: ['state'], registers: [metrics.registry] });

  app.get('/v1/health', { config: { throttle: false } }, async () => ({ status: 'ok', uptime_s: Math.floor((Date.now() - started) / 1000) }));

  app.get('/v1/stats', async () => ({ queue: await o.queue.stats(), ...(await o.stats()) }));

  app.get('/metrics', async (_req, reply) => {
    const s = await o.queue.stats();
    for (const state of ['queued', 'leased', 'done', 'failed', 'unacked'] as const) queueDepth.set({ state }, s[state]);
    return reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  app.post('/v1/near-rpc', async (req, reply) => {
    const body = req.body as { jsonrpc?: unknown; id?: unknown; method?: unknown; params?: unknown } | null;
    if (!body || typeof body !== 'object' || typeof body.method !== 'string') return sendError(reply, 400, 'bad_request', 'a JSON-RPC 2.0 request {jsonrpc, id, method, params} is expected');
    const key = cacheableFinal(body) ? JSON.stringify([body.method, body.params]) : null;
    const hit = key ? cache.get(key) : undefined;
    if (hit && Date.now() - hit.at < ttl) {
      // Same answer, the caller's own id.
      const answer = JSON.parse(hit.body) as Record<string, unknown>;
      return reply.code(hit.status).header('x-outlayer-cache', 'hit').send({ ...answer, id: body.id ?? null });
    }
    let res: Response;
    try {
      res = await f(o.rpcUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(30_000) });
    } catch (e) {
      return sendError(reply, 502, 'upstream_unavailable', `the NEAR RPC did not answer: ${(e as Error).message}`);
    }
    const text = await res.text();
    if (res.status === 429) {
      const retry = res.headers.get('retry-after');
      if (retry) reply.header('retry-after', retry);
      return reply.code(429).header('content-type', 'application/json').send(text || JSON.stringify({ error: { code: 'upstream_rate_limited', message: 'the NEAR RPC is rate limiting' } }));
    }
    if (key && res.ok) {
      cache.set(key, { at: Date.now(), status: res.status, body: text });
      if (cache.size > 1000) cache.delete(cache.keys().next().value!);
    }
    return reply.code(res.status).header('content-type', 'application/json').send(text);
  });
}
