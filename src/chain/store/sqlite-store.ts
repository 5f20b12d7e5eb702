/**
 * The chain store in SQLite (`<data-dir>/chain.sqlite`, or ':memory:'), through better-sqlite3.
 * Each block's state changes, header and records are written in one SQLite transaction, so a
 * restarted devnet resumes exactly at a block boundary.
 *
 * Layout: u128/u64 amounts, nonces, storage usage and timestamps are decimal TEXT; heights are
 * INTEGER (ordered, and u64 heights stay far below 2^63); data keys and values, and code, are
 * BLOBs, so key order is byte order (SQLite compares BLOBs with memcmp); record bodies are
 * stored-json TEXT. The file is opened in WAL mode with an exclusive lock, so a second devnet
 * on the same data dir is refused instead of silently sharing it.
 *
 * @example
 * using store = new SqliteStore(join(dataDir, 'chain.sqlite'));
 * const block = new StateOverlay(store);
 * // ... execute transactions and receipts against block (child overlays per receipt) ...
 * store.applyBlock(block, header, txs, receipts, outcomes);
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { OutlayerError } from '../../errors.js';
import { bytesToKey, keyToBytes, type Storage } from '../../js/host/state.js';
import { checkApply, freezeHeader } from './invariants.js';
import { decodeStored, encodeStored } from './stored-json.js';
import type {
  Account,
  AccessKey,
  AccessKeyPermission,
  BlockHeader,
  BlockRef,
  ChainStore,
  ChangeSource,
  DataEntry,
  OutcomeRecord,
  PendingYield,
  PostponedReceipt,
  ReceiptRecord,
  TransactionRecord,
} from './types.js';

/** Bump when the layout below changes; an older file is refused rather than misread. */
export const SCHEMA_VERSION = 1;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS accounts (
  account_id TEXT PRIMARY KEY, amount TEXT NOT NULL, locked TEXT NOT NULL,
  code_hash TEXT NOT NULL, storage_usage TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS access_keys (
  account_id TEXT NOT NULL, public_key TEXT NOT NULL, nonce TEXT NOT NULL, permission TEXT NOT NULL,
  PRIMARY KEY (account_id, public_key)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS code (account_id TEXT PRIMARY KEY, code BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS data (
  account_id TEXT NOT NULL, key BLOB NOT NULL, value BLOB NOT NULL,
  PRIMARY KEY (account_id, key)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS yields (
  data_id TEXT PRIMARY KEY, account_id TEXT NOT NULL, timeout_height INTEGER NOT NULL, payload TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS yields_by_timeout ON yields (timeout_height, data_id);
CREATE TABLE IF NOT EXISTS postponed (receipt_id TEXT PRIMARY KEY, account_id TEXT NOT NULL, payload TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS blocks (
  height INTEGER PRIMARY KEY, hash TEXT NOT NULL UNIQUE, prev_hash TEXT NOT NULL,
  timestamp_ns TEXT NOT NULL, gas_price TEXT NOT NULL, chunk_hash TEXT NOT NULL,
  receipt_ids TEXT NOT NULL, tx_hashes TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS transactions (
  hash TEXT PRIMARY KEY, signer_id TEXT NOT NULL, receiver_id TEXT NOT NULL,
  block_height INTEGER NOT NULL, body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS transactions_by_block ON transactions (block_height);
CREATE TABLE IF NOT EXISTS receipts (
  receipt_id TEXT PRIMARY KEY, tx_hash TEXT NOT NULL, predecessor_id TEXT NOT NULL,
  receiver_id TEXT NOT NULL, block_height INTEGER NOT NULL, body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS receipts_by_block ON receipts (block_height);
CREATE TABLE IF NOT EXISTS outcomes (
  id TEXT PRIMARY KEY, kind TEXT NOT NULL, tx_hash TEXT NOT NULL, block_height INTEGER NOT NULL,
  block_hash TEXT NOT NULL, body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS outcomes_by_tx ON outcomes (tx_hash);
CREATE INDEX IF NOT EXISTS outcomes_by_block ON outcomes (block_height);
`;

// Rows as better-sqlite3 returns them with safe integers on (INTEGER → bigint, BLOB → Buffer).
interface AccountRow { amount: string; locked: string; code_hash: string; storage_usage: string }
interface KeyRow { public_key: string; nonce: string; permission: string }
interface DataRow { key: Buffer; value: Buffer }
interface YieldRow { data_id: string; account_id: string; timeout_height: bigint; payload: string }
interface PostponedRow { receipt_id: string; account_id: string; payload: string }
interface BlockRow { height: bigint; hash: string; prev_hash: string; timestamp_ns: string; gas_price: string; chunk_hash: string; receipt_ids: string; tx_hashes: string }
interface TxRow { hash: string; signer_id: string; receiver_id: string; block_height: bigint; body: string }
interface ReceiptRow { receipt_id: string; tx_hash: string; predecessor_id: string; receiver_id: string; block_height: bigint; body: string }
interface OutcomeRow { id: string; kind: 'transaction' | 'receipt'; tx_hash: string; block_height: bigint; block_hash: string; body: string }

/** A zero-copy Uint8Array view of a Buffer (so callers compare plain Uint8Arrays). */
function u8(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** The smallest key greater than every key starting with `prefix`, or null when there is none. */
function prefixEnd(prefix: Uint8Array): Uint8Array | null {
  let n = prefix.length;
  while (n > 0 && prefix[n - 1] === 0xff) n--;
  if (n === 0) return null;
  const end = prefix.slice(0, n);
  end[n - 1]!++;
  return end;
}

const toAccount = (r: AccountRow): Account => ({
  amount: BigInt(r.amount),
  locked: BigInt(r.locked),
  codeHash: r.code_hash,
  storageUsage: BigInt(r.storage_usage),
});
const toAccessKey = (r: KeyRow): AccessKey => ({ nonce: BigInt(r.nonce), permission: decodeStored(r.permission) as AccessKeyPermission });
const toYield = (r: YieldRow): PendingYield => ({ dataId: r.data_id, accountId: r.account_id, timeoutHeight: r.timeout_height, payload: decodeStored(r.payload) });
const toPostponed = (r: PostponedRow): PostponedReceipt => ({ receiptId: r.receipt_id, accountId: r.account_id, payload: decodeStored(r.payload) });
const toBlock = (r: BlockRow): BlockHeader =>
  freezeHeader({
    height: r.height,
    hash: r.hash,
    prevHash: r.prev_hash,
    timestampNs: BigInt(r.timestamp_ns),
    gasPrice: BigInt(r.gas_price),
    chunkHash: r.chunk_hash,
    receiptIds: JSON.parse(r.receipt_ids) as string[],
    txHashes: JSON.parse(r.tx_hashes) as string[],
  });
const toTx = (r: TxRow): TransactionRecord => ({ hash: r.hash, signerId: r.signer_id, receiverId: r.receiver_id, blockHeight: r.block_height, body: decodeStored(r.body) });
const toReceipt = (r: ReceiptRow): ReceiptRecord => ({
  receiptId: r.receipt_id,
  txHash: r.tx_hash,
  predecessorId: r.predecessor_id,
  receiverId: r.receiver_id,
  blockHeight: r.block_height,
  body: decodeStored(r.body),
});
const toOutcome = (r: OutcomeRow): OutcomeRecord => ({
  id: r.id,
  kind: r.kind,
  txHash: r.tx_hash,
  blockHeight: r.block_height,
  blockHash: r.block_hash,
  body: decodeStored(r.body),
});

function prepareAll(db: Database.Database) {
  const p = (sql: string) => db.prepare(sql);
  return {
    account: p('SELECT amount, locked, code_hash, storage_usage FROM accounts WHERE account_id = ?'),
    key: p('SELECT public_key, nonce, permission FROM access_keys WHERE account_id = ? AND public_key = ?'),
    keys: p('SELECT public_key, nonce, permission FROM access_keys WHERE account_id = ? ORDER BY public_key'),
    code: p('SELECT code FROM code WHERE account_id = ?'),
    data: p('SELECT value FROM data WHERE account_id = ? AND key = ?'),
    dataAll: p('SELECT key, value FROM data WHERE account_id = ? ORDER BY key'),
    dataFrom: p('SELECT key, value FROM data WHERE account_id = ? AND key >= ? ORDER BY key'),
    dataRange: p('SELECT key, value FROM data WHERE account_id = ? AND key >= ? AND key < ? ORDER BY key'),
    yield: p('SELECT * FROM yields WHERE data_id = ?'),
    yieldsDue: p('SELECT * FROM yields WHERE timeout_height <= ? ORDER BY timeout_height, data_id'),
    postponed: p('SELECT * FROM postponed WHERE receipt_id = ?'),
    postponedAll: p('SELECT * FROM postponed ORDER BY receipt_id'),
    blockByHeight: p('SELECT * FROM blocks WHERE height = ?'),
    blockByHash: p('SELECT * FROM blocks WHERE hash = ?'),
    latest: p('SELECT * FROM blocks ORDER BY height DESC LIMIT 1'),
    tx: p('SELECT * FROM transactions WHERE hash = ?'),
    txsOfBlock: p('SELECT * FROM transactions WHERE block_height = ? ORDER BY rowid'),
    receipt: p('SELECT * FROM receipts WHERE receipt_id = ?'),
    receiptsOfBlock: p('SELECT * FROM receipts WHERE block_height = ? ORDER BY rowid'),
    outcome: p('SELECT * FROM outcomes WHERE id = ?'),
    outcomesOfTx: p('SELECT * FROM outcomes WHERE tx_hash = ? ORDER BY block_height, rowid'),
    outcomesOfBlock: p('SELECT * FROM outcomes WHERE block_height = ? ORDER BY rowid'),

    clearAccount: p('DELETE FROM accounts WHERE account_id = ?'),
    clearKeys: p('DELETE FROM access_keys WHERE account_id = ?'),
    clearCode: p('DELETE FROM code WHERE account_id = ?'),
    clearData: p('DELETE FROM data WHERE account_id = ?'),
    putAccount: p('INSERT OR REPLACE INTO accounts VALUES (?, ?, ?, ?, ?)'),
    putKey: p('INSERT OR REPLACE INTO access_keys VALUES (?, ?, ?, ?)'),
    delKey: p('DELETE FROM access_keys WHERE account_id = ? AND public_key = ?'),
    putCode: p('INSERT OR REPLACE INTO code VALUES (?, ?)'),
    putData: p('INSERT OR REPLACE INTO data VALUES (?, ?, ?)'),
    delData: p('DELETE FROM data WHERE account_id = ? AND key = ?'),
    putYield: p('INSERT OR REPLACE INTO yields VALUES (?, ?, ?, ?)'),
    delYield: p('DELETE FROM yields WHERE data_id = ?'),
    putPostponed: p('INSERT OR REPLACE INTO postponed VALUES (?, ?, ?)'),
    delPostponed: p('DELETE FROM postponed WHERE receipt_id = ?'),
    putBlock: p('INSERT INTO blocks VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
    putTx: p('INSERT OR REPLACE INTO transactions VALUES (?, ?, ?, ?, ?)'),
    putReceipt: p('INSERT OR REPLACE INTO receipts VALUES (?, ?, ?, ?, ?, ?)'),
    putOutcome: p('INSERT OR REPLACE INTO outcomes VALUES (?, ?, ?, ?, ?, ?)'),
  };
}

/** Opens (creating if needed) the schema; throws OutlayerError('usage') for a file it must not use. */
function openDatabase(path: string): Database.Database {
  if (path !== ':memory:' && path !== '') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, { timeout: 0 });
  try {
    db.defaultSafeIntegers(true);
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('journal_mode = WAL');
    // WAL + NORMAL: a crash of the process loses nothing; a power cut may lose the last blocks
    // but never leaves a torn one.
    db.pragma('synchronous = NORMAL');
    db.transaction(() => {
      db.exec(SCHEMA);
      const row = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string } | undefined;
      if (!row) db.prepare("INSERT INTO meta VALUES ('schema_version', ?)").run(String(SCHEMA_VERSION));
      else if (row.value !== String(SCHEMA_VERSION)) {
        throw new OutlayerError('usage', `${path} holds chain schema version ${row.value}; this OutLayer reads version ${SCHEMA_VERSION} (start from a new data dir)`);
      }
    }).immediate();
    return db;
  } catch (e) {
    db.close();
    const code = (e as { code?: unknown }).code;
    if (code === 'SQLITE_BUSY') throw new OutlayerError('usage', `${path} is in use by another process (one devnet per data dir)`);
    if (code === 'SQLITE_NOTADB') throw new OutlayerError('usage', `${path} is not an SQLite database`);
    throw e;
  }
}

export class SqliteStore implements ChainStore {
  readonly path: string;
  readonly #db: Database.Database;
  readonly #q: ReturnType<typeof prepareAll>;
  #latest: BlockHeader | null;
  readonly #apply: (overlay: ChangeSource, header: BlockHeader, txs: readonly TransactionRecord[], receipts: readonly ReceiptRecord[], outcomes: readonly OutcomeRecord[]) => void;

  /** Opens or creates the store at `path` (its folder is created), or ':memory:'. */
  constructor(path: string) {
    this.path = path;
    this.#db = openDatabase(path);
    this.#q = prepareAll(this.#db);
    const latest = this.#q.latest.get() as BlockRow | undefined;
    this.#latest = latest ? toBlock(latest) : null;
    this.#apply = this.#db.transaction(this.#write.bind(this));
  }

  getAccount(accountId: string): Account | null {
    const r = this.#q.account.get(accountId) as AccountRow | undefined;
    return r ? toAccount(r) : null;
  }

  getAccessKey(accountId: string, publicKey: string): AccessKey | null {
    const r = this.#q.key.get(accountId, publicKey) as KeyRow | undefined;
    return r ? toAccessKey(r) : null;
  }

  listAccessKeys(accountId: string): Array<[publicKey: string, key: AccessKey]> {
    return (this.#q.keys.all(accountId) as KeyRow[]).map((r) => [r.public_key, toAccessKey(r)]);
  }

  getCode(accountId: string): Uint8Array | null {
    const r = this.#q.code.get(accountId) as { code: Buffer } | undefined;
    return r ? u8(r.code) : null;
  }

  getData(accountId: string, key: Uint8Array): Uint8Array | null {
    const r = this.#q.data.get(accountId, key) as { value: Buffer } | undefined;
    return r ? u8(r.value) : null;
  }

  iterData(accountId: string, prefix: Uint8Array): DataEntry[] {
    const end = prefix.length === 0 ? null : prefixEnd(prefix);
    const rows = (
      prefix.length === 0 ? this.#q.dataAll.all(accountId) : end ? this.#q.dataRange.all(accountId, prefix, end) : this.#q.dataFrom.all(accountId, prefix)
    ) as DataRow[];
    return rows.map((r) => [u8(r.key), u8(r.value)]);
  }

  loadStorage(accountId: string): Map<string, Uint8Array> {
    const storage = new Map<string, Uint8Array>();
    for (const r of this.#q.dataAll.all(accountId) as DataRow[]) storage.set(bytesToKey(r.key), u8(r.value));
    return storage;
  }

  getYield(dataId: string): PendingYield | null {
    const r = this.#q.yield.get(dataId) as YieldRow | undefined;
    return r ? toYield(r) : null;
  }

  yieldsDueAt(height: bigint): PendingYield[] {
    return (this.#q.yieldsDue.all(height) as YieldRow[]).map(toYield);
  }

  getPostponed(receiptId: string): PostponedReceipt | null {
    const r = this.#q.postponed.get(receiptId) as PostponedRow | undefined;
    return r ? toPostponed(r) : null;
  }

  listPostponed(): PostponedReceipt[] {
    return (this.#q.postponedAll.all() as PostponedRow[]).map(toPostponed);
  }

  getBlock(ref: BlockRef): BlockHeader | null {
    const r = (typeof ref === 'bigint' ? this.#q.blockByHeight.get(ref) : this.#q.blockByHash.get(ref)) as BlockRow | undefined;
    return r ? toBlock(r) : null;
  }

  latestBlock(): BlockHeader | null {
    return this.#latest;
  }

  getTransaction(hash: string): TransactionRecord | null {
    const r = this.#q.tx.get(hash) as TxRow | undefined;
    return r ? toTx(r) : null;
  }

  getReceipt(receiptId: string): ReceiptRecord | null {
    const r = this.#q.receipt.get(receiptId) as ReceiptRow | undefined;
    return r ? toReceipt(r) : null;
  }

  getOutcome(id: string): OutcomeRecord | null {
    const r = this.#q.outcome.get(id) as OutcomeRow | undefined;
    return r ? toOutcome(r) : null;
  }

  outcomesOfTransaction(txHash: string): OutcomeRecord[] {
    return (this.#q.outcomesOfTx.all(txHash) as OutcomeRow[]).map(toOutcome);
  }

  receiptsOfBlock(height: bigint): ReceiptRecord[] {
    return (this.#q.receiptsOfBlock.all(height) as ReceiptRow[]).map(toReceipt);
  }

  outcomesOfBlock(height: bigint): OutcomeRecord[] {
    return (this.#q.outcomesOfBlock.all(height) as OutcomeRow[]).map(toOutcome);
  }

  transactionsOfBlock(height: bigint): TransactionRecord[] {
    return (this.#q.txsOfBlock.all(height) as TxRow[]).map(toTx);
  }

  applyBlock(
    overlay: ChangeSource,
    header: BlockHeader,
    txs: readonly TransactionRecord[] = [],
    receipts: readonly ReceiptRecord[] = [],
    outcomes: readonly OutcomeRecord[] = [],
  ): void {
    if (!this.#db.open) throw new OutlayerError('internal', 'the SqliteStore is closed');
    checkApply(this, overlay, this.#latest, header);
    this.#apply(overlay, header, txs, receipts, outcomes);
    this.#latest = freezeHeader(header);
    overlay.seal();
  }

  #write(overlay: ChangeSource, h: BlockHeader, txs: readonly TransactionRecord[], receipts: readonly ReceiptRecord[], outcomes: readonly OutcomeRecord[]): void {
    const q = this.#q;
    const ch = overlay.changes();
    for (const id of ch.clearedAccounts) {
      q.clearAccount.run(id);
      q.clearKeys.run(id);
      q.clearCode.run(id);
      q.clearData.run(id);
    }
    for (const [id, a] of ch.accounts) {
      if (a === null) q.clearAccount.run(id);
      else q.putAccount.run(id, a.amount.toString(), a.locked.toString(), a.codeHash, a.storageUsage.toString());
    }
    for (const [id, keys] of ch.accessKeys) {
      for (const [pk, k] of keys) {
        if (k === null) q.delKey.run(id, pk);
        else q.putKey.run(id, pk, k.nonce.toString(), encodeStored(k.permission));
      }
    }
    for (const [id, c] of ch.code) {
      if (c === null) q.clearCode.run(id);
      else q.putCode.run(id, c);
    }
    for (const [id, data] of ch.data) {
      for (const [k, v] of data) {
        if (v === null) q.delData.run(id, keyToBytes(k));
        else q.putData.run(id, keyToBytes(k), v);
      }
    }
    for (const [id, y] of ch.yields) {
      if (y === null) q.delYield.run(id);
      else q.putYield.run(id, y.accountId, y.timeoutHeight, encodeStored(y.payload));
    }
    for (const [id, r] of ch.postponed) {
      if (r === null) q.delPostponed.run(id);
      else q.putPostponed.run(id, r.accountId, encodeStored(r.payload));
    }
    q.putBlock.run(h.height, h.hash, h.prevHash, h.timestampNs.toString(), h.gasPrice.toString(), h.chunkHash, JSON.stringify(h.receiptIds), JSON.stringify(h.txHashes));
    for (const t of txs) q.putTx.run(t.hash, t.signerId, t.receiverId, t.blockHeight, encodeStored(t.body));
    for (const r of receipts) q.putReceipt.run(r.receiptId, r.txHash, r.predecessorId, r.receiverId, r.blockHeight, encodeStored(r.body));
    for (const o of outcomes) q.putOutcome.run(o.id, o.kind, o.txHash, o.blockHeight, o.blockHash, encodeStored(o.body));
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}
