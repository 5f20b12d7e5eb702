import assert from 'node:assert/strict';
import { it } from 'node:test';
import { unescape } from './escape.js';
import { getopt } from './getopt.js';
import { argBin, fromBin, toBin, UsageError } from './io.js';
import { basename, isWithin, join, resolve } from './path.js';

it('getopt groups letters, takes attached or separate arguments, permutes, stops at --', () => {
  assert.deepEqual(getopt(['-nr', 'f', '-k2', '-t', ':', '--', '-x'], 'k:nrt:'), {
    opts: [['n', ''], ['r', ''], ['k', '2'], ['t', ':']],
    operands: ['f', '-x'],
  });
  assert.deepEqual(getopt(['-i', 'cmd', '-x'], 'i', true).operands, ['cmd', '-x']);
  assert.deepEqual(getopt(['-'], 'n').operands, ['-']);
  assert.throws(() => getopt(['-q'], 'n'), (e: unknown) => e instanceof UsageError && e.message === "invalid option -- 'q'");
  assert.throws(() => getopt(['-k'], 'k:'), /option requires an argument -- 'k'/);
});

it('escapes differ between echo, printf formats and %b as in GNU', () => {
  assert.deepEqual(unescape('a\\0101\\101', 'echo'), { text: 'aA\\101', stop: false });
  assert.deepEqual(unescape('\\0101\\101', 'format'), { text: '\b1A', stop: false });
  assert.deepEqual(unescape('\\0101\\101\\x41\\u00e9', 'b'), { text: 'AAA\xc3\xa9', stop: false });
  assert.deepEqual(unescape('x\\cy', 'b'), { text: 'x', stop: true });
  assert.deepEqual(unescape('\\q\\', 'format'), { text: '\\q\\', stop: false });
});

it('binary strings round-trip every byte; arguments become UTF-8', () => {
  const all = Uint8Array.from({ length: 256 }, (_, i) => i);
  assert.deepEqual(fromBin(toBin(all)), all);
  assert.equal(argBin('é'), '\xc3\xa9');
});

it('paths', () => {
  assert.equal(join('a/', 'b'), 'a/b');
  assert.equal(basename('/x/y//'), 'y');
  assert.equal(basename('/'), '/');
  assert.equal(resolve('/a/b', '../c/./d'), '/a/c/d');
  assert.ok(isWithin('/a', '/a/b') && isWithin('/', '/x') && !isWithin('/a', '/ab'));
});
