import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ContractError } from './errors.js';
import { matchesAccountPattern } from './access.js';
import { checkSafePattern } from './safe-regex.js';

const ACCEPTED = [
  '^[a-z0-9_-]+\\.gov\\.near$',
  '.*\\.near',
  '(alice|bob)\\.near',
  '[a-z]{2,64}\\.near',
  '(?:dao)-[0-9]+\\.sputnik-dao\\.near',
  '(?<team>ops)\\.near',
  '[\\]\\\\(]+x',
  'a+?b*?c',
  'x{3,}',
  '[a-z]+\\.[a-z0-9]+-[a-z]*\\.[a-z]+\\.near', // four variable quantifiers: the most allowed
  '.*.*.*.*x',
  '(a|b|c)(d|e|f)[a-z]+\\.near',
  'a{2}b{3,3}c{0,64}',
];

const REJECTED: [string, RegExp][] = [
  ['(a+)+$', /repeats a group/],
  ['(a|aa)*', /repeats a group/],
  ['(.*)*', /repeats a group/],
  ['(\\w+\\s?)+', /repeats a group/],
  ['((a+))+', /repeats a group/],
  ['((a|b))*', /repeats a group/],
  ['(foo|bar)?', /repeats a group/],
  ['(a{2}){3}', /repeats a group/],
  ['a{1,1000}', /exceeds \{0,64\}/],
  ['a{65}', /exceeds/],
  ['(?=x)', /lookaround '\(\?='/],
  ['(?!x)a', /lookaround/],
  ['(?<=x)a', /lookaround '\(\?<='/],
  ['(?<!x)a', /lookaround/],
  ['(a)\\1', /backreference/],
  ['\\1', /backreference/],
  ['(?<n>a)\\k<n>', /named backreference/],
  ['[', /not a valid regular expression/],
  ['a{x}', /not a counted repetition/],
  ['a}', /'}'/],
  ['.*.*.*.*.*x', /too much possible backtracking \(5 variable-length/],
  ['(a|a)'.repeat(20) + 'x', /alternatives multiplying to 1048576/],
  ['a?'.repeat(21), /21 '\?'/],
  ['[a-z]+[a-z]+[a-z]+(x|y|z)[a-z]+', /backtracking/],
  ['', /empty/],
  ['a'.repeat(300), /300 characters/],
];

describe('checkSafePattern', () => {
  for (const p of ACCEPTED) it(`accepts ${p}`, () => assert.doesNotThrow(() => checkSafePattern(p)));
  for (const [p, why] of REJECTED) {
    it(`rejects ${p.slice(0, 40)}`, () => {
      assert.throws(() => checkSafePattern(p), (e: unknown) => e instanceof ContractError && why.test(e.message));
    });
  }
  it('names the offending pattern in the message', () => {
    assert.throws(() => checkSafePattern('(a+)+$'), /'\(a\+\)\+\$'/);
  });
  it('every accepted pattern finishes against 64-character adversarial account ids', () => {
    const inputs = ['a'.repeat(64), `${'a'.repeat(63)}!`, `${'a-'.repeat(31)}ab`, `${'x.'.repeat(31)}nea`, `${'0'.repeat(60)}.gov`, `${'a.'.repeat(31)}.near`];
    for (const p of ACCEPTED) for (const s of inputs) assert.equal(typeof matchesAccountPattern(p, s), 'boolean');
  });
});
