// wc, head, tail, cut, tr, seq against the fake proc (expected outputs are GNU coreutils').
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runProgram } from '../testing/fake-proc.js';
import type { Program } from '../types.js';
import { cut } from './cut.js';
import { head } from './head.js';
import { seq } from './seq.js';
import { tail } from './tail.js';
import { tr } from './tr.js';
import { wc } from './wc.js';

const run = (program: Program, argv: string[], stdin = '', files: Record<string, string> = {}) => runProgram(program, { argv, stdin, files });
const out = async (program: Program, argv: string[], stdin = '', files: Record<string, string> = {}) => (await run(program, argv, stdin, files)).stdout;

describe('wc', () => {
  const files = { '/f1': 'a b\nc\n', '/f2': 'hello world\n' };
  it('a single count of stdin prints bare: echo hi | wc -c → 3', async () => {
    assert.equal(await out(wc, ['wc', '-c'], 'hi\n'), '3\n');
    assert.equal(await out(wc, ['wc', '-l'], 'a\nb'), '1\n');
  });
  it('all three counts of stdin are 7 wide', async () => {
    assert.equal(await out(wc, ['wc'], 'hi\n'), '      1       1       3\n');
    assert.equal(await out(wc, ['wc', '-lw'], ' a  b\tc\n\n'), '      2       3\n');
  });
  it('files are as wide as their total size, with a total line', async () => {
    assert.equal(await out(wc, ['wc', 'f1', 'f2'], '', files), ' 2  3  6 f1\n 1  2 12 f2\n 3  5 18 total\n');
    assert.equal(await out(wc, ['wc', '-l', 'f1'], '', files), '2 f1\n');
    assert.equal(await out(wc, ['wc', '-l', '-', 'f1'], 'x\n', files), '      1 -\n      2 f1\n      3 total\n');
  });
  it('reports a missing file and still totals', async () => {
    const r = await run(wc, ['wc', '-c', 'f1', 'nope'], '', files);
    assert.deepEqual([r.status, r.stdout, r.stderr], [1, '6 f1\n6 total\n', 'wc: nope: No such file or directory\n']);
  });
});

describe('head', () => {
  const ten = Array.from({ length: 12 }, (_, i) => `${i + 1}\n`).join('');
  it('defaults to 10 lines; -n N, -N, -c N, -n -N', async () => {
    assert.equal(await out(head, ['head'], ten), ten.split('\n').slice(0, 10).join('\n') + '\n');
    assert.equal(await out(head, ['head', '-n', '2'], ten), '1\n2\n');
    assert.equal(await out(head, ['head', '-3'], ten), '1\n2\n3\n');
    assert.equal(await out(head, ['head', '-c', '2'], 'abcdef'), 'ab');
    assert.equal(await out(head, ['head', '-n', '-1'], '1\n2\n3\n'), '1\n2\n');
    assert.equal(await out(head, ['head', '-n', '0'], ten), '');
  });
  it('prints headers for several files', async () => {
    assert.equal(await out(head, ['head', '-n', '1', 'f1', 'f2'], '', { '/f1': 'a b\nc\n', '/f2': 'hello\n' }), '==> f1 <==\na b\n\n==> f2 <==\nhello\n');
    assert.equal(await out(head, ['head', '-1', '-'], 'a\nb\n'), 'a\n');
  });
  it('rejects a bad count', async () => {
    const r = await run(head, ['head', '-n', 'x']);
    assert.deepEqual([r.status, r.stderr], [1, "head: invalid number of lines: 'x'\n"]);
  });
});

describe('tail', () => {
  it('-n N, -n +N, -c N, -N, +N', async () => {
    assert.equal(await out(tail, ['tail', '-n', '+3'], '1\n2\n3\n4\n5\n'), '3\n4\n5\n');
    assert.equal(await out(tail, ['tail', '-n', '2'], '1\n2\n3'), '2\n3');
    assert.equal(await out(tail, ['tail', '-c', '3'], 'abcdef'), 'def');
    assert.equal(await out(tail, ['tail', '-c', '+3'], 'abcdef'), 'cdef');
    assert.equal(await out(tail, ['tail', '-1'], 'a\nb\n'), 'b\n');
    assert.equal(await out(tail, ['tail', '+2'], 'a\nb\n'), 'b\n');
    assert.equal(await out(tail, ['tail'], Array.from({ length: 15 }, (_, i) => `${i}\n`).join('')), Array.from({ length: 10 }, (_, i) => `${i + 5}\n`).join(''));
  });
  it('reports a missing file', async () => {
    const r = await run(tail, ['tail', 'nope']);
    assert.deepEqual([r.status, r.stderr], [1, 'tail: nope: No such file or directory\n']);
  });
});

