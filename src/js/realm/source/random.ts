/**
 * Guest-side source: the realm's only source of randomness, a xoshiro128** generator
 * (Blackman & Vigna, 2018) reseeded per execution by `control.begin`. `Math.random` and
 * `crypto.getRandomValues` draw from the same stream, so the same seed gives the same values in
 * the same order on every machine.
 */
export const RANDOM_SOURCE = String.raw`
function makeRandom() {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const rotl = (x, k) => (x << k) | (x >>> (32 - k));
  /** MurmurHash3's 32-bit finaliser: a bijection, so distinct seeds stay distinct. */
  const mix = (h) => {
    h = imul(h ^ (h >>> 16), 0x85ebca6b);
    h = imul(h ^ (h >>> 13), 0xc2b2ae35);
    return h ^ (h >>> 16);
  };
  const next32 = () => {
    const result = imul(rotl(imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result;
  };
  /** Folds 32 seed bytes (little-endian words w0..w7) into the 128-bit state. */
  const seed = (bytes) => {
    const w = [];
    for (let i = 0; i < 8; i++) {
      w[i] = bytes[4 * i] | (bytes[4 * i + 1] << 8) | (bytes[4 * i + 2] << 16) | (bytes[4 * i + 3] << 24);
    }
    seedWords(w);
  };
  /** The same seed as 8 little-endian u32 words (what the host passes: no parsing in metered code). */
  const seedWords = (w) => {
    s0 = mix(w[0] ^ mix(w[4] ^ 0x9e3779b9));
    s1 = mix(w[1] ^ mix(w[5] ^ 0x3c6ef372));
    s2 = mix(w[2] ^ mix(w[6] ^ 0xdaa66d2b));
    s3 = mix(w[3] ^ mix(w[7] ^ 0x78dde6e4));
    if ((s0 | s1 | s2 | s3) === 0) s0 = 1; // the all-zero state is a fixed point
  };
  seed([]);

  const random = {
    /** 53 random bits, uniform in [0, 1). */
    random() {
      return ((next32() >>> 5) * 67108864 + (next32() >>> 6)) / 9007199254740992;
    },
  }.random;

  const INTEGER_ARRAYS = new OriginalSet([
    'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array',
    'Int32Array', 'Uint32Array', 'BigInt64Array', 'BigUint64Array',
  ]);
  /** W3C WebCrypto §10.1.1: at most 65536 bytes per call. */
  const QUOTA = 65536;
  const crypto = {
    getRandomValues(array) {
      const kind = typedArrayTag(array);
      if (kind === undefined || !setHas(INTEGER_ARRAYS, kind)) {
        throw new OriginalTypeError('crypto.getRandomValues: the argument must be an integer-type typed array');
      }
      const length = typedArrayByteLength(array);
      if (length > QUOTA) {
        const error = new OriginalRangeError(
          "crypto.getRandomValues: the typed array's byte length (" + length + ') exceeds the ' + QUOTA + ' bytes of entropy available per call',
        );
        defineProperty(error, 'name', { value: 'QuotaExceededError', writable: true, enumerable: false, configurable: true });
        throw error;
      }
      const bytes = new OriginalUint8Array(typedArrayBuffer(array), typedArrayByteOffset(array), length);
      for (let i = 0; i < length; i += 4) {
        const r = next32();
        bytes[i] = r & 255;
        if (i + 1 < length) bytes[i + 1] = (r >>> 8) & 255;
        if (i + 2 < length) bytes[i + 2] = (r >>> 16) & 255;
        if (i + 3 < length) bytes[i + 3] = r >>> 24;
      }
      return array;
    },
  };
  defineProperty(crypto, Symbol.toStringTag, { value: 'Crypto', writable: false, enumerable: false, configurable: true });

  return { seed, seedWords, random, crypto };
}
`;
