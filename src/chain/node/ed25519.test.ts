import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import { nobleEd25519Verify, setEd25519Verifier, verifySignature } from '../codec/keys.js';
import { installNodeEd25519, nodeEd25519Verify } from './ed25519.js';

const L = 2n ** 252n + 27742317777372353535851937790883648493n;

it('node:crypto ed25519 agrees with @noble/curves on valid, tampered, non-canonical and malformed input', () => {
  const sk = ed25519.utils.randomSecretKey();
  const pk = ed25519.getPublicKey(sk);
  const msg = new Uint8Array(32).fill(7);
  const sig = ed25519.sign(msg, sk);
  const tampered = sig.slice();
  tampered[3]! ^= 1;
  // S + L: the same signature with a non-canonical scalar, refused by RFC 8032.
  let s = 0n;
  for (let i = 31; i >= 0; i--) s = (s << 8n) | BigInt(sig[32 + i]!);
  s += L;
  const nonCanonical = sig.slice();
  for (let i = 0; i < 32; i++, s >>= 8n) nonCanonical[32 + i] = Number(s & 255n);
  const notAPoint = new Uint8Array(32).fill(0xff);
  const cases: Array<[Uint8Array, Uint8Array, Uint8Array]> = [
    [sig, msg, pk],
    [tampered, msg, pk],
    [sig, new Uint8Array(32), pk],
    [nonCanonical, msg, pk],
    [sig, msg, notAPoint],
    [sig.subarray(0, 63), msg, pk],
    [sig, msg, pk.subarray(0, 31)],
  ];
  for (const [sg, m, k] of cases) assert.equal(nodeEd25519Verify(sg, m, k), sg.length === 64 && k.length === 32 ? nobleEd25519Verify(sg, m, k) : false);
  assert.equal(nodeEd25519Verify(sig, msg, pk), true);
  assert.equal(nodeEd25519Verify(tampered, msg, pk), false);
});

it('installNodeEd25519 puts it behind the codec’s verifySignature (null restores @noble/curves)', () => {
  const sk = ed25519.utils.randomSecretKey();
  const publicKey = { keyType: 'ed25519' as const, data: ed25519.getPublicKey(sk) };
  const msg = new Uint8Array([1, 2, 3]);
  const signature = { keyType: 'ed25519' as const, data: ed25519.sign(msg, sk) };
  let calls = 0;
  setEd25519Verifier((sg, m, k) => (calls++, nodeEd25519Verify(sg, m, k)));
  assert.equal(verifySignature(publicKey, signature, msg), true);
  assert.equal(calls, 1);
  setEd25519Verifier(null);
  assert.equal(verifySignature(publicKey, signature, msg), true);
  assert.equal(calls, 1);
  installNodeEd25519();
  assert.equal(verifySignature(publicKey, signature, msg), true);
});
