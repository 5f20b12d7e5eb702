/**
 * A worker's signed statement about one execution (the signed message is defined in
 * lib/attestation-message.ts, shared with the worker that signs it). The contract rebuilds the
 * message from what it knows and checks the signature against a registered worker key
 * (workers.ts).
 */
import { base58Decode } from '../chain/codec/encoding.js';
import { argsOf } from './method-args.js';
import { ContractError } from './lib/errors.js';
import { attestationMessage, type AttestedFacts } from './lib/attestation-message.js';
import { near } from './near.js';

export interface Attestation {
  /** `ed25519:<base58>`, a registered worker key. */
  public_key: string;
  /** `ed25519:<base58>` of the 64-byte signature. */
  signature: string;
  /** sha256 (hex) of the code the worker ran. */
  code_hash: string;
}

export { attestationMessage, type AttestedFacts };

export function parseAttestation(v: unknown): Attestation | null {
  if (v === undefined || v === null) return null;
  const a = argsOf(v, 'attestation', ['public_key', 'signature', 'code_hash'], ['public_key', 'signature', 'code_hash']);
  if (typeof a.public_key !== 'string' || typeof a.signature !== 'string' || typeof a.code_hash !== 'string') throw new ContractError('attestation fields must be strings');
  if (!/^[0-9a-f]{64}$/.test(a.code_hash)) throw new ContractError(`attestation.code_hash must be 64 lower-case hex characters, got '${a.code_hash.slice(0, 80)}'`);
  return { public_key: a.public_key, signature: a.signature, code_hash: a.code_hash };
}

/** The 32 key bytes of an `ed25519:<base58>` key string (null when malformed). */
export function ed25519KeyBytes(text: string): Uint8Array | null {
  if (!text.startsWith('ed25519:')) return null;
  const bytes = base58Decode(text.slice('ed25519:'.length));
  return bytes && bytes.length === 32 ? bytes : null;
}

export function verifyAttestation(a: Attestation, facts: AttestedFacts): boolean {
  const key = ed25519KeyBytes(a.public_key);
  const sig = a.signature.startsWith('ed25519:') ? base58Decode(a.signature.slice('ed25519:'.length)) : null;
  if (!key || !sig || sig.length !== 64) return false;
  return near.ed25519Verify(sig, attestationMessage(near.currentAccountId(), facts), key);
}
