import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ContractError } from './errors.js';
import { DEFAULT_LIMITS, resolveLimits } from './limits.js';
import { DEFAULT_PRICING, estimateCost, executionCost, parsePricingUpdate, parseResourcesUsed, pricingToJson, settle } from './pricing.js';

const P = DEFAULT_PRICING;

describe('DEFAULT_PRICING', () => {
  it('has the reference fees', () => {
    assert.deepEqual({ ...P }, { base_fee: 10n ** 21n, per_million_instructions_fee: 10n ** 14n, per_ms_fee: 10n ** 17n, per_compile_ms_fee: 10n ** 17n });
  });
});

describe('estimateCost', () => {
  it('prices the default limits at 7.0001 NEAR', () => {
    assert.equal(estimateCost(P, DEFAULT_LIMITS), 7_000_100_000_000_000_000_000n);
    assert.equal(estimateCost(P, resolveLimits(null)), 7_000_100_000_000_000_000_000n);
  });

  it('floors instructions to whole millions', () => {
    const cost = estimateCost(P, { max_instructions: 1_999_999n, max_memory_mb: 1, max_execution_seconds: 1n });
    assert.equal(cost, 10n ** 21n + 10n ** 14n + 1000n * 10n ** 17n);
  });
});

describe('executionCost', () => {
  it('10M instructions and 5000 ms cost 1.500001 NEAR', () => {
    assert.equal(executionCost(P, { instructions: 10_000_000n, time_ms: 5000n, compile_time_ms: null }), 1_500_001_000_000_000_000_000n);
  });

  it('999,999 instructions round down to zero millions', () => {
    assert.equal(executionCost(P, { instructions: 999_999n, time_ms: 0n, compile_time_ms: null }), P.base_fee);
  });

  it('250 ms of compilation adds 25·10^18', () => {
    const without = executionCost(P, { instructions: 10_000_000n, time_ms: 5000n, compile_time_ms: null });
    const withCompile = executionCost(P, { instructions: 10_000_000n, time_ms: 5000n, compile_time_ms: 250n });
    assert.equal(withCompile - without, 25n * 10n ** 18n);
    assert.equal(executionCost(P, { instructions: 0n, time_ms: 0n, compile_time_ms: 0n }), P.base_fee);
  });
});

describe('settle', () => {
  const used = { instructions: 10_000_000n, time_ms: 5000n, compile_time_ms: null };
  const cost = 1_500_001_000_000_000_000_000n;

  it('charges the cost and refunds the rest on success', () => {
    assert.deepEqual(settle(P, 7n * 10n ** 24n, { success: true, used }), { charged: cost, refunded: 7n * 10n ** 24n - cost });
  });

  it('keeps only the base fee on failure', () => {
    assert.deepEqual(settle(P, 7n * 10n ** 24n, { success: false }), { charged: 10n ** 21n, refunded: 7n * 10n ** 24n - 10n ** 21n });
  });

  it('charges at most the payment', () => {
    assert.deepEqual(settle(P, 10n ** 21n, { success: true, used }), { charged: 10n ** 21n, refunded: 0n });
    assert.deepEqual(settle(P, 5n, { success: false }), { charged: 5n, refunded: 0n });
    assert.deepEqual(settle(P, 0n, { success: true, used }), { charged: 0n, refunded: 0n });
  });

  it('rejects a negative payment', () => {
    assert.throws(() => settle(P, -1n, { success: false }), ContractError);
  });
});

describe('parsePricingUpdate', () => {
  it('accepts any subset of U128 strings; null leaves a fee unchanged', () => {
    assert.deepEqual(parsePricingUpdate({}), {});
    assert.deepEqual(parsePricingUpdate({ base_fee: '5', per_ms_fee: null }), { base_fee: 5n });
    assert.deepEqual(parsePricingUpdate({ base_fee: '0', per_million_instructions_fee: '1', per_ms_fee: '2', per_compile_ms_fee: '340282366920938463463374607431768211455' }), {
      base_fee: 0n,
      per_million_instructions_fee: 1n,
      per_ms_fee: 2n,
      per_compile_ms_fee: (1n << 128n) - 1n,
    });
  });

  const bad: [unknown, RegExp][] = [
    [{ base_fee: 5 }, /^base_fee must be a decimal string, got a number 5/],
    [{ base_fee: '340282366920938463463374607431768211456' }, /^base_fee must be at most 340282366920938463463374607431768211455/],
    [{ per_ms_fee: '-1' }, /^per_ms_fee must be a string of decimal digits, got '-1'/],
    [{ per_ms_fee: '1e21' }, /decimal digits/],
    [{ per_ms_fee: '' }, /decimal digits/],
    [{ fee: '1' }, /^unknown set_pricing field 'fee'/],
    [null, /^set_pricing arguments must be an object/],
    [['1'], /^set_pricing arguments must be an object, got an array/],
  ];
  for (const [input, message] of bad) {
    it(`rejects ${JSON.stringify(input)}`, () => {
      assert.throws(() => parsePricingUpdate(input), (e: unknown) => e instanceof ContractError && message.test(e.message));
    });
  }
});

describe('pricingToJson', () => {
  it('is the reference tuple of decimal strings', () => {
    assert.deepEqual(pricingToJson(P), ['1000000000000000000000', '100000000000000', '100000000000000000', '100000000000000000']);
  });
});

describe('parseResourcesUsed', () => {
  it('accepts numbers and strings; compile_time_ms absent or null → null', () => {
    assert.deepEqual(parseResourcesUsed({ instructions: 10, time_ms: '20' }), { instructions: 10n, time_ms: 20n, compile_time_ms: null });
    assert.deepEqual(parseResourcesUsed({ instructions: '18446744073709551615', time_ms: 0, compile_time_ms: null }), {
      instructions: (1n << 64n) - 1n,
      time_ms: 0n,
      compile_time_ms: null,
    });
    assert.deepEqual(parseResourcesUsed({ instructions: 0, time_ms: 0, compile_time_ms: 250 }), { instructions: 0n, time_ms: 0n, compile_time_ms: 250n });
  });

  const bad: [unknown, RegExp][] = [
    [{ time_ms: 1 }, /^resources_used\.instructions is required$/],
    [{ instructions: 1 }, /^resources_used\.time_ms is required$/],
    [{ instructions: null, time_ms: 1 }, /^resources_used\.instructions is required$/],
    [{ instructions: -1, time_ms: 1 }, /^resources_used\.instructions must be a non-negative integer/],
    [{ instructions: 1, time_ms: 1.5 }, /^resources_used\.time_ms must be a non-negative integer/],
    [{ instructions: 1, time_ms: '18446744073709551616' }, /^resources_used\.time_ms must be at most 18446744073709551615/],
    [{ instructions: 1, time_ms: 1, compile_time_ms: 'x' }, /^resources_used\.compile_time_ms must be a string of decimal digits/],
    [{ instructions: 1, time_ms: 1, memory: 1 }, /^unknown resources_used field 'memory'/],
    ['x', /^resources_used must be an object/],
  ];
  for (const [input, message] of bad) {
    it(`rejects ${JSON.stringify(input)}`, () => {
      assert.throws(() => parseResourcesUsed(input), (e: unknown) => e instanceof ContractError && message.test(e.message));
    });
  }
});
