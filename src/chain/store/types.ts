/**
 * The devnet's state and history shapes, and the reader interface that the stores and
 * `StateOverlay` share. Public keys are NEAR key strings (`ed25519:<base58>`), account ids
 * plain strings, contract-data keys the key's bytes as latin1 (one char per byte, the `Storage`
 * shape the JS and WASM runtimes use), hashes base58.
 *
 * Record bodies (`body`, `payload`) are whatever the runtime wants to keep, stored as JSON:
 * plain objects, arrays, strings, finite numbers, booleans, null, bigint and Uint8Array
 * (see stored-json.ts). They come back as fresh copies.
 */
import type { AccessKey, AccessKeyPermission } from '../codec/actions.js';
import type { Storage } from '../../js/host/state.js';

export type { AccessKey, AccessKeyPermission, Storage };

/** `codeHash` of an account without a contract: base58 of 32 zero bytes, as nearcore shows it. */
export const NO_CODE_HASH = '11111111111111111111111111111111';

export interface Account {
  /** yoctoNEAR (u128). */
  readonly amount: bigint;
  readonly locked: bigint;
  /** base58 sha256 of the code, or `NO_CODE_HASH`. */
  readonly codeHash: string;
  /** Bytes (u64). */
  readonly storageUsage: bigint;
}

export interface BlockHeader {
  readonly height: bigint;
  readonly hash: string;
  /** `NO_CODE_HASH`-style zero hash for genesis. */
  readonly prevHash: string;
  readonly timestampNs: bigint;
  readonly gasPrice: bigint;
  readonly chunkHash: string;
  /** Receipts executed in this block, in execution order. */
  readonly receiptIds: readonly string[];
  readonly txHashes: readonly string[];
}

/** A transaction included in block `blockHeight`. */
export interface TransactionRecord<B = unknown> {
  readonly hash: string;
  readonly signerId: string;
  readonly receiverId: string;
  readonly blockHeight: bigint;
  readonly body: B;
}

/**
 * A receipt, stored in the block that executed it (or, for one still waiting, the block that
 * created it: writing it again under the same id replaces it).
 */
export interface ReceiptRecord<B = unknown> {
  readonly receiptId: string;
  /** The transaction it descends from (how `tx` finds every receipt of a transaction). */
  readonly txHash: string;
  readonly predecessorId: string;
  readonly receiverId: string;
  readonly blockHeight: bigint;
  readonly body: B;
}

/** The execution outcome of a transaction (`id` = tx hash) or of a receipt (`id` = receipt id). */
export interface OutcomeRecord<B = unknown> {
  readonly id: string;
  readonly kind: 'transaction' | 'receipt';
  readonly txHash: string;
  readonly blockHeight: bigint;
  readonly blockHash: string;
  readonly body: B;
}

/** A `promise_yield_create` waiting for `promise_yield_resume` until `timeoutHeight`. */
export interface PendingYield<P = unknown> {
  /** base58 of the 32-byte data id. */
  readonly dataId: string;
  readonly accountId: string;
  readonly timeoutHeight: bigint;
  readonly payload: P;
}

/**
 * A receipt that has not run yet and must survive a restart: outgoing receipts for the next
 * block, and callbacks waiting for their promise results.
 */
export interface PostponedReceipt<P = unknown> {
  readonly receiptId: string;
  /** The receiver; the account whose state it will change. */
  readonly accountId: string;
  readonly payload: P;
}

/** One contract-data entry: key and value bytes. */
export type DataEntry = readonly [key: Uint8Array, value: Uint8Array];

/**
 * Current state, as both stores and every `StateOverlay` expose it. Results are owned by the
 * caller except `Account`/`AccessKey` objects and byte arrays, which must not be mutated.
 */
export interface StateReader {
  getAccount(accountId: string): Account | null;
  getAccessKey(accountId: string, publicKey: string): AccessKey | null;
  /** Sorted by public key string. */
  listAccessKeys(accountId: string): Array<[publicKey: string, key: AccessKey]>;
  getCode(accountId: string): Uint8Array | null;
  getData(accountId: string, key: Uint8Array): Uint8Array | null;
  /** Entries whose key starts with `prefix`, in ascending key-byte order (for `view_state`). */
  iterData(accountId: string, prefix: Uint8Array): DataEntry[];
  /** All of an account's data as a fresh map the caller owns (tests and tools; contract calls read lazily). */
  loadStorage(accountId: string): Map<string, Uint8Array>;
  getYield(dataId: string): PendingYield | null;
  /** Yields with `timeoutHeight <= height`, by timeout height then data id. */
  yieldsDueAt(height: bigint): PendingYield[];
  getPostponed(receiptId: string): PostponedReceipt | null;
  /** Every postponed receipt, by receipt id. */
  listPostponed(): PostponedReceipt[];
}

/**
 * Everything one block changes, as a `StateOverlay` collects it. `null` deletes. Keys of
 * `data` are latin1 key strings. `clearedAccounts` were deleted with all their keys, code and
 * data before the other changes (to the same account) were made.
 */
export interface StateChanges {
  readonly clearedAccounts: ReadonlySet<string>;
  readonly accounts: ReadonlyMap<string, Account | null>;
  readonly accessKeys: ReadonlyMap<string, ReadonlyMap<string, AccessKey | null>>;
  readonly code: ReadonlyMap<string, Uint8Array | null>;
  readonly data: ReadonlyMap<string, ReadonlyMap<string, Uint8Array | null>>;
  readonly yields: ReadonlyMap<string, PendingYield | null>;
  readonly postponed: ReadonlyMap<string, PostponedReceipt | null>;
}

/** A height or a block hash. */
export type BlockRef = bigint | string;

/** State plus chain history: what the runtime and the RPC read. */
export interface ChainReader extends StateReader {
  getBlock(ref: BlockRef): BlockHeader | null;
  latestBlock(): BlockHeader | null;
  getTransaction(hash: string): TransactionRecord | null;
  getReceipt(receiptId: string): ReceiptRecord | null;
  /** By tx hash or receipt id. */
  getOutcome(id: string): OutcomeRecord | null;
  /** The transaction's outcome and every receipt outcome that descends from it, in block then write order. */
  outcomesOfTransaction(txHash: string): OutcomeRecord[];
  /** In write order. */
  receiptsOfBlock(height: bigint): ReceiptRecord[];
  outcomesOfBlock(height: bigint): OutcomeRecord[];
  transactionsOfBlock(height: bigint): TransactionRecord[];
}

/** A store: a `ChainReader` that applies whole blocks atomically. */
export interface ChainStore extends ChainReader, Disposable {
  /**
   * Writes `overlay`'s changes, the header and the records as one atomic step (for SQLite, one
   * transaction, so a restart resumes at a block boundary). The overlay must be a direct child
   * of this store, and is sealed afterwards. `header.height` must exceed the latest block's and
   * `header.prevHash` equal its hash. Records with an id already stored replace it.
   */
  applyBlock(
    overlay: ChangeSource,
    header: BlockHeader,
    txs?: readonly TransactionRecord[],
    receipts?: readonly ReceiptRecord[],
    outcomes?: readonly OutcomeRecord[],
  ): void;
  close(): void;
}

/** Implemented by `StateOverlay`; structural so that the stores need not import it. */
export interface ChangeSource {
  readonly parent: StateReader;
  /** The changes so far (live views: do not modify). */
  changes(): StateChanges;
  /** Refuses further writes and commits (after the changes were applied elsewhere). */
  seal(): void;
}
