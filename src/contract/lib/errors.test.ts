import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ContractError, showValue, truncate, typeName } from './errors.js';

describe('ContractError', () => {
  it('is an Error named ContractError with the given message', () => {
    const e = new ContractError('boom');
    assert.ok(e instanceof Error);
    assert.equal(e.name, 'ContractError');
    assert.equal(e.message, 'boom');
    assert.match(String(e), /^ContractError: boom$/);
  });
});

describe('showValue', () => {
  const cases: [unknown, string][] = [
    ['gitlab.com', "'gitlab.com'"],
    [5, '5'],
    [1.5, '1.5'],
    [NaN, 'NaN'],
    [12n, '12'],
    [true, 'true'],
    [null, 'null'],
    [undefined, 'undefined'],
    [{ a: 1n }, '{"a":"1"}'],
    [[1, 'x'], '[1,"x"]'],
    ['a\u0000b\n', "'a\\u0000b\\u000a'"],
  ];
  for (const [value, shown] of cases) it(`shows ${String(shown)}`, () => assert.equal(showValue(value), shown));

  it('truncates long values to about 100 characters', () => {
    const shown = showValue('x'.repeat(500));
    assert.equal(shown, `'${'x'.repeat(100)}…'`);
  });

  it('never splits a surrogate pair', () => {
    const s = `${'a'.repeat(99)}😀tail`;
    assert.equal(truncate(s), `${'a'.repeat(99)}…`);
  });

  it('falls back to the type for cyclic objects', () => {
    const o: Record<string, unknown> = {};
    o.self = o;
    assert.equal(showValue(o), 'an object');
  });
});

describe('typeName', () => {
  it('names JSON-ish types', () => {
    assert.equal(typeName(null), 'null');
    assert.equal(typeName([]), 'an array');
    assert.equal(typeName({}), 'an object');
    assert.equal(typeName(undefined), 'an undefined');
    assert.equal(typeName('x'), 'a string');
    assert.equal(typeName(1), 'a number');
  });
});
