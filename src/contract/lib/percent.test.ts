import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { percentDecodeLenient } from './percent.js';

describe('percentDecodeLenient', () => {
  const cases: [string, string][] = [
    ['', ''],
    ['plain', 'plain'],
    ['%2e%2E', '..'],
    ['a%2fb', 'a/b'],
    ['%252e', '%2e'], // one round only
    ['%zz', '%zz'],
    ['%', '%'],
    ['%2', '%2'],
    ['a%', 'a%'],
    ['%e2%82', '%e2%82'], // truncated UTF-8 stays literal
    ['%e2%82%ac', '€'],
    ['%e2%82%acx%e2', '€x%e2'],
    ['%e2%82%2e', '%e2%82.'], // the valid escape after an invalid run is still decoded
    ['%c0%ae', '%c0%ae'], // overlong
    ['%ed%a0%80', '%ed%a0%80'], // surrogate
    ['%f0%9f%98%80', '😀'],
    ['%00', '\u0000'],
    ['%ff%41', '%ffA'],
    ['café%20x', 'café x'],
  ];
  for (const [input, expected] of cases) it(JSON.stringify(input), () => assert.equal(percentDecodeLenient(input), expected));

  it('matches decodeURIComponent wherever that succeeds', () => {
    for (const s of ['%41%42', 'a%2Fb%3F', '%E6%A8%A1%E5%9D%97', '100%25', '%F0%9F%91%8D%F0%9F%8F%BD']) {
      assert.equal(percentDecodeLenient(s), decodeURIComponent(s));
    }
  });
});
