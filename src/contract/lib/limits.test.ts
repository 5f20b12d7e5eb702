import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ContractError } from './errors.js';
import { DEFAULT_LIMITS, limitsToJson, MAX_COMPILATION_SECONDS, MAX_EXECUTION_SECONDS, MAX_INSTRUCTIONS, MAX_MEMORY_MB, resolveLimits } from './limits.js';

const DEFAULTS = { max_instructions: 1_000_000_000n, max_memory_mb: 128, max_execution_seconds: 60n };

describe('limit constants', () => {
  it('have the reference values', () => {
    assert.equal(MAX_INSTRUCTIONS, 500_000_000_000n);
    assert.equal(MAX_EXECUTION_SECONDS, 180n);
    assert.equal(MAX_COMPILATION_SECONDS, 300n);
    assert.equal(MAX_MEMORY_MB, 4096);
    assert.deepEqual({ ...DEFAULT_LIMITS }, DEFAULTS);
  });
});

describe('resolveLimits', () => {
  it('uses defaults for null, undefined, {} and null fields', () => {
    assert.deepEqual(resolveLimits(null), DEFAULTS);
    assert.deepEqual(resolveLimits(undefined), DEFAULTS);
    assert.deepEqual(resolveLimits({}), DEFAULTS);
    assert.deepEqual(resolveLimits({ max_instructions: null, max_memory_mb: null, max_execution_seconds: null }), DEFAULTS);
  });

  it('returns a fresh object each time', () => {
    const a = resolveLimits(null);
    a.max_memory_mb = 1;
    assert.equal(resolveLimits(null).max_memory_mb, 128);
  });

  it('accepts numbers and decimal strings, each field independently', () => {
    assert.deepEqual(resolveLimits({ max_instructions: 5 }), { ...DEFAULTS, max_instructions: 5n });
    assert.deepEqual(resolveLimits({ max_instructions: '500000000000' }), { ...DEFAULTS, max_instructions: 500_000_000_000n });
    assert.deepEqual(resolveLimits({ max_memory_mb: '4096' }), { ...DEFAULTS, max_memory_mb: 4096 });
    assert.deepEqual(resolveLimits({ max_execution_seconds: 180 }), { ...DEFAULTS, max_execution_seconds: 180n });
    assert.deepEqual(resolveLimits({ max_instructions: 1, max_memory_mb: 1, max_execution_seconds: '1' }), { max_instructions: 1n, max_memory_mb: 1, max_execution_seconds: 1n });
  });

  const bad: [unknown, string | RegExp][] = [
    [{ max_instructions: 500_000_000_001 }, 'Requested max_instructions 500000000001 exceeds hard limit of 500000000000'],
    [{ max_instructions: '18446744073709551615' }, 'Requested max_instructions 18446744073709551615 exceeds hard limit of 500000000000'],
    [{ max_execution_seconds: 181 }, 'Requested max_execution_seconds 181 exceeds hard limit of 180 seconds'],
    [{ max_memory_mb: 4097 }, 'Requested max_memory_mb 4097 exceeds hard limit of 4096'],
    [{ max_instructions: 0 }, 'resource_limits.max_instructions must be at least 1, got 0'],
    [{ max_memory_mb: '0' }, 'resource_limits.max_memory_mb must be at least 1, got 0'],
    [{ max_instructions: -1 }, /resource_limits\.max_instructions must be a non-negative integer .*got -1/],
    [{ max_instructions: 1.5 }, /got 1\.5/],
    [{ max_instructions: NaN }, /got NaN/],
    [{ max_execution_seconds: '0x10' }, /resource_limits\.max_execution_seconds must be a string of decimal digits, got '0x10'/],
    [{ max_execution_seconds: '' }, /got ''/],
    [{ max_execution_seconds: '1.5' }, /got '1\.5'/],
    [{ max_execution_seconds: '-5' }, /got '-5'/],
    [{ max_memory_mb: true }, /got a boolean true/],
    [{ max_memory_mb: [] }, /got an array/],
    [{ max_instructions: '18446744073709551616' }, /must be at most 18446744073709551615/],
    [{ max_fuel: 1 }, /^unknown resource_limits field 'max_fuel'/],
    [{ max_instructions: 1, extra: null }, /^unknown resource_limits field 'extra'/],
    ['big', /^resource_limits must be an object, got a string 'big'/],
    [[1], /^resource_limits must be an object, got an array/],
    [5, /^resource_limits must be an object, got a number 5/],
  ];
  for (const [input, message] of bad) {
    it(`rejects ${JSON.stringify(input)}`, () => {
      assert.throws(
        () => resolveLimits(input),
        (e: unknown) => e instanceof ContractError && (typeof message === 'string' ? e.message === message : message.test(e.message)),
      );
    });
  }
});

describe('limitsToJson', () => {
  it('writes plain numbers', () => {
    assert.deepEqual(limitsToJson(resolveLimits(null)), { max_instructions: 1_000_000_000, max_memory_mb: 128, max_execution_seconds: 60 });
    assert.deepEqual(limitsToJson({ max_instructions: MAX_INSTRUCTIONS, max_memory_mb: MAX_MEMORY_MB, max_execution_seconds: MAX_EXECUTION_SECONDS }), {
      max_instructions: 500_000_000_000,
      max_memory_mb: 4096,
      max_execution_seconds: 180,
    });
  });
});
