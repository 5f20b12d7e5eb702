/**
 * The contract's attestation off-chain: a worker signs it (`signAttestation`), the coordinator
 * checks it before resolving (`verifyAttestation`) — the same message the contract rebuilds
 * (../lib/attestation-message.ts), hashed with @noble/hashes; signed and verified with
 * node:crypto's native ed25519 (about 20× faster than @noble/curves, which derives the key).
 */
import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { base58Decode, base58Encode } from '../../chain/codec/encoding.js';
import { nodeEd25519Verify } from '../../chain/node/ed25519.js';
import { attestationBytes, type ResultFacts } from '../lib/attestation-message.js';

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

export type { ResultFacts };

export interface Attestation {
  public_key: string;
  signature: string;
  code_hash: string;
}

const message = (contractId: string, codeHash: string, f: ResultFacts): Uint8Array => attestationBytes(contractId, codeHash, f, sha256);

/** Lower-case hex sha256 of the code a worker ran. */
export const codeHashHex = (code: Uint8Array): string => hex(sha256(code));

export function publicKeyString(secretKey: Uint8Array): string {
  return `ed25519:${base58Encode(ed25519.getPublicKey(secretKey))}`;
}

const signers = new Map<string, { key: KeyObject; publicKey: string }>();

/** A native signing key (and the public key string) for a 32-byte ed25519 seed, cached. */
function signer(secretKey: Uint8Array): { key: KeyObject; publicKey: string } {
  const d = Buffer.from(secretKey).toString('base64url');
  let s = signers.get(d);
  if (!s) {
    const pub = ed25519.getPublicKey(secretKey);
    s = { key: createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', d, x: Buffer.from(pub).toString('base64url') }, format: 'jwk' }), publicKey: `ed25519:${base58Encode(pub)}` };
    if (signers.size > 64) signers.clear();
    signers.set(d, s);
  }
  return s;
}

export function signAttestation(secretKey: Uint8Array, contractId: string, codeHash: string, f: ResultFacts): Attestation {
  const s = signer(secretKey);
  const signature = new Uint8Array(sign(null, message(contractId, codeHash, f), s.key));
  return { public_key: s.publicKey, signature: `ed25519:${base58Encode(signature)}`, code_hash: codeHash };
}

export function verifyAttestation(a: Attestation, contractId: string, f: ResultFacts): boolean {
  const key = a.public_key.startsWith('ed25519:') ? base58Decode(a.public_key.slice(8)) : null;
  const sig = a.signature.startsWith('ed25519:') ? base58Decode(a.signature.slice(8)) : null;
  if (!key || key.length !== 32 || !sig || sig.length !== 64 || !/^[0-9a-f]{64}$/.test(a.code_hash)) return false;
  return nodeEd25519Verify(sig, message(contractId, a.code_hash, f), key);
}
