/**
 * A copy-on-write view of chain state: reads fall through to the parent (a store or another
 * overlay) unless this overlay wrote the entry; writes stay here until `commit()` merges them
 * into the parent overlay, or the store's `applyBlock` persists a root overlay. Dropping an
 * overlay discards it, which is how a failed receipt rolls back only its own changes.
 *
 * Each layer is a set of Maps keyed by strings, with `null` as a deletion that shadows the
 * parent. Deleting an account also hides every key, code and data entry of it below.
 *
 * @example
 * const block = new StateOverlay(store);
 * const receipt = block.child();
 * receipt.setAccount('bob.test.near', { amount: 5n, locked: 0n, codeHash: NO_CODE_HASH, storageUsage: 182n });
 * if (receiptSucceeded) receipt.commit(); // else just drop it
 * store.applyBlock(block, header, txs, receipts, outcomes);
 */
import { OutlayerError } from '../../errors.js';
import { bytesToKey, keyToBytes, type Storage } from '../../js/host/state.js';
import type { Account, AccessKey, ChangeSource, DataEntry, PendingYield, PostponedReceipt, StateChanges, StateReader } from './types.js';

function byDueHeight(a: PendingYield, b: PendingYield): number {
  return a.timeoutHeight < b.timeoutHeight ? -1 : a.timeoutHeight > b.timeoutHeight ? 1 : a.dataId < b.dataId ? -1 : a.dataId > b.dataId ? 1 : 0;
}

function inner<V>(outer: Map<string, Map<string, V | null>>, id: string): Map<string, V | null> {
  let m = outer.get(id);
  if (!m) outer.set(id, (m = new Map()));
  return m;
}

export class StateOverlay implements StateReader, ChangeSource {
  readonly parent: StateReader;
  readonly #cleared = new Set<string>();
  readonly #accounts = new Map<string, Account | null>();
  readonly #keys = new Map<string, Map<string, AccessKey | null>>();
  readonly #code = new Map<string, Uint8Array | null>();
  readonly #data = new Map<string, Map<string, Uint8Array | null>>();
  readonly #yields = new Map<string, PendingYield | null>();
  readonly #postponed = new Map<string, PostponedReceipt | null>();
  #sealed = false;

  constructor(parent: StateReader) {
    this.parent = parent;
  }

  /** A nested overlay for one receipt (or one action batch). */
  child(): StateOverlay {
    return new StateOverlay(this);
  }

  get sealed(): boolean {
    return this.#sealed;
  }

  // ---- accounts -------------------------------------------------------------------------

  getAccount(accountId: string): Account | null {
    const own = this.#accounts.get(accountId);
    if (own !== undefined) return own;
    return this.parent.getAccount(accountId);
  }

  setAccount(accountId: string, account: Account): void {
    this.#writable();
    this.#accounts.set(accountId, account);
  }

  /** Deletes the account with all its access keys, code and data (NEAR's DeleteAccount). */
  deleteAccount(accountId: string): void {
    this.#writable();
    this.#accounts.set(accountId, null);
    this.#cleared.add(accountId);
    this.#keys.delete(accountId);
    this.#code.delete(accountId);
    this.#data.delete(accountId);
  }

  // ---- access keys ----------------------------------------------------------------------

