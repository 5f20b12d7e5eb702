import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { utf8Decode, utf8Encode, utf8Length } from './utf8.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

const STRINGS = [
  '',
  'hello',
  'café',
  '模块',
  '😀👍🏽 family: 👨‍👩‍👧',
  '\u0000\u007f\u0080\u07ff\u0800\uffff',
  '\ud800', // lone high
  '\udc00', // lone low
  'a\ud800b',
  '\udc00\ud800', // reversed pair
  '\ud83d\ude00\ud83d', // pair then lone high at the end
  '\ufeffBOM',
  '\u{10ffff}\u{10000}',
];

// Deterministic pseudo-random strings over interesting code unit ranges.
function randomStrings(count: number): string[] {
  let seed = 12345;
  const next = (): number => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed;
  };
  const ranges: [number, number][] = [[0, 0x7f], [0x80, 0x7ff], [0x800, 0xd7ff], [0xd800, 0xdfff], [0xe000, 0xffff]];
  const out: string[] = [];
  for (let n = 0; n < count; n++) {
    let s = '';
    const len = next() % 20;
    for (let i = 0; i < len; i++) {
      const [lo, hi] = ranges[next() % ranges.length]!;
      s += String.fromCharCode(lo + (next() % (hi - lo + 1)));
    }
    out.push(s);
  }
  return out;
}

describe('utf8Encode / utf8Length', () => {
  for (const s of [...STRINGS, ...randomStrings(500)]) {
    it(`matches TextEncoder for ${JSON.stringify(s)}`, () => {
      assert.deepEqual(utf8Encode(s), encoder.encode(s));
      assert.equal(utf8Length(s), encoder.encode(s).length);
    });
  }
});

describe('utf8Decode', () => {
  it('round-trips every valid string like TextDecoder', () => {
    for (const s of [...STRINGS, ...randomStrings(500)]) {
      const bytes = encoder.encode(s);
      assert.equal(utf8Decode(bytes), decoder.decode(bytes));
    }
  });

  it('keeps a leading BOM (TextDecoder with ignoreBOM: true)', () => {
    assert.equal(utf8Decode(new Uint8Array([0xef, 0xbb, 0xbf, 0x41])), '\ufeffA');
  });

  const invalid: number[][] = [
    [0x80],
    [0xbf, 0x41],
    [0xc0, 0x80], // overlong NUL
    [0xc1, 0xbf],
    [0xe0, 0x80, 0x80], // overlong
    [0xed, 0xa0, 0x80], // surrogate
    [0xf4, 0x90, 0x80, 0x80], // above U+10FFFF
    [0xf5, 0x80],
    [0xff],
    [0xe2, 0x82], // truncated
    [0xe2, 0x82, 0x41],
    [0xf0, 0x9f, 0x98], // truncated emoji
    [0xf0, 0x9f, 0x41, 0x98, 0x80],
    [0x41, 0xc3],
  ];
  for (const bytes of invalid) {
    it(`replaces invalid ${bytes.map((b) => b.toString(16)).join(' ')} like TextDecoder`, () => {
      const u = new Uint8Array(bytes);
      assert.equal(utf8Decode(u), decoder.decode(u));
    });
  }

  it('matches TextDecoder on random bytes', () => {
    let seed = 99;
    for (let n = 0; n < 2000; n++) {
      const len = n % 12;
      const u = new Uint8Array(len);
      for (let i = 0; i < len; i++) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        // bias towards the interesting lead/continuation bytes
        u[i] = seed % 3 === 0 ? (seed >>> 8) & 0xff : 0x80 + ((seed >>> 8) % 0x78);
      }
      assert.equal(utf8Decode(u), decoder.decode(u), `bytes ${[...u].join(',')}`);
    }
  });

  it('decodes large inputs', () => {
    const s = '模'.repeat(50_000);
    assert.equal(utf8Decode(encoder.encode(s)), s);
  });
});
