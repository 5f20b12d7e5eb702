// The operations routes: health is never throttled, metrics are Prometheus text, and the NEAR RPC
// proxy caches answers about final state briefly and passes an upstream 429 through.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Coordinator } from '../app.js';

describe('ops routes', () => {
  let upstream: Server;
  let calls = 0;
  let limited = false;
  let c: Coordinator;
  const dir = mkdtempSync(join(tmpdir(), 'ops-routes-'));
  before(async () => {
    upstream = createServer((req, res) => {
      let body = '';
      req.on('data', (b) => (body += b));
      req.on('end', () => {
        calls++;
        if (limited) {
          res.writeHead(429, { 'retry-after': '7', 'content-type': 'application/json' }).end('{"error":"slow down"}');
          return;
        }
        const { id, method } = JSON.parse(body) as { id: unknown; method: string };
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id, result: { method, n: calls } }));
      });
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    const port = (upstream.address() as { port: number }).port;
    c = await Coordinator.open({ dataDir: dir, rpcUrl: `http://127.0.0.1:${port}`, logger: false });
  });
  after(async () => {
    await c[Symbol.asyncDispose]();
    upstream.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const rpc = (id: number, params: unknown, method = 'block') => c.app.inject({ method: 'POST', url: '/v1/near-rpc', payload: { jsonrpc: '2.0', id, method, params } });

  it('caches final answers (with the caller id), not optimistic ones', async () => {
    const a = await rpc(1, { finality: 'final' });
    const b = await rpc(2, { finality: 'final' });
    assert.equal(a.statusCode, 200);
    assert.equal(b.headers['x-outlayer-cache'], 'hit');
    assert.deepEqual(b.json(), { ...a.json(), id: 2 });
    const before = calls;
    await rpc(3, { finality: 'optimistic' });
    await rpc(4, { finality: 'optimistic' });
    assert.equal(calls, before + 2);
  });

  it("passes an upstream 429 through with its Retry-After", async () => {
    limited = true;
    const r = await rpc(5, { finality: 'optimistic' }, 'status');
    limited = false;
    assert.equal(r.statusCode, 429);
    assert.equal(r.headers['retry-after'], '7');
  });

  it('health is never throttled; metrics are Prometheus text', async () => {
    for (let i = 0; i < 30; i++) assert.equal((await c.app.inject({ method: 'GET', url: '/v1/health' })).statusCode, 200);
    const m = await c.app.inject({ method: 'GET', url: '/metrics' });
    assert.match(String(m.headers['content-type']), /text\/plain/);
    assert.match(m.body, /outlayer_queue_jobs\{state="queued"\} 0/);
  });

  it('anonymous callers are throttled after the burst with a whole-second Retry-After', async () => {
    const codes: number[] = [];
    let retry: string | undefined;
    for (let i = 0; i < 15; i++) {
      const r = await c.app.inject({ method: 'GET', url: '/v1/stats' });
      codes.push(r.statusCode);
      if (r.statusCode === 429) retry = String(r.headers['retry-after']);
    }
    assert.equal(codes.filter((s) => s === 200).length, 10);
    assert.match(retry ?? '', /^[1-9]\d*$/);
  });
});
