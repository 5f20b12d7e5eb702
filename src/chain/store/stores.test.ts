// One conformance suite, run against every ChainStore (the Hono common.case.test.ts habit):
// whatever the runtime's unit tests learn from MemoryStore holds for SqliteStore.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OutlayerError } from '../../errors.js';
import { MemoryStore } from './memory-store.js';
import { StateOverlay } from './overlay.js';
import { SqliteStore } from './sqlite-store.js';
import { FULL, PK1, PK2, account, block, bytes, fnKey, header, keysOf, utf8 } from './test-helpers.js';
import type { ChainStore, OutcomeRecord, ReceiptRecord, TransactionRecord } from './types.js';

const U128_MAX = 2n ** 128n - 1n;

const STORES: Array<[string, () => ChainStore]> = [
  ['MemoryStore', () => new MemoryStore()],
  ['SqliteStore', () => new SqliteStore(':memory:')],
];

for (const [name, open] of STORES) {
  describe(`${name} conformance`, () => {
    it('starts empty', () => {
      using store = open();
      assert.equal(store.latestBlock(), null);
      assert.equal(store.getAccount('test.near'), null);
      assert.equal(store.getBlock(0n), null);
      assert.equal(store.getBlock('nope'), null);
      assert.deepEqual(store.yieldsDueAt(10n ** 18n), []);
      assert.deepEqual(store.listPostponed(), []);
    });

    it('round-trips accounts, access keys, code and data, with u128 balances beyond 2^64', () => {
      using store = open();
      const code = new Uint8Array(100_000).map((_, i) => i & 0xff);
      block(store, (o) => {
        o.setAccount('test.near', account(U128_MAX, { locked: 2n ** 64n + 1n, storageUsage: 2n ** 63n + 5n, codeHash: 'E1bjHnqXFpkDd4R4gyq7LUtM5bu2CwBApR4dyvA3QvNX' }));
        o.setAccessKey('test.near', PK1, { nonce: 2n ** 64n - 1n, permission: { kind: 'FullAccess' } });
        o.setAccessKey('test.near', PK2, fnKey(5n, U128_MAX));
        o.setAccessKey('app.test.near', PK1, fnKey(0n, null));
        o.setCode('test.near', code);
        o.setData('test.near', utf8('k'), utf8('v'));
        o.setData('test.near', bytes(), bytes()); // empty key and value are legal on NEAR
      });
      assert.deepEqual(store.getAccount('test.near'), account(U128_MAX, { locked: 2n ** 64n + 1n, storageUsage: 2n ** 63n + 5n, codeHash: 'E1bjHnqXFpkDd4R4gyq7LUtM5bu2CwBApR4dyvA3QvNX' }));
      assert.deepEqual(store.getAccessKey('test.near', PK1), { nonce: 2n ** 64n - 1n, permission: { kind: 'FullAccess' } });
      assert.deepEqual(store.getAccessKey('test.near', PK2), fnKey(5n, U128_MAX));
      assert.deepEqual(store.getAccessKey('app.test.near', PK1), fnKey(0n, null));
      assert.equal(store.getAccessKey('test.near', 'ed25519:other'), null);
      assert.deepEqual(store.listAccessKeys('test.near'), [[PK1, store.getAccessKey('test.near', PK1)], [PK2, fnKey(5n, U128_MAX)]].sort());
      assert.deepEqual(store.getCode('test.near'), code);
      assert.equal(store.getCode('app.test.near'), null);
      assert.deepEqual(store.getData('test.near', utf8('k')), utf8('v'));
      assert.deepEqual(store.getData('test.near', bytes()), bytes());
      assert.equal(store.getData('test.near', utf8('missing')), null);
      assert.deepEqual([...store.loadStorage('test.near')].sort(), [['', bytes()], ['k', utf8('v')]]);
    });

    it('updates and deletes in later blocks; deleting an account removes its keys, code and data', () => {
      using store = open();
      block(store, (o) => {
        o.setAccount('a.near', account(1n));
        o.setAccessKey('a.near', PK1, FULL);
        o.setCode('a.near', bytes(1));
        o.setData('a.near', utf8('x'), utf8('1'));
        o.setAccount('b.near', account(2n));
        o.setData('b.near', utf8('x'), utf8('2'));
      });
      block(store, (o) => {
        o.setAccount('b.near', account(3n));
        o.deleteData('b.near', utf8('x'));
        o.setData('b.near', utf8('y'), utf8('3'));
        o.deleteAccount('a.near');
      });
      assert.equal(store.getAccount('a.near'), null);
      assert.equal(store.getAccessKey('a.near', PK1), null);
      assert.equal(store.getCode('a.near'), null);
      assert.deepEqual(store.iterData('a.near', bytes()), []);
      assert.equal(store.getAccount('b.near')?.amount, 3n);
      assert.deepEqual(keysOf(store.iterData('b.near', bytes())), [[...utf8('y')]]);
      block(store, (o) => {
        o.deleteAccessKey('b.near', PK1); // deleting what is not there is fine
        o.deleteCode('b.near');
      });
      assert.equal(store.latestBlock()?.height, 2n);
    });

    it('iterates a prefix in key-byte order, including 0xff prefixes', () => {
      using store = open();
      const keys = [bytes(), bytes(0), bytes(1), bytes(1, 0), bytes(1, 0xff), bytes(2), bytes(0x7f), bytes(0x80), bytes(0xff), bytes(0xff, 0xff), bytes(0xff, 0xff, 1)];
      block(store, (o) => {
        for (const k of [...keys].reverse()) o.setData('c.near', k, bytes(k.length));
        o.setData('d.near', bytes(1), bytes(9)); // another account, never listed
      });
      assert.deepEqual(keysOf(store.iterData('c.near', bytes())), keys.map((k) => [...k]));
      assert.deepEqual(keysOf(store.iterData('c.near', bytes(1))), [[1], [1, 0], [1, 0xff]]);
      assert.deepEqual(keysOf(store.iterData('c.near', bytes(0xff))), [[0xff], [0xff, 0xff], [0xff, 0xff, 1]]);
      assert.deepEqual(keysOf(store.iterData('c.near', bytes(0xff, 0xff))), [[0xff, 0xff], [0xff, 0xff, 1]]);
      assert.deepEqual(keysOf(store.iterData('c.near', bytes(3))), []);
      assert.deepEqual(store.iterData('c.near', bytes(1, 0xff)), [[bytes(1, 0xff), bytes(2)]]);
    });

    it('round-trips blocks by height and hash, transactions, receipts, outcomes, yields and postponed receipts', () => {
      using store = open();
      block(store, () => {});
      const h = header(1n, { receiptIds: ['r1', 'r2'], txHashes: ['t1'], gasPrice: U128_MAX });
      const tx: TransactionRecord = { hash: 't1', signerId: 'a.near', receiverId: 'b.near', blockHeight: 1n, body: { actions: [{ Transfer: { deposit: U128_MAX } }], raw: bytes(1, 2) } };
      const receipts: ReceiptRecord[] = [
        { receiptId: 'r1', txHash: 't1', predecessorId: 'a.near', receiverId: 'b.near', blockHeight: 1n, body: { deposit: 5n } },
        { receiptId: 'r2', txHash: 't1', predecessorId: 'b.near', receiverId: 'a.near', blockHeight: 1n, body: null },
      ];
      const outcomes: OutcomeRecord[] = [
        { id: 't1', kind: 'transaction', txHash: 't1', blockHeight: 1n, blockHash: 'hash1', body: { receipt_ids: ['r1'] } },
        { id: 'r1', kind: 'receipt', txHash: 't1', blockHeight: 1n, blockHash: 'hash1', body: { logs: ['hi'], gas_burnt: 2n ** 70n } },
      ];
      const o = new StateOverlay(store);
      o.setYield({ dataId: 'd1', accountId: 'b.near', timeoutHeight: 201n, payload: { receipt: 'r9', args: bytes(7) } });
      o.setYield({ dataId: 'd0', accountId: 'b.near', timeoutHeight: 201n, payload: 'p' });
      o.setYield({ dataId: 'd2', accountId: 'b.near', timeoutHeight: 300n, payload: null });
      o.setPostponed({ receiptId: 'r3', accountId: 'a.near', payload: { waitsFor: ['d1'] } });
      store.applyBlock(o, h, [tx], receipts, outcomes);

      assert.deepEqual(store.getBlock(1n), h);
      assert.deepEqual(store.getBlock('hash1'), h);
      assert.deepEqual(store.latestBlock(), h);
      assert.deepEqual(store.getTransaction('t1'), tx);
      assert.deepEqual(store.transactionsOfBlock(1n), [tx]);
      assert.deepEqual(store.getReceipt('r2'), receipts[1]);
      assert.deepEqual(store.receiptsOfBlock(1n), receipts);
      assert.deepEqual(store.receiptsOfBlock(0n), []);
      assert.deepEqual(store.getOutcome('t1'), outcomes[0]);
      assert.deepEqual(store.getOutcome('r1'), outcomes[1]);
      assert.deepEqual(store.outcomesOfBlock(1n), outcomes);
      assert.equal(store.getOutcome('r2'), null);
      assert.deepEqual(store.yieldsDueAt(200n), []);
      assert.deepEqual(store.yieldsDueAt(201n).map((y) => y.dataId), ['d0', 'd1']);
      assert.deepEqual(store.getYield('d1'), { dataId: 'd1', accountId: 'b.near', timeoutHeight: 201n, payload: { receipt: 'r9', args: bytes(7) } });
      assert.deepEqual(store.yieldsDueAt(1000n).map((y) => y.dataId), ['d0', 'd1', 'd2']);
      assert.deepEqual(store.listPostponed(), [{ receiptId: 'r3', accountId: 'a.near', payload: { waitsFor: ['d1'] } }]);
      assert.deepEqual(store.getPostponed('r3'), store.listPostponed()[0]);

      // Block 2 runs the postponed receipt, resumes a yield and finishes the transaction.
      const o2 = new StateOverlay(store);
      o2.deleteYield('d1');
      o2.deletePostponed('r3');
      const r3: ReceiptRecord = { receiptId: 'r3', txHash: 't1', predecessorId: 'a.near', receiverId: 'a.near', blockHeight: 2n, body: {} };
      const out2: OutcomeRecord[] = [
        { id: 'r2', kind: 'receipt', txHash: 't1', blockHeight: 2n, blockHash: 'hash2', body: {} },
        { id: 'r3', kind: 'receipt', txHash: 't1', blockHeight: 2n, blockHash: 'hash2', body: {} },
      ];
      store.applyBlock(o2, header(2n), [], [r3], out2);
      assert.deepEqual(store.outcomesOfTransaction('t1').map((x) => x.id), ['t1', 'r1', 'r2', 'r3']);
      assert.deepEqual(store.outcomesOfTransaction('unknown'), []);
      assert.deepEqual(store.yieldsDueAt(1000n).map((y) => y.dataId), ['d0', 'd2']);
      assert.deepEqual(store.listPostponed(), []);
      assert.deepEqual(store.receiptsOfBlock(2n), [r3]);
    });

    it('a record written again under its id replaces it and moves to its new block', () => {
      using store = open();
      block(store, () => {});
      const r: ReceiptRecord = { receiptId: 'r', txHash: 't', predecessorId: 'a', receiverId: 'b', blockHeight: 1n, body: 'waiting' };
      const other: ReceiptRecord = { ...r, receiptId: 'q' };
      store.applyBlock(new StateOverlay(store), header(1n), [], [r, other]);
      store.applyBlock(new StateOverlay(store), header(2n), [], [{ ...r, blockHeight: 2n, body: 'ran' }]);
      assert.deepEqual(store.receiptsOfBlock(1n), [other]);
      assert.deepEqual(store.receiptsOfBlock(2n), [{ ...r, blockHeight: 2n, body: 'ran' }]);
    });

    it('refuses a block out of order, with the wrong prevHash, or from a nested overlay, and stays unchanged', () => {
      using store = open();
      block(store, (o) => o.setAccount('a.near', account(1n)));
      const tryApply = (h: ReturnType<typeof header>, overlay = new StateOverlay(store)) => {
        overlay.setAccount('a.near', account(999n));
        assert.throws(() => store.applyBlock(overlay, h), OutlayerError);
        assert.equal(overlay.sealed, false);
      };
      tryApply(header(0n));
      tryApply(header(1n, { prevHash: 'wrong' }));
      tryApply(header(1n), new StateOverlay(store).child());
      tryApply(header(1n), new StateOverlay(new MemoryStore()));
      assert.equal(store.getAccount('a.near')?.amount, 1n);
      assert.equal(store.latestBlock()?.height, 0n);
    });

    it('a block whose record cannot be stored is not applied at all', () => {
      using store = open();
      block(store, (o) => o.setAccount('a.near', account(1n)));
      const o = new StateOverlay(store);
      o.setAccount('a.near', account(2n));
      o.setData('a.near', utf8('k'), utf8('v'));
      const bad: OutcomeRecord = { id: 'x', kind: 'receipt', txHash: 't', blockHeight: 1n, blockHash: 'hash1', body: new Map() };
      assert.throws(() => store.applyBlock(o, header(1n), [], [], [bad]), TypeError);
      assert.equal(store.getAccount('a.near')?.amount, 1n);
      assert.equal(store.getData('a.near', utf8('k')), null);
      assert.equal(store.getBlock(1n), null);
      assert.equal(store.latestBlock()?.height, 0n);
      assert.equal(store.getOutcome('x'), null);
    });

    it('seals the applied overlay', () => {
      using store = open();
      const o = new StateOverlay(store);
      store.applyBlock(o, header(0n));
      assert.ok(o.sealed);
      assert.throws(() => o.setAccount('a.near', account(1n)), OutlayerError);
    });

    it('a failed receipt overlay over the store leaves the block unchanged', () => {
      using store = open();
      block(store, (o) => {
        o.setAccount('a.near', account(10n));
        o.setData('a.near', utf8('k'), utf8('v'));
      });
      const blockO = new StateOverlay(store);
      const ok = blockO.child();
      ok.setAccount('a.near', account(9n));
      ok.commit();
      const failed = blockO.child();
      failed.setAccount('a.near', account(0n));
      failed.deleteData('a.near', utf8('k'));
      store.applyBlock(blockO, header(1n)); // `failed` was dropped
      assert.equal(store.getAccount('a.near')?.amount, 9n);
      assert.deepEqual(store.getData('a.near', utf8('k')), utf8('v'));
    });
  });
}
