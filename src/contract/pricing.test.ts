// The OutLayer contract on the devnet: the price of a request up front (estimate_execution_cost,
// the deposit request_execution requires), the actual charge after resolution, and set_pricing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Harness, NEAR, OPERATOR_ID } from './node/harness.js';

const ARTIFACT = { artifact: { sha256: 'd'.repeat(64), kind: 'wasm' } };

describe('OutLayer contract: pricing', () => {
  let h: Harness;
  before(async () => {
    h = await Harness.start();
    await h.createAccount('alice.test.near');
  });
  after(async () => h[Symbol.asyncDispose]());

  it('get_pricing is the [base, per million instructions, per ms, per compile ms] tuple', async () => {
    assert.deepEqual(await h.view('get_pricing'), ['1000000000000000000000', '100000000000000', '100000000000000000', '100000000000000000']);
    assert.deepEqual(await h.view('get_max_limits'), [500_000_000_000, 180, 300]);
  });

  it('estimate_execution_cost: base + whole millions of instructions + every ms of the time limit', async () => {
    const vectors: Array<[unknown, string]> = [
      [undefined, '7000100000000000000000'], // defaults: 1e9 instructions, 60 s
      [null, '7000100000000000000000'],
      [{}, '7000100000000000000000'],
      [{ max_instructions: 10_000_000, max_execution_seconds: 5 }, '1500001000000000000000'],
      [{ max_instructions: 1, max_execution_seconds: 1 }, '1100000000000000000000'], // < 1M instructions: free
      [{ max_instructions: 2_999_999, max_execution_seconds: 1 }, '1100000200000000000000'], // floor(2.999999) = 2
      [{ max_instructions: '500000000000', max_execution_seconds: 180 }, '19050000000000000000000'],
      [{ max_memory_mb: 4096 }, '7000100000000000000000'], // memory is not priced
    ];
    for (const [limits, expected] of vectors) {
      const args = limits === undefined ? {} : { resource_limits: limits };
      assert.equal(await h.view('estimate_execution_cost', args), expected, JSON.stringify(limits));
    }
    await assert.rejects(h.view('estimate_execution_cost', { resource_limits: { max_execution_seconds: 181 } }), /Requested max_execution_seconds 181 exceeds hard limit of 180 seconds/);
    await assert.rejects(h.view('estimate_execution_cost', { resource_limits: { max_instructions: 0 } }), /resource_limits.max_instructions must be at least 1, got 0/);
    await assert.rejects(h.view('estimate_execution_cost', { resource_limits: { max_cpu: 1 } }), /max_cpu/);
  });

  it('the estimate is exactly the deposit request_execution requires', async () => {
    const limits = { max_instructions: 2_999_999, max_execution_seconds: 1 };
    const required = BigInt(await h.view<string>('estimate_execution_cost', { resource_limits: limits }));
    const short = await h.call('alice.test.near', 'request_execution', { code_source: ARTIFACT, resource_limits: limits }, { deposit: required - 1n });
    assert.match(short.error ?? '', new RegExp(`^Insufficient payment: required ${required} yoctoNEAR`));
    const r = await h.request('alice.test.near', { code_source: ARTIFACT, resource_limits: limits }, required);
    assert.ok(r.requestId >= 0);
    assert.equal((await h.view<Record<string, unknown>>('get_request', { request_id: r.requestId })).payment, String(required));
    const res = await h.call(OPERATOR_ID, 'resolve_execution', { request_id: r.requestId, response: { success: true, output: { Text: 'x' }, resources_used: { instructions: 0, time_ms: 0 } } });
    assert.equal(res.error, null);
    await h.txResult(r.txHash, 'alice.test.near');
  });

  it('the actual charge: base + floor(instructions / 1e6) × 1e14 + time_ms × 1e17 + compile_time_ms × 1e17, capped at the deposit', async () => {
    const deposit = NEAR / 10n;
    const cases: Array<[Record<string, unknown>, bigint, bigint]> = [
      [{ instructions: 999_999, time_ms: 0 }, 10n ** 21n, deposit],
      [{ instructions: 2_500_000, time_ms: 10, compile_time_ms: 30 }, 1_004_000_200_000_000_000_000n, deposit],
      [{ instructions: '7000000', time_ms: '1', compile_time_ms: null }, 1_000_100_700_000_000_000_000n, deposit],
      [{ instructions: 0, time_ms: 0, compile_time_ms: 1000 }, 1_100_000_000_000_000_000_000n, deposit],
      // more than was paid: the charge stops at the deposit, nothing is refunded
      [{ instructions: 0, time_ms: 60_000 }, 1_100_000_000_000_000_000_000n, 1_100_000_000_000_000_000_000n],
    ];
    for (const [used, expected, paid] of cases) {
      const limits = paid === deposit ? undefined : { max_instructions: 1, max_execution_seconds: 1 };
      const r = await h.request('alice.test.near', { code_source: ARTIFACT, ...(limits ? { resource_limits: limits } : {}) }, paid);
      const res = await h.call(OPERATOR_ID, 'resolve_execution', { request_id: r.requestId, response: { success: true, output: { Text: 'x' }, resources_used: used } });
      assert.equal(res.error, null, JSON.stringify(used));
      const charged = expected < paid ? expected : paid;
      assert.ok(res.logs.includes(`[[yNEAR charged: "${charged}"]]`), res.logs.join('\n'));
      const final = await h.txResult(r.txHash, 'alice.test.near');
      const completed = final.events.find((e) => e.event === 'execution_completed')!;
      assert.equal(completed.data.payment_charged, String(charged), JSON.stringify(used));
      assert.equal(completed.data.payment_refunded, String(paid - charged));
      const view = await h.view<Record<string, unknown>>('get_request', { request_id: r.requestId });
      assert.equal(view.payment_charged, String(charged));
    }
  });

  it('get_stats sums the executions and fees', async () => {
    const [n, fees] = await h.view<[number, string]>('get_stats');
    assert.equal(n, 6);
    const expected = 10n ** 21n + 10n ** 21n + 1_004_000_200_000_000_000_000n + 1_000_100_700_000_000_000_000n + 1_100_000_000_000_000_000_000n + 1_100_000_000_000_000_000_000n;
    assert.equal(fees, String(expected));
  });

  it('set_pricing (owner only) changes the estimate, the required deposit and the charge', async () => {
    const denied = await h.call('alice.test.near', 'set_pricing', { base_fee: '1' });
    assert.equal(denied.error, 'Only owner can call this method');
    const res = await h.call('test.near', 'set_pricing', { base_fee: '2000000000000000000000', per_million_instructions_fee: '1000', per_ms_fee: null });
    assert.equal(res.error, null);
    assert.ok(res.logs.includes('Base fee updated to 2000000000000000000000'), res.logs.join('\n'));
    assert.ok(res.logs.includes('Per million instructions fee updated to 1000'));
    assert.deepEqual(await h.view('get_pricing'), ['2000000000000000000000', '1000', '100000000000000000', '100000000000000000']);
    assert.equal(await h.view('estimate_execution_cost', { resource_limits: { max_instructions: 10_000_000, max_execution_seconds: 5 } }), '2500000000000000010000');
    assert.match((await h.call('test.near', 'set_pricing', { per_ms_fee: 5 })).error ?? '', /per_ms_fee/);
    assert.match((await h.call('test.near', 'set_pricing', { fee: '5' })).error ?? '', /fee/);
    const short = await h.call('alice.test.near', 'request_execution', { code_source: ARTIFACT, resource_limits: { max_instructions: 10_000_000, max_execution_seconds: 5 } }, { deposit: 2_500_000_000_000_000_009_999n });
    assert.match(short.error ?? '', /^Insufficient payment: required 2500000000000000010000 yoctoNEAR/);
    const r = await h.request('alice.test.near', { code_source: ARTIFACT }, NEAR / 10n);
    const done = await h.call(OPERATOR_ID, 'resolve_execution', { request_id: r.requestId, response: { success: true, output: { Text: 'x' }, resources_used: { instructions: 3_000_000, time_ms: 2, compile_time_ms: 1 } } });
    assert.ok(done.logs.includes('[[yNEAR charged: "2000300000000000003000"]]'), done.logs.join('\n'));
    const failed = await h.request('alice.test.near', { code_source: ARTIFACT }, NEAR / 10n);
    const f = await h.call(OPERATOR_ID, 'resolve_execution', { request_id: failed.requestId, response: { success: false, resources_used: { instructions: 1, time_ms: 1 } } });
    assert.ok(f.logs.includes('[[yNEAR charged: "2000000000000000000000"]]'), f.logs.join('\n'));
    const final = await h.txResult(failed.txHash, 'alice.test.near');
    assert.equal(final.events.find((e) => e.event === 'execution_completed')!.data.error_message, 'Unknown error');
  });
});
