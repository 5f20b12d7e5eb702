import assert from 'node:assert/strict';
import { it } from 'node:test';
import { runProgram } from '../testing/fake-proc.js';
import { bracket, test } from './test.js';

const files = { '/f': 'x', '/empty': '', '/d/in': '' };
const status = async (...args: string[]): Promise<number> => (await runProgram(test, { argv: ['test', ...args], files })).status;

it('decides by argument count: none, one, negation', async () => {
  assert.deepEqual(await Promise.all([status(), status(''), status('x'), status('!', 'x'), status('!'), status('-n'), status('-z')]), [1, 1, 0, 1, 0, 0, 0]);
});

it('file tests', async () => {
  assert.deepEqual(
    await Promise.all([status('-e', 'f'), status('-e', 'nope'), status('-f', 'f'), status('-f', 'd'), status('-d', 'd'), status('-d', 'f'), status('-s', 'f'), status('-s', 'empty'), status('-r', 'f'), status('-h', 'f')]),
    [0, 1, 0, 1, 0, 1, 0, 1, 0, 1],
  );
});

it('string and integer comparisons', async () => {
  assert.deepEqual(
    await Promise.all([status('a', '=', 'a'), status('a', '!=', 'a'), status('-z', ''), status('-n', ''), status('2', '-lt', '10'), status('10', '-le', '9'), status('-3', '-eq', '-3'), status(' 7 ', '-ge', '7'), status('5', '-ne', '5'), status('5', '-gt', '4'), status('b', '>', 'a')]),
    [0, 1, 0, 1, 0, 1, 0, 0, 1, 0, 0],
  );
});

it('! -a -o and parentheses, -a binding tighter', async () => {
  assert.deepEqual(
    await Promise.all([status('!', 'a', '=', 'b'), status('a', '-a', ''), status('', '-o', 'b'), status('x', '-o', 'y', '-a', ''), status('(', 'a', '=', 'b', ')', '-o', '-f', 'f'), status('!', '(', '-d', 'f', ')'), status('(', 'x', ')')]),
    [0, 1, 0, 0, 0, 0, 0],
  );
});

it('errors are status 2 with a message', async () => {
  const r = await runProgram(test, { argv: ['test', 'a', '-lt', '3'] });
  assert.deepEqual([r.status, r.stderr], [2, "test: invalid integer 'a'\n"]);
  assert.equal((await runProgram(test, { argv: ['test', 'a', 'b'] })).stderr, "test: missing argument after 'b'\n");
  assert.equal((await runProgram(test, { argv: ['test', '-q', 'b'] })).stderr, "test: '-q': unary operator expected\n");
  assert.equal((await runProgram(test, { argv: ['test', '(', 'a', '=', 'a', 'x', 'y'] })).stderr, "test: ')' expected, found 'x'\n");
  assert.equal((await runProgram(test, { argv: ['test', 'a', 'b', 'c'] })).stderr, "test: 'b': binary operator expected\n");
  assert.equal((await runProgram(test, { argv: ['test', '(', 'a', '=', 'a', 'x', 'y'] })).status, 2);
  assert.equal((await runProgram(test, { argv: ['test', 'a', '=', 'a', '-a'] })).stderr, "test: missing argument after '-a'\n");
});

it('[ needs its closing ]', async () => {
  assert.equal((await runProgram(bracket, { argv: ['[', '-f', 'f', ']'], files })).status, 0);
  assert.equal((await runProgram(bracket, { argv: ['[', ']'] })).status, 1);
  const r = await runProgram(bracket, { argv: ['[', '-f', 'f'], files });
  assert.deepEqual([r.status, r.stderr], [2, "[: missing ']'\n"]);
});
