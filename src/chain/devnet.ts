/**
 * The embedded devnet: genesis (`test.near` with a deterministic key, written to
 * `<data-dir>/test.near.json`), a transaction queue, and block production either on an
 * interval (default 1000 ms) or instantly (`blockTimeMs: 0`: a block as soon as a transaction
 * arrives, holding every transaction that arrived while the previous block was being built).
 * State lives in a `SqliteStore` at `<data-dir>/chain.sqlite` (a `MemoryStore` without a data
 * dir), so a restarted devnet continues where it stopped.
 *
 * A transaction's first receipt runs in the block that includes it; receipts its promises
 * create run in later blocks (in instant mode, blocks follow at once until none is ready).
 *
 * @example
 * await using devnet = await Devnet.open({ dataDir: '.outlayer', blockTimeMs: 0 });
 * const sent = await devnet.submit(signed);
 * if (sent.ok) await devnet.waitFor(signed.hash, 10_000);
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { nodeQuickJsSource } from '../js/node/source.js';
import { JsRuntime } from '../js/runtime.js';
import { OutlayerError } from '../errors.js';
import { ModulePreparer } from '../sandbox/prepare.js';
import { base58Encode, base64Encode } from './codec/encoding.js';
import { keyPairFromSeed, publicKeyToString, toCredentials, type KeyPair } from './codec/keys.js';
import { err, ok, type Result } from './codec/result.js';
import type { SignedTransaction } from './codec/transaction.js';
import { expired, type InvalidTxError } from './codec/tx-errors.js';
import {
  applyTransaction,
  executeReceipt,
  GAS_PRICE,
  readyReceipts,
  timeOutYields,
  type ActionReceipt,
  type ContractEngines,
  type ExecutionOutcomeWithIdView,
  type PostponedPayload,
} from './runtime/index.js';
import type { PromiseResult } from './wasm/types.js';
import { installNodeEd25519 } from './node/ed25519.js';
import { MemoryStore } from './store/memory-store.js';
import { StateOverlay } from './store/overlay.js';
import { SqliteStore } from './store/sqlite-store.js';
import { NO_CODE_HASH, type BlockHeader, type ChainStore, type OutcomeRecord, type ReceiptRecord, type TransactionRecord } from './store/types.js';

export const ROOT_ACCOUNT_ID = 'test.near';
/** 10^9 NEAR. */
export const ROOT_BALANCE = 10n ** 33n;
export const DEFAULT_BLOCK_TIME_MS = 1000;
/** The seed of the root key: anyone can derive it, which is fine for a local chain only. */
const ROOT_KEY_SEED = 'outlayer-devnet/test.near';
/** Instant mode stops following a transaction's promises after this many blocks. */
const MAX_FOLLOW_UP_BLOCKS = 64;
/** nearcore's `transaction_validity_period` of localnet-like genesis configs (mainnet: 86,400). */
export const TRANSACTION_VALIDITY_PERIOD = 100;
/** See `DevnetOptions.instantBatchMs`. */
export const INSTANT_BATCH_MS = 2;

export interface DevnetOptions {
  /** Folder for chain.sqlite and test.near.json; omit for an in-memory chain. */
  dataDir?: string;
  /** Milliseconds between blocks; 0 produces a block as soon as transactions arrive, one per event-loop tick (instant mode). Default 1000. */
  blockTimeMs?: number;
  /** Share contract engines between devnets (tests); made per devnet otherwise. */
  engines?: ContractEngines;
  /**
   * Blocks a transaction's `block_hash` stays valid for (nearcore genesis
   * `transaction_validity_period`). Default `TRANSACTION_VALIDITY_PERIOD` (100).
   */
  transactionValidityPeriod?: number;
  /** A block that could not be produced on the interval (a host bug). Default: console.error. */
  onError?: (error: unknown) => void;
  /**
   * Instant mode under load: when the previous block ended less than this many milliseconds ago,
   * the next block waits this long to gather the transactions arriving meanwhile (fewer, fuller
   * blocks: each block costs one SQLite commit). An idle devnet still answers at once. 0 turns it
   * off. Default `INSTANT_BATCH_MS` (2).
   */
  instantBatchMs?: number;
}

/** The stored body of a `TransactionRecord`. */
export interface StoredTransaction {
  signedTxBase64: string;
}

type Inclusion = { ok: true } | { ok: false; error: InvalidTxError };

interface Pending {
  signed: SignedTransaction;
  bytes: Uint8Array;
}

