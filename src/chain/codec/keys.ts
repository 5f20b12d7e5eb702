/**
 * NEAR keys in their string forms: `ed25519:<base58 32-byte public key>` and
 * `ed25519:<base58 64-byte secret||public>` private keys, as near-cli writes them into
 * `{"account_id","public_key","private_key"}` credential files and near-api-js's
 * `KeyPair.fromString` reads them.
 *
 * Key pairs are ed25519 only. Public keys and signatures may also be secp256k1 (64-byte key
 * without the 0x04 prefix, 65-byte r||s||v signature), because transactions can carry them;
 * `verifySignature` checks both the way nearcore does.
 *
 * @example
 * const root = keyPairFromSeed('test.near');            // nearcore's SecretKey::from_seed
 * const creds = toCredentials('test.near', root);        // write as test.near.json
 * const sig = signMessage(root, bytes);
 * verifySignature(root.publicKey, sig, bytes);          // true
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { base58Decode, base58Encode } from './encoding.js';
import { err, ok, type Result } from './result.js';

export type KeyType = 'ed25519' | 'secp256k1';

export const PUBLIC_KEY_LENGTH: Readonly<Record<KeyType, number>> = { ed25519: 32, secp256k1: 64 };
export const SIGNATURE_LENGTH: Readonly<Record<KeyType, number>> = { ed25519: 64, secp256k1: 65 };

export interface PublicKey {
  readonly keyType: KeyType;
  readonly data: Uint8Array;
}

export interface Signature {
  readonly keyType: KeyType;
  readonly data: Uint8Array;
}

/** An ed25519 key pair; `secretKey` is the 32-byte seed RFC 8032 signs with. */
export interface KeyPair {
  readonly publicKey: PublicKey;
  readonly secretKey: Uint8Array;
}

/** near-cli's credential file, `<data-dir>/<account>.json`. */
export interface Credentials {
  readonly account_id: string;
  readonly public_key: string;
  readonly private_key: string;
}

// Longest legal encodings (a 65-byte signature is at most 89 base58 characters); anything
// longer is rejected before the quadratic base58 decoder sees it.
const MAX_KEY_TEXT = 128;

function splitKeyText(text: string, what: string): Result<{ keyType: KeyType; data: Uint8Array }, string> {
  if (typeof text !== 'string' || text.length > MAX_KEY_TEXT) return err(`invalid ${what}`);
  const colon = text.indexOf(':');
  // nearcore reads a string without a curve prefix as ed25519.
  const prefix = colon < 0 ? 'ed25519' : text.slice(0, colon).toLowerCase();
  if (prefix !== 'ed25519' && prefix !== 'secp256k1') return err(`unknown key type '${text.slice(0, colon)}'`);
  const data = base58Decode(colon < 0 ? text : text.slice(colon + 1));
  if (!data) return err(`invalid base58 in ${what}`);
  return ok({ keyType: prefix, data });
}

/** Parses `ed25519:...` or `secp256k1:...` (nearcore's `PublicKey::from_str`). */
export function parsePublicKey(text: string): Result<PublicKey, string> {
  const split = splitKeyText(text, 'public key');
  if (!split.ok) return split;
  const { keyType, data } = split.value;
  if (data.length !== PUBLIC_KEY_LENGTH[keyType]) {
    return err(`invalid ${keyType} public key length ${data.length}, expected ${PUBLIC_KEY_LENGTH[keyType]}`);
  }
  return ok({ keyType, data });
}

export function publicKeyToString(key: PublicKey): string {
  return `${key.keyType}:${base58Encode(key.data)}`;
}

export function publicKeysEqual(a: PublicKey, b: PublicKey): boolean {
  return a.keyType === b.keyType && bytesEqual(a.data, b.data);
}

export function parseSignature(text: string): Result<Signature, string> {
  const split = splitKeyText(text, 'signature');
  if (!split.ok) return split;
  const { keyType, data } = split.value;
  if (data.length !== SIGNATURE_LENGTH[keyType]) {
    return err(`invalid ${keyType} signature length ${data.length}, expected ${SIGNATURE_LENGTH[keyType]}`);
  }
  return ok({ keyType, data });
}

export function signatureToString(signature: Signature): string {
  return `${signature.keyType}:${base58Encode(signature.data)}`;
}

/** The key pair whose RFC 8032 secret (seed) is `secretKey` (32 bytes). */
export function keyPairFromSecretKey(secretKey: Uint8Array): KeyPair {
  if (secretKey.length !== 32) throw new RangeError(`an ed25519 secret key has 32 bytes, got ${secretKey.length}`);
  const secret = Uint8Array.from(secretKey);
  return { publicKey: { keyType: 'ed25519', data: ed25519.getPublicKey(secret) }, secretKey: secret };
}

/**
 * A deterministic key pair, compatible with nearcore's `SecretKey::from_seed(ED25519, seed)`:
 * the seed's bytes, truncated or padded with spaces to 32, are the secret. Anyone who knows
 * the seed knows the key, so use it for reproducible local genesis only.
 */
export function keyPairFromSeed(seed: string | Uint8Array): KeyPair {
  const bytes = typeof seed === 'string' ? new TextEncoder().encode(seed) : seed;
  const secret = new Uint8Array(32).fill(0x20);
  secret.set(bytes.subarray(0, 32));
  return keyPairFromSecretKey(secret);
}

