import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NearRpcClient, NearRpcError, NearRpcTransportError, backoffMs, retryAfterMs } from './near-rpc.js';

/** A fetch that plays `script` in order; each entry is a status (with optional headers/body) or 'down'. */
function scripted(script: Array<{ status: number; headers?: Record<string, string>; body?: unknown } | 'down'>) {
  const calls: string[] = [];
  const f = (async (_url: unknown, init?: RequestInit) => {
    calls.push(String(init?.body));
    const step = script.shift();
    if (!step || step === 'down') throw new TypeError('fetch failed');
    return new Response(JSON.stringify(step.body ?? { jsonrpc: '2.0', id: 1, result: 'ok' }), { status: step.status, headers: step.headers ?? {} });
  }) as typeof fetch;
  return { f, calls };
}

describe('NearRpcClient retry policy', () => {
  it('backs off min(1000·2^attempt, 10000) ms on network errors, 3 retries at most', async () => {
    assert.deepEqual([0, 1, 2, 3, 4, 5].map(backoffMs), [1000, 2000, 4000, 8000, 10000, 10000]);
    const waits: number[] = [];
    const { f } = scripted(['down', 'down', 'down', 'down']);
    const rpc = new NearRpcClient({ url: 'http://x', fetch: f, sleep: async (ms) => void waits.push(ms) });
    await assert.rejects(rpc.call('status', []), NearRpcTransportError);
    assert.deepEqual(waits, [1000, 2000, 4000]);
    assert.deepEqual(rpc.stats, { totalRequests: 1, successfulRequests: 0, failedRequests: 1, retriedRequests: 3, totalRetryDelay: 7000 });
  });

  it('waits Retry-After on 429, then succeeds', async () => {
    const waits: number[] = [];
    const { f } = scripted([{ status: 429, headers: { 'retry-after': '2' } }, { status: 200 }]);
    const rpc = new NearRpcClient({ url: 'http://x', fetch: f, sleep: async (ms) => void waits.push(ms) });
    assert.equal(await rpc.call('status', []), 'ok');
    assert.deepEqual(waits, [2000]);
    assert.equal(rpc.stats.successfulRequests, 1);
    assert.equal(rpc.stats.retriedRequests, 1);
  });

  it('never retries a JSON-RPC error', async () => {
    const { f, calls } = scripted([{ status: 200, body: { jsonrpc: '2.0', id: 1, error: { code: -32000, message: 'Server error', data: 'account x does not exist', name: 'HANDLER_ERROR', cause: { name: 'UNKNOWN_ACCOUNT' } } } }]);
    const rpc = new NearRpcClient({ url: 'http://x', fetch: f, sleep: async () => {} });
    await assert.rejects(rpc.call('query', {}), (e: unknown) => e instanceof NearRpcError && /does not exist/.test(e.message));
    assert.equal(calls.length, 1);
    assert.equal(rpc.stats.failedRequests, 1);
  });

  it('does not retry other 4xx answers; retries 5xx', async () => {
    const bad = new NearRpcClient({ url: 'http://x', fetch: scripted([{ status: 400 }]).f, sleep: async () => {} });
    await assert.rejects(bad.call('status', []), (e: unknown) => e instanceof NearRpcTransportError && e.status === 400);
    assert.equal(bad.stats.retriedRequests, 0);
    const flaky = new NearRpcClient({ url: 'http://x', fetch: scripted([{ status: 503 }, { status: 200 }]).f, sleep: async () => {} });
    assert.equal(await flaky.call('status', []), 'ok');
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    assert.equal(retryAfterMs('3'), 3000);
    assert.equal(retryAfterMs(null), null);
    assert.equal(retryAfterMs(new Date(10_000).toUTCString(), 4_000), 6_000);
  });
});
