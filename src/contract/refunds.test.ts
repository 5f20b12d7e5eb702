// The OutLayer contract on the devnet: who gets refunded what (success, failure, payer, timeout,
// stale cancellation), rejected deposits, the pause switch, and double or foreign resolutions.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Account, KeyPair, actions, type KeyPairString } from 'near-api-js';
import { callResult, Harness, NEAR, OPERATOR_ID, TGAS, type CallResult } from './node/harness.js';

const ARTIFACT = { artifact: { sha256: 'c'.repeat(64), kind: 'wasm' } };
const BASE_FEE = 10n ** 21n;
/** The most a signer can get back as unused gas of one call: 300 Tgas at the devnet's 10^8 gas price. */
const GAS_REFUND_BOUND = 300n * TGAS * 10n ** 8n;
const LIMITS = { max_instructions: 10_000_000, max_execution_seconds: 5 };
const LIMITS_COST = 1_500_001_000_000_000_000_000n;

describe('OutLayer contract: refunds and settlement', () => {
  let h: Harness;
  let operator2: Account;
  before(async () => {
    h = await Harness.start();
    await h.createAccount('alice.test.near');
    await h.createAccount('bob.test.near');
    await h.createAccount('carol.test.near');
    // A second key of the operator, to send two resolutions in the same block.
    const key = KeyPair.fromRandom('ed25519');
    await h.account(OPERATOR_ID).signAndSendTransaction({ receiverId: OPERATOR_ID, actions: [actions.addFullAccessKey(key.getPublicKey())] });
    operator2 = new Account(OPERATOR_ID, h.provider, key.toString() as KeyPairString);
  });
  after(async () => h[Symbol.asyncDispose]());

  const resolve = (id: number, response: unknown, signer = OPERATOR_ID) => h.call(signer, 'resolve_execution', { request_id: id, response });
  const ok = (instructions: number, time_ms: number) => ({ success: true, output: { Text: 'ok' }, resources_used: { instructions, time_ms } });

  it('on success the payer (the sender) gets the deposit minus the cost', async () => {
    const deposit = NEAR / 10n;
    const r = await h.request('alice.test.near', { code_source: ARTIFACT, resource_limits: LIMITS }, deposit);
    const before = await h.balance('alice.test.near');
    const contractBefore = await h.balance('outlayer.test.near');
    assert.equal((await resolve(r.requestId, ok(3_000_000, 100))).error, null);
    const final = await h.txResult(r.txHash, 'alice.test.near');
    assert.equal(final.value, 'ok');
    const cost = BASE_FEE + 3n * 10n ** 14n + 100n * 10n ** 17n;
    const completed = final.events.find((e) => e.event === 'execution_completed')!;
    assert.equal(completed.data.payment_charged, String(cost));
    assert.equal(completed.data.payment_refunded, String(deposit - cost));
    const delta = (await h.balance('alice.test.near')) - before;
    assert.ok(delta >= deposit - cost && delta - (deposit - cost) <= GAS_REFUND_BOUND, `alice got ${delta}`);
    // The contract keeps the cost (minus nothing: its own gas is paid by the callers).
    assert.ok((await h.balance('outlayer.test.near')) - contractBefore <= cost + GAS_REFUND_BOUND);
    assert.ok(contractBefore - (await h.balance('outlayer.test.near')) >= deposit - cost - GAS_REFUND_BOUND);
  });

  it('on failure only the base fee is kept and the rest goes to payer_account_id, not the sender', async () => {
    const deposit = NEAR / 10n;
    const r = await h.request('alice.test.near', { code_source: ARTIFACT, resource_limits: LIMITS, payer_account_id: 'bob.test.near' }, deposit);
    const requested = r.events.find((e) => e.event === 'execution_requested')!;
    assert.equal(requested.data.sender_id, 'alice.test.near');
    assert.equal(requested.data.payer_account_id, 'bob.test.near');
    const bob = await h.balance('bob.test.near');
    const alice = await h.balance('alice.test.near');
    const res = await resolve(r.requestId, { success: false, error: 'guest trapped', resources_used: { instructions: 9_000_000, time_ms: 4000 } });
    assert.equal(res.error, null);
    assert.ok(res.logs.includes(`[[yNEAR charged: "${BASE_FEE}"]]`), res.logs.join('\n'));
    const final = await h.txResult(r.txHash, 'alice.test.near');
    assert.equal(final.value, null);
    const completed = final.events.find((e) => e.event === 'execution_completed')!;
    assert.equal(completed.data.success, false);
    assert.equal(completed.data.error_message, 'guest trapped');
    assert.equal(completed.data.payment_charged, String(BASE_FEE));
    assert.equal(completed.data.payment_refunded, String(deposit - BASE_FEE));
    // bob signed nothing: his balance moves by exactly the refund.
    assert.equal((await h.balance('bob.test.near')) - bob, deposit - BASE_FEE);
    // alice gets back at most her unused gas, not the refund.
    assert.ok((await h.balance('alice.test.near')) - alice <= GAS_REFUND_BOUND);
    const view = await h.view<Record<string, unknown>>('get_request', { request_id: r.requestId });
    assert.equal(view.status, 'failed');
    assert.equal(view.error, 'guest trapped');
  });

  it('an insufficient deposit is rejected with the required figure and nothing is stored', async () => {
    const count = await h.view<number>('get_request_count');
    const alice = await h.balance('alice.test.near');
    const res = await h.call('alice.test.near', 'request_execution', { code_source: ARTIFACT, resource_limits: LIMITS }, { deposit: LIMITS_COST - 1n });
    assert.match(res.error ?? '', /^Insufficient payment: required 1500001000000000000000 yoctoNEAR for requested limits \(max_instructions: 10000000, max_execution_seconds: 5\), got 1500000999999999999999 yoctoNEAR$/);
    assert.equal(await h.view('get_request_count'), count);
    assert.equal(await h.view('get_request', { request_id: count }), null);
    // The deposit came back (only gas was spent).
    assert.ok(alice - (await h.balance('alice.test.near')) <= GAS_REFUND_BOUND);
  });

  it('a paused contract rejects requests and accepts them again after unpause', async () => {
    assert.equal((await h.call('test.near', 'set_paused', { paused: true })).error, null);
    assert.equal(await h.view('is_paused'), true);
    const count = await h.view<number>('get_request_count');
    const res = await h.call('alice.test.near', 'request_execution', { code_source: ARTIFACT }, { deposit: NEAR });
    assert.equal(res.error, 'Contract is paused');
    assert.equal(await h.view('get_request_count'), count);
    assert.equal((await h.call('test.near', 'set_paused', { paused: false })).error, null);
    assert.equal(await h.view('is_paused'), false);
    const r = await h.request('alice.test.near', { code_source: ARTIFACT }, NEAR / 10n);
    assert.equal(r.requestId, count);
    assert.equal((await resolve(r.requestId, ok(1, 1))).error, null);
    assert.equal((await h.txResult(r.txHash, 'alice.test.near')).value, 'ok');
  });

  it('a second resolution is rejected: "already resolved" in the same block, "already settled" after; a non-operator cannot resolve', async () => {
    const r = await h.request('alice.test.near', { code_source: ARTIFACT, resource_limits: LIMITS }, NEAR / 10n);
    const foreign = await resolve(r.requestId, ok(1, 1), 'carol.test.near');
    assert.equal(foreign.error, 'Only operator can call this');
    const send = async (account: Account, text: string): Promise<CallResult> => {
      const args = { request_id: r.requestId, response: { success: true, output: { Text: text }, resources_used: { instructions: 1, time_ms: 1 } } };
      const o = await account.signAndSendTransaction({
        receiverId: 'outlayer.test.near',
        actions: [actions.functionCall('resolve_execution', new TextEncoder().encode(JSON.stringify(args)), 300n * TGAS, 0n)],
        throwOnFailure: false,
      });
      return callResult(o as unknown as Parameters<typeof callResult>[0]);
    };
    const [a, b] = await Promise.all([send(h.account(OPERATOR_ID), 'first'), send(operator2, 'second')]);
    const errors = [a.error, b.error].filter((e) => e !== null);
    assert.equal(errors.length, 1, `${a.error} / ${b.error}`);
    assert.equal(errors[0], `Execution request ${r.requestId} is already resolved`);
    const winner = a.error === null ? 'first' : 'second';
    const final = await h.txResult(r.txHash, 'alice.test.near');
    assert.equal(final.value, winner);
    const again = await resolve(r.requestId, ok(1, 1));
    assert.equal(again.error, `Execution request ${r.requestId} is already settled (completed)`);
    assert.equal((await resolve(999, ok(1, 1))).error, 'Execution request not found');
  });

  it('a yield that times out (200 blocks, no resolution) returns null, keeps the base fee and is marked timed_out', async () => {
    const deposit = NEAR / 10n;
    const r = await h.request('alice.test.near', { code_source: ARTIFACT, payer_account_id: 'bob.test.near' }, deposit);
    const bob = await h.balance('bob.test.near');
    const [executions] = await h.view<[number, string]>('get_stats');
    for (let i = 0; i < 201; i++) await h.devnet.produceBlock();
    const final = await h.txResult(r.txHash, 'alice.test.near');
    assert.equal(final.error, null);
    assert.equal(final.value, null);
    const completed = final.events.find((e) => e.event === 'execution_completed')!;
    assert.equal(completed.data.payment_charged, String(BASE_FEE));
    assert.equal(completed.data.payment_refunded, String(deposit - BASE_FEE));
    assert.equal(completed.data.success, false);
    assert.equal((await h.balance('bob.test.near')) - bob, deposit - BASE_FEE);
    const view = await h.view<Record<string, unknown>>('get_request', { request_id: r.requestId });
    assert.equal(view.status, 'timed_out');
    assert.equal(view.payment_charged, String(BASE_FEE));
    assert.equal((await h.view<[number, string]>('get_stats'))[0], executions + 1);
    // Resolving after the timeout is refused.
    assert.equal((await resolve(r.requestId, ok(1, 1))).error, `Execution request ${r.requestId} is already settled (timed_out)`);
  });

  it('cancel_stale_execution: only the sender, only after 600 s; full refund to the payer, once', async () => {
    const deposit = NEAR / 10n;
    const r = await h.request('alice.test.near', { code_source: ARTIFACT, payer_account_id: 'bob.test.near' }, deposit);
    const id = r.requestId;
    assert.equal((await h.call('alice.test.near', 'cancel_stale_execution', { request_id: id })).error, 'Execution is not yet stale, please wait');
    assert.equal((await h.call('carol.test.near', 'cancel_stale_execution', { request_id: id })).error, 'Only the sender can cancel this execution');
    assert.equal((await h.call('bob.test.near', 'cancel_stale_execution', { request_id: id })).error, 'Only the sender can cancel this execution');
    assert.equal((await h.call('alice.test.near', 'cancel_stale_execution', { request_id: 12345 })).error, 'Execution request not found');
    h.devnet.advanceTime(601);
    const bob = await h.balance('bob.test.near');
    const [, feesBefore] = await h.view<[number, string]>('get_stats');
    const cancelled = await h.call('alice.test.near', 'cancel_stale_execution', { request_id: id });
    assert.equal(cancelled.error, null);
    const completed = cancelled.events.find((e) => e.event === 'execution_completed')!;
    assert.equal(completed.data.payment_charged, '0');
    assert.equal(completed.data.payment_refunded, String(deposit));
    assert.equal((await h.balance('bob.test.near')) - bob, deposit);
    const view = await h.view<Record<string, unknown>>('get_request', { request_id: id });
    assert.equal(view.status, 'cancelled');
    assert.equal((await resolve(id, ok(1, 1))).error, `Execution request ${id} is already settled (cancelled)`);
    assert.equal((await h.call('alice.test.near', 'cancel_stale_execution', { request_id: id })).error, `Execution request ${id} is already settled`);
    // The yield later times out: its callback finds nothing to settle and refunds nothing.
    for (let i = 0; i < 201; i++) await h.devnet.produceBlock();
    const final = await h.txResult(r.txHash, 'alice.test.near');
    assert.equal(final.value, null);
    assert.equal(final.events.filter((e) => e.event === 'execution_completed').length, 0);
    assert.ok(final.logs.some((l) => l.includes(`Execution request ${id} not found in pending requests`)), final.logs.join('\n'));
    assert.equal((await h.balance('bob.test.near')) - bob, deposit);
    assert.equal((await h.view<[number, string]>('get_stats'))[1], feesBefore);
    assert.equal((await h.view<Record<string, unknown>>('get_request', { request_id: id })).status, 'cancelled');
  });
});
