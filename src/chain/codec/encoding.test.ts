import assert from 'node:assert/strict';
import { it } from 'node:test';
import { baseDecode, baseEncode, base64Encode as nearBase64Encode } from 'near-api-js';
import { base58Decode, base58Encode, base64Decode, base64Encode } from './encoding.js';

function pseudoRandomBytes(length: number, seed: number): Uint8Array {
  let s = seed;
  return new Uint8Array(length).map(() => (s = (s * 1103515245 + 12345) & 0x7fffffff) & 0xff);
}

const samples = [
  new Uint8Array(0),
  new Uint8Array([0]),
  new Uint8Array([0, 0, 1]),
  new Uint8Array(32), // the all-zero hash: 32 '1's
  new Uint8Array([255, 255, 255]),
  ...Array.from({ length: 40 }, (_, i) => pseudoRandomBytes(i * 3, i + 1)),
];

it('base58 matches near-api-js in both directions, leading zeros included', () => {
  for (const bytes of samples) {
    const text = base58Encode(bytes);
    assert.equal(text, baseEncode(bytes));
    assert.deepEqual(base58Decode(text), bytes);
    if (text.length > 0) assert.deepEqual(base58Decode(text), new Uint8Array(baseDecode(text)));
  }
  assert.equal(base58Encode(new Uint8Array(32)), '1'.repeat(32));
});

it('base58 rejects characters outside the alphabet', () => {
  for (const bad of ['0', 'O', 'I', 'l', '+', 'abc def', 'é']) assert.equal(base58Decode(bad), null, bad);
});

it('base64 matches near-api-js and the standard alphabet, with padding', () => {
  for (const bytes of samples) {
    const text = base64Encode(bytes);
    assert.equal(text, nearBase64Encode(bytes));
    const back = base64Decode(text);
    assert.ok(back.ok);
    assert.deepEqual(back.value, bytes);
  }
  assert.equal(base64Encode(new TextEncoder().encode('\xff\xfe>?')), 'w7/Dvj4/');
});

it('base64 is as strict as nearcore, with the base64 crate\'s messages', () => {
  const cases: Array<[string, string]> = [
    ['AAA', 'Invalid padding.'],
    ['A', 'Invalid input length.'],
    ['AA=A', 'Invalid symbol 61, offset 2.'],
    ['AAA!', 'Invalid symbol 33, offset 3.'],
    [' AAA', 'Invalid symbol 32, offset 0.'],
    ['AAAA\n', 'Invalid input length.'],
    ['AB==', 'Invalid last symbol 66, offset 1.'], // non-zero trailing bits
    ['AAB=', 'Invalid last symbol 66, offset 2.'],
    ['-_==', 'Invalid symbol 45, offset 0.'], // URL-safe alphabet
  ];
  for (const [text, message] of cases) {
    const r = base64Decode(text);
    assert.ok(!r.ok, text);
    assert.equal(r.error.code, 'invalid_base64');
    assert.equal(r.error.message, message, text);
  }
  const empty = base64Decode('');
  assert.ok(empty.ok && empty.value.length === 0);
});

it('base64 handles megabytes quickly', () => {
  const bytes = pseudoRandomBytes(4 << 20, 9);
  const started = performance.now();
  const back = base64Decode(base64Encode(bytes));
  assert.ok(back.ok);
  assert.deepEqual(back.value, bytes);
  assert.ok(performance.now() - started < 2000);
});
