/**
 * Sealing secrets to the keystore's X25519 key (client side) and opening them (keystore side).
 * Pure: no node: imports, randomness from the `crypto.getRandomValues` global, so the SDK and
 * CLI can seal in any runtime. The format (docs/keystore.md):
 *
 *     base64( 0x01 | key_id (8) | ephemeral_pub (32) | nonce (24) | XChaCha20-Poly1305(ct || tag) )
 *
 *     key = HKDF-SHA256(ikm = X25519(ephemeral_secret, keystore_pub),
 *                       salt = ephemeral_pub || keystore_pub, info = "outlayer-secrets/v1", 32)
 *     aad = "outlayer-secrets/v1\n{owner}\n{repo}\n{branch or ''}\n{profile}"
 *
 * The AAD binds a blob to where it is stored on-chain: stored ciphertexts are public, and
 * without the binding anyone could copy another user's blob into their own profile with an
 * AllowAll rule and have the keystore decrypt it for them.
 *
 * @example
 * const sealed = sealSecrets(await keystorePublicKey(), { owner: 'alice.near', repo: 'https://github.com/alice/app', branch: null, profile: 'prod' }, { API_KEY: 'k' });
 */
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { x25519 } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes, hexToBytes } from '@noble/hashes/utils.js';
import { isValidAccountId } from '../chain/codec/account-id.js';
import { base64Decode, base64Encode } from '../chain/codec/encoding.js';
import { OutlayerError } from '../errors.js';
import { envProblem } from './env.js';

export const SEALED_VERSION = 0x01;
export const SEALED_INFO = 'outlayer-secrets/v1';
const KEY_ID_BYTES = 8;
const HEADER_BYTES = 1 + KEY_ID_BYTES + 32 + 24;
const TAG_BYTES = 16;
/** Longest sealed blob (base64 characters) we try to open: 64 × 64 KiB of values plus JSON. */
export const MAX_SEALED_LENGTH = 8 * 1024 * 1024;

/** The keystore key users seal to; `key_id` is hex of the first 8 bytes of sha256(public_key). */
export interface KeystorePublicKey {
  key_id: string;
  public_key: string;
}

