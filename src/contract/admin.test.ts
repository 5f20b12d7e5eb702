// The OutLayer contract on the devnet: the owner's switches (operator, owner, pause, pricing,
// event metadata), initialisation, and the generic argument and deposit checks.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CONTRACT_ID, Harness, NEAR, OPERATOR_ID } from './node/harness.js';

const ARTIFACT = { artifact: { sha256: 'f'.repeat(64), kind: 'wasm' } };

describe('OutLayer contract: administration', () => {
  let h: Harness;
  before(async () => {
    h = await Harness.start();
    await h.createAccount('alice.test.near');
    await h.createAccount('newop.test.near');
  });
  after(async () => h[Symbol.asyncDispose]());

  it('new cannot be called twice, by anyone', async () => {
    assert.deepEqual(await h.view('get_config'), ['test.near', OPERATOR_ID]);
    assert.equal((await h.call(CONTRACT_ID, 'new', { owner_id: 'alice.test.near' })).error, 'The contract has already been initialized');
    assert.equal((await h.call('alice.test.near', 'new', { owner_id: 'alice.test.near' })).error, 'The contract has already been initialized');
    assert.deepEqual(await h.view('get_config'), ['test.near', OPERATOR_ID]);
  });

  it('only the owner may set the operator, the owner, the pause switch and the pricing', async () => {
    const attempts: Array<[string, Record<string, unknown>]> = [
      ['set_operator', { new_operator_id: 'alice.test.near' }],
      ['set_owner', { new_owner_id: 'alice.test.near' }],
      ['set_paused', { paused: true }],
      ['set_pricing', { base_fee: '1' }],
      ['set_event_metadata', { standard: 'x' }],
      ['emergency_cancel_execution', { request_id: 0 }],
    ];
    for (const signer of ['alice.test.near', OPERATOR_ID]) {
      for (const [method, args] of attempts) {
        assert.equal((await h.call(signer, method, args)).error, 'Only owner can call this method', `${signer} ${method}`);
      }
    }
    assert.deepEqual(await h.view('get_config'), ['test.near', OPERATOR_ID]);
    assert.equal(await h.view('is_paused'), false);
    assert.equal((await h.view<string[]>('get_pricing'))[0], '1000000000000000000000');
  });

  it('set_operator hands resolution to the new operator', async () => {
    const res = await h.call('test.near', 'set_operator', { new_operator_id: 'newop.test.near' });
    assert.equal(res.error, null);
    assert.ok(res.logs.includes(`Operator changed from ${OPERATOR_ID} to newop.test.near`));
    assert.deepEqual(await h.view('get_config'), ['test.near', 'newop.test.near']);
    const r = await h.request('alice.test.near', { code_source: ARTIFACT }, NEAR / 10n);
    const response = { success: true, output: { Text: 'by the new operator' }, resources_used: { instructions: 1, time_ms: 1 } };
    assert.equal((await h.call(OPERATOR_ID, 'resolve_execution', { request_id: r.requestId, response })).error, 'Only operator can call this');
    assert.equal((await h.call('newop.test.near', 'resolve_execution', { request_id: r.requestId, response })).error, null);
    assert.equal((await h.txResult(r.txHash, 'alice.test.near')).value, 'by the new operator');
    assert.equal((await h.call('test.near', 'set_operator', { new_operator_id: OPERATOR_ID })).error, null);
  });

  it('set_owner transfers ownership: the old owner loses the switches', async () => {
    assert.match((await h.call('test.near', 'set_owner', { new_owner_id: 'NOT VALID' })).error ?? '', /^new_owner_id 'NOT VALID' is not a valid account id/);
    assert.equal((await h.call('test.near', 'set_owner', { new_owner_id: 'alice.test.near' })).error, null);
    assert.deepEqual(await h.view('get_config'), ['alice.test.near', OPERATOR_ID]);
    assert.equal((await h.call('test.near', 'set_paused', { paused: true })).error, 'Only owner can call this method');
    assert.equal((await h.call('alice.test.near', 'set_paused', { paused: true })).error, null);
    assert.equal(await h.view('is_paused'), true);
    assert.equal((await h.call('alice.test.near', 'set_paused', { paused: false })).error, null);
    assert.equal((await h.call('alice.test.near', 'set_owner', { new_owner_id: 'test.near' })).error, null);
    assert.deepEqual(await h.view('get_config'), ['test.near', OPERATOR_ID]);
  });

  it('set_event_metadata changes the NEP-297 envelope of later events', async () => {
    assert.deepEqual(await h.view('get_event_metadata'), ['near-outlayer', '1.0.0']);
    assert.equal((await h.call('test.near', 'set_event_metadata', { version: '1.1.0' })).error, null);
    assert.deepEqual(await h.view('get_event_metadata'), ['near-outlayer', '1.1.0']);
    const r = await h.request('alice.test.near', { code_source: ARTIFACT }, NEAR / 10n);
    assert.ok(r.logs.some((l) => l.startsWith('EVENT_JSON:{"standard":"near-outlayer","version":"1.1.0","event":"execution_requested"')), r.logs.join('\n'));
    assert.equal((await h.call('test.near', 'set_event_metadata', { version: '1.0.0' })).error, null);
    // The owner can also emergency-cancel it: a full refund.
    const before = await h.balance('alice.test.near');
    const cancel = await h.call('test.near', 'emergency_cancel_execution', { request_id: r.requestId });
    assert.equal(cancel.error, null);
    assert.equal((await h.balance('alice.test.near')) - before, NEAR / 10n);
    assert.equal((await h.view<Record<string, unknown>>('get_request', { request_id: r.requestId })).status, 'cancelled');
  });

  it('methods that take no deposit reject one ("doesn\'t accept deposit") and change nothing', async () => {
    const cases: Array<[string, string, Record<string, unknown>]> = [
      ['test.near', 'set_paused', { paused: true }],
      ['test.near', 'set_owner', { new_owner_id: 'alice.test.near' }],
      ['test.near', 'set_operator', { new_operator_id: 'alice.test.near' }],
      ['test.near', 'set_pricing', { base_fee: '1' }],
      [OPERATOR_ID, 'resolve_execution', { request_id: 0, response: { success: false, resources_used: { instructions: 0, time_ms: 0 } } }],
      [OPERATOR_ID, 'register_worker_key', { public_key: 'ed25519:11111111111111111111111111111111' }],
      ['alice.test.near', 'cancel_stale_execution', { request_id: 0 }],
    ];
    for (const [signer, method, args] of cases) {
      const before = await h.balance(signer);
      assert.equal((await h.call(signer, method, args, { deposit: NEAR })).error, `Method ${method} doesn't accept deposit`, method);
      // The deposit came back (only gas was spent).
      assert.ok(before - (await h.balance(signer)) < NEAR / 10n, method);
    }
    assert.equal(await h.view('is_paused'), false);
    assert.deepEqual(await h.view('get_config'), ['test.near', OPERATOR_ID]);
  });

  it('unknown argument names are rejected, by calls and views', async () => {
    assert.equal((await h.call('test.near', 'set_paused', { paused: true, really: true })).error, "set_paused: unknown argument 'really' (expected paused)");
    assert.equal((await h.call('test.near', 'set_paused', { pause: true })).error, "set_paused: unknown argument 'pause' (expected paused)");
    assert.equal((await h.call('test.near', 'set_paused', {})).error, "set_paused: missing argument 'paused'");
    assert.equal((await h.call('test.near', 'set_paused', { paused: 'yes' })).error, "paused must be true or false, got 'yes'");
    assert.equal((await h.call('test.near', 'set_operator', { operator_id: 'alice.test.near' })).error, "set_operator: unknown argument 'operator_id' (expected new_operator_id)");
    assert.match((await h.call(OPERATOR_ID, 'resolve_execution', { request_id: 0, result: {} })).error ?? '', /^resolve_execution: unknown argument 'result'/);
    assert.equal(await h.view('is_paused'), false);
    await assert.rejects(h.view('get_request', { id: 0 }), /get_request: unknown argument 'id' \(expected request_id\)/);
    await assert.rejects(h.view('get_request_history', { account: 'alice.test.near' }), /unknown argument 'account'/);
    await assert.rejects(h.view('estimate_execution_cost', { limits: {} }), /unknown argument 'limits'/);
  });
});
