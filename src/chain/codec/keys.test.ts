import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KeyPair, PublicKey as NearPublicKey, keyToImplicitAddress, type KeyPairString } from 'near-api-js';
import {
  implicitAccountId,
  keyPairFromSeed,
  keyPairToString,
  parseCredentials,
  parseKeyPair,
  parsePublicKey,
  parseSignature,
  publicKeyToString,
  randomKeyPair,
  signatureToString,
  signMessage,
  toCredentials,
  verifySignature,
} from './keys.js';

const message = new TextEncoder().encode('hello');

describe('key strings', () => {
  it('a random key pair round-trips through near-api-js and back', () => {
    const pair = randomKeyPair();
    const text = keyPairToString(pair);
    const theirs = KeyPair.fromString(text as KeyPairString);
    assert.equal(theirs.getPublicKey().toString(), publicKeyToString(pair.publicKey));
    assert.equal(theirs.toString(), text);
    const back = parseKeyPair(theirs.toString());
    assert.ok(back.ok);
    assert.deepEqual(back.value, pair);
  });

  it('reads near-api-js key pairs and verifies each other\'s signatures', () => {
    const theirs = KeyPair.fromRandom('ed25519');
    const ours = parseKeyPair(theirs.toString());
    assert.ok(ours.ok);
    assert.equal(publicKeyToString(ours.value.publicKey), theirs.getPublicKey().toString());
    const sig = signMessage(ours.value, message);
    assert.ok(theirs.verify(message, sig.data));
    const theirSig = theirs.sign(message).signature;
    assert.ok(verifySignature(ours.value.publicKey, { keyType: 'ed25519', data: theirSig }, message));
    assert.equal(verifySignature(ours.value.publicKey, sig, new TextEncoder().encode('hellO')), false);
  });

  it('public keys: prefix optional (ed25519), case-insensitive curve, exact lengths', () => {
    const pair = randomKeyPair();
    const text = publicKeyToString(pair.publicKey);
    const bare = text.slice('ed25519:'.length);
    for (const form of [text, bare, `ED25519:${bare}`]) {
      const r = parsePublicKey(form);
      assert.ok(r.ok, form);
      assert.deepEqual(r.value, pair.publicKey);
    }
    const secp = KeyPair.fromRandom('secp256k1').getPublicKey().toString();
    const r = parsePublicKey(secp);
    assert.ok(r.ok && r.value.keyType === 'secp256k1' && r.value.data.length === 64);
    assert.equal(publicKeyToString(r.value), secp);
    // The one-digit-too-long key is fixed: a random key with a small first byte still fits 32 bytes.
    for (const bad of ['', 'ed25519:', 'ed25519:0OIl', 'rsa:abc', `secp256k1:${bare}`, `ed25519:${publicKeyToString({ keyType: 'ed25519', data: new Uint8Array(32).fill(0xff) }).slice(8)}1`, 'x'.repeat(10_000)]) {
      assert.equal(parsePublicKey(bad).ok, false, bad);
    }
    // near-api-js agrees on what parses.
    assert.equal(NearPublicKey.fromString(text).toString(), text);
  });

  it('private keys must be 64 bytes whose public half matches', () => {
    const a = randomKeyPair();
    const b = randomKeyPair();
    const mixed = keyPairToString({ publicKey: b.publicKey, secretKey: a.secretKey });
    assert.deepEqual(parseKeyPair(mixed), { ok: false, error: 'the private key does not match its public half' });
    assert.equal(parseKeyPair(publicKeyToString(a.publicKey)).ok, false); // 32 bytes
    assert.equal(parseKeyPair(KeyPair.fromRandom('secp256k1').toString()).ok, false);
    assert.equal(parseKeyPair('garbage').ok, false);
  });

  it('signatures round-trip as strings', () => {
    const sig = signMessage(randomKeyPair(), message);
    const r = parseSignature(signatureToString(sig));
    assert.ok(r.ok);
    assert.deepEqual(r.value, sig);
    assert.equal(parseSignature('ed25519:abc').ok, false);
  });

  it('verifySignature never throws on malformed keys or signatures', () => {
    const pk = randomKeyPair().publicKey;
    assert.equal(verifySignature(pk, { keyType: 'ed25519', data: new Uint8Array(64) }, message), false);
    assert.equal(verifySignature({ keyType: 'ed25519', data: new Uint8Array(32).fill(0xff) }, signMessage(randomKeyPair(), message), message), false);
    assert.equal(verifySignature({ keyType: 'secp256k1', data: new Uint8Array(64) }, { keyType: 'secp256k1', data: new Uint8Array(65) }, message), false);
    assert.equal(verifySignature(pk, { keyType: 'ed25519', data: new Uint8Array(3) }, message), false);
  });

  it('secp256k1 signatures from near-api-js verify; a recovery id above 3 does not', () => {
    const theirs = KeyPair.fromRandom('secp256k1');
    const hash = new Uint8Array(32).fill(7);
    const sig = { keyType: 'secp256k1' as const, data: theirs.sign(hash).signature };
    const pk = parsePublicKey(theirs.getPublicKey().toString());
    assert.ok(pk.ok);
    assert.ok(verifySignature(pk.value, sig, hash));
    const badV = sig.data.slice();
    badV[64] = 27;
    assert.equal(verifySignature(pk.value, { keyType: 'secp256k1', data: badV }, hash), false);
  });
});