/** Where sealed secrets are stored on-chain; part of the AAD. `repo` is `https://github.com/u/r`. */
export interface SecretLocation {
  owner: string;
  repo: string;
  branch: string | null;
  profile: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** hex of the first 8 bytes of sha256(publicKey). */
export function keyIdOf(publicKey: Uint8Array): string {
  return bytesToHex(sha256(publicKey).subarray(0, KEY_ID_BYTES));
}

// The AAD joins fields with '\n', so no field may contain a control character (or be empty,
// which would make branch '' indistinguishable from null).
function checkField(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 256 || /[\u0000-\u001f\u007f]/.test(value)) {
    throw new OutlayerError('usage', `secret location ${name} must be a non-empty string of at most 256 characters without control characters, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** The AAD bytes for `location` (validated: owner is an account id, repo a github.com URL). */
export function sealedAad(location: SecretLocation): Uint8Array {
  if (typeof location.owner !== 'string' || !isValidAccountId(location.owner)) {
    throw new OutlayerError('usage', `secret location owner ${JSON.stringify(location.owner)} is not a valid NEAR account id`);
  }
  const repo = checkField('repo', location.repo);
  if (!/^https:\/\/github\.com\/[^/\s]+\/[^/\s]+$/.test(repo)) {
    throw new OutlayerError('usage', `secret location repo ${JSON.stringify(repo)} is not in the canonical https://github.com/<owner>/<repo> form`);
  }
  const branch = location.branch === null ? '' : checkField('branch', location.branch);
  const profile = checkField('profile', location.profile);
  return encoder.encode(`${SEALED_INFO}\n${location.owner}\n${repo}\n${branch}\n${profile}`);
}

function deriveKey(shared: Uint8Array, ephemeralPub: Uint8Array, keystorePub: Uint8Array): Uint8Array {
  return hkdf(sha256, shared, concatBytes(ephemeralPub, keystorePub), encoder.encode(SEALED_INFO), 32);
}

function parsePublicKey(pk: KeystorePublicKey): Uint8Array {
  if (typeof pk?.public_key !== 'string' || !/^[0-9a-f]{64}$/.test(pk.public_key)) throw new OutlayerError('usage', 'keystore public_key must be 64 lowercase hex characters');
  const bytes = hexToBytes(pk.public_key);
  if (pk.key_id !== keyIdOf(bytes)) throw new OutlayerError('usage', `keystore key_id ${JSON.stringify(pk.key_id)} does not match its public key (expected ${keyIdOf(bytes)})`);
  return bytes;
}

/** Seals `env` to the keystore key for `location`; returns the base64 blob to store on-chain. */
export function sealSecrets(publicKey: KeystorePublicKey, location: SecretLocation, env: Record<string, string>): string {
  const keystorePub = parsePublicKey(publicKey);
  const aad = sealedAad(location);
  const problem = envProblem(env);
  if (problem !== null) throw new OutlayerError('usage', `invalid secrets: ${problem}`);
  const ephemeralSecret = x25519.utils.randomSecretKey();
  const ephemeralPub = x25519.getPublicKey(ephemeralSecret);
  const shared = x25519.getSharedSecret(ephemeralSecret, keystorePub);
  const key = deriveKey(shared, ephemeralPub, keystorePub);
  const nonce = crypto.getRandomValues(new Uint8Array(24));
  const plaintext = encoder.encode(JSON.stringify(env));
  try {
    const ct = xchacha20poly1305(key, nonce, aad).encrypt(plaintext);
    return base64Encode(concatBytes(Uint8Array.of(SEALED_VERSION), hexToBytes(publicKey.key_id), ephemeralPub, nonce, ct));
  } finally {
    for (const b of [ephemeralSecret, shared, key, plaintext]) b.fill(0);
  }
}

function decryptFailed(message: string): OutlayerError {
  return new OutlayerError('secrets_decrypt_failed', message);
}

function decodeSealed(sealed: string): Uint8Array {
  if (typeof sealed !== 'string' || sealed.length > MAX_SEALED_LENGTH) throw decryptFailed('sealed secrets are not a base64 string of acceptable size');
  const decoded = base64Decode(sealed);
  if (!decoded.ok) throw decryptFailed(`sealed secrets are not valid base64 (${decoded.error.message})`);
  const bytes = decoded.value;
  if (bytes.length < HEADER_BYTES + TAG_BYTES) throw decryptFailed(`sealed secrets are truncated (${bytes.length} bytes)`);
  if (bytes[0] !== SEALED_VERSION) throw decryptFailed(`sealed secrets have unknown format version ${bytes[0]} (expected ${SEALED_VERSION})`);
  return bytes;
}

/** The key id a sealed blob names (so the keystore can pick the secret key). */
export function sealedKeyId(sealed: string): string {
  return bytesToHex(decodeSealed(sealed).subarray(1, 1 + KEY_ID_BYTES));
}

/**
 * Opens a blob with the keystore secret key it names (see sealedKeyId) for `location`, and
 * validates the environment map. Throws `secrets_decrypt_failed` on any mismatch; messages never
 * contain plaintext. The caller owns `secretKey` (and zeroes it).
 */
export function openSealed(secretKey: Uint8Array, location: SecretLocation, sealed: string): Record<string, string> {
  const bytes = decodeSealed(sealed);
  const keyId = bytesToHex(bytes.subarray(1, 1 + KEY_ID_BYTES));
  const keystorePub = x25519.getPublicKey(secretKey);
  if (keyIdOf(keystorePub) !== keyId) throw decryptFailed(`sealed secrets name key ${keyId}, not the key given (${keyIdOf(keystorePub)})`);
  const aad = sealedAad(location);
  const ephemeralPub = bytes.subarray(1 + KEY_ID_BYTES, 1 + KEY_ID_BYTES + 32);
  const nonce = bytes.subarray(1 + KEY_ID_BYTES + 32, HEADER_BYTES);
  let shared: Uint8Array;
  try {
    shared = x25519.getSharedSecret(secretKey, ephemeralPub);
  } catch {
    throw decryptFailed('sealed secrets carry an invalid ephemeral public key');
  }
  const key = deriveKey(shared, ephemeralPub, keystorePub);
  let plaintext: Uint8Array;
  try {
    plaintext = xchacha20poly1305(key, nonce, aad).decrypt(bytes.subarray(HEADER_BYTES));
  } catch {
    throw decryptFailed(`sealed secrets do not authenticate for ${location.owner} ${location.repo} branch ${location.branch ?? '(all)'} profile ${location.profile}: tampered, or sealed for another location`);
  } finally {
    shared.fill(0);
    key.fill(0);
  }
  let env: unknown;
  try {
    env = JSON.parse(decoder.decode(plaintext));
  } catch {
    throw decryptFailed('decrypted secrets are not UTF-8 JSON');
  } finally {
    plaintext.fill(0);
  }
  const problem = envProblem(env);
  if (problem !== null) throw decryptFailed(`decrypted secrets are not a valid environment map: ${problem}`);
  return env as Record<string, string>;
}
