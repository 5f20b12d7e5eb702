/**
 * The browser worker's attestation: the message of src/contract/lib/attestation-message.ts
 * (the one builder, shared with the Node worker), hashed with @noble/hashes and signed with
 * @noble/curves ed25519. The secret key stays in the Web Worker; the page only relays
 * signatures.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { base58Encode } from '../chain/codec/encoding.js';
import { attestationBytes, type ResultFacts } from '../contract/lib/attestation-message.js';
import type { Attestation } from '../sdk/types.js';

export const sha256Hex = (bytes: Uint8Array): string => bytesToHex(sha256(bytes));

export function publicKeyString(secretKey: Uint8Array): string {
  return `ed25519:${base58Encode(ed25519.getPublicKey(secretKey))}`;
}

export function signAttestation(secretKey: Uint8Array, contractId: string, codeHash: string, facts: ResultFacts): Attestation {
  const signature = ed25519.sign(attestationBytes(contractId, codeHash, facts, sha256), secretKey);
  return { public_key: publicKeyString(secretKey), signature: `ed25519:${base58Encode(signature)}`, code_hash: codeHash };
}
