import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { apiKeyId, registerThrottle, registerThrottleMetrics, type ThrottleOptions } from './fastify.js';
import { MemoryStore } from './memory-store.js';
import { parseThrottleConfig } from './profiles.js';
import { RedisStore } from './redis-store.js';
import { haveRedis, REDIS_SERVER, startRedis } from './redis-server.test-helper.js';

const KEY = 'sk_test_0123456789';

/** An app with the throttle, a few routes and an injected clock. */
function makeApp(extra: Partial<ThrottleOptions> = {}) {
  const clock = { now: 1_700_000_000_000 };
  const store = new MemoryStore();
  const app: FastifyInstance = Fastify();
  const throttle = registerThrottle(app, { store, isValidApiKey: async (k) => k === KEY || k === `${KEY}-2`, now: () => clock.now, ...extra });
  registerThrottleMetrics(app, throttle);
  app.get('/v1/health', async () => ({ ok: true }));
  app.get('/v1/stats', async () => ({ ok: true }));
  app.get('/v1/jobs/:id', async () => ({ ok: true }));
  app.get('/v1/internal', { config: { throttle: false } }, async () => ({ ok: true }));
  return { app, clock, store, throttle };
}

async function hammer(app: FastifyInstance, n: number, opts: { url?: string; auth?: string; ip?: string } = {}): Promise<number[]> {
  const codes: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = await app.inject({ method: 'GET', url: opts.url ?? '/v1/stats', remoteAddress: opts.ip, headers: opts.auth ? { authorization: opts.auth } : {} });
    codes.push(r.statusCode);
  }
  return codes;
}
const allowed = (codes: number[]) => codes.filter((c) => c === 200).length;

