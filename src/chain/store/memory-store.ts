/**
 * The chain store in memory: the same `ChainStore` as `SqliteStore`, for fast unit tests of
 * the runtime. Record bodies go through the same JSON encoding, so a body SQLite could not
 * keep fails here too, and reads return fresh copies as SQLite's do.
 *
 * @example
 * using store = new MemoryStore();
 * const block = new StateOverlay(store);
 * block.setAccount('test.near', { amount: 10n ** 33n, locked: 0n, codeHash: NO_CODE_HASH, storageUsage: 182n });
 * store.applyBlock(block, genesisHeader);
 */
import { OutlayerError } from '../../errors.js';
import { bytesToKey, keyToBytes, type Storage } from '../../js/host/state.js';
import { checkApply, freezeHeader } from './invariants.js';
import { decodeStored, encodeStored } from './stored-json.js';
import type {
  Account,
  AccessKey,
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

type Encoded<R extends { body: unknown }> = Omit<R, 'body'> & { readonly body: string };
type EncodedYield = Omit<PendingYield, 'payload'> & { readonly payload: string };
type EncodedPostponed = Omit<PostponedReceipt, 'payload'> & { readonly payload: string };

function encodeBody<R extends { body: unknown }>(r: R): Encoded<R> {
  return { ...r, body: encodeStored(r.body) };
}

function decodeBody<R extends { body: unknown }>(r: Encoded<R> | undefined): R | null {
  return r ? ({ ...r, body: decodeStored(r.body) } as unknown as R) : null;
}

function copyAccessKey(k: AccessKey): AccessKey {
  const p = k.permission;
  return Object.freeze({
    nonce: k.nonce,
    permission: Object.freeze(p.kind === 'FullAccess' ? { kind: p.kind } : { ...p, methodNames: Object.freeze([...p.methodNames]) }),
  });
}

export class MemoryStore implements ChainStore {
  readonly #accounts = new Map<string, Account>();
  readonly #keys = new Map<string, Map<string, AccessKey>>();
  readonly #code = new Map<string, Uint8Array>();
  readonly #data = new Map<string, Map<string, Uint8Array>>();
  readonly #yields = new Map<string, EncodedYield>();
  readonly #postponed = new Map<string, EncodedPostponed>();
  readonly #blocks = new Map<bigint, BlockHeader>();
  readonly #hashes = new Map<string, BlockHeader>();
  #latest: BlockHeader | null = null;
  // Maps keep insertion order; a replaced record is deleted first so it moves to the end,
  // like SQLite's INSERT OR REPLACE gives it a new rowid.
  readonly #txs = new Map<string, Encoded<TransactionRecord>>();
  readonly #receipts = new Map<string, Encoded<ReceiptRecord>>();
  readonly #outcomes = new Map<string, Encoded<OutcomeRecord>>();
  #closed = false;

  getAccount(accountId: string): Account | null {
    return this.#accounts.get(accountId) ?? null;
  }

  getAccessKey(accountId: string, publicKey: string): AccessKey | null {
    return this.#keys.get(accountId)?.get(publicKey) ?? null;
  }

  listAccessKeys(accountId: string): Array<[publicKey: string, key: AccessKey]> {
    return [...(this.#keys.get(accountId) ?? [])].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  }

  getCode(accountId: string): Uint8Array | null {
    return this.#code.get(accountId) ?? null;
  }

  getData(accountId: string, key: Uint8Array): Uint8Array | null {
    return this.#data.get(accountId)?.get(bytesToKey(key)) ?? null;
  }

  iterData(accountId: string, prefix: Uint8Array): DataEntry[] {
    const p = bytesToKey(prefix);
    const out: Array<[string, Uint8Array]> = [];
    for (const entry of this.#data.get(accountId) ?? []) if (entry[0].startsWith(p)) out.push(entry);
    return out.sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([k, v]) => [keyToBytes(k), v]);
  }

  loadStorage(accountId: string): Map<string, Uint8Array> {
    return new Map(this.#data.get(accountId));
  }

  getYield(dataId: string): PendingYield | null {
    const y = this.#yields.get(dataId);
    return y ? { ...y, payload: decodeStored(y.payload) } : null;
  }

  yieldsDueAt(height: bigint): PendingYield[] {
    const due: PendingYield[] = [];
    for (const y of this.#yields.values()) if (y.timeoutHeight <= height) due.push({ ...y, payload: decodeStored(y.payload) });
    return due.sort((a, b) => (a.timeoutHeight !== b.timeoutHeight ? (a.timeoutHeight < b.timeoutHeight ? -1 : 1) : a.dataId < b.dataId ? -1 : 1));
  }

  getPostponed(receiptId: string): PostponedReceipt | null {
    const r = this.#postponed.get(receiptId);
    return r ? { ...r, payload: decodeStored(r.payload) } : null;
  }

  listPostponed(): PostponedReceipt[] {
    return [...this.#postponed.values()].sort((a, b) => (a.receiptId < b.receiptId ? -1 : 1)).map((r) => ({ ...r, payload: decodeStored(r.payload) }));
  }

  getBlock(ref: BlockRef): BlockHeader | null {
    return (typeof ref === 'bigint' ? this.#blocks.get(ref) : this.#hashes.get(ref)) ?? null;
  }

  latestBlock(): BlockHeader | null {
    return this.#latest;
  }

  getTransaction(hash: string): TransactionRecord | null {
    return decodeBody<TransactionRecord>(this.#txs.get(hash));
  }

  getReceipt(receiptId: string): ReceiptRecord | null {
    return decodeBody<ReceiptRecord>(this.#receipts.get(receiptId));
  }

  getOutcome(id: string): OutcomeRecord | null {
    return decodeBody<OutcomeRecord>(this.#outcomes.get(id));
  }

  outcomesOfTransaction(txHash: string): OutcomeRecord[] {
    const list = [...this.#outcomes.values()].filter((o) => o.txHash === txHash);
    // Array.prototype.sort is stable: write order within a block.
    return list.sort((a, b) => (a.blockHeight < b.blockHeight ? -1 : a.blockHeight > b.blockHeight ? 1 : 0)).map((o) => decodeBody<OutcomeRecord>(o)!);
  }

  receiptsOfBlock(height: bigint): ReceiptRecord[] {
    return [...this.#receipts.values()].filter((r) => r.blockHeight === height).map((r) => decodeBody<ReceiptRecord>(r)!);
  }

  outcomesOfBlock(height: bigint): OutcomeRecord[] {
    return [...this.#outcomes.values()].filter((o) => o.blockHeight === height).map((o) => decodeBody<OutcomeRecord>(o)!);
  }

  transactionsOfBlock(height: bigint): TransactionRecord[] {
    return [...this.#txs.values()].filter((t) => t.blockHeight === height).map((t) => decodeBody<TransactionRecord>(t)!);
  }

  applyBlock(
    overlay: ChangeSource,
    header: BlockHeader,
    txs: readonly TransactionRecord[] = [],
    receipts: readonly ReceiptRecord[] = [],
    outcomes: readonly OutcomeRecord[] = [],
  ): void {
    this.#open();
    checkApply(this, overlay, this.#latest, header);
    const ch = overlay.changes();
    // Encode everything first: a body that cannot be stored must leave the store untouched.
    const yields = [...ch.yields].map(([id, y]) => [id, y && { ...y, payload: encodeStored(y.payload) }] as const);
    const postponed = [...ch.postponed].map(([id, r]) => [id, r && { ...r, payload: encodeStored(r.payload) }] as const);
    const encTxs = txs.map(encodeBody);
    const encReceipts = receipts.map(encodeBody);
    const encOutcomes = outcomes.map(encodeBody);
    const block = freezeHeader(header);

    for (const id of ch.clearedAccounts) {
      this.#accounts.delete(id);
      this.#keys.delete(id);
      this.#code.delete(id);
      this.#data.delete(id);
    }
    for (const [id, a] of ch.accounts) {
      if (a === null) this.#accounts.delete(id);
      else this.#accounts.set(id, Object.freeze({ amount: a.amount, locked: a.locked, codeHash: a.codeHash, storageUsage: a.storageUsage }));
    }
    for (const [id, keys] of ch.accessKeys) {
      let m = this.#keys.get(id);
      if (!m) this.#keys.set(id, (m = new Map()));
      for (const [pk, k] of keys) {
        if (k === null) m.delete(pk);
        else m.set(pk, copyAccessKey(k));
      }
      if (m.size === 0) this.#keys.delete(id);
    }
    for (const [id, c] of ch.code) {
      if (c === null) this.#code.delete(id);
      else this.#code.set(id, c);
    }
    for (const [id, data] of ch.data) {
      let m = this.#data.get(id);
      if (!m) this.#data.set(id, (m = new Map()));
      for (const [k, v] of data) {
        if (v === null) m.delete(k);
        else m.set(k, v);
      }
      if (m.size === 0) this.#data.delete(id);
    }
    for (const [id, y] of yields) {
      if (y === null) this.#yields.delete(id);
      else this.#yields.set(id, y);
    }
    for (const [id, r] of postponed) {
      if (r === null) this.#postponed.delete(id);
      else this.#postponed.set(id, r);
    }
    this.#blocks.set(block.height, block);
    this.#hashes.set(block.hash, block);
    this.#latest = block;
    for (const t of encTxs) this.#txs.delete(t.hash), this.#txs.set(t.hash, t);
    for (const r of encReceipts) this.#receipts.delete(r.receiptId), this.#receipts.set(r.receiptId, r);
    for (const o of encOutcomes) this.#outcomes.delete(o.id), this.#outcomes.set(o.id, o);
    overlay.seal();
  }

  close(): void {
    this.#closed = true;
  }

  [Symbol.dispose](): void {
    this.close();
  }

  #open(): void {
    if (this.#closed) throw new OutlayerError('internal', 'the MemoryStore is closed');
  }
}
