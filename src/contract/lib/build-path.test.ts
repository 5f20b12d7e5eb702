import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeBuildPath } from './build-path.js';
import { ContractError } from './errors.js';

const ACCEPTED: [string, string][] = [
  ['a', 'a'],
  ['contracts/token', 'contracts/token'],
  ['a/b/', 'a/b'],
  ['a\\b\\c', 'a/b/c'],
  ['a\\b\\', 'a/b'],
  ['src/café/模块', 'src/café/模块'],
  ['emoji/😀/x', 'emoji/😀/x'],
  ['a/.hidden/b', 'a/.hidden/b'],
  ['a/b.c/d..e', 'a/b.c/d..e'],
  ['a/.../b', 'a/.../b'],
  ['a/..b/c', 'a/..b/c'],
  ['a/b../c', 'a/b../c'],
  ['with space/x', 'with space/x'],
  ['a%20b', 'a%20b'], // kept as written, not decoded
  ['a%2fb', 'a%2fb'],
  ['%zz/x', '%zz/x'],
  ['a/%e2%82', 'a/%e2%82'],
  ['a/%c0%ae%c0%ae/b', 'a/%c0%ae%c0%ae/b'], // overlong '.' is invalid UTF-8, stays literal
  ['a/%', 'a/%'],
  ['a/%2', 'a/%2'],
  ['x'.repeat(512), 'x'.repeat(512)],
  ['C', 'C'],
  ['C/x', 'C/x'],
  ['ab:c', 'ab:c'],
];

const RELATIVE = /^build path must be relative/;
const DOTDOT = /^build path must not contain '\.\.' segments/;
const DECODED_DOTDOT = /^build path must not contain '\.\.' segments \(after percent-decoding\)/;
const LEADING_DOT = /^build path must not start with '\.'/;
const CONTROL = /^build path must not contain control characters/;
const EMPTY_SEGMENT = /^build path must not contain empty segments/;

const REJECTED: [unknown, RegExp][] = [
  ['', /^build path must not be empty$/],
  ['x'.repeat(513), /^build path must be at most 512 characters, got 513/],
  [undefined, /^build path must be a string, got an undefined/],
  [null, /^build path must be a string, got null/],
  [5, /^build path must be a string, got a number 5/],
  [['a'], /^build path must be a string, got an array/],
  ['/x', RELATIVE],
  ['/', RELATIVE],
  ['\\x', RELATIVE],
  ['C:/x', RELATIVE],
  ['C:\\x', RELATIVE],
  ['c:x', RELATIVE],
  ['a:b', RELATIVE], // drive-relative on Windows
  ['//server/x', RELATIVE],
  ['\\\\server\\x', RELATIVE],
  ['%2fetc/passwd', RELATIVE],
  ['%5cx', RELATIVE],
  ['.github/x', LEADING_DOT],
  ['./x', LEADING_DOT],
  ['.', LEADING_DOT],
  ['.git', LEADING_DOT],
  ['%2egithub/x', LEADING_DOT],
  ['..', DOTDOT],
  ['../x', DOTDOT],
  ['a/..', DOTDOT],
  ['a/../b', DOTDOT],
  ['a\\..\\b', DOTDOT],
  ['a/../', DOTDOT],
  ['a/./b', /^build path must not contain '\.' segments/],
  ['a/.', /^build path must not contain '\.' segments/],
  ['%2e%2e%2f', DECODED_DOTDOT],
  ['%2E%2E/x', DECODED_DOTDOT],
  ['..%2fx', DECODED_DOTDOT],
  ['..%252f', DECODED_DOTDOT],
  ['a/%2e%2e/b', DECODED_DOTDOT],
  ['a/%2e./b', DECODED_DOTDOT],
  ['a/.%2E', DECODED_DOTDOT],
  ['a/%252e%252e/b', DECODED_DOTDOT],
  ['a/%25252e%25252e/b', DECODED_DOTDOT],
  ['a/%2525252e%2525252e/b', DECODED_DOTDOT], // four rounds
  ['a%2f..%2fb', DECODED_DOTDOT],
  ['a%5c..%5cb', DECODED_DOTDOT],
  ['a/b%00', CONTROL],
  ['a\u0000b', CONTROL],
  ['a\nb', CONTROL],
  ['a\tb', CONTROL],
  ['a\u001fb', CONTROL],
  ['a\u007fb', CONTROL],
  ['a%0a', CONTROL],
  ['a%7F', CONTROL],
  ['a%2500', CONTROL],
  ['a//b', EMPTY_SEGMENT],
  ['a\\\\b', EMPTY_SEGMENT],
  ['a/b//', EMPTY_SEGMENT],
  ['a%2f%2fb', EMPTY_SEGMENT],
];

describe('normalizeBuildPath accepts', () => {
  for (const [input, expected] of ACCEPTED) it(JSON.stringify(input), () => assert.equal(normalizeBuildPath(input), expected));
});

describe('normalizeBuildPath rejects', () => {
  for (const [input, message] of REJECTED) {
    it(String(JSON.stringify(input)).slice(0, 60), () => {
      assert.throws(
        () => normalizeBuildPath(input),
        (e: unknown) => e instanceof ContractError && message.test(e.message),
      );
    });
  }

  it('stops after four rounds of decoding (five-times-encoded is literal, hence harmless)', () => {
    assert.equal(normalizeBuildPath('a/%252525252e%252525252e/b'), 'a/%252525252e%252525252e/b');
  });

  it('quotes the original input in the message', () => {
    assert.throws(() => normalizeBuildPath('a/%2e%2e/b'), { message: "build path must not contain '..' segments (after percent-decoding): 'a/%2e%2e/b'" });
    assert.throws(() => normalizeBuildPath('a/../b'), { message: "build path must not contain '..' segments: 'a/../b'" });
  });
});