describe('fastify throttle', () => {
  it('anonymous: burst 10, then 429 rate_limited with Retry-After and RateLimit headers', async () => {
    const { app } = makeApp();
    const first = await app.inject('/v1/stats');
    assert.equal(first.statusCode, 200);
    assert.equal(first.headers['ratelimit-policy'], '"default";q=10;w=2');
    assert.equal(first.headers['ratelimit'], '"default";r=9;t=1');
    assert.equal(allowed(await hammer(app, 9)), 9);
    const denied = await app.inject('/v1/stats');
    assert.equal(denied.statusCode, 429);
    assert.equal(denied.headers['retry-after'], '1'); // 200 ms to the next token, rounded up
    assert.equal(denied.headers['ratelimit-policy'], '"default";q=10;w=2');
    assert.equal(denied.headers['ratelimit'], '"default";r=0;t=1');
    assert.match(String(denied.headers['content-type']), /application\/json/);
    const body = denied.json();
    assert.equal(body.error.code, 'rate_limited');
    assert.match(body.error.message, /rate limit exceeded for anonymous clients/);
    // Another IP has its own bucket.
    assert.equal(allowed(await hammer(app, 11, { ip: '10.0.0.2' })), 10);
    await app.close();
  });

  it('keyed: burst 40 per key; keys and tiers are separate buckets', async () => {
    const { app, store } = makeApp();
    const codes = await hammer(app, 41, { auth: `Bearer ${KEY}` });
    assert.equal(allowed(codes), 40);
    assert.equal(codes[40], 429);
    const h = (await app.inject({ url: '/v1/stats', headers: { authorization: `Bearer ${KEY}-2` } })).headers;
    assert.equal(h['ratelimit-policy'], '"default";q=40;w=2');
    assert.equal(allowed(await hammer(app, 10)), 10, 'anonymous from the same IP is untouched');
    const snap = await store.snapshot(0, 100);
    assert.ok(snap.buckets.some((b) => b.key === `{/v1/stats}:keyed:${apiKeyId(KEY)}`));
    assert.ok(!JSON.stringify(snap).includes(KEY), 'the raw API key is never stored');
    await app.close();
  });

  it('an invalid or malformed API key is anonymous (shares the IP bucket)', async () => {
    const { app } = makeApp();
    const mixed = [...(await hammer(app, 5, { auth: 'Bearer wrong' })), ...(await hammer(app, 3, { auth: 'Basic abc' })), ...(await hammer(app, 3, { auth: `Bearer  ${KEY} extra` }))];
    assert.equal(allowed(mixed), 10);
    assert.equal(mixed[10], 429);
    await app.close();
  });

  it('Retry-After is the exact wait, in whole seconds, under an injected clock', async () => {
    const config = parseThrottleConfig({ routes: { '/v1/stats': { anonymous: { rps: 0.25, burst: 1 } } } });
    const { app, clock } = makeApp({ config });
    assert.equal((await app.inject('/v1/stats')).statusCode, 200);
    const r1 = await app.inject('/v1/stats');
    assert.equal(r1.statusCode, 429);
    assert.equal(r1.headers['retry-after'], '4');
    assert.equal(r1.headers['ratelimit-policy'], '"default";q=1;w=4');
    clock.now += 2500;
    assert.equal((await app.inject('/v1/stats')).headers['retry-after'], '2'); // 1500 ms → 2 s
    clock.now += 1499;
    const r2 = await app.inject('/v1/stats');
    assert.equal(r2.statusCode, 429);
    assert.equal(r2.headers['retry-after'], '1'); // 1 ms left: at least 1 s
    clock.now += 1;
    assert.equal((await app.inject('/v1/stats')).statusCode, 200);
    await app.close();
  });

  it('concurrency cap: 4 slow anonymous requests in flight, the 5th is 429; after they finish a new one passes', async () => {
    const { app } = makeApp();
    let entered = 0;
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    app.get('/v1/slow', async () => {
      entered++;
      await gate;
      return { ok: true };
    });
    const slow = Array.from({ length: 4 }, () => app.inject('/v1/slow'));
    while (entered < 4) await new Promise((r) => setTimeout(r, 1));
    const fifth = await app.inject('/v1/slow');
    assert.equal(fifth.statusCode, 429);
    assert.equal(fifth.headers['retry-after'], '1');
    assert.equal(fifth.json().error.code, 'rate_limited');
    assert.match(fifth.json().error.message, /too many concurrent requests: at most 4 in flight/);
    assert.ok(fifth.headers['ratelimit']);
    const other = await app.inject('/v1/stats');
    assert.equal(other.statusCode, 200, 'the cap is per route');
    open();
    for (const r of await Promise.all(slow)) assert.equal(r.statusCode, 200);
    assert.equal((await app.inject('/v1/slow')).statusCode, 200, 'slots were released');
    await app.close();
  });

  it('a handler that throws still releases its slot', async () => {
    const { app } = makeApp({ config: parseThrottleConfig({ anonymous: { concurrency: 1 } }) });
    app.get('/v1/boom', async () => {
      throw new Error('boom');
    });
    for (let i = 0; i < 3; i++) assert.equal((await app.inject('/v1/boom')).statusCode, 500);
    await app.close();
  });

  it('/v1/health is never throttled, even when configured otherwise; exempt routes have no headers', async () => {
    const { app } = makeApp({ config: parseThrottleConfig({ anonymous: { rps: 0.001, burst: 1 }, routes: { '/v1/health': { exempt: false } } }) });
    const codes = await hammer(app, 100, { url: '/v1/health' });
    assert.equal(allowed(codes), 100);
    const r = await app.inject('/v1/health');
    assert.equal(r.headers['ratelimit'], undefined);
    assert.equal(allowed(await hammer(app, 20, { url: '/v1/internal' })), 20, 'config: { throttle: false }');
    await app.close();
  });

  it('route identity is the pattern, not the path; a per-route global bucket covers all clients', async () => {
    const config = parseThrottleConfig({ routes: { '/v1/jobs/:id': { global: { rps: 1, burst: 3 } } } });
    const { app } = makeApp({ config });
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push((await app.inject({ url: `/v1/jobs/${i}`, remoteAddress: `10.0.0.${i}` })).statusCode);
    assert.deepEqual(codes, [200, 200, 200, 429]);
    const denied = await app.inject({ url: '/v1/jobs/x', remoteAddress: '10.9.9.9' });
    assert.match(denied.json().error.message, /all clients of \/v1\/jobs\/:id/);
    assert.equal(denied.headers['retry-after'], '1');
    assert.equal((await app.inject('/v1/stats')).statusCode, 200, 'other routes have their own global bucket');
    await app.close();
  });

  it('unmatched paths (404) are throttled too, under one route id', async () => {
    const { app } = makeApp();
    const codes = [];
    for (let i = 0; i < 11; i++) codes.push((await app.inject(`/nope/${i}`)).statusCode);
    assert.equal(codes.filter((c) => c === 404).length, 10);
    assert.equal(codes[10], 429);
    await app.close();
  });

  it('GET /v1/throttle/metrics reports counts per route and tier and the emptiest buckets', async () => {
    const { app } = makeApp();
    await hammer(app, 12);
    await hammer(app, 3, { auth: `Bearer ${KEY}` });
    const m = (await app.inject({ url: '/v1/throttle/metrics', remoteAddress: '10.1.1.1' })).json();
    const anon = m.routes.find((r: { route: string; tier: string }) => r.route === '/v1/stats' && r.tier === 'anonymous');
    assert.deepEqual(anon, { route: '/v1/stats', tier: 'anonymous', allowed: 10, denied: 2, concurrency_denied: 0 });
    assert.equal(m.routes.find((r: { tier: string }) => r.tier === 'keyed').allowed, 3);
    assert.equal(m.buckets[0].key, '{/v1/stats}:anonymous:127.0.0.1');
    assert.equal(m.buckets[0].tokens, 0);
    assert.deepEqual(m.tiers.anonymous, { rps: 5, burst: 10, concurrency: 4 });
    await app.close();
  });

  it('a failing store lets requests through by default, or fails them with failOpen: false', async () => {
    const broken = new MemoryStore();
    broken.take = async () => {
      throw new Error('redis down');
    };
    const open = Fastify();
    registerThrottle(open, { store: broken });
    open.get('/x', async () => 'ok');
    assert.equal(allowed(await hammer(open, 20, { url: '/x' })), 20);
    const closed = Fastify();
    registerThrottle(closed, { store: broken, failOpen: false });
    closed.get('/x', async () => 'ok');
    assert.equal((await closed.inject('/x')).statusCode, 500);
    await open.close();
    await closed.close();
  });

  it('a client that aborts gives its slot back (onRequestAbort), over a real socket', async () => {
    const { app, store } = makeApp({ now: Date.now });
    let entered = 0;
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    app.get('/v1/slow', async () => {
      entered++;
      await gate;
      return { ok: true };
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as { port: number }).port;
    const req = httpRequest({ host: '127.0.0.1', port, path: '/v1/slow' });
    req.on('error', () => {});
    req.end();
    while (entered < 1) await new Promise((r) => setTimeout(r, 1));
    assert.deepEqual((await store.snapshot(Date.now())).concurrency, [{ key: '{/v1/slow}:anonymous:127.0.0.1', active: 1 }]);
    req.destroy();
    for (let i = 0; i < 200 && (await store.snapshot(Date.now())).concurrency.length > 0; i++) await new Promise((r) => setTimeout(r, 5));
    assert.deepEqual((await store.snapshot(Date.now())).concurrency, [], 'slot released on abort');
    open();
    await app.close();
  });

  it('two app replicas on one Redis share the anonymous budget', { skip: haveRedis ? undefined : `${REDIS_SERVER} is not installed` }, async () => {
    const redis = await startRedis();
    try {
      const apps = [0, 1].map(() => {
        const app = Fastify();
        registerThrottle(app, { store: new RedisStore({ redis: redis.client() }) });
        app.get('/v1/stats', async () => ({ ok: true }));
        return app;
      });
      const codes = [];
      for (let i = 0; i < 15; i++) codes.push((await apps[i % 2]!.inject('/v1/stats')).statusCode);
      assert.equal(allowed(codes), 10);
      const denied = await apps[0]!.inject('/v1/stats');
      assert.equal(denied.statusCode, 429);
      assert.equal(denied.headers['retry-after'], '1');
      for (const a of apps) await a.close();
    } finally {
      await redis.stop();
    }
  });
});
