/**
 * node:crypto's native (OpenSSL) ed25519 verification for the devnet, installed behind the
 * codec's `verifySignature` with `installNodeEd25519()`. The codec stays environment-neutral and
 * falls back to @noble/curves where this file is not loaded. One `KeyObject` is built per public
 * key (from a JWK) and cached.
 *
 * @example
 * installNodeEd25519();
 * verifySignature(publicKey, signature, hashBytes); // now native
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { setEd25519Verifier, type Ed25519Verifier } from '../codec/keys.js';

/** Cached public keys; the cache is dropped when it grows past this many. */
const MAX_CACHED_KEYS = 10_000;
const keys = new Map<string, KeyObject | null>();

function keyObject(publicKey: Uint8Array): KeyObject | null {
  const x = Buffer.from(publicKey.buffer, publicKey.byteOffset, publicKey.byteLength).toString('base64url');
  let key = keys.get(x);
  if (key === undefined) {
    try {
      key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
    } catch {
      key = null; // not a point on the curve
    }
    if (keys.size >= MAX_CACHED_KEYS) keys.clear();
    keys.set(x, key);
  }
  return key;
}

export const nodeEd25519Verify: Ed25519Verifier = (signature, message, publicKey) => {
  if (signature.length !== 64 || publicKey.length !== 32) return false;
  const key = keyObject(publicKey);
  if (!key) return false;
  try {
    return verify(null, message, key, signature);
  } catch {
    return false;
  }
};

/** Makes the codec's `verifySignature` use node:crypto for ed25519 (idempotent). */
export function installNodeEd25519(): void {
  setEd25519Verifier(nodeEd25519Verify);
}
