import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ContractError } from './errors.js';
import { parseDecimalString, parseUint, U128_MAX, U64_MAX } from './ints.js';

describe('parseUint', () => {
  it('accepts safe integer numbers and decimal strings', () => {
    assert.equal(parseUint(0, 'f'), 0n);
    assert.equal(parseUint(Number.MAX_SAFE_INTEGER, 'f'), 9007199254740991n);
    assert.equal(parseUint('18446744073709551615', 'f'), U64_MAX);
    assert.equal(parseUint('007', 'f'), 7n);
  });

  const bad: [unknown, RegExp][] = [
    [-1, /f must be a non-negative integer .*got -1/],
    [1.5, /got 1\.5/],
    [NaN, /got NaN/],
    [Infinity, /got Infinity/],
    [2 ** 53, /got 9007199254740992/],
    ['', /f must be a string of decimal digits, got ''/],
    ['0x10', /decimal digits, got '0x10'/],
    ['-1', /decimal digits/],
    ['+1', /decimal digits/],
    ['1e3', /decimal digits/],
    [' 1', /decimal digits/],
    ['1.0', /decimal digits/],
    ['18446744073709551616', /f must be at most 18446744073709551615/],
    ['9'.repeat(10_000), /must be at most/],
    [null, /got null/],
    [true, /got a boolean true/],
    [1n, /got a bigint 1/],
  ];
  for (const [value, message] of bad) {
    it(`rejects ${typeof value === 'string' ? JSON.stringify(value.slice(0, 30)) : String(value)}`, () => {
      assert.throws(() => parseUint(value, 'f'), (e: unknown) => e instanceof ContractError && message.test(e.message));
    });
  }

  it('applies a custom maximum to numbers too', () => {
    assert.throws(() => parseUint(11, 'f', 10n), /f must be at most 10, got '11'/);
  });
});

describe('parseDecimalString', () => {
  it('accepts up to u128::MAX and rejects numbers', () => {
    assert.equal(parseDecimalString(U128_MAX.toString(), 'fee'), U128_MAX);
    assert.throws(() => parseDecimalString((U128_MAX + 1n).toString(), 'fee'), /fee must be at most 340282366920938463463374607431768211455/);
    assert.throws(() => parseDecimalString(5, 'fee'), /fee must be a decimal string, got a number 5/);
  });
});
