/**
 * Decoding the `SignedTransaction` that near-api-js 7.2.0 sends to `send_tx`
 * (`{signed_tx_base64, wait_until}`) and `broadcast_tx_commit` (`[base64]`): borsh of
 * `Transaction { signer_id, public_key, nonce, receiver_id, block_hash, actions }` followed by
 * the `Signature`. The transaction hash, which is also what the key signs, is
 * sha256(borsh(Transaction)) — here the sha256 of exactly those leading bytes, which equals the
 * re-encoding because the reader accepts only canonical input.
 *
 * @example
 * const decoded = decodeSignedTransactionBase64(params.signed_tx_base64);
 * if (!decoded.ok) return parseError(`Failed to decode transaction: ${decoded.error.message}`);
 * if (!verifyTransactionSignature(decoded.value)) return invalidTransaction('InvalidSignature');
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { readAccountId, readAction, readCryptoHash, readPublicKey, readSignature, type Action } from './actions.js';
import { BorshError, BorshReader } from './borsh-reader.js';
import { base58Encode, base64Decode } from './encoding.js';
import { verifySignature, type PublicKey, type Signature } from './keys.js';
import { err, ok, type DecodeError, type Result } from './result.js';

export interface Transaction {
  readonly signerId: string;
  readonly publicKey: PublicKey;
  readonly nonce: bigint;
  readonly receiverId: string;
  /** 32 bytes: the block the transaction was built on (for expiry), base58 in JSON. */
  readonly blockHash: Uint8Array;
  readonly actions: readonly Action[];
}

export interface SignedTransaction {
  readonly transaction: Transaction;
  readonly signature: Signature;
  /** The transaction hash in base58, the id `tx` and `EXPERIMENTAL_tx_status` look up. */
  readonly hash: string;
  /** The same hash as bytes: the message the signature signs. */
  readonly hashBytes: Uint8Array;
  /** Size of the signed transaction in bytes (nearcore limits it: `max_transaction_size`). */
  readonly size: number;
}

function readTransaction(r: BorshReader): Transaction {
  // nearcore tells TransactionV1 (gas keys, nonce modes) from V0 by its first two bytes: a V0
  // starts with the u32 length of signer_id (2..=64), so its second byte is 0; a V1 starts with
  // the tag 1 and then that length.
  const first = r.peek(0);
  const second = r.peek(1);
  if (first !== undefined && second !== undefined && second !== 0) {
    if (first === 1) r.fail('unsupported_version', 'TransactionV1 (gas keys) is not supported');
    r.fail('unknown_variant', `invalid transaction version tag: ${first}`);
  }
  const signerId = readAccountId(r);
  const publicKey = readPublicKey(r);
  const nonce = r.u64();
  const receiverId = readAccountId(r);
  const blockHash = readCryptoHash(r);
  const actions = r.vec(() => readAction(r));
  return { signerId, publicKey, nonce, receiverId, blockHash, actions };
}

/**
 * Decodes borsh bytes of a `SignedTransaction`. Never throws for bad input: malformed,
 * truncated, over-long or non-canonical bytes give `{ ok: false, error }`. The signature is
 * not checked here (see `verifyTransactionSignature`), matching nearcore, where decoding is a
 * PARSE_ERROR and a bad signature an INVALID_TRANSACTION.
 */
export function decodeSignedTransaction(bytes: Uint8Array): Result<SignedTransaction, DecodeError> {
  try {
    const r = new BorshReader(bytes);
    const transaction = readTransaction(r);
    const transactionEnd = r.position;
    const signature = readSignature(r);
    r.finish();
    const hashBytes = sha256(bytes.subarray(0, transactionEnd));
    return ok({ transaction, signature, hash: base58Encode(hashBytes), hashBytes, size: bytes.length });
  } catch (e) {
    if (e instanceof BorshError) return err({ code: e.code, message: e.message, offset: e.offset });
    throw e;
  }
}

/** `decodeSignedTransaction` of base64 text, as the RPC methods receive it. */
export function decodeSignedTransactionBase64(text: string): Result<SignedTransaction, DecodeError> {
  const bytes = base64Decode(text);
  return bytes.ok ? decodeSignedTransaction(bytes.value) : bytes;
}

/** True when the signature is the transaction key's signature over the transaction hash. */
export function verifyTransactionSignature(signed: SignedTransaction): boolean {
  return verifySignature(signed.transaction.publicKey, signed.signature, signed.hashBytes);
}