export class Devnet implements Disposable {
  readonly store: ChainStore;
  readonly engines: ContractEngines;
  readonly rootAccountId = ROOT_ACCOUNT_ID;
  readonly rootKey: KeyPair;
  readonly blockTimeMs: number;
  readonly transactionValidityPeriod: bigint;
  readonly instantBatchMs: number;
  readonly #ownsEngines: boolean;
  /** `performance.now()` when the last block was stored. */
  #lastBlockAt = -Infinity;
  /** Added to the wall clock for block timestamps (`advanceTime`). */
  #clockOffsetNs = 0n;
  #queue: Pending[] = [];
  #queued = new Set<string>();
  #waiters = new Map<string, Array<(r: Inclusion) => void>>();
  #producing: Promise<unknown> = Promise.resolve();
  #nextBlock: Promise<BlockHeader> | null = null;
  #timer: ReturnType<typeof setInterval> | null = null;
  #blockListeners = new Set<() => void>();
  #closed = false;

  private constructor(store: ChainStore, options: DevnetOptions) {
    this.store = store;
    this.blockTimeMs = options.blockTimeMs ?? DEFAULT_BLOCK_TIME_MS;
    if (!Number.isInteger(this.blockTimeMs) || this.blockTimeMs < 0) throw new OutlayerError('usage', `blockTimeMs must be a non-negative integer, not ${this.blockTimeMs}`);
    const period = options.transactionValidityPeriod ?? TRANSACTION_VALIDITY_PERIOD;
    if (!Number.isInteger(period) || period < 0) throw new OutlayerError('usage', `transactionValidityPeriod must be a non-negative integer, not ${period}`);
    this.transactionValidityPeriod = BigInt(period);
    this.instantBatchMs = options.instantBatchMs ?? INSTANT_BATCH_MS;
    if (!(this.instantBatchMs >= 0 && this.instantBatchMs <= 1000)) throw new OutlayerError('usage', `instantBatchMs must be between 0 and 1000, not ${this.instantBatchMs}`);
    this.#ownsEngines = !options.engines;
    if (options.engines) this.engines = options.engines;
    else {
      const preparer = new ModulePreparer();
      this.engines = { preparer, js: new JsRuntime({ source: nodeQuickJsSource, preparer }) };
    }
    this.rootKey = keyPairFromSeed(ROOT_KEY_SEED);
  }

  static open(options: DevnetOptions = {}): Devnet {
    installNodeEd25519(); // transaction signatures through node:crypto, not pure JS
    let store: ChainStore;
    if (options.dataDir !== undefined) {
      mkdirSync(options.dataDir, { recursive: true });
      store = new SqliteStore(join(options.dataDir, 'chain.sqlite'));
    } else store = new MemoryStore();
    const devnet = new Devnet(store, options);
    try {
      devnet.#genesis();
      if (options.dataDir !== undefined) {
        writeFileSync(join(options.dataDir, `${ROOT_ACCOUNT_ID}.json`), `${JSON.stringify(toCredentials(ROOT_ACCOUNT_ID, devnet.rootKey), null, 2)}\n`, { mode: 0o600 });
      }
    } catch (e) {
      devnet.close();
      throw e;
    }
    const onError = options.onError ?? ((e: unknown) => console.error('outlayer devnet: block production failed:', e));
    if (devnet.blockTimeMs > 0) devnet.#timer = setInterval(() => void devnet.produceBlock().catch(onError), devnet.blockTimeMs);
    return devnet;
  }

