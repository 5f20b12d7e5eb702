import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { x25519 } from '@noble/curves/ed25519.js';
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes, randomBytes } from '@noble/hashes/utils.js';
import { OutlayerError } from '../errors.js';
import { keyIdOf, openSealed, sealSecrets, sealedKeyId, type SecretLocation } from './seal.js';

const secret = x25519.utils.randomSecretKey();
const pub = x25519.getPublicKey(secret);
const publicKey = { key_id: keyIdOf(pub), public_key: bytesToHex(pub) };
const here: SecretLocation = { owner: 'alice.near', repo: 'https://github.com/alice/app', branch: 'main', profile: 'prod' };
const env = { API_KEY: 'sk-123', DB_URL: 'postgres://x' };

const failsWith = (code: string, re?: RegExp) => (e: unknown) => e instanceof OutlayerError && e.code === code && (re === undefined || re.test(e.message));

describe('sealSecrets / openSealed', () => {
  it('round-trips, names the key, and uses fresh randomness', () => {
    const sealed = sealSecrets(publicKey, here, env);
    assert.deepEqual(openSealed(secret, here, sealed), env);
    assert.equal(sealedKeyId(sealed), publicKey.key_id);
    assert.notEqual(sealSecrets(publicKey, here, env), sealed);
    const bytes = Buffer.from(sealed, 'base64');
    assert.equal(bytes[0], 1);
    assert.equal(bytes.length, 1 + 8 + 32 + 24 + Buffer.byteLength(JSON.stringify(env)) + 16);
  });
  it('round-trips the all-branches location (branch null)', () => {
    const all = { ...here, branch: null };
    assert.deepEqual(openSealed(secret, all, sealSecrets(publicKey, all, env)), env);
  });
  it('any tampered byte fails to decrypt', () => {
    const bytes = Buffer.from(sealSecrets(publicKey, here, env), 'base64');
    for (const i of [9 + 5, 41 + 3, 70, bytes.length - 1]) {
      const t = Buffer.from(bytes);
      t[i]! ^= 1;
      assert.throws(() => openSealed(secret, here, t.toString('base64')), failsWith('secrets_decrypt_failed'));
    }
    const t = Buffer.from(bytes);
    t[0] = 2;
    assert.throws(() => openSealed(secret, here, t.toString('base64')), failsWith('secrets_decrypt_failed', /format version 2/));
    assert.throws(() => openSealed(secret, here, 'AAAA'), failsWith('secrets_decrypt_failed', /truncated/));
    assert.throws(() => openSealed(secret, here, 'not base64!'), failsWith('secrets_decrypt_failed', /base64/));
  });
  it('a ciphertext copied to another owner, repo, branch or profile does not open', () => {
    const sealed = sealSecrets(publicKey, here, env);
    const elsewhere: SecretLocation[] = [
      { ...here, owner: 'mallory.near' },
      { ...here, repo: 'https://github.com/mallory/app' },
      { ...here, branch: 'dev' },
      { ...here, branch: null },
      { ...here, profile: 'prod2' },
    ];
    for (const loc of elsewhere) assert.throws(() => openSealed(secret, loc, sealed), failsWith('secrets_decrypt_failed', /do not authenticate/));
  });
  it('a blob for another key is refused by key id', () => {
    const other = x25519.utils.randomSecretKey();
    assert.throws(() => openSealed(other, here, sealSecrets(publicKey, here, env)), failsWith('secrets_decrypt_failed', /name key/));
  });
  it('validates the env map on seal (usage) without echoing values', () => {
    assert.throws(() => sealSecrets(publicKey, here, { NEAR_FOO: 'hidden-value' }), (e: unknown) => failsWith('usage', /reserved/)(e) && !(e as Error).message.includes('hidden-value'));
    assert.throws(() => sealSecrets(publicKey, here, { 'bad-name': 'v' }), failsWith('usage', /must match/));
  });
  it('follows the documented format (an independent sealer opens), and validates the env map on open', () => {
    // docs/keystore.md's recipe, written out without sealSecrets.
    const sealRaw = (plaintext: string): string => {
      const eph = x25519.utils.randomSecretKey();
      const ephPub = x25519.getPublicKey(eph);
      const key = hkdf(sha256, x25519.getSharedSecret(eph, pub), concatBytes(ephPub, pub), new TextEncoder().encode('outlayer-secrets/v1'), 32);
      const nonce = randomBytes(24);
      const aad = new TextEncoder().encode('outlayer-secrets/v1\nalice.near\nhttps://github.com/alice/app\nmain\nprod');
      const ct = xchacha20poly1305(key, nonce, aad).encrypt(new TextEncoder().encode(plaintext));
      return Buffer.from(concatBytes(Uint8Array.of(1), sha256(pub).subarray(0, 8), ephPub, nonce, ct)).toString('base64');
    };
    assert.deepEqual(openSealed(secret, here, sealRaw('{"A":"1"}')), { A: '1' });
    assert.throws(() => openSealed(secret, here, sealRaw('{"NEAR_SIGNER":"x"}')), failsWith('secrets_decrypt_failed', /reserved/));
    assert.throws(() => openSealed(secret, here, sealRaw('["A"]')), failsWith('secrets_decrypt_failed', /JSON object/));
    assert.throws(() => openSealed(secret, here, sealRaw('{not json')), failsWith('secrets_decrypt_failed', /not UTF-8 JSON/));
  });
  it('validates the key and the location', () => {
    assert.throws(() => sealSecrets({ ...publicKey, key_id: '0000000000000000' }, here, env), failsWith('usage', /does not match/));
    assert.throws(() => sealSecrets({ ...publicKey, public_key: 'zz' }, here, env), failsWith('usage', /64 lowercase hex/));
    assert.throws(() => sealSecrets(publicKey, { ...here, owner: 'Alice' }, env), failsWith('usage', /owner/));
    assert.throws(() => sealSecrets(publicKey, { ...here, repo: 'github.com/alice/app' }, env), failsWith('usage', /canonical/));
    assert.throws(() => sealSecrets(publicKey, { ...here, branch: '' }, env), failsWith('usage', /branch/));
    assert.throws(() => sealSecrets(publicKey, { ...here, profile: 'a\nb' }, env), failsWith('usage', /profile/));
  });
});
