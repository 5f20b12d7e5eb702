import assert from 'node:assert/strict';
import { it } from 'node:test';
import { runProgram } from '../testing/fake-proc.js';
import { head } from './head.js';
import { printf } from './printf.js';
import { compareNumbers, sort } from './sort.js';
import { uniq } from './uniq.js';

const run = async (args: string[], stdin = '', files: Record<string, string> = {}) => runProgram(sort, { argv: ['sort', ...args], stdin, files });
const sorted = async (args: string[], stdin: string): Promise<string> => (await run(args, stdin)).stdout;

it('printf | sort | head -n 2 gives "a\\nb\\n"', async () => {
  const generated = (await runProgram(printf, { argv: ['printf', 'b\\na\\nc\\n'] })).stdout;
  const s = (await runProgram(sort, { argv: ['sort'], stdin: generated })).stdout;
  assert.equal(s, 'a\nb\nc\n');
  assert.equal((await runProgram(head, { argv: ['head', '-n', '2'], stdin: s })).stdout, 'a\nb\n');
});

it('sorts bytes in C order, adding a missing final newline', async () => {
  assert.equal(await sorted([], 'a\nA\nb\nB'), 'A\nB\na\nb\n');
  assert.equal(await sorted([], '  b\na\n'), '  b\na\n');
  assert.equal(await sorted([], ''), '');
  assert.equal(await sorted(['-r'], 'x\ny\nx\n'), 'y\nx\nx\n');
});

it('-n compares numbers exactly; non-numbers are 0', async () => {
  assert.equal(await sorted(['-n'], '10\n9\n-1\n2.5\nabc\n'), '-1\nabc\n2.5\n9\n10\n');
  assert.equal(await sorted(['-n'], '123456789012345678901\n123456789012345678900\n'), '123456789012345678900\n123456789012345678901\n');
  assert.equal(await sorted(['-rn'], '1\n3\n2\n'), '3\n2\n1\n');
  assert.equal(compareNumbers('-0', '0'), 0);
  assert.equal(compareNumbers(' -2.5', '-2.25'), -1);
});

it('-k and -t pick keys; equal keys fall back to the whole line unless -s', async () => {
  assert.equal(await sorted(['-k2', '-n'], 'b 2\na 10\nc 1\n'), 'c 1\nb 2\na 10\n');
  assert.equal(await sorted(['-t:', '-k2,2'], 'b:2\na:10\nc:1\n'), 'c:1\na:10\nb:2\n');
  assert.equal(await sorted(['-k2,2'], 'b 1\na 1\nc 0\n'), 'c 0\na 1\nb 1\n');
  assert.equal(await sorted(['-s', '-k2,2'], 'b 1\na 1\nc 0\n'), 'c 0\nb 1\na 1\n');
  assert.equal(await sorted(['-k2n'], 'a  2\nb 10\n'), 'a  2\nb 10\n');
  assert.equal(await sorted(['-k', '1.2'], 'ab\nba\n'), 'ba\nab\n');
  assert.equal(await sorted(['-t', ',', '-k3,3nr', '-k1,1'], 'x,1,5\ny,1,7\nz,2,5\n'), 'y,1,7\nx,1,5\nz,2,5\n');
});

it('-u keeps the first of each run of equal keys', async () => {
  assert.equal(await sorted(['-u'], 'b\na\nb\na\n'), 'a\nb\n');
  assert.equal(await sorted(['-k2,2', '-u'], 'b 1\na 1\nc 0\n'), 'c 0\nb 1\n');
});

it('reads files and reports errors with status 2', async () => {
  assert.equal((await run(['x', 'y'], '', { '/x': 'b\n', '/y': 'a\n' })).stdout, 'a\nb\n');
  const missing = await run(['nope']);
  assert.deepEqual([missing.status, missing.stderr], [2, 'sort: nope: No such file or directory\n']);
  const bad = await run(['-k', '0']);
  assert.equal(bad.status, 2);
  assert.equal((await run(['-t', 'ab'])).stderr, "sort: multi-character tab 'ab'\n");
});

it('charges the same fuel for the same input', async () => {
  const input = Array.from({ length: 200 }, (_, i) => `${(i * 7919) % 211}\n`).join('');
  const a = await run(['-n'], input);
  const b = await run(['-n'], input);
  assert.equal(a.fuel, b.fuel);
});

it('uniq collapses adjacent lines; -c counts, -d repeated, -u unique', async () => {
  const u = async (args: string[], stdin: string) => (await runProgram(uniq, { argv: ['uniq', ...args], stdin })).stdout;
  const input = 'a\na\nb\nc\nc\nc\na';
  assert.equal(await u([], input), 'a\nb\nc\na\n');
  assert.equal(await u(['-c'], input), '      2 a\n      1 b\n      3 c\n      1 a\n');
  assert.equal(await u(['-d'], input), 'a\nc\n');
  assert.equal(await u(['-u'], input), 'b\na\n');
  const files = await runProgram(uniq, { argv: ['uniq', 'in', 'out'], files: { '/in': 'x\nx\n' } });
  assert.equal(new TextDecoder().decode(files.files.get('/out')), 'x\n');
  const missing = await runProgram(uniq, { argv: ['uniq', 'nope'] });
  assert.deepEqual([missing.status, missing.stderr], [1, 'uniq: nope: No such file or directory\n']);
});
