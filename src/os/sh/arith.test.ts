import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ArithError, evalArith } from './arith.js';

function scope(init: Record<string, string> = {}) {
  const vars = new Map(Object.entries(init));
  return { vars, get: (n: string) => vars.get(n), set: (n: string, v: string) => void vars.set(n, v) };
}

it('precedence and associativity as in C', () => {
  const cases: [string, number][] = [
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['10 - 2 - 3', 5],
    ['2 ** 3 ** 2', 512],
    ['7 / 2', 3],
    ['-7 / 2', -3],
    ['-7 % 3', -1],
    ['1 < 2 && 2 < 1 || 1', 1],
    ['!0 + !5', 1],
    ['~0', -1],
    ['1 << 4 | 1', 17],
    ['6 & 3 ^ 1', 3],
    ['1 ? 2 : 3', 2],
    ['0 ? 2 : 3', 3],
    ['010 + 0x10', 24],
    ['', 0],
  ];
  for (const [expr, value] of cases) assert.equal(evalArith(expr, scope()), value, expr);
});

it('variables: names, $names, unset as 0, assignment', () => {
  const s = scope({ i: '4', e: '' });
  assert.equal(evalArith('i * 2 + $i + ${i} + unset + e', s), 16);
  assert.equal(evalArith('j = i + 1', s), 5);
  assert.equal(evalArith('j += 10', s), 15);
  assert.equal(s.vars.get('j'), '15');
});

it('errors', () => {
  assert.throws(() => evalArith('1 / 0', scope()), ArithError);
  assert.throws(() => evalArith('1 +', scope()), ArithError);
  assert.throws(() => evalArith('(1', scope()), ArithError);
  assert.throws(() => evalArith('1 2', scope()), ArithError);
  assert.throws(() => evalArith('x', scope({ x: 'abc' })), /abc: not a number/);
});
