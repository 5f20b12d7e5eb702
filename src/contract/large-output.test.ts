// The OutLayer contract on the devnet: outputs larger than a yield resume can carry (1024 bytes)
// go through state — submit_execution_output_and_resolve, or submit_execution_output then
// resolve_execution — and the caller still receives them whole.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Harness, NEAR, OPERATOR_ID } from './node/harness.js';

const ARTIFACT = { artifact: { sha256: 'b'.repeat(64), kind: 'wasm' } };
const USED = { instructions: 2_000_000, time_ms: 3 };

describe('OutLayer contract: large outputs', () => {
  let h: Harness;
  before(async () => {
    h = await Harness.start();
    await h.createAccount('alice.test.near');
  });
  after(async () => h[Symbol.asyncDispose]());

  const request = (format = 'Text') => h.request('alice.test.near', { code_source: ARTIFACT, response_format: format }, NEAR / 10n);

  it('resolve_execution refuses an output over 1024 bytes and points at submit_execution_output_and_resolve', async () => {
    const r = await request();
    const res = await h.call(OPERATOR_ID, 'resolve_execution', { request_id: r.requestId, response: { success: true, output: { Text: 'x'.repeat(2000) }, resources_used: USED } });
    assert.match(res.error ?? '', /^The response is \d+ bytes but a yield resume carries at most 1024: send large outputs with submit_execution_output_and_resolve$/);
    // Nothing changed: the request is still pending and a small output still resolves it.
    assert.equal((await h.view<Record<string, unknown>>('get_request', { request_id: r.requestId })).status, 'pending');
    assert.equal((await h.call(OPERATOR_ID, 'resolve_execution', { request_id: r.requestId, response: { success: true, output: { Text: 'small' }, resources_used: USED } })).error, null);
    assert.equal((await h.txResult(r.txHash, 'alice.test.near')).value, 'small');
  });

  it('submit_execution_output_and_resolve delivers a ~5 KB Text whole, and charges as usual', async () => {
    const text = Array.from({ length: 5000 }, (_, i) => String.fromCharCode(97 + (i % 26))).join('') + ' — café ✓';
    const r = await request();
    const res = await h.call(OPERATOR_ID, 'submit_execution_output_and_resolve', { request_id: r.requestId, output: { Text: text }, success: true, resources_used: USED });
    assert.equal(res.error, null);
    assert.ok(res.logs.includes(`Stored pending output for request_id: ${r.requestId}`), res.logs.join('\n'));
    assert.ok(res.logs.includes(`[[yNEAR charged: "${10n ** 21n + 2n * 10n ** 14n + 3n * 10n ** 17n}"]]`), res.logs.join('\n'));
    const final = await h.txResult(r.txHash, 'alice.test.near');
    assert.equal(final.error, null);
    assert.equal(final.value, text);
    assert.ok(final.logs.includes(`Retrieving large output from storage for request_id: ${r.requestId}`));
    const done = await h.view<Record<string, unknown>>('get_request', { request_id: r.requestId });
    assert.equal(done.status, 'completed');
    assert.equal(done.output_size, Buffer.byteLength(JSON.stringify(text)));
    // The stored output is gone once delivered.
    assert.equal(await h.view('get_pending_output', { request_id: r.requestId }), null);
    assert.equal(await h.view('has_pending_output', { request_id: r.requestId }), false);
  });

  it('submit_execution_output_and_resolve delivers large Bytes as base64 (array or base64 input)', async () => {
    const bytes = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7) % 256));
    for (const output of [{ Bytes: [...bytes] }, { Bytes: bytes.toString('base64') }]) {
      const r = await request('Bytes');
      assert.equal((await h.call(OPERATOR_ID, 'submit_execution_output_and_resolve', { request_id: r.requestId, output, success: true, resources_used: USED })).error, null);
      assert.equal((await h.txResult(r.txHash, 'alice.test.near')).value, bytes.toString('base64'));
    }
  });

  it('large Json is returned as the value itself', async () => {
    const value = { rows: Array.from({ length: 200 }, (_, i) => ({ i, name: `row-${i}` })) };
    const r = await request('Json');
    assert.equal((await h.call(OPERATOR_ID, 'submit_execution_output_and_resolve', { request_id: r.requestId, output: { Json: value }, success: true, resources_used: USED })).error, null);
    assert.deepEqual((await h.txResult(r.txHash, 'alice.test.near')).value, value);
  });

  it('two steps: submit_execution_output, then resolve_execution without an output; a second submit is rejected', async () => {
    const text = 'y'.repeat(4000);
    const r = await request();
    assert.equal((await h.call('alice.test.near', 'submit_execution_output', { request_id: r.requestId, output: { Text: text } })).error, 'Only operator can call this');
    const sub = await h.call(OPERATOR_ID, 'submit_execution_output', { request_id: r.requestId, output: { Text: text } });
    assert.equal(sub.error, null);
    assert.equal(await h.view('has_pending_output', { request_id: r.requestId }), true);
    assert.deepEqual(await h.view('get_pending_output', { request_id: r.requestId }), { Text: text });
    assert.equal((await h.view<Record<string, unknown>>('get_request', { request_id: r.requestId })).output_submitted, true);
    const again = await h.call(OPERATOR_ID, 'submit_execution_output', { request_id: r.requestId, output: { Text: 'other' } });
    assert.equal(again.error, 'Output already submitted for this request');
    const combined = await h.call(OPERATOR_ID, 'submit_execution_output_and_resolve', { request_id: r.requestId, output: { Text: 'other' }, success: true, resources_used: USED });
    assert.equal(combined.error, 'Output already submitted for this request');
    assert.deepEqual(await h.view('get_pending_output', { request_id: r.requestId }), { Text: text });
    const res = await h.call(OPERATOR_ID, 'resolve_execution', { request_id: r.requestId, response: { success: true, resources_used: USED } });
    assert.equal(res.error, null);
    assert.equal((await h.txResult(r.txHash, 'alice.test.near')).value, text);
    assert.equal((await h.call(OPERATOR_ID, 'submit_execution_output', { request_id: r.requestId, output: { Text: 'late' } })).error, `Execution request ${r.requestId} is already settled (completed)`);
  });

  it('a failure after a submitted output returns null and drops the stored output', async () => {
    const r = await request();
    assert.equal((await h.call(OPERATOR_ID, 'submit_execution_output', { request_id: r.requestId, output: { Text: 'z'.repeat(3000) } })).error, null);
    assert.equal((await h.call(OPERATOR_ID, 'resolve_execution', { request_id: r.requestId, response: { success: false, error: 'bad exit code', resources_used: USED } })).error, null);
    const final = await h.txResult(r.txHash, 'alice.test.near');
    assert.equal(final.value, null);
    assert.equal(final.events.find((e) => e.event === 'execution_completed')!.data.error_message, 'bad exit code');
    assert.equal(await h.view('get_pending_output', { request_id: r.requestId }), null);
  });
});
