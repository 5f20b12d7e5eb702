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
    await h.createAccount('bob.test.near');
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
  it('emits NEP-297 events with every field, shows the request before and after, and returns Json, Bytes or null', async () => {
    const deposit = NEAR / 10n;
    const limits = { max_instructions: 2_000_000, max_memory_mb: 64, max_execution_seconds: 2 };
    const r = await h.request('alice.test.near', { code_source: ARTIFACT, input_data: '{"q":1}', resource_limits: limits, response_format: 'Json', payer_account_id: 'bob.test.near' }, deposit);
    const line = r.logs.find((l) => l.startsWith('EVENT_JSON:') && l.includes('"execution_requested"'))!;
    const envelope = JSON.parse(line.slice('EVENT_JSON:'.length)) as Record<string, unknown>;
    assert.deepEqual(Object.keys(envelope), ['standard', 'version', 'event', 'data']);
    assert.equal(envelope.standard, 'near-outlayer');
    assert.equal(envelope.version, '1.0.0');
    assert.equal(envelope.event, 'execution_requested');
    assert.ok(line.startsWith('EVENT_JSON:{"standard":"near-outlayer","version":"1.0.0","event":"execution_requested","data":[{'), line);
    const data = (envelope.data as Array<Record<string, unknown>>);
    assert.equal(data.length, 1);
    const ev = data[0]!;
    assert.deepEqual(Object.keys(ev).sort(), ['code_source', 'data_id', 'payer_account_id', 'request_data', 'request_id', 'resource_limits', 'sender_id', 'timestamp']);
    assert.equal(ev.request_id, r.requestId);
    assert.equal(ev.sender_id, 'alice.test.near');
    assert.equal(ev.payer_account_id, 'bob.test.near');
    assert.deepEqual(ev.code_source, { artifact: { sha256: 'a'.repeat(64), kind: 'wasm', url: null } });
    assert.deepEqual(ev.resource_limits, limits);
    assert.ok(Array.isArray(ev.data_id) && ev.data_id.length === 32 && ev.data_id.every((b) => Number.isInteger(b) && b >= 0 && b <= 255));
    assert.equal(typeof ev.timestamp, 'number');
    assert.ok((ev.timestamp as number) > 1.6e18);
    // The exact u64 digits are in the raw line.
    assert.match(line, /"timestamp":\d{19}\}\]\}$/);
    assert.equal(typeof ev.request_data, 'string');
    const rd = JSON.parse(ev.request_data as string) as Record<string, unknown>;
    assert.equal(rd.request_id, r.requestId);
    assert.equal(rd.sender_id, 'alice.test.near');
    assert.equal(rd.payer_account_id, 'bob.test.near');
    assert.equal(rd.input_data, '{"q":1}');
    assert.equal(rd.input_data_size, 7);
    assert.equal(rd.response_format, 'Json');
    assert.equal(rd.payment, String(deposit));
    assert.deepEqual(rd.resource_limits, limits);

    const pending = await h.view<Record<string, unknown>>('get_request', { request_id: r.requestId });
    assert.equal(pending.status, 'pending');
    assert.deepEqual(pending.data_id, ev.data_id);
    assert.equal(pending.input_data, '{"q":1}');
    assert.equal(pending.payment, String(deposit));
    assert.equal(pending.output_submitted, false);
    assert.equal(await h.view('get_request', { request_id: 9999 }), null);

    const res = await h.call(OPERATOR_ID, 'resolve_execution', { request_id: r.requestId, response: { success: true, output: { Json: { answer: [1, 'two', { three: true }] } }, resources_used: { instructions: 1_500_000, time_ms: 7, compile_time_ms: 3 }, compilation_note: 'cached' } });
    assert.equal(res.error, null);
    assert.ok(res.logs.some((l) => l.startsWith(`Resolving execution for request_id: ${r.requestId}, success: true`)), res.logs.join('\n'));
    const final = await h.txResult(r.txHash, 'alice.test.near');
    assert.deepEqual(final.value, { answer: [1, 'two', { three: true }] });
    const cline = final.logs.find((l) => l.startsWith('EVENT_JSON:') && l.includes('"execution_completed"'))!;
    assert.ok(cline.startsWith('EVENT_JSON:{"standard":"near-outlayer","version":"1.0.0","event":"execution_completed","data":[{'), cline);
    const done = (JSON.parse(cline.slice('EVENT_JSON:'.length)) as { data: Array<Record<string, unknown>> }).data[0]!;
    assert.equal(done.request_id, r.requestId);
    assert.equal(done.sender_id, 'alice.test.near');
    assert.equal(done.payer_account_id, 'bob.test.near');
    assert.deepEqual(done.code_source, ev.code_source);
    assert.deepEqual(done.resources_used, { instructions: 1_500_000, time_ms: 7, compile_time_ms: 3 });
    assert.equal(done.success, true);
    assert.equal(done.error_message, null);
    const cost = 10n ** 21n + 10n ** 14n + 10n * 10n ** 17n;
    assert.equal(done.payment_charged, String(cost));
    assert.equal(done.payment_refunded, String(deposit - cost));
    assert.equal(done.compilation_note, 'cached');
    assert.equal(typeof done.timestamp, 'number');
    assert.ok((done.timestamp as number) >= (ev.timestamp as number));
    const settled = await h.view<Record<string, unknown>>('get_request', { request_id: r.requestId });
    assert.equal(settled.status, 'completed');
    assert.equal(settled.success, true);
    assert.equal(settled.payment_charged, String(cost));
    assert.deepEqual(settled.resources_used, { instructions: 1_500_000, time_ms: 7, compile_time_ms: 3 });

    // Bytes come back as base64.
    const b = await h.request('alice.test.near', { code_source: ARTIFACT, response_format: 'Bytes' }, deposit);
    assert.equal((await h.call(OPERATOR_ID, 'resolve_execution', { request_id: b.requestId, response: { success: true, output: { Bytes: [0, 1, 2, 250, 255] }, resources_used: { instructions: 1, time_ms: 1 } } })).error, null);
    assert.equal((await h.txResult(b.txHash, 'alice.test.near')).value, Buffer.from([0, 1, 2, 250, 255]).toString('base64'));
    // A failure returns null, and the event says why.
    const f = await h.request('alice.test.near', { code_source: ARTIFACT }, deposit);
    assert.equal((await h.call(OPERATOR_ID, 'resolve_execution', { request_id: f.requestId, response: { success: false, output: null, error: 'out of fuel', resources_used: { instructions: 1, time_ms: 1 } } })).error, null);
    const ff = await h.txResult(f.txHash, 'alice.test.near');
    assert.equal(ff.error, null);
    assert.equal(ff.value, null);
    const fe = ff.events.find((e) => e.event === 'execution_completed')!;
    assert.equal(fe.data.success, false);
    assert.equal(fe.data.error_message, 'out of fuel');
    assert.deepEqual(fe.data.resources_used, { instructions: 1, time_ms: 1, compile_time_ms: null });
    assert.equal((await h.view<Record<string, unknown>>('get_request', { request_id: f.requestId })).status, 'failed');
  });

  it('on_execution_response is private', async () => {
    const res = await h.call('alice.test.near', 'on_execution_response', { request_id: 0 });
    assert.equal(res.error, 'Method on_execution_response is private');
  });
});