/** A key pair from the platform's cryptographic random source. */
export function randomKeyPair(): KeyPair {
  return keyPairFromSecretKey(ed25519.utils.randomSecretKey());
}

/** `ed25519:<base58 of secret||public>`, near-cli's `private_key` and near-api-js's `KeyPair.toString()`. */
export function keyPairToString(pair: KeyPair): string {
  const full = new Uint8Array(64);
  full.set(pair.secretKey, 0);
  full.set(pair.publicKey.data, 32);
  return `ed25519:${base58Encode(full)}`;
}

/** Parses a private key string; the public half must belong to the secret half. */
export function parseKeyPair(text: string): Result<KeyPair, string> {
  const split = splitKeyText(text, 'private key');
  if (!split.ok) return split;
  const { keyType, data } = split.value;
  if (keyType !== 'ed25519') return err('only ed25519 private keys are supported');
  if (data.length !== 64) return err(`invalid ed25519 private key length ${data.length}, expected 64`);
  const pair = keyPairFromSecretKey(data.subarray(0, 32));
  if (!bytesEqual(pair.publicKey.data, data.subarray(32))) return err('the private key does not match its public half');
  return ok(pair);
}

export function signMessage(pair: KeyPair, message: Uint8Array): Signature {
  return { keyType: 'ed25519', data: ed25519.sign(message, pair.secretKey) };
}

/** Checks an ed25519 signature (64 bytes) over `message` with a 32-byte public key, RFC 8032 rules. */
export type Ed25519Verifier = (signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array) => boolean;

/** RFC 8032 rules (no ZIP-215 leniency), closest to ed25519-dalek's `verify`. Pure JS, runs anywhere. */
export const nobleEd25519Verify: Ed25519Verifier = (signature, message, publicKey) => ed25519.verify(signature, message, publicKey, { zip215: false });

let ed25519Verify: Ed25519Verifier = nobleEd25519Verify;

/**
 * Replaces the ed25519 check `verifySignature` uses (the Node devnet installs node:crypto's
 * native one, ~40× faster; see ../node/ed25519.ts). `null` restores @noble/curves. The codec
 * itself imports nothing Node-only.
 */
export function setEd25519Verifier(verify: Ed25519Verifier | null): void {
  ed25519Verify = verify ?? nobleEd25519Verify;
}

/**
 * Checks `signature` over `message` (for transactions, the 32-byte sha256 hash). A signature
 * of the other curve than the key, or any malformed input, is simply invalid (nearcore's
 * `Signature::verify`). secp256k1 signatures must be low-S with recovery id 0–3, as the
 * `secp256k1` crate requires.
 */
export function verifySignature(publicKey: PublicKey, signature: Signature, message: Uint8Array): boolean {
  if (publicKey.keyType !== signature.keyType) return false;
  if (publicKey.data.length !== PUBLIC_KEY_LENGTH[publicKey.keyType]) return false;
  if (signature.data.length !== SIGNATURE_LENGTH[signature.keyType]) return false;
  try {
    if (publicKey.keyType === 'ed25519') {
      return ed25519Verify(signature.data, message, publicKey.data);
    }
    if (signature.data[64]! > 3) return false;
    const uncompressed = new Uint8Array(65);
    uncompressed[0] = 0x04;
    uncompressed.set(publicKey.data, 1);
    return secp256k1.verify(signature.data.subarray(0, 64), message, uncompressed, { prehash: false, lowS: true });
  } catch {
    return false;
  }
}

/** The NEAR-implicit account id of an ed25519 key: the hex of its 32 bytes. */
export function implicitAccountId(publicKey: PublicKey): string {
  if (publicKey.keyType !== 'ed25519') throw new TypeError('implicit account ids come from ed25519 keys');
  let hex = '';
  for (const b of publicKey.data) hex += b.toString(16).padStart(2, '0');
  return hex;
}

export function toCredentials(accountId: string, pair: KeyPair): Credentials {
  return { account_id: accountId, public_key: publicKeyToString(pair.publicKey), private_key: keyPairToString(pair) };
}

/**
 * Reads a parsed credential file. Accepts `secret_key` for `private_key` (older tools wrote
 * it); a `public_key`, when present, must match the private key.
 */
export function parseCredentials(json: unknown): Result<{ accountId: string; keyPair: KeyPair }, string> {
  if (typeof json !== 'object' || json === null) return err('credentials must be a JSON object');
  const record = json as Record<string, unknown>;
  const accountId = record['account_id'];
  const privateKey = record['private_key'] ?? record['secret_key'];
  if (typeof accountId !== 'string') return err('credentials need a string account_id');
  if (typeof privateKey !== 'string') return err('credentials need a string private_key');
  const pair = parseKeyPair(privateKey);
  if (!pair.ok) return pair;
  const publicKey = record['public_key'];
  if (publicKey !== undefined) {
    const parsed = typeof publicKey === 'string' ? parsePublicKey(publicKey) : err('public_key must be a string');
    if (!parsed.ok) return parsed;
    if (!publicKeysEqual(parsed.value, pair.value.publicKey)) return err('public_key does not match private_key');
  }
  return ok({ accountId, keyPair: pair.value });
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
