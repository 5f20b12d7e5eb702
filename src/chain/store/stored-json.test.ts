import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeStored, encodeStored } from './stored-json.js';

describe('stored json', () => {
  it('round-trips bigints beyond 2^64, bytes and nested plain data', () => {
    const value = {
      deposit: 2n ** 100n + 7n,
      negative: -(2n ** 70n),
      args: new Uint8Array([0, 1, 254, 255]),
      empty: new Uint8Array(0),
      list: [1, 'two', null, true, { gas: 300_000_000_000_000n }],
      nested: { deep: { deeper: [new Uint8Array([9])] } },
    };
    assert.deepEqual(decodeStored(encodeStored(value)), value);
  });

  it('keeps user keys that look like its tags', () => {
    const value = { $n: '5', $b: 'AA==', $$x: 1, plain: { $n: 'not a bigint' } };
    assert.deepEqual(decodeStored(encodeStored(value)), value);
  });

  it('drops undefined properties, as JSON does', () => {
    assert.deepEqual(decodeStored(encodeStored({ a: 1, b: undefined })), { a: 1 });
  });

  it('refuses what it could not give back unchanged', () => {
    for (const bad of [new Map(), new Date(0), NaN, Infinity, () => 1, Symbol('s'), [undefined], { x: new Set() }, Buffer.from('x').buffer]) {
      assert.throws(() => encodeStored(bad), TypeError, String(bad));
    }
  });

  it('a Buffer is stored as the bytes it holds', () => {
    assert.deepEqual(decodeStored(encodeStored(Buffer.from([1, 2]))), new Uint8Array([1, 2]));
  });
});