  /**
   * nearcore `check_transaction_validity_period`: the transaction's `block_hash` must be a known
   * block, and the block the transaction goes on top of (`prev`) at most
   * `transactionValidityPeriod` blocks above it.
   */
  #expired(signed: SignedTransaction, prev: BlockHeader): boolean {
    const base = this.store.getBlock(base58Encode(signed.transaction.blockHash));
    return !base || prev.height > base.height + this.transactionValidityPeriod;
  }

  #genesis(): void {
    if (this.store.latestBlock()) return;
    const overlay = new StateOverlay(this.store);
    overlay.setAccount(ROOT_ACCOUNT_ID, { amount: ROOT_BALANCE, locked: 0n, codeHash: NO_CODE_HASH, storageUsage: 182n });
    overlay.setAccessKey(ROOT_ACCOUNT_ID, publicKeyToString(this.rootKey.publicKey), { nonce: 0n, permission: { kind: 'FullAccess' } });
    const timestampNs = BigInt(Date.now()) * 1_000_000n;
    const hash = blockHash(0n, NO_CODE_HASH, timestampNs, []);
    this.store.applyBlock(overlay, { height: 0n, hash, prevHash: NO_CODE_HASH, timestampNs, gasPrice: GAS_PRICE, chunkHash: chunkHashOf(hash), receiptIds: [], txHashes: [] });
  }

  latestBlock(): BlockHeader {
    const b = this.store.latestBlock();
    if (!b) throw new OutlayerError('internal', 'the devnet has no genesis block');
    return b;
  }

  /**
   * Checks `signed` against current state and queues it. Invalid transactions are refused with
   * nearcore's `InvalidTxError` and change nothing. In instant mode the block is produced before
   * this resolves. A transaction already known is accepted again without running twice.
   */
  async submit(signed: SignedTransaction, bytes: Uint8Array): Promise<Result<{ hash: string }, InvalidTxError>> {
    if (this.#closed) throw new OutlayerError('internal', 'the devnet is closed');
    if (this.store.getTransaction(signed.hash) || this.#queued.has(signed.hash)) return ok({ hash: signed.hash });
    const prev = this.latestBlock();
    const check = applyTransaction(new StateOverlay(this.store), signed, { height: prev.height + 1n, timestampNs: 0n, gasPrice: GAS_PRICE });
    if (!check.ok) return check;
    if (this.#expired(signed, prev)) return err(expired());
    this.#queue.push({ signed, bytes });
    this.#queued.add(signed.hash);
    if (this.blockTimeMs === 0) {
      const included = this.waitFor(signed.hash);
      await this.#instantBlock();
      const r = await included;
      if (r && !r.ok) return err(r.error);
      // Instant mode: run the receipts the transaction's promises created, block by block.
      for (let i = 0; i < MAX_FOLLOW_UP_BLOCKS && readyReceipts(this.store).length > 0; i++) await this.#instantBlock();
    }
    return ok({ hash: signed.hash });
  }

  /** Resolves when the transaction is in a block (or was dropped at inclusion); `null` on timeout. */
  waitFor(hash: string, timeoutMs?: number): Promise<Inclusion | null> {
    if (this.store.getTransaction(hash)) return Promise.resolve({ ok: true });
    return new Promise((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const done = (r: Inclusion | null) => {
        if (timer) clearTimeout(timer);
        resolve(r);
      };
      const list = this.#waiters.get(hash) ?? [];
      list.push(done);
      this.#waiters.set(hash, list);
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          const l = this.#waiters.get(hash);
          if (l) l.splice(l.indexOf(done), 1);
          done(null);
        }, timeoutMs);
      }
    });
  }

  /** Whether the transaction was accepted and waits for its block. */
  isQueued(hash: string): boolean {
    return this.#queued.has(hash);
  }

  /** Whether every receipt of the transaction has run (none is postponed). */
  isSettled(txHash: string): boolean {
    return !this.store.listPostponed().some((p) => (p.payload as PostponedPayload).receipt.txHash === txHash);
  }

  /** Resolves true once `isSettled(txHash)`, false after `timeoutMs`. */
  waitSettled(txHash: string, timeoutMs: number): Promise<boolean> {
    if (this.isSettled(txHash)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const check = () => {
        if (!this.isSettled(txHash)) return;
        this.#blockListeners.delete(check);
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.#blockListeners.delete(check);
        resolve(false);
      }, timeoutMs);
      this.#blockListeners.add(check);
    });
  }

  /**
   * Instant mode's block: produced in the event loop's check phase (`setImmediate`) after the
   * transaction arrived, so every transaction that arrived in the same tick (or while a block was
   * being built) goes into one block — one block per batch, not one per transaction, and no empty
   * blocks behind a batch. Under load (the previous block ended less than `instantBatchMs` ago)
   * it waits `instantBatchMs` to gather more. Returns the block already scheduled when there is one.
   */
  #instantBlock(): Promise<BlockHeader> {
    if (this.#nextBlock) return this.#nextBlock;
    const prev = this.#producing;
    const busy = performance.now() - this.#lastBlockAt < this.instantBatchMs;
    const next: Promise<BlockHeader> = new Promise<void>((tick) => (busy ? setTimeout(tick, this.instantBatchMs) : setImmediate(tick)))
      .then(() => prev)
      .then(() => {
        if (this.#nextBlock === next) this.#nextBlock = null;
        return this.#produce();
      });
    this.#nextBlock = next;
    this.#producing = next.catch(() => {});
    return next;
  }

  /**
   * Moves the chain's clock forward: later blocks are stamped `seconds` later than the wall
   * clock says (a devnet's time travel, for timeouts measured in time rather than blocks).
   * Block heights are unchanged; see `produceBlock` to advance those.
   */
  advanceTime(seconds: number): void {
    if (!Number.isInteger(seconds) || seconds < 0 || seconds > 10 * 365 * 86_400) throw new OutlayerError('usage', `advanceTime takes a whole number of seconds up to ten years, not ${seconds}`);
    this.#clockOffsetNs += BigInt(seconds) * 1_000_000_000n;
  }

  /** Produces the next block from the queued transactions (serialized with other calls). */
  produceBlock(): Promise<BlockHeader> {
    const next = this.#producing.then(() => this.#produce());
    this.#producing = next.catch(() => {});
    return next;
  }

  async #produce(): Promise<BlockHeader> {
    const pending = this.#queue;
    this.#queue = [];
    try {
      return await this.#build(pending);
    } finally {
      for (const p of pending) this.#queued.delete(p.signed.hash);
    }
  }

  async #build(pending: Pending[]): Promise<BlockHeader> {
    const prev = this.latestBlock();
    const height = prev.height + 1n;
    const now = BigInt(Date.now()) * 1_000_000n + this.#clockOffsetNs;
    const timestampNs = now > prev.timestampNs ? now : prev.timestampNs + 1n;
    const ctx = { height, timestampNs, gasPrice: GAS_PRICE };
    const overlay = new StateOverlay(this.store);
    // Yields due now fail; then every postponed receipt whose inputs are all there runs, after
    // this block's own transactions (receipts created in this block wait for the next one).
    timeOutYields(overlay, height);
    const ready = readyReceipts(overlay);
    for (const p of ready) overlay.deletePostponed(p.receipt.receiptId);
    const included: Pending[] = [];
    const dropped: Array<[string, InvalidTxError]> = [];
    const receipts: ActionReceipt[] = [];
    const txOutcomes: Array<[string, ExecutionOutcomeWithIdView['outcome']]> = [];
    for (const p of pending) {
      if (this.#expired(p.signed, prev)) {
        dropped.push([p.signed.hash, expired()]);
        continue;
      }
      const r = applyTransaction(overlay, p.signed, ctx, { signatureVerified: true });
      if (!r.ok) {
        dropped.push([p.signed.hash, r.error]);
        continue;
      }
      included.push(p);
      receipts.push(r.value.receipt);
      txOutcomes.push([p.signed.hash, r.value.outcome]);
    }
    const txHashes = included.map((p) => p.signed.hash);
    const hash = blockHash(height, prev.hash, timestampNs, txHashes);
    const outcomes: OutcomeRecord[] = txOutcomes.map(([id, outcome]) => ({
      id,
      kind: 'transaction',
      txHash: id,
      blockHeight: height,
      blockHash: hash,
      body: { proof: [], block_hash: hash, id, outcome } satisfies ExecutionOutcomeWithIdView,
    }));
    const receiptRecords: ReceiptRecord[] = [];
    const toRun: Array<[ActionReceipt, PromiseResult[]]> = [...receipts.map((r): [ActionReceipt, PromiseResult[]] => [r, []]), ...ready.map((p): [ActionReceipt, PromiseResult[]] => [p.receipt, p.results as PromiseResult[]])];
    for (const [receipt, results] of toRun) {
      const outcome = await executeReceipt(overlay, receipt, ctx, this.engines, results);
      receiptRecords.push({ receiptId: receipt.receiptId, txHash: receipt.txHash, predecessorId: receipt.predecessorId, receiverId: receipt.receiverId, blockHeight: height, body: receipt });
      outcomes.push({
        id: receipt.receiptId,
        kind: 'receipt',
        txHash: receipt.txHash,
        blockHeight: height,
        blockHash: hash,
        body: { proof: [], block_hash: hash, id: receipt.receiptId, outcome } satisfies ExecutionOutcomeWithIdView,
      });
    }
    const txs: TransactionRecord<StoredTransaction>[] = included.map((p) => ({
      hash: p.signed.hash,
      signerId: p.signed.transaction.signerId,
      receiverId: p.signed.transaction.receiverId,
      blockHeight: height,
      body: { signedTxBase64: base64Encode(p.bytes) },
    }));
    const header: BlockHeader = {
      height,
      hash,
      prevHash: prev.hash,
      timestampNs,
      gasPrice: GAS_PRICE,
      chunkHash: chunkHashOf(hash),
      receiptIds: toRun.map(([r]) => r.receiptId),
      txHashes,
    };
    this.store.applyBlock(overlay, header, txs, receiptRecords, outcomes);
    this.#lastBlockAt = performance.now();
    for (const h of txHashes) this.#resolve(h, { ok: true });
    for (const [h, error] of dropped) this.#resolve(h, { ok: false, error });
    for (const listener of [...this.#blockListeners]) listener();
    return header;
  }

  #resolve(hash: string, r: Inclusion): void {
    const list = this.#waiters.get(hash);
    this.#waiters.delete(hash);
    for (const w of list ?? []) w(r);
  }

  /** Stops block production, waits for a block in progress, and closes the store. */
  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#producing;
    this.close();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    this.store.close();
    if (this.#ownsEngines) this.engines.js.dispose();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

function blockHash(height: bigint, prevHash: string, timestampNs: bigint, txHashes: readonly string[]): string {
  return base58Encode(sha256(new TextEncoder().encode(`block/${height}/${prevHash}/${timestampNs}/${txHashes.join(',')}`)));
}

function chunkHashOf(blockHashText: string): string {
  return base58Encode(sha256(new TextEncoder().encode(`chunk/${blockHashText}`)));
}
