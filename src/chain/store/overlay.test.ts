import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OutlayerError } from '../../errors.js';
import { MemoryStore } from './memory-store.js';
import { StateOverlay } from './overlay.js';
import { FULL, PK1, PK2, account, block, bytes, fnKey, keysOf, utf8 } from './test-helpers.js';

function seeded(): MemoryStore {
  const store = new MemoryStore();
  block(store, (o) => {
    o.setAccount('alice.test.near', account(100n));
    o.setAccessKey('alice.test.near', PK1, FULL);
    o.setCode('alice.test.near', bytes(0, 97, 115, 109));
    for (const k of ['a', 'b1', 'b3', 'c']) o.setData('alice.test.near', utf8(k), utf8(`v-${k}`));
    o.setYield({ dataId: 'y1', accountId: 'alice.test.near', timeoutHeight: 10n, payload: { n: 1n } });
    o.setPostponed({ receiptId: 'r1', accountId: 'alice.test.near', payload: null });
  });
  return store;
}

describe('StateOverlay', () => {
  it('reads through to the parent until it writes, and never writes the parent before commit', () => {
    const store = seeded();
    const o = new StateOverlay(store);
    assert.equal(o.getAccount('alice.test.near')?.amount, 100n);
    o.setAccount('alice.test.near', account(50n));
    o.setData('alice.test.near', utf8('a'), utf8('changed'));
    assert.equal(o.getAccount('alice.test.near')?.amount, 50n);
    assert.deepEqual(o.getData('alice.test.near', utf8('a')), utf8('changed'));
    assert.equal(store.getAccount('alice.test.near')?.amount, 100n);
    assert.deepEqual(store.getData('alice.test.near', utf8('a')), utf8('v-a'));
    assert.equal(o.getAccount('nobody.test.near'), null);
  });

  it('nested overlays: a child commits into its parent only; the grandparent is untouched', () => {
    const store = seeded();
    const blockO = new StateOverlay(store);
    const receipt = blockO.child();
    const action = receipt.child();
    action.setAccount('bob.test.near', account(7n));
    assert.equal(receipt.getAccount('bob.test.near'), null);
    action.commit();
    assert.equal(receipt.getAccount('bob.test.near')?.amount, 7n);
    assert.equal(blockO.getAccount('bob.test.near'), null);
    receipt.commit();
    assert.equal(blockO.getAccount('bob.test.near')?.amount, 7n);
    assert.equal(store.getAccount('bob.test.near'), null);
    store.applyBlock(blockO, { ...store.latestBlock()!, height: 1n, hash: 'hash1', prevHash: 'hash0' });
    assert.equal(store.getAccount('bob.test.near')?.amount, 7n);
  });

  it('a failed receipt (dropped child) leaves its parent exactly as it was', () => {
    const store = seeded();
    const blockO = new StateOverlay(store);
    blockO.setAccount('alice.test.near', account(90n));
    const failed = blockO.child();
    failed.setAccount('alice.test.near', account(0n));
    failed.deleteAccessKey('alice.test.near', PK1);
    failed.setData('alice.test.near', utf8('zz'), utf8('x'));
    failed.deleteData('alice.test.near', utf8('a'));
    failed.setYield({ dataId: 'y2', accountId: 'alice.test.near', timeoutHeight: 5n, payload: null });
    failed.deleteAccount('alice.test.near');
    // dropped: never committed
    assert.equal(blockO.getAccount('alice.test.near')?.amount, 90n);
    assert.deepEqual(blockO.getAccessKey('alice.test.near', PK1), FULL);
    assert.equal(blockO.getData('alice.test.near', utf8('zz')), null);
    assert.deepEqual(blockO.getData('alice.test.near', utf8('a')), utf8('v-a'));
    assert.equal(blockO.getYield('y2'), null);
    assert.ok(blockO.getCode('alice.test.near'));
  });

  it('deletions shadow the parent at every level, and a later write revives the entry', () => {
    const store = seeded();
    const o = new StateOverlay(store);
    o.deleteData('alice.test.near', utf8('b1'));
    o.deleteAccessKey('alice.test.near', PK1);
    o.deleteCode('alice.test.near');
    o.deleteYield('y1');
    o.deletePostponed('r1');
    const c = o.child();
    assert.equal(c.getData('alice.test.near', utf8('b1')), null);
    assert.equal(c.getAccessKey('alice.test.near', PK1), null);
    assert.deepEqual(c.listAccessKeys('alice.test.near'), []);
    assert.equal(c.getCode('alice.test.near'), null);
    assert.equal(c.getYield('y1'), null);
    assert.deepEqual(c.yieldsDueAt(100n), []);
    assert.equal(c.getPostponed('r1'), null);
    assert.deepEqual(c.listPostponed(), []);
    assert.equal(c.loadStorage('alice.test.near').has('b1'), false);
    c.setData('alice.test.near', utf8('b1'), utf8('back'));
    c.commit();
    assert.deepEqual(o.getData('alice.test.near', utf8('b1')), utf8('back'));
  });

  it('deleteAccount hides the keys, code and data below it; a re-created account starts empty', () => {
    const store = seeded();
    const o = new StateOverlay(store);
    const del = o.child();
    del.deleteAccount('alice.test.near');
    del.setAccount('alice.test.near', account(1n));
    del.setData('alice.test.near', utf8('new'), utf8('1'));
    assert.equal(del.getAccessKey('alice.test.near', PK1), null);
    assert.equal(del.getCode('alice.test.near'), null);
    assert.deepEqual(keysOf(del.iterData('alice.test.near', new Uint8Array())), [[...utf8('new')]]);
    del.commit();
    assert.deepEqual(keysOf(o.iterData('alice.test.near', new Uint8Array())), [[...utf8('new')]]);
    assert.deepEqual([...o.loadStorage('alice.test.near').keys()], ['new']);
    assert.deepEqual(o.listAccessKeys('alice.test.near'), []);
    store.applyBlock(o, { ...store.latestBlock()!, height: 1n, hash: 'hash1', prevHash: 'hash0' });
    assert.equal(store.getAccount('alice.test.near')?.amount, 1n);
    assert.equal(store.getCode('alice.test.near'), null);
    assert.deepEqual(store.listAccessKeys('alice.test.near'), []);
    assert.deepEqual(keysOf(store.iterData('alice.test.near', new Uint8Array())), [[...utf8('new')]]);
  });

  it('prefix iteration merges parent and overlay entries in key-byte order and honours deletions', () => {
    const store = seeded(); // a, b1, b3, c
    const o = new StateOverlay(store);
    o.setData('alice.test.near', utf8('b2'), utf8('o-b2'));
    o.setData('alice.test.near', utf8('b3'), utf8('o-b3')); // overrides the parent's
    o.deleteData('alice.test.near', utf8('b1'));
    o.setData('alice.test.near', utf8('b'), utf8('o-b'));
    const c = o.child();
    c.setData('alice.test.near', utf8('b0'), utf8('c-b0'));
    c.deleteData('alice.test.near', utf8('b2'));
    c.setData('alice.test.near', utf8('d'), utf8('c-d'));
    const text = (es: ReturnType<typeof c.iterData>) => es.map(([k, v]) => `${Buffer.from(k)}=${Buffer.from(v)}`);
    assert.deepEqual(text(c.iterData('alice.test.near', utf8('b'))), ['b=o-b', 'b0=c-b0', 'b3=o-b3']);
    assert.deepEqual(text(c.iterData('alice.test.near', new Uint8Array())), ['a=v-a', 'b=o-b', 'b0=c-b0', 'b3=o-b3', 'c=v-c', 'd=c-d']);
    assert.deepEqual(text(c.iterData('alice.test.near', utf8('x'))), []);
    assert.deepEqual(text(c.iterData('bob.test.near', new Uint8Array())), []);
  });

  it('orders binary keys by bytes, not by UTF-16 or signedness', () => {
    const store = new MemoryStore();
    block(store, (o) => {
      o.setData('x.near', bytes(0xff), bytes(1));
      o.setData('x.near', bytes(0x7f), bytes(1));
    });
    const o = new StateOverlay(store);
    o.setData('x.near', bytes(0x80), bytes(2));
    o.setData('x.near', bytes(), bytes(3)); // the empty key
    o.setData('x.near', bytes(0xff, 0), bytes(4));
    assert.deepEqual(keysOf(o.iterData('x.near', new Uint8Array())), [[], [0x7f], [0x80], [0xff], [0xff, 0]]);
    assert.deepEqual(keysOf(o.iterData('x.near', bytes(0xff))), [[0xff], [0xff, 0]]);
  });

  it('copies keys and values written from guest memory', () => {
    const o = new StateOverlay(new MemoryStore());
    const memory = utf8('keyvalue');
    o.setData('x.near', memory.subarray(0, 3), memory.subarray(3));
    memory.fill(0);
    assert.deepEqual(o.getData('x.near', utf8('key')), utf8('value'));
  });

  it('applies a contract call\'s storageChanges and loads storage as the runtimes want it', () => {
    const store = seeded();
    const o = new StateOverlay(store);
    o.applyStorageChanges('alice.test.near', new Map([['a', null], ['new', utf8('n')]]));
    const storage = o.loadStorage('alice.test.near');
    assert.deepEqual([...storage.keys()].sort(), ['b1', 'b3', 'c', 'new']);
    storage.clear(); // the caller owns the map
    assert.equal(o.loadStorage('alice.test.near').size, 4);
  });

  it('merges access-key lists in public-key order', () => {
    const store = seeded();
    const o = new StateOverlay(store);
    o.setAccessKey('alice.test.near', PK2, fnKey(3n, 10n ** 24n));
    assert.deepEqual(o.listAccessKeys('alice.test.near').map(([pk]) => pk), [PK1, PK2].sort());
    o.setAccessKey('alice.test.near', PK1, { ...FULL, nonce: 9n });
    assert.equal(o.getAccessKey('alice.test.near', PK1)?.nonce, 9n);
  });

  it('lists yields due at a height from every level, by timeout then id', () => {
    const store = seeded(); // y1 at 10
    const o = new StateOverlay(store);
    o.setYield({ dataId: 'y0', accountId: 'a', timeoutHeight: 10n, payload: null });
    o.setYield({ dataId: 'y3', accountId: 'a', timeoutHeight: 5n, payload: null });
    o.setYield({ dataId: 'y4', accountId: 'a', timeoutHeight: 11n, payload: null });
    assert.deepEqual(o.yieldsDueAt(4n), []);
    assert.deepEqual(o.yieldsDueAt(10n).map((y) => y.dataId), ['y3', 'y0', 'y1']);
    o.setYield({ dataId: 'y1', accountId: 'a', timeoutHeight: 20n, payload: null }); // moved later
    assert.deepEqual(o.yieldsDueAt(10n).map((y) => y.dataId), ['y3', 'y0']);
  });

  it('a committed overlay refuses writes, and a root overlay is committed by the store', () => {
    const store = seeded();
    const o = new StateOverlay(store);
    assert.throws(() => o.commit(), OutlayerError);
    const c = o.child();
    assert.ok(c.isEmpty);
    c.commit();
    assert.throws(() => c.setAccount('x.near', account(1n)), /already committed/);
    assert.throws(() => c.commit(), /already committed/);
  });
});
