import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { OutlayerError } from '../../errors.js';
import { hashSecret, newSecret } from './secrets.js';
import { COORDINATOR_DB_FILE, SCHEMA_VERSION, SqliteStorage } from './sqlite.js';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'outlayer-coord-'));
  dirs.push(d);
  return d;
};

/** Every byte SQLite may have written for the file (the WAL too, if it is still there). */
function fileBytes(path: string): Buffer {
  return Buffer.concat([path, `${path}-wal`].filter(existsSync).map((p) => readFileSync(p)));
}

describe('SqliteStorage', () => {
  it('creates <dataDir>/coordinator.sqlite at the current schema version, in WAL mode', () => {
    const dir = tempDir();
    SqliteStorage.open(join(dir, 'nested'))[Symbol.dispose]();
    const db = new Database(join(dir, 'nested', COORDINATOR_DB_FILE), { readonly: true });
    assert.equal((db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number }).v, SCHEMA_VERSION);
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    db.close();
  });

  it('refuses a file with a newer schema version, and a file in use', () => {
    const path = join(tempDir(), COORDINATOR_DB_FILE);
    const first = new SqliteStorage(path);
    assert.throws(() => new SqliteStorage(path), (e) => e instanceof OutlayerError && e.code === 'usage' && /in use/.test(e.message));
    first[Symbol.dispose]();
    const db = new Database(path);
    db.prepare('INSERT INTO schema_migrations VALUES (?, ?)').run(SCHEMA_VERSION + 1, 0);
    db.close();
    assert.throws(() => new SqliteStorage(path), (e) => e instanceof OutlayerError && e.code === 'usage' && /schema version 2/.test(e.message));
  });

  it('stores worker tokens and API keys only as sha256 hashes', async () => {
    const dir = tempDir();
    const token = newSecret('olw');
    const apiKey = newSecret('olk');
    assert.match(token, /^olw_[A-Za-z0-9_-]{43}$/);
    {
      using s = SqliteStorage.open(dir);
      assert.equal(await s.registerWorker({ id: 'w1', label: 'laptop', token_hash: hashSecret(token), public_key: 'ed25519:abc', created_at: 1 }), true);
      assert.equal(await s.registerWorker({ id: 'w2', label: 'dup', token_hash: hashSecret(token), public_key: 'ed25519:def', created_at: 2 }), false);
      assert.equal(await s.createApiKey({ id: 'k1', key_hash: hashSecret(apiKey), tier: 'api_key', label: 'ci', created_at: 3 }), true);
      assert.equal((await s.findWorkerByToken(hashSecret(token)))?.id, 'w1');
      assert.equal(await s.findWorkerByToken(hashSecret('wrong')), null);
      assert.equal((await s.findApiKey(hashSecret(apiKey)))?.tier, 'api_key');
      await s.touchWorker('w1', 10);
      assert.equal((await s.getWorker('w1'))?.last_seen_at, 10);
      assert.equal(await s.revokeWorker('w1', 11), true);
      assert.equal(await s.revokeWorker('w1', 12), false);
      assert.equal((await s.listWorkers())[0]?.revoked_at, 11);
      assert.equal(await s.revokeApiKey('k1', 13), true);
      assert.equal((await s.listApiKeys())[0]?.revoked_at, 13);
      // Checked while open too, when the rows may still sit in the WAL.
      const open = fileBytes(join(dir, COORDINATOR_DB_FILE));
      assert.ok(open.includes(hashSecret(token)));
      assert.ok(!open.includes(token) && !open.includes(apiKey));
    }
    const bytes = fileBytes(join(dir, COORDINATOR_DB_FILE));
    assert.ok(bytes.includes(hashSecret(token)) && bytes.includes(hashSecret(apiKey)));
    assert.ok(!bytes.includes(token), 'the raw worker token is in the file');
    assert.ok(!bytes.includes(apiKey), 'the raw API key is in the file');
  });

  it('keeps the chain cursor per chain and contract, with u64 heights', async () => {
    using s = new SqliteStorage(':memory:');
    assert.equal(await s.getCursor('devnet', 'outlayer.near'), null);
    await s.setCursor('devnet', 'outlayer.near', { height: 2n ** 62n + 1n, hash: 'H1' }, 1);
    await s.setCursor('devnet', 'other.near', { height: 5n, hash: 'H2' }, 1);
    assert.deepEqual(await s.getCursor('devnet', 'outlayer.near'), { height: 2n ** 62n + 1n, hash: 'H1' });
    await s.setCursor('devnet', 'outlayer.near', { height: 7n, hash: 'H3' }, 2);
    assert.deepEqual(await s.getCursor('devnet', 'outlayer.near'), { height: 7n, hash: 'H3' });
    assert.deepEqual(await s.getCursor('testnet', 'outlayer.near'), null);
  });

  it('a request is claimed for resolving once and resolved once', async () => {
    using s = new SqliteStorage(':memory:');
    const a = await s.beginResolution({ contract_id: 'c', request_id: 1, job_id: 'chain:c:1', now: 5 });
    assert.equal(a.claimed, true);
    assert.equal(a.record.state, 'resolving');
    const b = await s.beginResolution({ contract_id: 'c', request_id: 1, job_id: 'chain:c:1', now: 6 });
    assert.equal(b.claimed, false);
    assert.deepEqual((await s.listResolving()).map((r) => r.request_id), [1]);
    assert.equal(await s.markResolved('c', 1, 'TX', 7), true);
    assert.equal(await s.markResolved('c', 1, 'TX2', 8), false);
    assert.deepEqual(await s.getResolution('c', 1), { contract_id: 'c', request_id: 1, job_id: 'chain:c:1', state: 'resolved', tx_hash: 'TX', started_at: 5, resolved_at: 7 });
    assert.equal(await s.releaseResolution('c', 1), false); // resolved is final
    assert.equal((await s.beginResolution({ contract_id: 'c', request_id: 1, job_id: 'x', now: 9 })).record.tx_hash, 'TX');
    await s.beginResolution({ contract_id: 'c', request_id: 2, job_id: 'chain:c:2', now: 9 });
    assert.equal(await s.releaseResolution('c', 2), true); // the tx did not land: retry later
    assert.equal((await s.beginResolution({ contract_id: 'c', request_id: 2, job_id: 'chain:c:2', now: 10 })).claimed, true);
  });

  it('idempotency records: first write wins, prune by age', async () => {
    using s = new SqliteStorage(':memory:');
    const rec = { scope: 'api.submit', key: 'k', fingerprint: 'f', response: { job_id: 'api:1' }, created_at: 100 };
    assert.equal((await s.putIdempotency(rec)).created, true);
    const again = await s.putIdempotency({ ...rec, fingerprint: 'g', response: 'other' });
    assert.equal(again.created, false);
    assert.deepEqual(again.record, rec);
    assert.deepEqual(await s.getIdempotency('api.submit', 'k'), rec);
    assert.equal(await s.pruneIdempotency(100), 0);
    assert.equal(await s.pruneIdempotency(101), 1);
    assert.equal(await s.getIdempotency('api.submit', 'k'), null);
  });

  it('a closed storage refuses calls; close is idempotent', async () => {
    const s = new SqliteStorage(':memory:');
    await s.close();
    await s.close();
    await assert.rejects(s.getJob('x'), (e) => e instanceof OutlayerError && e.code === 'internal');
  });
});
