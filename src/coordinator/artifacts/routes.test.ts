import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { registerArtifactRoutes } from './routes.js';
import { ArtifactStore } from './store.js';

const sha = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');
const MAX = 1024;

describe('artifact routes', () => {
  let dataDir: string;
  let store: ArtifactStore;
  let app: FastifyInstance;
  const guarded: string[] = [];

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'outlayer-routes-'));
    store = await ArtifactStore.open({ dataDir });
    app = Fastify();
    app.post('/echo', async (request) => request.body); // other routes keep the JSON parser
    registerArtifactRoutes(app, {
      store,
      maxBytes: MAX,
      preHandler: async (request, reply) => {
        guarded.push(request.method);
        if (request.headers['x-deny'] !== undefined) return reply.code(401).send({ error: { code: 'unauthorized', message: 'no' } });
        return undefined;
      },
    });
    await app.ready();
  });

  after(async () => {
    await app.close();
    await store.dispose();
    await rm(dataDir, { recursive: true, force: true });
  });

  const data = Buffer.from('\0asm\x01\0\0\0');
  const h = sha(data);
  const url = `/v1/artifacts/${h}`;

  it('PUT stores the body (201), a second PUT answers 200', async () => {
    const first = await app.inject({ method: 'PUT', url, payload: data, headers: { 'content-type': 'application/octet-stream' } });
    assert.equal(first.statusCode, 201);
    assert.deepEqual(first.json(), { sha256: h, size: data.length });
    const second = await app.inject({ method: 'PUT', url, payload: data, headers: { 'content-type': 'application/json' } });
    assert.equal(second.statusCode, 200);
    assert.deepEqual(second.json(), { sha256: h, size: data.length });
  });

  it('PUT accepts a body without a content type', async () => {
    const body = Buffer.from('no content type');
    const res = await app.inject({ method: 'PUT', url: `/v1/artifacts/${sha(body)}`, payload: Readable.from([body]) });
    assert.equal(res.statusCode, 201, res.body);
  });

  it('GET streams the blob with immutable cache headers; HEAD has the headers without a body', async () => {
    const res = await app.inject({ method: 'GET', url });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.rawPayload, data);
    assert.equal(res.headers['content-length'], String(data.length));
    assert.equal(res.headers.etag, `"${h}"`);
    assert.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable');
    const head = await app.inject({ method: 'HEAD', url });
    assert.equal(head.statusCode, 200);
    assert.equal(head.body, '');
    assert.equal(head.headers['content-length'], String(data.length));
    assert.equal(head.headers.etag, `"${h}"`);
    assert.equal(head.headers['cache-control'], 'public, max-age=31536000, immutable');
  });

  it('answers 304 when If-None-Match names the blob', async () => {
    for (const inm of [`"${h}"`, `W/"${h}"`, `"other", "${h}"`, '*']) {
      const res = await app.inject({ method: 'GET', url, headers: { 'if-none-match': inm } });
      assert.equal(res.statusCode, 304, inm);
      assert.equal(res.body, '');
      assert.equal(res.headers.etag, `"${h}"`);
    }
    assert.equal((await app.inject({ method: 'GET', url, headers: { 'if-none-match': '"other"' } })).statusCode, 200);
    assert.equal((await app.inject({ method: 'HEAD', url, headers: { 'if-none-match': `"${h}"` } })).statusCode, 304);
  });

  it('404 for a missing blob, 400 for a malformed hash', async () => {
    const missing = await app.inject({ method: 'GET', url: `/v1/artifacts/${sha('missing')}` });
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().error.code, 'not_found');
    assert.equal((await app.inject({ method: 'HEAD', url: `/v1/artifacts/${sha('missing')}` })).statusCode, 404);
    for (const bad of [h.toUpperCase(), 'abc', `${h}00`]) {
      for (const method of ['GET', 'PUT'] as const) {
        const res = await app.inject({ method, url: `/v1/artifacts/${bad}`, payload: method === 'PUT' ? data : undefined });
        assert.equal(res.statusCode, 400);
        assert.equal(res.json().error.code, 'bad_hash');
        assert.match(res.json().error.message, /64 lower-case hexadecimal/);
      }
    }
  });

  it('413 from Content-Length before reading, and from a streamed body past the cap', async () => {
    const big = Buffer.alloc(MAX + 1, 1);
    const declared = await app.inject({ method: 'PUT', url: `/v1/artifacts/${sha(big)}`, payload: big, headers: { 'content-type': 'application/octet-stream' } });
    assert.equal(declared.statusCode, 413);
    assert.equal(declared.json().error.code, 'too_large');
    let pulled = 0;
    const endless = new Readable({
      read() {
        pulled++;
        this.push(Buffer.alloc(256, 2));
      },
    });
    const streamed = await app.inject({ method: 'PUT', url: `/v1/artifacts/${sha('x')}`, payload: endless, headers: { 'content-type': 'application/octet-stream' } });
    assert.equal(streamed.statusCode, 413);
    assert.equal(streamed.json().error.code, 'too_large');
    assert.ok(pulled * 256 < 256 * 1024, `read ${pulled} chunks`); // bounded by stream buffers, not by the endless body
    assert.equal(store.has(sha('x')), false);
  });

  it('413 over a real socket for a chunked body past the cap (the response still arrives)', async () => {
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const status = await new Promise<number>((resolvePromise, reject) => {
      const req = request(`${address}/v1/artifacts/${sha('y')}`, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' } }, (res) => {
        res.resume();
        resolvePromise(res.statusCode ?? 0);
        req.destroy();
      });
      req.on('error', reject);
      const chunk = Buffer.alloc(256, 1);
      const pump = (): void => {
        while (!req.destroyed && req.write(chunk));
        if (!req.destroyed) req.once('drain', pump);
      };
      pump();
    });
    assert.equal(status, 413);
  });

  it('422 when the body hashes differently', async () => {
    const res = await app.inject({ method: 'PUT', url: `/v1/artifacts/${sha('expected')}`, payload: Buffer.from('actual') });
    assert.equal(res.statusCode, 422);
    assert.equal(res.json().error.code, 'hash_mismatch');
  });

  it('runs the preHandler before every route and leaves other routes their parsers', async () => {
    guarded.length = 0;
    assert.equal((await app.inject({ method: 'GET', url, headers: { 'x-deny': '1' } })).statusCode, 401);
    assert.equal((await app.inject({ method: 'PUT', url, payload: data, headers: { 'x-deny': '1' } })).statusCode, 401);
    assert.equal((await app.inject({ method: 'HEAD', url, headers: { 'x-deny': '1' } })).statusCode, 401);
    assert.deepEqual(guarded, ['GET', 'PUT', 'HEAD']);
    const echo = await app.inject({ method: 'POST', url: '/echo', payload: { a: 1 } });
    assert.deepEqual(echo.json(), { a: 1 });
  });
});
