import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ContractError } from './errors.js';
import { base64Decode, base64Encode, hexEncode, toJson, utf8Decode, utf8Encode, utf8Length } from './json.js';

describe('toJson', () => {
  const plain: unknown[] = [
    null,
    true,
    false,
    0,
    -0,
    1.5,
    -1e21,
    1e-7,
    Number.MAX_SAFE_INTEGER,
    '',
    'quote " backslash \\ newline \n tab \t nul \u0000',
    'lone \ud800 surrogate',
    '模块 😀',
    [],
    {},
    [1, 'a', null, [2, [3]]],
    { b: 1, a: 2, nested: { z: [true, { y: 'x' }] } },
    { '1': 'numeric keys come first', b: 2 },
    { skipped: undefined, fn: () => 1, kept: 1 },
    [undefined, () => 1, Symbol('s')],
    [NaN, Infinity, -Infinity],
    { date: new Date(0) },
    { custom: { toJSON: (key: string) => `key=${key}` } },
  ];
  for (const value of plain) {
    it(`matches JSON.stringify for ${String(JSON.stringify(value))}`, () => assert.equal(toJson(value), JSON.stringify(value)));
  }

  it('writes bigints as bare digits', () => {
    assert.equal(toJson(1700000000000000000n), '1700000000000000000');
    assert.equal(toJson({ t: 18446744073709551615n, n: -5n }), '{"t":18446744073709551615,"n":-5}');
    assert.equal(toJson([0n, 10n ** 30n]), '[0,1000000000000000000000000000000]');
  });

  it('keeps insertion order and skips undefined properties', () => {
    assert.equal(toJson({ z: 1n, a: undefined, m: 'x' }), '{"z":1,"m":"x"}');
  });

  it('writes top-level undefined as null', () => {
    assert.equal(toJson(undefined), 'null');
  });

  it('rejects cycles with a ContractError', () => {
    const o: Record<string, unknown> = {};
    o.o = o;
    assert.throws(() => toJson(o), ContractError);
  });

  it('allows the same object twice when not cyclic', () => {
    const shared = { a: 1 };
    assert.equal(toJson([shared, shared]), '[{"a":1},{"a":1}]');
  });
});

describe('json re-exports the byte codecs', () => {
  it('exposes utf8, base64 and hex', () => {
    const bytes = utf8Encode('é');
    assert.equal(utf8Length('é'), 2);
    assert.equal(utf8Decode(bytes), 'é');
    assert.equal(base64Encode(bytes), 'w6k=');
    assert.deepEqual(base64Decode('w6k='), bytes);
    assert.equal(hexEncode(bytes), 'c3a9');
  });
});
