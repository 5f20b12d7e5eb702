import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FuelExhausted, runProgram } from '../testing/fake-proc.js';
import { sed } from './sed.js';

const LINES = 'one\ntwo\nthree\nfour\nfive\n';
const run = async (args: string[], stdin = LINES, files?: Record<string, string>) => runProgram(sed, { argv: ['sed', ...args], stdin, files });
const out = async (args: string[], stdin = LINES) => {
  const r = await run(args, stdin);
  assert.equal(r.stderr, '');
  return r.stdout;
};

describe('sed', () => {
  it('s///g with &, groups and any delimiter', async () => {
    assert.equal(await out(['s/o/0/'], 'foo boo\n'), 'f0o boo\n');
    assert.equal(await out(['s/o/0/g'], 'foo boo\n'), 'f00 b00\n');
    assert.equal(await out(['s/o/0/2'], 'foo boo\n'), 'fo0 boo\n');
    assert.equal(await out(['s/o/0/2g'], 'foo boo\n'), 'fo0 b00\n');
    assert.equal(await out(['s/\\([a-z]*\\) \\([a-z]*\\)/\\2 \\1/'], 'hello world\n'), 'world hello\n');
    assert.equal(await out(['-E', 's/([a-z]+)@([a-z]+)/<\\2:\\1>/g'], 'a@b c@d\n'), '<b:a> <d:c>\n');
    assert.equal(await out(['s|/usr|[&]|'], '/usr/bin\n'), '[/usr]/bin\n');
    assert.equal(await out(['s,a\\,b,X,'], 'a,b\n'), 'X\n');
    assert.equal(await out(['s/x*/-/g'], 'abc\n'), '-a-b-c-\n');
    assert.equal(await out(['s/B/b/I'], 'ABC\n'), 'AbC\n');
    assert.equal(await out(['s/a/\\&\\n/'], 'a\n'), '&\n\n');
  });

  it('-n with p, and the p flag of s', async () => {
    assert.equal(await out(['-n', '2p']), 'two\n');
    assert.equal(await out(['-n', 's/t/T/p']), 'Two\nThree\n');
    assert.equal(await out(['p'], 'x\n'), 'x\nx\n');
  });

  it('addresses: numbers, $, /re/, ranges and !', async () => {
    assert.equal(await out(['2d']), 'one\nthree\nfour\nfive\n');
    assert.equal(await out(['$d']), 'one\ntwo\nthree\nfour\n');
    assert.equal(await out(['-n', '$p']), 'five\n');
    assert.equal(await out(['/^t/d']), 'one\nfour\nfive\n');
    assert.equal(await out(['2,4d']), 'one\nfive\n');
    assert.equal(await out(['-n', '/two/,/four/p']), 'two\nthree\nfour\n');
    assert.equal(await out(['-n', '/three/,$p']), 'three\nfour\nfive\n');
    assert.equal(await out(['2,4!d']), 'two\nthree\nfour\n');
    assert.equal(await out(['-n', '4,2p']), 'four\n');
    assert.equal(await out(['-n', '2,+1p']), 'two\nthree\n');
    assert.equal(await out(['-n', '1~2p']), 'one\nthree\nfive\n');
    assert.equal(await out(['/o/s/e/E/g']), 'onE\ntwo\nthree\nfour\nfive\n');
    assert.equal(await out(['\\,f,d']), 'one\ntwo\nthree\n');
  });

  it('several commands: ;, newlines, -e and blocks', async () => {
    assert.equal(await out(['s/o/0/;s/e/3/'], 'one\n'), '0n3\n');
    assert.equal(await out(['-e', 's/o/0/', '-e', '2d'], 'one\ntwo\n'), '0ne\n');
    assert.equal(await out(['s/o/0/\n1d'], 'one\ntwo\n'), 'tw0\n');
    assert.equal(await out(['-n', '/t/{s/t/T/;p;}']), 'Two\nThree\n');
    assert.equal(await out(['2,3{/three/!d}']), 'one\nthree\nfour\nfive\n');
  });

  it('q, = and line numbers; a, i, c; y; the hold space', async () => {
    assert.equal(await out(['2q']), 'one\ntwo\n');
    const r = await run(['3q5']);
    assert.deepEqual([r.status, r.stdout], [5, 'one\ntwo\nthree\n']);
    assert.equal(await out(['-n', '$=']), '5\n');
    assert.equal(await out(['='], 'a\nb\n'), '1\na\n2\nb\n');
    assert.equal(await out(['1i\\\nfirst', '-'], 'a\n'), 'first\na\n');
    assert.equal(await out(['1a after'], 'a\nb\n'), 'a\nafter\nb\n');
    assert.equal(await out(['2c\\\nTWO'], 'a\nb\nc\n'), 'a\nTWO\nc\n');
    assert.equal(await out(['y/abc/xyz/'], 'aabbcc\n'), 'xxyyzz\n');
    assert.equal(await out(['-n', '1!G;h;$p'], 'a\nb\nc\n'), 'c\nb\na\n');
    assert.equal(await out(['N;s/\\n/+/'], 'a\nb\nc\n'), 'a+b\nc\n');
    assert.equal(await out([':a;s/^\\(x*\\)y/\\1x/;ta'], 'yyy\n'), 'xxx\n');
  });

  it('l lists the pattern space unambiguously', async () => {
    assert.equal(await out(['-n', 'l'], 'a\tb\\c\x01\n'), 'a\\tb\\\\c\\001$\n');
    assert.equal(await out(['-n', 'l'], `${'x'.repeat(75)}\n`), `${'x'.repeat(69)}\\\n${'x'.repeat(6)}$\n`);
  });

  it('keeps a missing newline at the end of the input missing', async () => {
    assert.equal(await out(['s/a/b/'], 'a\na'), 'b\nb');
    assert.equal(await out(['p'], 'x'), 'x\nx');
    assert.equal(await out(['$a end'], 'x'), 'x\nend\n');
  });

  it('reads files in order and reports a missing one with status 2', async () => {
    const files = { '/a': 'a1\na2\n', '/b': 'b1\n' };
    assert.equal((await run(['-n', '$p', 'a', 'b'], '', files)).stdout, 'b1\n');
    assert.equal((await run(['=', 'a', 'b'], '', files)).stdout, '1\na1\n2\na2\n3\nb1\n');
    const r = await run(['p', 'nope'], '', files);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /sed: can't read nope/);
  });

  it('rejects bad scripts with status 1 and a message', async () => {
    for (const script of ['k', 's/a/b', 's/\\(a/b/', '{p', 'p}', '1,d', 's/a/b/z', 'b nowhere', 'y/ab/c/']) {
      const r = await run([script]);
      assert.equal(r.status, 1, script);
      assert.match(r.stderr, /^sed: (-e expression #1, char \d+: |can't find label)/, script);
    }
  });

  it('runs out of fuel on an endless branch', async () => {
    await assert.rejects(runProgram(sed, { argv: ['sed', ':a;ba'], stdin: 'x\n', budget: 100000 }), FuelExhausted);
  });
});