describe('cut', () => {
  it('-f with the default TAB and with -d; -s drops undelimited lines', async () => {
    assert.equal(await out(cut, ['cut', '-f2'], 'a\tb\tc\nd\te\n'), 'b\ne\n');
    assert.equal(await out(cut, ['cut', '-d:', '-f1,3'], 'a:b:c\nnone\n'), 'a:c\nnone\n');
    assert.equal(await out(cut, ['cut', '-d', ':', '-s', '-f2-'], 'a:b:c\nnone\n'), 'b:c\n');
    assert.equal(await out(cut, ['cut', '-d:', '-f-2'], 'a:b:c\n'), 'a:b\n');
  });
  it('-c and -b select bytes', async () => {
    assert.equal(await out(cut, ['cut', '-c2-3,5'], 'hello\n'), 'elo\n');
    assert.equal(await out(cut, ['cut', '-b', '-2'], 'hello\nab'), 'he\nab\n');
  });
  it('rejects bad lists and missing modes', async () => {
    assert.deepEqual(Object.values(await run(cut, ['cut'])).slice(0, 3), [1, '', 'cut: you must specify a list of bytes, characters, or fields\n']);
    assert.equal((await run(cut, ['cut', '-f0'])).stderr, 'cut: fields are numbered from 1\n');
    assert.equal((await run(cut, ['cut', '-f3-1'])).stderr, 'cut: invalid decreasing range\n');
    assert.equal((await run(cut, ['cut', '-d', 'ab', '-f1'])).stderr, 'cut: the delimiter must be a single character\n');
  });
});

describe('tr', () => {
  it('translates ranges and classes', async () => {
    assert.equal(await out(tr, ['tr', 'a-z', 'A-Z'], 'Hello World\n'), 'HELLO WORLD\n');
    assert.equal(await out(tr, ['tr', '[:lower:]', '[:upper:]'], 'hello\n'), 'HELLO\n');
    assert.equal(await out(tr, ['tr', 'abc', 'x'], 'abc\n'), 'xxx\n');
    assert.equal(await out(tr, ['tr', 'a-d', '[x*]'], 'abcd\n'), 'xxxx\n');
    assert.equal(await out(tr, ['tr', '\\n', ' '], 'a\nb\n'), 'a b ');
  });
  it('-d, -s, -c', async () => {
    assert.equal(await out(tr, ['tr', '-d', '[:digit:]'], 'hello 123\n'), 'hello \n');
    assert.equal(await out(tr, ['tr', '-s', 'a-c'], 'aabbccdd\n'), 'abcdd\n');
    assert.equal(await out(tr, ['tr', '-s', ' ', '_'], 'a  b\n'), 'a_b\n');
    assert.equal(await out(tr, ['tr', '-c', 'a-z\\n', 'X'], 'he1lo\n'), 'heXlo\n');
    assert.equal(await out(tr, ['tr', '-cd', 'a\\n'], 'a\nb\n'), 'a\n\n');
    assert.equal(await out(tr, ['tr', '-s', '[:space:]'], 'a \n\n\tb\n'), 'a \n\tb\n');
  });
  it('reports missing operands and reversed ranges', async () => {
    const r = await run(tr, ['tr', 'a']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^tr: missing operand after 'a'\n/);
    assert.equal((await run(tr, ['tr', 'z-a', 'x'])).stderr, "tr: range-endpoints of 'z-a' are in reverse collating sequence order\n");
  });
});

describe('seq', () => {
  it('seq 1 100 prints every number', async () => {
    assert.equal(await out(seq, ['seq', '1', '100']), Array.from({ length: 100 }, (_, i) => `${i + 1}\n`).join(''));
    assert.equal(await out(seq, ['seq', '3']), '1\n2\n3\n');
  });
  it('increments, decimals, negatives, separators and widths', async () => {
    assert.equal(await out(seq, ['seq', '0.1', '0.1', '0.5']), '0.1\n0.2\n0.3\n0.4\n0.5\n');
    assert.equal(await out(seq, ['seq', '-s,', '3']), '1,2,3\n');
    assert.equal(await out(seq, ['seq', '-s', ' ', '5', '-2', '1']), '5 3 1\n');
    assert.equal(await out(seq, ['seq', '-w', '1', '5', '10']), '01\n06\n');
    assert.equal(await out(seq, ['seq', '-w', '-1', '1']), '-1\n00\n01\n');
    assert.equal(await out(seq, ['seq', '5', '1']), '');
    assert.equal(await out(seq, ['seq', '1', '0.5', '2']), '1.0\n1.5\n2.0\n');
  });
  it('rejects bad numbers and a zero increment', async () => {
    const r = await run(seq, ['seq', 'x']);
    assert.deepEqual([r.status, r.stderr], [1, "seq: invalid floating point argument: 'x'\n"]);
    assert.equal((await run(seq, ['seq', '1', '0', '2'])).stderr, "seq: invalid Zero increment value: '0'\n");
    assert.equal((await run(seq, ['seq'])).stderr, 'seq: missing operand\n');
  });
});