  getAccessKey(accountId: string, publicKey: string): AccessKey | null {
    const own = this.#keys.get(accountId)?.get(publicKey);
    if (own !== undefined) return own;
    if (this.#cleared.has(accountId)) return null;
    return this.parent.getAccessKey(accountId, publicKey);
  }

  listAccessKeys(accountId: string): Array<[publicKey: string, key: AccessKey]> {
    const base = this.#cleared.has(accountId) ? [] : this.parent.listAccessKeys(accountId);
    const own = this.#keys.get(accountId);
    if (!own || own.size === 0) return base;
    const merged = new Map(base);
    for (const [pk, key] of own) {
      if (key === null) merged.delete(pk);
      else merged.set(pk, key);
    }
    return [...merged].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }

  setAccessKey(accountId: string, publicKey: string, key: AccessKey): void {
    this.#writable();
    inner(this.#keys, accountId).set(publicKey, key);
  }

  deleteAccessKey(accountId: string, publicKey: string): void {
    this.#writable();
    inner(this.#keys, accountId).set(publicKey, null);
  }

  // ---- code -----------------------------------------------------------------------------

  getCode(accountId: string): Uint8Array | null {
    const own = this.#code.get(accountId);
    if (own !== undefined) return own;
    if (this.#cleared.has(accountId)) return null;
    return this.parent.getCode(accountId);
  }

  /** Keeps a copy of `code`. The account's `codeHash` is the caller's to update. */
  setCode(accountId: string, code: Uint8Array): void {
    this.#writable();
    this.#code.set(accountId, code.slice());
  }

  deleteCode(accountId: string): void {
    this.#writable();
    this.#code.set(accountId, null);
  }

  // ---- contract data --------------------------------------------------------------------

  getData(accountId: string, key: Uint8Array): Uint8Array | null {
    const own = this.#data.get(accountId)?.get(bytesToKey(key));
    if (own !== undefined) return own;
    if (this.#cleared.has(accountId)) return null;
    return this.parent.getData(accountId, key);
  }

  /** Keeps copies of `key` and `value` (they may be views of a guest's memory). */
  setData(accountId: string, key: Uint8Array, value: Uint8Array): void {
    this.#writable();
    inner(this.#data, accountId).set(bytesToKey(key), value.slice());
  }

  deleteData(accountId: string, key: Uint8Array): void {
    this.#writable();
    inner(this.#data, accountId).set(bytesToKey(key), null);
  }

  /**
   * Applies a contract call's `storageChanges` (latin1 key → value, or null for removed), the
   * shape the WASM and JS runtimes return. The values are kept, not copied.
   */
  applyStorageChanges(accountId: string, changes: ReadonlyMap<string, Uint8Array | null>): void {
    this.#writable();
    if (changes.size === 0) return;
    const m = inner(this.#data, accountId);
    for (const [k, v] of changes) m.set(k, v);
  }

  iterData(accountId: string, prefix: Uint8Array): DataEntry[] {
    const base = this.#cleared.has(accountId) ? [] : this.parent.iterData(accountId, prefix);
    const own = this.#data.get(accountId);
    if (!own || own.size === 0) return base;
    const p = bytesToKey(prefix);
    const mine: Array<[string, Uint8Array | null]> = [];
    for (const entry of own) if (entry[0].startsWith(p)) mine.push(entry);
    if (mine.length === 0) return base;
    // latin1 strings compare like their bytes (every char is < 256), so this is key order.
    mine.sort((a, b) => (a[0] < b[0] ? -1 : 1));
    const out: DataEntry[] = [];
    let i = 0;
    for (const entry of base) {
      const k = bytesToKey(entry[0]);
      while (i < mine.length && mine[i]![0] < k) this.#emit(out, mine[i++]!);
      if (i < mine.length && mine[i]![0] === k) this.#emit(out, mine[i++]!);
      else out.push(entry);
    }
    while (i < mine.length) this.#emit(out, mine[i++]!);
    return out;
  }

  #emit(out: DataEntry[], [k, v]: [string, Uint8Array | null]): void {
    if (v !== null) out.push([keyToBytes(k), v]);
  }

  loadStorage(accountId: string): Map<string, Uint8Array> {
    const storage: Map<string, Uint8Array> = this.#cleared.has(accountId) ? new Map() : this.parent.loadStorage(accountId);
    const own = this.#data.get(accountId);
    if (own) {
      for (const [k, v] of own) {
        if (v === null) storage.delete(k);
        else storage.set(k, v);
      }
    }
    return storage;
  }

  // ---- yields ---------------------------------------------------------------------------

  getYield(dataId: string): PendingYield | null {
    const own = this.#yields.get(dataId);
    if (own !== undefined) return own;
    return this.parent.getYield(dataId);
  }

  yieldsDueAt(height: bigint): PendingYield[] {
    const due = this.parent.yieldsDueAt(height).filter((y) => !this.#yields.has(y.dataId));
    if (due.length === 0 && this.#yields.size === 0) return due;
    for (const y of this.#yields.values()) if (y !== null && y.timeoutHeight <= height) due.push(y);
    return due.sort(byDueHeight);
  }

  setYield(y: PendingYield): void {
    this.#writable();
    this.#yields.set(y.dataId, y);
  }

  deleteYield(dataId: string): void {
    this.#writable();
    this.#yields.set(dataId, null);
  }

  // ---- postponed receipts ---------------------------------------------------------------

  getPostponed(receiptId: string): PostponedReceipt | null {
    const own = this.#postponed.get(receiptId);
    if (own !== undefined) return own;
    return this.parent.getPostponed(receiptId);
  }

  listPostponed(): PostponedReceipt[] {
    const list = this.parent.listPostponed();
    if (this.#postponed.size === 0) return list;
    const merged = new Map(list.map((r) => [r.receiptId, r] as const));
    for (const [id, r] of this.#postponed) {
      if (r === null) merged.delete(id);
      else merged.set(id, r);
    }
    return [...merged.values()].sort((a, b) => (a.receiptId < b.receiptId ? -1 : a.receiptId > b.receiptId ? 1 : 0));
  }

  setPostponed(r: PostponedReceipt): void {
    this.#writable();
    this.#postponed.set(r.receiptId, r);
  }

  deletePostponed(receiptId: string): void {
    this.#writable();
    this.#postponed.set(receiptId, null);
  }

  // ---- lifetime -------------------------------------------------------------------------

  /**
   * Merges this overlay's changes into its parent overlay and seals this one. A root overlay
   * (whose parent is a store) is written with `store.applyBlock` instead.
   */
  commit(): void {
    this.#writable();
    if (!(this.parent instanceof StateOverlay)) {
      throw new OutlayerError('internal', 'a root StateOverlay is committed with store.applyBlock(overlay, header, ...)');
    }
    this.parent.#absorb(this);
    this.#sealed = true;
  }

  changes(): StateChanges {
    return {
      clearedAccounts: this.#cleared,
      accounts: this.#accounts,
      accessKeys: this.#keys,
      code: this.#code,
      data: this.#data,
      yields: this.#yields,
      postponed: this.#postponed,
    };
  }

  seal(): void {
    this.#writable();
    this.#sealed = true;
  }

  /** Whether this overlay holds no change. */
  get isEmpty(): boolean {
    return (
      this.#cleared.size === 0 &&
      this.#accounts.size === 0 &&
      this.#keys.size === 0 &&
      this.#code.size === 0 &&
      this.#data.size === 0 &&
      this.#yields.size === 0 &&
      this.#postponed.size === 0
    );
  }

  #absorb(child: StateOverlay): void {
    this.#writable();
    // Deletions of whole accounts happened before the child's other changes to them.
    for (const id of child.#cleared) this.deleteAccount(id);
    for (const [id, a] of child.#accounts) this.#accounts.set(id, a);
    for (const [id, keys] of child.#keys) {
      const m = inner(this.#keys, id);
      for (const [pk, k] of keys) m.set(pk, k);
    }
    for (const [id, c] of child.#code) this.#code.set(id, c);
    for (const [id, data] of child.#data) {
      const m = inner(this.#data, id);
      for (const [k, v] of data) m.set(k, v);
    }
    for (const [id, y] of child.#yields) this.#yields.set(id, y);
    for (const [id, r] of child.#postponed) this.#postponed.set(id, r);
  }

  #writable(): void {
    if (this.#sealed) throw new OutlayerError('internal', 'this StateOverlay was already committed');
  }
}
