import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RegexSyntaxError, compileRegex, escapeRegex, translateRegex } from './regex.js';

const bre = (p: string) => translateRegex(p, 'basic');
const ere = (p: string) => translateRegex(p, 'extended');

describe('regex: POSIX BRE/ERE to JavaScript', () => {
  it('BRE: \\( \\) \\{ \\} \\| \\+ \\? are operators; ( ) { } | + ? are literal', () => {
    assert.equal(bre('\\(ab\\)\\{2,3\\}'), '(ab){2,3}');
    assert.equal(bre('a\\|b'), 'a|b');
    assert.equal(bre('a\\+b\\?'), 'a+b?');
    assert.equal(bre('(a|b){1}+?'), '\\(a\\|b\\)\\{1\\}\\+\\?');
    assert.equal(bre('\\(a\\)\\1'), '(a)\\1');
  });

  it('BRE: * ^ $ are literal where they cannot be operators', () => {
    assert.equal(bre('*a'), '\\*a');
    assert.equal(bre('^*'), '^\\*');
    assert.equal(bre('a^b$c'), 'a\\^b\\$c');
    assert.equal(bre('^a$'), '^a$');
    assert.equal(bre('\\(^a$\\)'), '(^a$)');
  });

  it('ERE: groups, alternation, intervals; a { that starts no interval is literal', () => {
    assert.equal(ere('(ab)+|x{2,}'), '(ab)+|x{2,}');
    assert.equal(ere('a{,'), 'a\\{,');
    assert.equal(ere('a**'), '(?:a*)*');
    assert.ok(compileRegex('a+?', { syntax: 'extended' }).test('b'), 'a+? is (a+)?, not lazy');
  });

  it('bracket expressions and POSIX classes', () => {
    assert.equal(bre('[[:alpha:]_][]a-]'), '[a-zA-Z_][\\]a-]');
    const re = compileRegex('^[[:digit:][:space:]]*$', { syntax: 'basic' });
    assert.ok(re.test('1 2\t3'));
    assert.ok(!re.test('1a'));
    assert.ok(compileRegex('[[:punct:]]', { syntax: 'basic' }).test('!'));
    assert.ok(compileRegex('[^[:upper:]]', { syntax: 'basic' }).test('a'));
    assert.ok(compileRegex('[a\\]', { syntax: 'basic' }).test('\\'), 'a backslash in a bracket is literal in POSIX');
    assert.ok(compileRegex('[\\/]', { syntax: 'awk' }).test('/'));
  });

  it('awk syntax: string escapes', () => {
    assert.ok(compileRegex('a\\/b\\tc', { syntax: 'awk' }).test('a/b\tc'));
    assert.ok(compileRegex('\\.', { syntax: 'awk' }).test('.'));
    assert.ok(!compileRegex('\\.', { syntax: 'awk' }).test('x'));
  });

  it('fixed strings and ignoreCase', () => {
    assert.equal(translateRegex('a.b*(c)', 'fixed'), escapeRegex('a.b*(c)'));
    assert.ok(compileRegex('a.b*(c)', { syntax: 'fixed' }).test('xa.b*(c)'));
    assert.ok(compileRegex('abc', { syntax: 'basic', ignoreCase: true }).test('ABC'));
  });

  it('rejects invalid patterns with RegexSyntaxError', () => {
    for (const [p, s] of [['\\(a', 'basic'], ['a\\)', 'basic'], ['(a', 'extended'], ['a)', 'extended'], ['[abc', 'basic'], ['[[:nope:]]', 'basic'], ['a\\{2,1\\}', 'basic'], ['a\\{x\\}', 'basic'], ['\\2', 'basic'], ['ab\\', 'basic']] as const) {
      assert.throws(() => compileRegex(p, { syntax: s }), RegexSyntaxError, p);
    }
  });
});
