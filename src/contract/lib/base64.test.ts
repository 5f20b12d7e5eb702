import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { base64Decode, base64Encode, hexEncode } from './base64.js';
import { ContractError } from './errors.js';

function bytesOf(seed: number, len: number): Uint8Array {
  const u = new Uint8Array(len);
  for (let i = 0; i < len; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    u[i] = seed >>> 24;
  }
  return u;
}

const SAMPLES: Uint8Array[] = [new Uint8Array(0), new Uint8Array([0]), new Uint8Array([255, 255]), new Uint8Array([251, 255, 191])];
for (let len = 0; len < 70; len++) SAMPLES.push(bytesOf(len + 1, len));

describe('base64Encode / base64Decode', () => {
  it('matches Buffer on many inputs and round-trips', () => {
    for (const bytes of SAMPLES) {
      const text = Buffer.from(bytes).toString('base64');
      assert.equal(base64Encode(bytes), text);
      assert.deepEqual(base64Decode(text), new Uint8Array(bytes));
    }
  });

  it('knows the RFC 4648 vectors', () => {
    const vectors: [string, string][] = [['', ''], ['f', 'Zg=='], ['fo', 'Zm8='], ['foo', 'Zm9v'], ['foob', 'Zm9vYg=='], ['fooba', 'Zm9vYmE='], ['foobar', 'Zm9vYmFy']];
    for (const [plain, encoded] of vectors) {
      assert.equal(base64Encode(new TextEncoder().encode(plain)), encoded);
      assert.equal(new TextDecoder().decode(base64Decode(encoded)), plain);
    }
  });

  // nearcore's own wording (the chain codec's), so a panic reads like the chain's PARSE_ERROR.
  const bad: string[] = ['Zg', 'Zg=', 'Zm9v\n', 'Zm9 ', 'Zm-_', 'Zm9é', 'Z===', '====', 'Zg==Zg==', '=Zg=', 'Zh==', 'Zm9='];

  for (const text of bad) {
    it(`rejects ${JSON.stringify(text)}`, () => {
      assert.throws(() => base64Decode(text), (e: unknown) => e instanceof ContractError && e.message.startsWith('invalid base64: ') && e.message.includes(JSON.stringify(text).slice(1, 3)));
    });
  }
});

describe('hexEncode', () => {
  it('matches Buffer, lowercase', () => {
    for (const bytes of SAMPLES) assert.equal(hexEncode(bytes), Buffer.from(bytes).toString('hex'));
    assert.equal(hexEncode(new Uint8Array([0, 10, 171, 255])), '000aabff');
  });
});
