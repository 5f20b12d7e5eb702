import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expectObject, isObject, own, rejectUnknownKeys } from './args.js';
import { ContractError } from './errors.js';

describe('args', () => {
  it('isObject accepts plain objects only', () => {
    assert.equal(isObject({}), true);
    assert.equal(isObject([]), false);
    assert.equal(isObject(null), false);
    assert.equal(isObject('x'), false);
  });

  it('expectObject names what was expected and what was given', () => {
    assert.throws(() => expectObject([1], 'resource_limits'), { name: 'ContractError', message: 'resource_limits must be an object, got an array [1]' });
    assert.throws(() => expectObject('x', 'args'), /args must be an object, got a string 'x'/);
  });

  it('rejectUnknownKeys names the key, including __proto__ from JSON.parse', () => {
    assert.doesNotThrow(() => rejectUnknownKeys({ a: 1 }, ['a', 'b'], 'thing'));
    assert.throws(() => rejectUnknownKeys({ a: 1, c: 2 }, ['a', 'b'], 'thing'), (e: unknown) => e instanceof ContractError && e.message.startsWith("unknown thing field 'c'"));
    const parsed = JSON.parse('{"__proto__": {"x": 1}}') as Record<string, unknown>;
    assert.throws(() => rejectUnknownKeys(parsed, ['a'], 'thing'), /unknown thing field '__proto__'/);
  });

  it('own ignores the prototype chain', () => {
    assert.equal(own({}, 'toString'), undefined);
    assert.equal(own({ toString: 1 }, 'toString'), 1);
  });
});