describe('deterministic keys (genesis)', () => {
  it('match nearcore SecretKey::from_seed: test.near gives the key of nearcore\'s own genesis', () => {
    // nearcore's res/genesis_config.json generator: "secret key is seed from test.near".
    assert.equal(publicKeyToString(keyPairFromSeed('test.near').publicKey), 'ed25519:9BmAFNRTa5mRRXpSAm6MxSEeqRASDGNh2FuuwZ4gyxTw');
    assert.deepEqual(keyPairFromSeed('test.near'), keyPairFromSeed(new TextEncoder().encode('test.near')));
    assert.notDeepEqual(keyPairFromSeed('a'), keyPairFromSeed('b'));
    // Seeds are truncated to 32 bytes, as nearcore does.
    assert.deepEqual(keyPairFromSeed('x'.repeat(32)), keyPairFromSeed('x'.repeat(40)));
  });

  it('random pairs differ', () => {
    assert.notDeepEqual(randomKeyPair().secretKey, randomKeyPair().secretKey);
  });
});

describe('credentials files', () => {
  it('writes what near-api-js reads, and reads it back', () => {
    const pair = keyPairFromSeed('test.near');
    const creds = toCredentials('test.near', pair);
    assert.deepEqual(Object.keys(creds), ['account_id', 'public_key', 'private_key']);
    const json = JSON.parse(JSON.stringify(creds));
    assert.equal(KeyPair.fromString(json.private_key).getPublicKey().toString(), json.public_key);
    const back = parseCredentials(json);
    assert.ok(back.ok);
    assert.equal(back.value.accountId, 'test.near');
    assert.deepEqual(back.value.keyPair, pair);
    assert.ok(parseCredentials({ account_id: 'x.near', secret_key: creds.private_key }).ok);
  });

  it('rejects broken files with a reason', () => {
    const creds = toCredentials('test.near', randomKeyPair());
    assert.equal(parseCredentials(null).ok, false);
    assert.equal(parseCredentials({ ...creds, account_id: 5 }).ok, false);
    assert.equal(parseCredentials({ account_id: 'a.near' }).ok, false);
    assert.deepEqual(parseCredentials({ ...creds, public_key: publicKeyToString(randomKeyPair().publicKey) }), {
      ok: false,
      error: 'public_key does not match private_key',
    });
  });
});

it('implicit account ids are the hex of the ed25519 key, as near-api-js computes them', () => {
  const theirs = KeyPair.fromRandom('ed25519').getPublicKey();
  const pk = parsePublicKey(theirs.toString());
  assert.ok(pk.ok);
  assert.equal(implicitAccountId(pk.value), keyToImplicitAddress(theirs));
  assert.match(implicitAccountId(pk.value), /^[0-9a-f]{64}$/);
});
