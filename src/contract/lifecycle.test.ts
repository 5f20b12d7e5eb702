// The OutLayer contract on the devnet, through near-api-js 7.2.0: a request, its resolution,
// the callback's charge and refund, and what the caller receives.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CONTRACT_ID, Harness, NEAR, OPERATOR_ID } from './node/harness.js';

const ARTIFACT = { artifact: { sha256: 'a'.repeat(64), kind: 'wasm' } };

describe('OutLayer contract: lifecycle', () => {
  let h: Harness;
  before(async () => {
    h = await Harness.start();
    await h.createAccount('alice.test.near');
  });
  after(async () => h[Symbol.asyncDispose]());

  it('requests, resolves and returns the output; charges the cost and refunds the rest', async () => {
    const deposit = NEAR / 10n;
    const r = await h.request('alice.test.near', { code_source: ARTIFACT, input_data: '{"n":5}', resource_limits: { max_instructions: 10_000_000, max_execution_seconds: 5 } }, deposit);
    assert.equal(r.error === null || r.error === 'pending', true, String(r.error));
    assert.equal(r.requestId, 0);
    const requested = r.events.find((e) => e.event === 'execution_requested')!;
    assert.equal(requested.data.payer_account_id, 'alice.test.near');
    assert.equal((requested.data.data_id as number[]).length, 32);
    const pending = await h.view<Record<string, unknown>>('get_request', { request_id: 0 });
    assert.equal(pending.status, 'pending');
    const aliceBefore = await h.balance('alice.test.near');
    const resolved = await h.call(OPERATOR_ID, 'resolve_execution', { request_id: 0, response: { success: true, output: { Text: 'hello' }, resources_used: { instructions: 10_000_000, time_ms: 5000 } } });
    assert.equal(resolved.error, null);
    assert.ok(resolved.logs.includes('[[yNEAR charged: "1500001000000000000000"]]'), resolved.logs.join('\n'));
    const final = await h.txResult(r.txHash, 'alice.test.near');
    assert.equal(final.error, null);
    assert.equal(final.value, 'hello');
    const completed = final.events.find((e) => e.event === 'execution_completed')!;
    assert.equal(completed.data.payment_charged, '1500001000000000000000');
    assert.equal(completed.data.payment_refunded, String(deposit - 1_500_001_000_000_000_000_000n));
    // The refund arrives, plus the unused prepaid gas of the request (≤ 300 Tgas × 10^8 yocto).
    const delta = (await h.balance('alice.test.near')) - aliceBefore;
    const refund = deposit - 1_500_001_000_000_000_000_000n;
    assert.ok(delta >= refund && delta - refund <= 300n * 10n ** 12n * 10n ** 8n, `alice got ${delta}, refund ${refund}`);
    const settled = await h.view<Record<string, unknown>>('get_request', { request_id: 0 });
    assert.equal(settled.status, 'completed');
    assert.deepEqual(await h.view('get_stats'), [1, '1500001000000000000000']);
    assert.equal((await h.view<Record<string, unknown>>('get_request_history', { account_id: 'alice.test.near' })).total, 1);
    assert.ok(CONTRACT_ID);
  });
});
