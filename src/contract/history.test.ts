// The OutLayer contract on the devnet: get_request_history — each account's requests (as sender
// and as payer), paged, with totals, limit bounds and each item's status.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Harness, NEAR, OPERATOR_ID } from './node/harness.js';

const ARTIFACT = { artifact: { sha256: '1'.repeat(64), kind: 'wasm' } };

interface Page {
  account_id: string;
  total: number;
  from_index: number;
  items: Array<Record<string, unknown>>;
}

describe('OutLayer contract: request history', () => {
  let h: Harness;
  /** Request ids in order: alice ×4 (the third paid by bob), bob ×2. */
  const ids: number[] = [];
  before(async () => {
    h = await Harness.start();
    await h.createAccount('alice.test.near');
    await h.createAccount('bob.test.near');
    await h.createAccount('carol.test.near');
    const plan: Array<[string, string | null]> = [
      ['alice.test.near', null],
      ['bob.test.near', null],
      ['alice.test.near', null],
      ['alice.test.near', 'bob.test.near'],
      ['bob.test.near', null],
      ['alice.test.near', null],
    ];
    for (const [sender, payer] of plan) {
      const r = await h.request(sender, { code_source: ARTIFACT, ...(payer ? { payer_account_id: payer } : {}) }, NEAR / 10n);
      ids.push(r.requestId);
    }
    // Settle two of them: one completed, one failed.
    const ok = await h.call(OPERATOR_ID, 'resolve_execution', { request_id: ids[0], response: { success: true, output: { Text: 'ok' }, resources_used: { instructions: 1, time_ms: 1 } } });
    assert.equal(ok.error, null);
    const failed = await h.call(OPERATOR_ID, 'resolve_execution', { request_id: ids[3], response: { success: false, error: 'boom', resources_used: { instructions: 1, time_ms: 1 } } });
    assert.equal(failed.error, null);
    // Let the callbacks run.
    for (let i = 0; i < 3; i++) await h.devnet.produceBlock();
  });
  after(async () => h[Symbol.asyncDispose]());

  const page = (args: Record<string, unknown>) => h.view<Page>('get_request_history', args);

  it('lists an account\'s requests oldest first, with totals; a payer sees the requests it paid for', async () => {
    const alice = await page({ account_id: 'alice.test.near' });
    assert.equal(alice.account_id, 'alice.test.near');
    assert.equal(alice.total, 4);
    assert.equal(alice.from_index, 0);
    assert.deepEqual(alice.items.map((i) => i.request_id), [ids[0], ids[2], ids[3], ids[5]]);
    assert.ok(alice.items.every((i) => i.sender_id === 'alice.test.near'));
    const bob = await page({ account_id: 'bob.test.near' });
    assert.equal(bob.total, 3);
    assert.deepEqual(bob.items.map((i) => i.request_id), [ids[1], ids[3], ids[4]]);
    assert.deepEqual(bob.items.map((i) => i.payer_account_id), ['bob.test.near', 'bob.test.near', 'bob.test.near']);
    assert.equal(bob.items[1]!.sender_id, 'alice.test.near');
    assert.deepEqual(await page({ account_id: 'carol.test.near' }), { account_id: 'carol.test.near', total: 0, from_index: 0, items: [] });
  });

  it('items show each request\'s status', async () => {
    const alice = await page({ account_id: 'alice.test.near' });
    assert.deepEqual(alice.items.map((i) => i.status), ['completed', 'pending', 'failed', 'pending']);
    assert.equal(alice.items[0]!.payment_charged, String(10n ** 21n + 10n ** 17n));
    assert.equal(alice.items[2]!.error, 'boom');
  });

  it('pages with from_index and limit', async () => {
    const p1 = await page({ account_id: 'alice.test.near', from_index: 0, limit: 2 });
    assert.equal(p1.total, 4);
    assert.deepEqual(p1.items.map((i) => i.request_id), [ids[0], ids[2]]);
    const p2 = await page({ account_id: 'alice.test.near', from_index: 2, limit: 2 });
    assert.equal(p2.from_index, 2);
    assert.deepEqual(p2.items.map((i) => i.request_id), [ids[3], ids[5]]);
    const p3 = await page({ account_id: 'alice.test.near', from_index: 3, limit: 100 });
    assert.deepEqual(p3.items.map((i) => i.request_id), [ids[5]]);
    const beyond = await page({ account_id: 'alice.test.near', from_index: 10, limit: 5 });
    assert.equal(beyond.total, 4);
    assert.deepEqual(beyond.items, []);
    // u64 as a decimal string is accepted too.
    assert.deepEqual((await page({ account_id: 'bob.test.near', from_index: '1', limit: '1' })).items.map((i) => i.request_id), [ids[3]]);
  });

  it('limit must be 1..100; bad arguments are rejected', async () => {
    await assert.rejects(page({ account_id: 'alice.test.near', limit: 0 }), /limit must be between 1 and 100, got 0/);
    await assert.rejects(page({ account_id: 'alice.test.near', limit: 101 }), /limit must be between 1 and 100, got 101/);
    await assert.rejects(page({ account_id: 'alice.test.near', from_index: -1 }), /from_index must be a non-negative integer, got -1/);
    await assert.rejects(page({ account_id: 'Alice!' }), /account_id 'Alice!' is not a valid account id/);
    await assert.rejects(page({}), /get_request_history: missing argument 'account_id'/);
    assert.equal((await page({ account_id: 'alice.test.near', limit: 100 })).items.length, 4);
    assert.equal((await page({ account_id: 'alice.test.near', limit: 1 })).items.length, 1);
  });
});
