import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { OutlayerError } from '../../errors.js';
import { StateOverlay } from './overlay.js';
import { SCHEMA_VERSION, SqliteStore } from './sqlite-store.js';
import { FULL, PK1, account, block, header, utf8 } from './test-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'outlayer-store-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const tempPath = () => join(dir, `d${n++}`, 'chain.sqlite');

describe('SqliteStore on a file', () => {
  it('keeps state, records and the latest block across close and reopen', () => {
    const path = tempPath();
    {
      using store = new SqliteStore(path);
      block(store, (o) => {
        o.setAccount('test.near', account(2n ** 100n));
        o.setAccessKey('test.near', PK1, FULL);
        o.setCode('test.near', utf8('(module)'));
        o.setData('test.near', utf8('count'), utf8('41'));
        o.setYield({ dataId: 'y', accountId: 'test.near', timeoutHeight: 200n, payload: { n: 1n } });
      });
      const o = new StateOverlay(store);
      o.setData('test.near', utf8('count'), utf8('42'));
      store.applyBlock(o, header(1n, { txHashes: ['t'] }), [{ hash: 't', signerId: 'test.near', receiverId: 'test.near', blockHeight: 1n, body: { ok: true } }]);
    }
    using store = new SqliteStore(path);
    assert.deepEqual(store.latestBlock(), header(1n, { txHashes: ['t'] }));
    assert.equal(store.getAccount('test.near')?.amount, 2n ** 100n);
    assert.deepEqual(store.getAccessKey('test.near', PK1), FULL);
    assert.deepEqual(store.getCode('test.near'), utf8('(module)'));
    assert.deepEqual(store.getData('test.near', utf8('count')), utf8('42'));
    assert.equal(store.getYield('y')?.timeoutHeight, 200n);
    assert.deepEqual(store.getTransaction('t')?.body, { ok: true });
    // and it goes on from there
    block(store, (o) => o.setAccount('b.test.near', account(1n)));
    assert.equal(store.latestBlock()?.height, 2n);
  });

  it('an unfinished block leaves nothing behind after a restart', () => {
    const path = tempPath();
    {
      using store = new SqliteStore(path);
      block(store, (o) => o.setAccount('a.near', account(1n)));
      const o = new StateOverlay(store);
      o.setAccount('a.near', account(2n));
      // the process "stops" before applyBlock
    }
    using store = new SqliteStore(path);
    assert.equal(store.getAccount('a.near')?.amount, 1n);
    assert.equal(store.latestBlock()?.height, 0n);
  });

  it('uses WAL and records its schema version', () => {
    const path = tempPath();
    new SqliteStore(path).close();
    const db = new Database(path, { readonly: true });
    try {
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
      assert.deepEqual(db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get(), { value: String(SCHEMA_VERSION) });
    } finally {
      db.close();
    }
  });

  it('refuses a second store on the same file while the first is open', () => {
    const path = tempPath();
    using first = new SqliteStore(path);
    assert.throws(() => new SqliteStore(path), (e: unknown) => e instanceof OutlayerError && e.code === 'usage' && /in use/.test(e.message));
    assert.equal(first.latestBlock(), null); // the first is unaffected
    first.close();
    new SqliteStore(path).close(); // and once it is closed, the file opens again
  });

  it('refuses a file of another schema version, and a file that is not SQLite', () => {
    const path = tempPath();
    new SqliteStore(path).close();
    const db = new Database(path);
    db.prepare("UPDATE meta SET value = '999' WHERE key = 'schema_version'").run();
    db.close();
    assert.throws(() => new SqliteStore(path), /schema version 999/);
    const junk = join(dir, 'junk.sqlite');
    writeFileSync(junk, 'not a database, just some text that is long enough to be a header. '.repeat(10));
    assert.throws(() => new SqliteStore(junk), (e: unknown) => e instanceof OutlayerError && /not an SQLite database/.test(e.message));
  });

  it('close is idempotent and a closed store refuses blocks', () => {
    const store = new SqliteStore(':memory:');
    store.close();
    store.close();
    assert.throws(() => store.applyBlock(new StateOverlay(store), header(0n)), OutlayerError);
  });

  it('throughput: 1000 blocks of 10 account updates (printed, not asserted)', (t) => {
    const path = tempPath();
    using store = new SqliteStore(path);
    const start = performance.now();
    for (let b = 0n; b < 1000n; b++) {
      const o = new StateOverlay(store);
      for (let i = 0; i < 10; i++) {
        const id = `user${i}.test.near`;
        const prev = o.getAccount(id);
        o.setAccount(id, account((prev?.amount ?? 10n ** 30n) - 1n));
      }
      store.applyBlock(o, header(b));
    }
    const ms = performance.now() - start;
    t.diagnostic(`SqliteStore (file, WAL): 1000 blocks × 10 account updates in ${ms.toFixed(0)} ms = ${((1000 / ms) * 1000).toFixed(0)} blocks/s`);
    assert.equal(store.getAccount('user3.test.near')?.amount, 10n ** 30n - 1000n);
  });
});
